import { takeOpenLicenseRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { takeOpenLicense } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(takeOpenLicenseRoute, async ({ caller, params, body }) => {
  const { created, deal } = await takeOpenLicense(deps, caller, params.applicationNumber, body);
  return { status: created ? 201 : 200, body: deal, headers: { location: `/v1/deals/${deal.dealId}` } };
});

import { declareOpenLicenseRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { declareOpenLicense } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(declareOpenLicenseRoute, async ({ caller, params, body }) => {
  const { changed, openLicense } = await declareOpenLicense(deps, caller, params.applicationNumber, body);
  return { status: changed ? 201 : 200, body: openLicense };
});

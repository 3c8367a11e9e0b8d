import { getOpenLicenseRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { getOpenLicense } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(getOpenLicenseRoute, async ({ params }) => ({
  status: 200,
  body: await getOpenLicense(deps, params.applicationNumber),
}));

import { withdrawOpenLicenseRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { withdrawOpenLicense } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(withdrawOpenLicenseRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: (await withdrawOpenLicense(deps, caller, params.applicationNumber, body.reason)).openLicense,
}));

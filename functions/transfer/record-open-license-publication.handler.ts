import { recordOpenLicensePublicationRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { recordOpenLicensePublication } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(recordOpenLicensePublicationRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: (await recordOpenLicensePublication(deps, caller, params.applicationNumber, body)).openLicense,
}));

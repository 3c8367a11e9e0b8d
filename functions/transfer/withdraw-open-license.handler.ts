import { httpRoute } from '../shared/http.ts';
import { withdrawOpenLicense } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(
  'POST /v1/patents/{applicationNumber}/open-license/withdrawal',
  async ({ caller, params, body }) => ({
    status: 200,
    body: (await withdrawOpenLicense(deps, caller, params.applicationNumber, body.reason)).openLicense,
  }),
);

import { httpRoute } from '../shared/http.ts';
import { getOpenLicense } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute('GET /v1/patents/{applicationNumber}/open-license', async ({ params }) => ({
  status: 200,
  body: await getOpenLicense(deps, params.applicationNumber),
}));

import { httpRoute } from '../shared/http.ts';
import { listOpenLicenses } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute('GET /v1/open-licenses', async ({ query }) => ({
  status: 200,
  body: await listOpenLicenses(deps, query),
}));

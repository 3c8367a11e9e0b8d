import { httpRoute } from '../shared/http.ts';
import { listDeals } from './deals.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute('GET /v1/deals', async ({ caller, query }) => ({
  status: 200,
  body: await listDeals(deps, caller, query),
}));

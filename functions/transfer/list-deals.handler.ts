import { listDealsRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { listDeals } from './deals.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(listDealsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listDeals(deps, caller, query),
}));

import { listUnimplementedFundedRoute } from '../../schemas/routes/monitoring.ts';
import { httpRoute } from '../shared/http.ts';
import { listUnimplementedFunded } from './monitoring.ts';
import { fundedListDeps } from './monitoring-deps.ts';

const deps = fundedListDeps();

export const handler = httpRoute(listUnimplementedFundedRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listUnimplementedFunded(deps, caller, query),
  headers: { 'cache-control': 'no-store' },
}));

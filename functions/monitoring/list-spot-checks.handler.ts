import { listSpotChecksRoute } from '../../schemas/routes/monitoring.ts';
import { httpRoute } from '../shared/http.ts';
import { listSpotChecks } from './monitoring.ts';
import { spotCheckDeps } from './monitoring-deps.ts';

const deps = spotCheckDeps();

export const handler = httpRoute(listSpotChecksRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listSpotChecks(deps.store, caller, query),
  headers: { 'cache-control': 'no-store' },
}));

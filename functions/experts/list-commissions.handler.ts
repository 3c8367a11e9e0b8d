import { listCommissionsRoute } from '../../schemas/routes/experts.ts';
import { httpRoute } from '../shared/http.ts';
import { listCommissions } from './commissions.ts';
import { expertPoolDeps } from './expert-pool-deps.ts';

const deps = expertPoolDeps();

export const handler = httpRoute(listCommissionsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listCommissions(deps, caller, query),
}));

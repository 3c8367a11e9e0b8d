import { listExpertsRoute } from '../../schemas/routes/experts.ts';
import { httpRoute } from '../shared/http.ts';
import { expertPoolDeps } from './expert-pool-deps.ts';
import { listExperts } from './pool.ts';

const deps = expertPoolDeps();

export const handler = httpRoute(listExpertsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listExperts(deps, caller, query),
}));

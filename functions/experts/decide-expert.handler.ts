import { decideExpertRoute } from '../../schemas/routes/experts.ts';
import { httpRoute } from '../shared/http.ts';
import { expertPoolDeps } from './expert-pool-deps.ts';
import { decideExpert } from './pool.ts';

const deps = expertPoolDeps();

export const handler = httpRoute(decideExpertRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await decideExpert(deps, caller, params.expertId, body),
}));

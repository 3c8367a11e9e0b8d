import { requestCommissionRoute } from '../../schemas/routes/experts.ts';
import { httpRoute } from '../shared/http.ts';
import { requestCommission } from './commissions.ts';
import { expertPoolDeps } from './expert-pool-deps.ts';

const deps = expertPoolDeps();

export const handler = httpRoute(requestCommissionRoute, async ({ caller, params, body }) => {
  const { created, commission } = await requestCommission(deps, caller, params.expertId, body);
  return { status: created ? 201 : 200, body: commission };
});

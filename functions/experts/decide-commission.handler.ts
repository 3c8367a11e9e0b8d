import { decideCommissionRoute } from '../../schemas/routes/experts.ts';
import { httpRoute } from '../shared/http.ts';
import { decideCommission } from './commissions.ts';
import { expertPoolDeps } from './expert-pool-deps.ts';

const deps = expertPoolDeps();

export const handler = httpRoute(decideCommissionRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await decideCommission(deps, caller, params.commissionId, body),
}));

import { decideEnterpriseRoute } from '../../schemas/routes/market.ts';
import { httpRoute } from '../shared/http.ts';
import { decideEnterprise } from './evaluators.ts';
import { evaluatorDeps } from './market-deps.ts';

const deps = evaluatorDeps();

export const handler = httpRoute(decideEnterpriseRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await decideEnterprise(deps, caller, params.uscc, body),
}));

import { getEnterpriseRoute } from '../../schemas/routes/market.ts';
import { httpRoute } from '../shared/http.ts';
import { getEnterprise } from './evaluators.ts';
import { evaluatorDeps } from './market-deps.ts';

const deps = evaluatorDeps();

export const handler = httpRoute(getEnterpriseRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getEnterprise(deps, caller, params.uscc),
}));

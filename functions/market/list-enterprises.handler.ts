import { listEnterprisesRoute } from '../../schemas/routes/market.ts';
import { httpRoute } from '../shared/http.ts';
import { listEnterprises } from './evaluators.ts';
import { evaluatorDeps } from './market-deps.ts';

const deps = evaluatorDeps();

export const handler = httpRoute(listEnterprisesRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listEnterprises(deps, caller, query),
}));

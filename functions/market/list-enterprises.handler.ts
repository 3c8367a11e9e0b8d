import { httpRoute } from '../shared/http.ts';
import { listEnterprises } from './evaluators.ts';
import { evaluatorDeps } from './market-deps.ts';

const deps = evaluatorDeps();

export const handler = httpRoute('GET /v1/enterprises', async ({ caller, query }) => ({
  status: 200,
  body: await listEnterprises(deps, caller, query),
}));

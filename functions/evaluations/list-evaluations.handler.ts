import { httpRoute } from '../shared/http.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { listEvaluations } from './evaluations.ts';

const deps = evaluationDeps();

export const handler = httpRoute(
  'GET /v1/patents/{applicationNumber}/evaluations',
  async ({ caller, params }) => ({
    status: 200,
    body: await listEvaluations(deps, caller, params.applicationNumber),
  }),
);

import { httpRoute } from '../shared/http.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { getMyEvaluation } from './evaluations.ts';

const deps = evaluationDeps();

export const handler = httpRoute(
  'GET /v1/patents/{applicationNumber}/evaluations/mine',
  async ({ caller, params }) => ({
    status: 200,
    body: await getMyEvaluation(deps, caller, params.applicationNumber),
  }),
);

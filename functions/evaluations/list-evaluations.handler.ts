import { listEvaluationsRoute } from '../../schemas/routes/evaluations.ts';
import { httpRoute } from '../shared/http.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { listEvaluations } from './evaluations.ts';

const deps = evaluationDeps();

export const handler = httpRoute(listEvaluationsRoute, async ({ caller, params }) => ({
  status: 200,
  body: await listEvaluations(deps, caller, params.applicationNumber),
}));

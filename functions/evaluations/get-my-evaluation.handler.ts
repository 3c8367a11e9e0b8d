import { getMyEvaluationRoute } from '../../schemas/routes/evaluations.ts';
import { httpRoute } from '../shared/http.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { getMyEvaluation } from './evaluations.ts';

const deps = evaluationDeps();

export const handler = httpRoute(getMyEvaluationRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getMyEvaluation(deps, caller, params.applicationNumber),
}));

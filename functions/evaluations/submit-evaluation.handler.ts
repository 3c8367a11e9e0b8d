import { submitEvaluationRoute } from '../../schemas/routes/evaluations.ts';
import { httpRoute } from '../shared/http.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { submitEvaluation } from './evaluations.ts';

const deps = evaluationDeps();

export const handler = httpRoute(submitEvaluationRoute, async ({ caller, params, body }) => {
  const { created, evaluation } = await submitEvaluation(deps, caller, params.applicationNumber, body);
  return { status: created ? 201 : 200, body: evaluation };
});

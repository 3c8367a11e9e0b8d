import { submitEvaluationRoute } from '../../schemas/routes/evaluations.ts';
import { httpRoute } from '../shared/http.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { submitEvaluation } from './evaluations.ts';
import { lateTiering } from './tiering-deps.ts';

// An evaluation after the window closed may re-tier the patent: the tiering rules in force.
const deps = { ...evaluationDeps(), tiering: lateTiering() };

export const handler = httpRoute(submitEvaluationRoute, async ({ caller, params, body }) => {
  const { created, evaluation } = await submitEvaluation(deps, caller, params.applicationNumber, body);
  return { status: created ? 201 : 200, body: evaluation };
});

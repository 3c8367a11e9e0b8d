import { declineRequestRoute } from '../../schemas/routes/evaluations.ts';
import { httpRoute } from '../shared/http.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { declineRequest } from './evaluations.ts';

const deps = evaluationDeps();

export const handler = httpRoute(declineRequestRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await declineRequest(deps, caller, params.applicationNumber, body),
}));

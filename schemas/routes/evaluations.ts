/** Evaluations: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import { errorBodySchema } from '../errors.ts';
import {
  declinedRequestSchema,
  declineRequestSchema,
  evaluationInputSchema,
  myEvaluationSchema,
  patentEvaluationsSchema,
} from '../evaluation.ts';
import { patentParamsSchema } from '../patent.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
export const submitEvaluationRoute = {
  method: 'PUT',
  path: '/v1/patents/{applicationNumber}/evaluations/mine',
  function: 'submitEvaluation',
  roles: ['enterprise', 'expert'],
  summary:
    'Your evaluation of a conversion-pool patent (a matched evaluator, or a verified enterprise that found it in the pool); a second PUT replaces it',
  tags: ['evaluations'],
  request: { params: patentParamsSchema, body: evaluationInputSchema },
  responses: {
    201: { description: 'Evaluation recorded', schema: myEvaluationSchema },
    200: { description: 'Evaluation replaced (version + 1)', schema: myEvaluationSchema },
    ...routeErrors,
    403: {
      description:
        "Your role may not call this route; the patent is your own organization's (conflict of interest); your enterprise is not verified (details.status); an expert without a request",
      schema: errorBodySchema,
    },
    404: { description: 'No such patent in the conversion pool', schema: errorBodySchema },
    409: {
      description:
        'The evaluation window closed (names the date), or your evaluation changed since you read it',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const getMyEvaluationRoute = {
  method: 'GET',
  path: '/v1/patents/{applicationNumber}/evaluations/mine',
  function: 'getMyEvaluation',
  roles: ['enterprise', 'expert'],
  summary: 'Your own evaluation of a patent (enterprises: the one of your enterprise)',
  tags: ['evaluations'],
  request: { params: patentParamsSchema },
  responses: {
    200: { description: 'Your evaluation and the state of the window', schema: myEvaluationSchema },
    ...routeErrors,
    404: { description: 'You have not evaluated this patent', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listEvaluationsRoute = {
  method: 'GET',
  path: '/v1/patents/{applicationNumber}/evaluations',
  function: 'listEvaluations',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles],
  summary:
    "Every evaluation of a patent with the aggregate: its institution, the admin of its province, national admins (an enterprise's identity only with its consent). Enterprises and experts: 404, read yours at .../evaluations/mine",
  tags: ['evaluations'],
  request: { params: patentParamsSchema },
  responses: {
    200: { description: 'Evaluations, aggregate and window', schema: patentEvaluationsSchema },
    ...routeErrors,
    404: { description: 'No such patent in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const declineRequestRoute = {
  method: 'POST',
  path: '/v1/inbox/{applicationNumber}/decline',
  function: 'declineRequest',
  roles: ['enterprise', 'expert'],
  summary:
    'Decline an evaluation request in your inbox, with an optional reason (declining twice changes nothing)',
  tags: ['evaluations'],
  request: { params: patentParamsSchema, body: declineRequestSchema },
  responses: {
    200: { description: 'The request, declined', schema: declinedRequestSchema },
    ...routeErrors,
    404: { description: 'No request for this patent in your inbox', schema: errorBodySchema },
    409: { description: 'Already evaluated', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const evaluationsRoutes = [
  submitEvaluationRoute,
  getMyEvaluationRoute,
  listEvaluationsRoute,
  declineRequestRoute,
] as const;

/** Evaluations: submitting, reading, evaluation windows, weekly feedback. Joined with the other areas in infra/resources.ts. */

import { errorBodySchema } from '../../schemas/errors.ts';
import {
  declinedRequestSchema,
  declineRequestSchema,
  evaluationInputSchema,
  myEvaluationSchema,
  patentEvaluationsSchema,
} from '../../schemas/evaluation.ts';
import { patentParamsSchema } from '../../schemas/patent.ts';
import {
  adminRoles,
  type FunctionDeclaration,
  type RouteDeclaration,
  routeErrors,
  type ScheduleDeclaration,
} from './declarations.ts';

export const evaluationsFunctions = {
  submitEvaluation: {
    entry: 'functions/evaluations/submit-evaluation.handler.ts',
    description:
      'PUT /v1/patents/{applicationNumber}/evaluations/mine: an enterprise or expert evaluates a conversion-pool patent (closes the window on quorum)',
    tables: { core: 'readWrite' },
  },
  getMyEvaluation: {
    entry: 'functions/evaluations/get-my-evaluation.handler.ts',
    description: 'GET /v1/patents/{applicationNumber}/evaluations/mine: the own evaluation of the caller',
    tables: { core: 'read' },
  },
  listEvaluations: {
    entry: 'functions/evaluations/list-evaluations.handler.ts',
    description:
      'GET /v1/patents/{applicationNumber}/evaluations: every evaluation and the aggregate (institution, admins)',
    tables: { core: 'read' },
  },
  declineRequest: {
    entry: 'functions/evaluations/decline-request.handler.ts',
    description: 'POST /v1/inbox/{applicationNumber}/decline: a matched evaluator declines its request',
    tables: { core: 'readWrite' },
  },
  closeEvaluationWindows: {
    entry: 'functions/evaluations/close-evaluation-windows.handler.ts',
    description:
      'Deadline sweep task (workflow deadline-sweep): closes the evaluation windows past their deadline (aggregate, evaluationClosed event)',
    tables: { core: 'readWrite' },
    timeoutSeconds: 900,
  },
  sendWeeklyFeedback: {
    entry: 'functions/evaluations/send-weekly-feedback.handler.ts',
    description: 'Schedule: the weekly summary of new evaluations to each institution',
    tables: { core: 'readWrite' },
    timeoutSeconds: 900,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const evaluationsRoutes = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
] as const satisfies readonly RouteDeclaration[];

export const evaluationsSchedules = {
  'weekly-feedback': {
    description: 'Weekly summary of new evaluations to each institution (Mondays, 09:00 China time)',
    cron: 'cron(0 9 ? * MON *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'sendWeeklyFeedback' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;

import { errorBodySchema } from '../errors.ts';
import { pageQuerySchema } from '../pagination.ts';
import { patentParamsSchema } from '../patent.ts';
import {
  historyPageSchema,
  pipelineFailurePageSchema,
  pipelineFailuresQuerySchema,
  retryFailureParamsSchema,
  retryResultSchema,
} from '../pipeline.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
export const listPipelineFailuresRoute = {
  method: 'GET',
  path: '/v1/pipeline/failures',
  function: 'listPipelineFailures',
  roles: adminRoles,
  summary:
    'Pipeline events whose stage failed after its retries, newest first (province admins: their province)',
  tags: ['pipeline'],
  request: { query: pipelineFailuresQuerySchema },
  responses: {
    200: { description: 'A page of failures', schema: pipelineFailurePageSchema },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const retryPipelineFailureRoute = {
  method: 'POST',
  path: '/v1/pipeline/failures/{eventId}/retry',
  function: 'retryPipelineFailure',
  roles: adminRoles,
  summary:
    'Run the failed stage again with the same event (a second retry of the same failure starts nothing new)',
  tags: ['pipeline'],
  request: { params: retryFailureParamsSchema },
  responses: {
    202: { description: 'A new execution was started', schema: retryResultSchema },
    200: { description: 'Already retried: the execution started then', schema: retryResultSchema },
    ...routeErrors,
    404: { description: 'No such failure in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const getPatentHistoryRoute = {
  method: 'GET',
  path: '/v1/patents/{applicationNumber}/history',
  function: 'getPatentHistory',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles, 'ministry-admin'],
  summary:
    'Every lifecycle transition of a patent, oldest first: time, actor, event, states, the execution that ran it (its institution and the admins of its scope; others 404)',
  tags: ['pipeline'],
  request: { params: patentParamsSchema, query: pageQuerySchema },
  responses: {
    200: { description: 'A page of the history', schema: historyPageSchema },
    ...routeErrors,
    404: { description: 'No such patent in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const pipelineRoutes = [
  listPipelineFailuresRoute,
  retryPipelineFailureRoute,
  getPatentHistoryRoute,
] as const;

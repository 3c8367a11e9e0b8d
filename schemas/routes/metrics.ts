/** Metrics: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import { reconciliationListSchema } from '../metrics.ts';
import { type RouteDeclaration, routeErrors } from './route.ts';
export const listReconciliationsRoute = {
  method: 'GET',
  path: '/v1/metrics/reconciliation',
  function: 'listReconciliations',
  roles: ['national-admin'],
  summary:
    'The last recompute runs of the metrics counters (newest first) and the differences each corrected',
  tags: ['metrics'],
  responses: {
    200: { description: 'Reconciliation runs', schema: reconciliationListSchema },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const metricsRoutes = [listReconciliationsRoute] as const;

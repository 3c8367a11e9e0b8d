/** Metrics: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import { errorBodySchema } from '../errors.ts';
import { reconciliationListSchema } from '../metrics.ts';
import { rankingsParamsSchema, rankingsQuerySchema, rankingsSchema } from '../rankings.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
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

export const getRankingsRoute = {
  method: 'GET',
  path: '/v1/rankings/{quarter}',
  function: 'getRankings',
  roles: [...adminRoles, 'ministry-admin'],
  summary:
    'The Work Plan assessment indicators of a quarter (转让登记, 许可合同备案, 实施率, 产业化率, 专利产品备案; evidenced figures), ranked by province or by ministry, each with its formula, and the anomaly flags (national admins: every row and flag; province / ministry admins: the whole table of their kind, the flags of their own row)',
  tags: ['metrics'],
  request: { params: rankingsParamsSchema, query: rankingsQuerySchema },
  responses: {
    200: { description: 'The ranking', schema: rankingsSchema },
    ...routeErrors,
    404: { description: 'No such row in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const metricsRoutes = [listReconciliationsRoute, getRankingsRoute] as const;

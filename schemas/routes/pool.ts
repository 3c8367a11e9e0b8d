/** Pool: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import { errorBodySchema } from '../errors.ts';
import { poolExportQuerySchema, poolFeedQuerySchema, poolPageSchema } from '../pool.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
export const getPoolFeedRoute = {
  method: 'GET',
  path: '/v1/pool',
  function: 'getPoolFeed',
  roles: adminRoles,
  summary:
    "A province's conversion pool changed since a time, with evaluation state and aggregates: a cursor feed for syncing (province admins: their own province)",
  tags: ['pool'],
  request: { query: poolFeedQuerySchema },
  responses: { 200: { description: 'A page of the feed', schema: poolPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const exportPoolRoute = {
  method: 'GET',
  path: '/v1/pool/export.xlsx',
  function: 'exportPool',
  roles: adminRoles,
  summary:
    "A province's conversion pool as XLSX, Chinese and English headers (province admins: their own province); large pools: GET /v1/pool",
  tags: ['pool'],
  request: { query: poolExportQuerySchema },
  responses: {
    200: {
      description: 'The spreadsheet',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
    ...routeErrors,
    413: { description: 'Too large for one file: use GET /v1/pool', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const poolRoutes = [getPoolFeedRoute, exportPoolRoute] as const;

/** Conversion pool: the province feed and export. Joined with the other areas in infra/resources.ts. */

import { errorBodySchema } from '../../schemas/errors.ts';
import { poolExportQuerySchema, poolFeedQuerySchema, poolPageSchema } from '../../schemas/pool.ts';
import { adminRoles, type FunctionDeclaration, type RouteDeclaration, routeErrors } from './declarations.ts';

export const poolFunctions = {
  getPoolFeed: {
    entry: 'functions/pool/get-pool-feed.handler.ts',
    description:
      'GET /v1/pool: the conversion-pool patents of a province changed since a time, with their evaluation state (cursor feed)',
    tables: { core: 'read' },
    timeoutSeconds: 29,
  },
  exportPool: {
    entry: 'functions/pool/export-pool.handler.ts',
    description: 'GET /v1/pool/export.xlsx: the conversion pool of a province as a spreadsheet (bounded)',
    tables: { core: 'read' },
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const poolRoutes = [
  {
    method: 'GET',
    path: '/v1/pool',
    function: 'getPoolFeed',
    roles: adminRoles,
    summary:
      "A province's conversion pool changed since a time, with evaluation state and aggregates: a cursor feed for syncing (province admins: their own province)",
    tags: ['pool'],
    request: { query: poolFeedQuerySchema },
    responses: { 200: { description: 'A page of the feed', schema: poolPageSchema }, ...routeErrors },
  },
  {
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
  },
] as const satisfies readonly RouteDeclaration[];

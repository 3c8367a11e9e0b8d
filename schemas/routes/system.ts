/** System: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import { healthSchema, livenessSchema } from '../health.ts';
import { type RouteDeclaration, routeErrors } from './route.ts';
/** Public and cheap (uptime checks may call it every few seconds): no AWS call, no write. */
export const healthRoute = {
  method: 'GET',
  path: '/health',
  function: 'liveness',
  roles: 'public',
  summary: 'Liveness: the API and its functions answer (touches no other component)',
  tags: ['system'],
  responses: { 200: { description: 'Alive', schema: livenessSchema } },
} as const satisfies RouteDeclaration;

/**
 * The deep probe, for national admins only: it runs the system-probe workflow (a DynamoDB and an S3
 * write/read/delete round trip) and reads the table, bucket, schedule group and SES account.
 */
export const adminHealthRoute = {
  method: 'GET',
  path: '/v1/admin/health',
  function: 'health',
  roles: ['national-admin'],
  summary: 'Health of every component (DynamoDB, S3, Step Functions, scheduler, mail), probed end to end',
  tags: ['system'],
  responses: {
    200: { description: 'All components up', schema: healthSchema },
    503: { description: 'At least one component down', schema: healthSchema },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const openapiRoute = {
  method: 'GET',
  path: '/v1/openapi.json',
  function: 'openapi',
  roles: 'public',
  summary: 'This API description (OpenAPI 3.1)',
  tags: ['system'],
  responses: { 200: { description: 'OpenAPI document', contentType: 'application/json' } },
} as const satisfies RouteDeclaration;

export const systemRoutes = [healthRoute, adminHealthRoute, openapiRoute] as const;

/** System: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import { healthSchema } from '../health.ts';
import type { RouteDeclaration } from './route.ts';
export const healthRoute = {
  method: 'GET',
  path: '/health',
  function: 'health',
  roles: 'public',
  summary: 'Health of every component (DynamoDB, S3, Step Functions, scheduler, mail)',
  tags: ['system'],
  responses: {
    200: { description: 'All components up', schema: healthSchema },
    503: { description: 'At least one component down', schema: healthSchema },
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

export const systemRoutes = [healthRoute, openapiRoute] as const;

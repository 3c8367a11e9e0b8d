/** Mail: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import { queuedMailSchema, sendTestMailSchema } from '../mail.ts';
import { type RouteDeclaration, routeErrors } from './route.ts';
export const queueTestMailRoute = {
  method: 'POST',
  path: '/v1/admin/mail:test',
  function: 'queueTestMail',
  roles: ['national-admin'],
  summary: 'Queue a test email to check mail delivery end to end',
  tags: ['system'],
  request: { body: sendTestMailSchema },
  responses: { 202: { description: 'Queued', schema: queuedMailSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const mailRoutes = [queueTestMailRoute] as const;

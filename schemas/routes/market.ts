/** Market: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import {
  enterpriseSchema,
  enterpriseStatuses,
  expertSchema,
  inboxPageSchema,
  registerEnterpriseSchema,
  registerExpertSchema,
  rematchResultSchema,
  verifyEnterpriseSchema,
} from '../market.ts';
import { pageQuerySchema } from '../pagination.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
export const registerEnterpriseRoute = {
  method: 'POST',
  path: '/v1/enterprises',
  function: 'registerEnterprise',
  roles: ['enterprise', ...adminRoles],
  summary: 'Register an enterprise (itself, or by an admin of its province); it waits for verification',
  tags: ['market'],
  request: { body: registerEnterpriseSchema },
  responses: {
    201: { description: 'Registered, pending verification', schema: enterpriseSchema },
    ...routeErrors,
    409: { description: 'Already registered', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listEnterprisesRoute = {
  method: 'GET',
  path: '/v1/enterprises',
  function: 'listEnterprises',
  roles: adminRoles,
  summary: "A province's enterprises by status (province admins: their own), paginated",
  tags: ['market'],
  request: {
    query: pageQuerySchema.extend({
      province: z.string().optional(),
      status: z.enum(enterpriseStatuses).default('pending'),
    }),
  },
  responses: {
    200: {
      description: 'A page of enterprises',
      schema: z.object({ items: z.array(enterpriseSchema), nextCursor: z.string().optional() }),
    },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const getEnterpriseRoute = {
  method: 'GET',
  path: '/v1/enterprises/{uscc}',
  function: 'getEnterprise',
  roles: ['enterprise', ...adminRoles],
  summary: 'One enterprise (enterprises: only themselves)',
  tags: ['market'],
  request: { params: z.object({ uscc: z.string().min(1).max(40) }) },
  responses: {
    200: { description: 'The enterprise', schema: enterpriseSchema },
    ...routeErrors,
    404: { description: 'Not in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const decideEnterpriseRoute = {
  method: 'POST',
  path: '/v1/enterprises/{uscc}/verification',
  function: 'decideEnterprise',
  roles: adminRoles,
  summary: 'Verify a pending enterprise (it then receives pushes) or reject it with a reason',
  tags: ['market'],
  request: { params: z.object({ uscc: z.string().min(1).max(40) }), body: verifyEnterpriseSchema },
  responses: {
    200: { description: 'The decision', schema: enterpriseSchema },
    ...routeErrors,
    404: { description: 'Not in your province', schema: errorBodySchema },
    409: { description: 'Not pending', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const registerExpertRoute = {
  method: 'PUT',
  path: '/v1/experts/me',
  function: 'registerExpert',
  roles: ['expert'],
  summary: 'Your expert profile: title, affiliation (never asked about its patents), fields',
  tags: ['market'],
  request: { body: registerExpertSchema },
  responses: { 200: { description: 'The profile', schema: expertSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const rematchRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/matching',
  function: 'rematch',
  roles: ['institution', ...adminRoles],
  summary: 'Match a conversion-pool patent again and push it to evaluators who do not have it yet',
  tags: ['market'],
  request: { params: z.object({ applicationNumber: z.string().min(8).max(40) }) },
  responses: {
    200: {
      description: 'Counts: candidates, matches, pushed, already pushed, capped',
      schema: rematchResultSchema,
    },
    ...routeErrors,
    404: { description: 'Not in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listInboxRoute = {
  method: 'GET',
  path: '/v1/inbox',
  function: 'listInbox',
  roles: ['enterprise', 'expert'],
  summary: 'Your evaluation requests, newest first, with why each patent was matched',
  tags: ['market'],
  request: {
    query: pageQuerySchema.extend({ status: z.enum(['pending', 'declined', 'evaluated']).optional() }),
  },
  responses: { 200: { description: 'A page of requests', schema: inboxPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const marketRoutes = [
  registerEnterpriseRoute,
  listEnterprisesRoute,
  getEnterpriseRoute,
  decideEnterpriseRoute,
  registerExpertRoute,
  rematchRoute,
  listInboxRoute,
] as const;

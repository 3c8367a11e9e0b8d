/** Needs: the HTTP routes of enterprise technology needs (技术需求 / 揭榜挂帅) and the institutions' proposals. Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import {
  closeNeedSchema,
  needFunnelSchema,
  needMatchPageSchema,
  needPageSchema,
  needSchema,
  needStatuses,
  postNeedSchema,
  proposalPageSchema,
  proposeResultSchema,
  proposeSchema,
  reviewNeedSchema,
} from '../need.ts';
import { pageQuerySchema } from '../pagination.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';

const needParams = z.object({ needId: z.string().min(1).max(64) });

export const postNeedRoute = {
  method: 'POST',
  path: '/v1/needs',
  function: 'postNeed',
  roles: ['enterprise', ...adminRoles],
  summary:
    'Post a technology need or a 揭榜挂帅 challenge (verified enterprises: waits for the province review; administrators: for an enterprise of their province, open at once). Send Idempotency-Key: the same request twice posts one need',
  tags: ['needs'],
  request: { body: postNeedSchema },
  responses: {
    201: { description: 'Posted', schema: needSchema },
    200: {
      description: 'The same request (Idempotency-Key) posted it before: that need',
      schema: needSchema,
    },
    ...routeErrors,
    404: { description: 'No such enterprise in your province', schema: errorBodySchema },
    409: {
      description: 'The Idempotency-Key was used before with other contents',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const listNeedsRoute = {
  method: 'GET',
  path: '/v1/needs',
  function: 'listNeeds',
  roles: ['enterprise', 'institution', 'expert', ...adminRoles],
  summary:
    "Needs: an enterprise's own (newest first); a province's by status (administrators, default pending: the review queue); the open ones (institutions, experts; soonest deadline first)",
  tags: ['needs'],
  request: {
    query: pageQuerySchema.extend({
      status: z.enum(needStatuses).optional(),
      province: z.string().optional(),
    }),
  },
  responses: { 200: { description: 'A page of needs', schema: needPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const getNeedRoute = {
  method: 'GET',
  path: '/v1/needs/{needId}',
  function: 'getNeed',
  roles: ['enterprise', 'institution', 'expert', ...adminRoles],
  summary: 'One need (institutions and experts: once approved)',
  tags: ['needs'],
  request: { params: needParams },
  responses: {
    200: { description: 'The need', schema: needSchema },
    ...routeErrors,
    404: { description: 'Not in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const reviewNeedRoute = {
  method: 'POST',
  path: '/v1/needs/{needId}/review',
  function: 'reviewNeed',
  roles: adminRoles,
  summary: 'Approve a pending need (it opens: listed, searchable, answerable) or reject it with a comment',
  tags: ['needs'],
  request: { params: needParams, body: reviewNeedSchema },
  responses: {
    200: { description: 'The decision', schema: needSchema },
    ...routeErrors,
    404: { description: 'Not in your province', schema: errorBodySchema },
    409: { description: 'Not pending, or another version', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const closeNeedRoute = {
  method: 'POST',
  path: '/v1/needs/{needId}/closure',
  function: 'closeNeed',
  roles: ['enterprise', ...adminRoles],
  summary: 'Close a need (withdrawn) or mark it fulfilled',
  tags: ['needs'],
  request: { params: needParams, body: closeNeedSchema },
  responses: {
    200: { description: 'The closed need', schema: needSchema },
    ...routeErrors,
    404: { description: 'Not yours', schema: errorBodySchema },
    409: { description: 'Closed already, or another version', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const proposePatentsRoute = {
  method: 'POST',
  path: '/v1/needs/{needId}/proposals',
  function: 'proposePatents',
  roles: ['institution'],
  summary: '揭榜: propose your available patents for an open need (the enterprise sees them)',
  tags: ['needs'],
  request: { params: needParams, body: proposeSchema },
  responses: {
    201: { description: 'Proposed', schema: proposeResultSchema },
    ...routeErrors,
    404: { description: 'No such open need, or no such patent', schema: errorBodySchema },
    409: { description: 'The need is not open, or a patent is not available', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listProposalsRoute = {
  method: 'GET',
  path: '/v1/needs/{needId}/proposals',
  function: 'listProposals',
  roles: ['enterprise', 'institution', ...adminRoles],
  summary:
    'The patents proposed for a need (the enterprise and administrators: all; an institution: its own)',
  tags: ['needs'],
  request: { params: needParams, query: pageQuerySchema },
  responses: {
    200: { description: 'A page of proposals', schema: proposalPageSchema },
    ...routeErrors,
    404: { description: 'Not in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listNeedMatchesRoute = {
  method: 'GET',
  path: '/v1/needs/{needId}/matches',
  function: 'listNeedMatches',
  roles: ['enterprise', 'institution', ...adminRoles],
  summary:
    'The pool patents matched with a need when it opened and pushed to their institutions, each with why (matched words, shared codes). The enterprise and administrators: all; an institution: its own',
  tags: ['needs'],
  request: { params: needParams, query: pageQuerySchema },
  responses: {
    200: { description: 'A page of matches', schema: needMatchPageSchema },
    ...routeErrors,
    404: { description: 'Not in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const getNeedFunnelRoute = {
  method: 'GET',
  path: '/v1/needs/{needId}/funnel',
  function: 'getNeedFunnel',
  roles: ['enterprise', ...adminRoles],
  summary:
    'The funnel of a need: patents matched and proposed, then the requests to negotiate the enterprise sent about them, the negotiations opened and the deals recorded since it was posted (the enterprise and the administrators of its province)',
  tags: ['needs'],
  request: { params: needParams },
  responses: {
    200: { description: 'The counts', schema: needFunnelSchema },
    ...routeErrors,
    404: { description: 'Not in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const needsRoutes = [
  postNeedRoute,
  listNeedsRoute,
  getNeedRoute,
  reviewNeedRoute,
  closeNeedRoute,
  proposePatentsRoute,
  listProposalsRoute,
  listNeedMatchesRoute,
  getNeedFunnelRoute,
] as const;

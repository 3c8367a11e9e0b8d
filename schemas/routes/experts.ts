/** The expert pool (专利评价专家库, issue 15 item 7): verification by the province, the listing by field, commissions. Each handler imports only its own route; schemas/routes/index.ts joins them. */
import { errorBodySchema } from '../errors.ts';
import {
  commissionDecisionSchema,
  commissionInputSchema,
  commissionListQuerySchema,
  commissionPageSchema,
  commissionParamsSchema,
  commissionSchema,
  expertListQuerySchema,
  expertPageSchema,
  expertParamsSchema,
  verifyExpertSchema,
} from '../experts.ts';
import { expertSchema } from '../market.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';

export const decideExpertRoute = {
  method: 'POST',
  path: '/v1/experts/{expertId}/verification',
  function: 'decideExpert',
  roles: adminRoles,
  summary:
    'Admit a pending expert of your province to the expert pool (专家入库: listed, can be commissioned) or reject it with a reason',
  tags: ['experts'],
  request: { params: expertParamsSchema, body: verifyExpertSchema },
  responses: {
    200: { description: 'The decision', schema: expertSchema },
    ...routeErrors,
    404: { description: 'Not in your province', schema: errorBodySchema },
    409: { description: 'Not pending (details.currentState)', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listExpertsRoute = {
  method: 'GET',
  path: '/v1/experts',
  function: 'listExperts',
  roles: ['enterprise', 'institution', ...adminRoles],
  summary:
    'The expert pool by industry field: name, title, affiliation, fields (never a contact); administrators also list the pending or rejected experts of their province',
  tags: ['experts'],
  request: { query: expertListQuerySchema },
  responses: { 200: { description: 'A page of experts', schema: expertPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const requestCommissionRoute = {
  method: 'POST',
  path: '/v1/experts/{expertId}/commissions',
  function: 'requestCommission',
  roles: ['enterprise', 'institution'],
  summary:
    'Commission a verified expert of the pool to evaluate a patent on offer; the expert is told by mail. One commission per requester, expert and patent: the same request again answers the recorded one',
  tags: ['experts'],
  request: { params: expertParamsSchema, body: commissionInputSchema },
  responses: {
    201: { description: 'Commission recorded, pending', schema: commissionSchema },
    200: {
      description: 'The same commission was recorded before: that commission',
      schema: commissionSchema,
    },
    ...routeErrors,
    403: {
      description: 'Not an enterprise or institution, or the enterprise is not verified',
      schema: errorBodySchema,
    },
    404: {
      description: 'No such verified expert, or no such patent in the conversion pool',
      schema: errorBodySchema,
    },
    409: {
      description:
        "The expert works for the patent's institution (CONFLICT_OF_INTEREST), the patent is not on offer (PATENT_NOT_AVAILABLE), or a commission with other contents exists (COMMISSION_EXISTS)",
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const listCommissionsRoute = {
  method: 'GET',
  path: '/v1/commissions',
  function: 'listCommissions',
  roles: ['expert', 'enterprise', 'institution'],
  summary:
    "Commissions, newest first: an expert those it received, an enterprise or institution those it sent (with the expert's contact once accepted)",
  tags: ['experts'],
  request: { query: commissionListQuerySchema },
  responses: { 200: { description: 'A page of commissions', schema: commissionPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const decideCommissionRoute = {
  method: 'POST',
  path: '/v1/commissions/{commissionId}/decision',
  function: 'decideCommission',
  roles: ['expert'],
  summary:
    'The commissioned expert accepts (its contact is shown to the requester; the patent is in its inbox, evaluated with PUT /v1/patents/{n}/evaluations/mine) or declines with a reason. An answer is final',
  tags: ['experts'],
  request: { params: commissionParamsSchema, body: commissionDecisionSchema },
  responses: {
    200: { description: 'The answer', schema: commissionSchema },
    ...routeErrors,
    404: { description: 'Not your commission', schema: errorBodySchema },
    409: {
      description:
        'Answered already (COMMISSION_ALREADY_DECIDED), the patent is no longer on offer (PATENT_NOT_AVAILABLE), or the commission changed at the same moment',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const expertsRoutes = [
  decideExpertRoute,
  listExpertsRoute,
  requestCommissionRoute,
  listCommissionsRoute,
  decideCommissionRoute,
] as const;

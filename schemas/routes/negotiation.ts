/** Negotiation (issue 13, item 8): requests to negotiate, their answers, and the funnel. Each handler imports only its own route; schemas/routes/index.ts joins them. */
import { errorBodySchema } from '../errors.ts';
import {
  funnelInstitutionParamsSchema,
  institutionFunnelSchema,
  interestDecisionSchema,
  interestInputSchema,
  interestListQuerySchema,
  interestPageSchema,
  interestParamsSchema,
  interestSchema,
  patentFunnelSchema,
} from '../interest.ts';
import { patentParamsSchema } from '../patent.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';

export const expressInterestRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/interest',
  function: 'expressInterest',
  roles: ['enterprise'],
  summary:
    'A verified enterprise asks the institution to negotiate for a patent on offer, or for a contact; the institution is told by mail. One request per enterprise and patent: the same request again (or the same Idempotency-Key header) answers the recorded one',
  tags: ['negotiation'],
  request: { params: patentParamsSchema, body: interestInputSchema },
  responses: {
    201: { description: 'Request recorded', schema: interestSchema },
    200: { description: 'The same request was recorded before: that request', schema: interestSchema },
    ...routeErrors,
    403: {
      description: 'Not an enterprise, or the enterprise is not verified by its province administrator',
      schema: errorBodySchema,
    },
    404: { description: 'No such patent in the conversion pool', schema: errorBodySchema },
    409: {
      description:
        'The patent is not on offer (PATENT_NOT_AVAILABLE, details.reason), a request with other contents exists already (INTEREST_EXISTS), or the Idempotency-Key was used for other contents',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const listInterestsRoute = {
  method: 'GET',
  path: '/v1/interests',
  function: 'listInterests',
  roles: ['institution', 'enterprise'],
  summary:
    "Requests to negotiate, newest first: institutions those they received (department users: their department's patents), enterprises their own",
  tags: ['negotiation'],
  request: { query: interestListQuerySchema },
  responses: { 200: { description: 'A page of requests', schema: interestPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const getInterestRoute = {
  method: 'GET',
  path: '/v1/interests/{interestId}',
  function: 'getInterest',
  roles: ['institution', 'enterprise'],
  summary:
    "One request to negotiate: its enterprise (with the institution's contact once accepted) and its institution",
  tags: ['negotiation'],
  request: { params: interestParamsSchema },
  responses: {
    200: { description: 'The request', schema: interestSchema },
    ...routeErrors,
    404: { description: 'No such request in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const decideInterestRoute = {
  method: 'POST',
  path: '/v1/interests/{interestId}/decision',
  function: 'decideInterest',
  roles: ['institution'],
  summary:
    'The institution accepts (its contact is revealed to that enterprise only; the patent takes negotiationOpened) or declines with a reason; the enterprise is told by mail. Institution-level users only',
  tags: ['negotiation'],
  request: { params: interestParamsSchema, body: interestDecisionSchema },
  responses: {
    200: { description: 'Answered', schema: interestSchema },
    ...routeErrors,
    403: {
      description: 'A department user (answers bind the institution), or the enterprise itself',
      schema: errorBodySchema,
    },
    404: { description: 'No such request in your scope', schema: errorBodySchema },
    409: {
      description:
        'Answered already (INTEREST_ALREADY_DECIDED: what to do instead), the patent is no longer on offer (PATENT_NOT_AVAILABLE), an illegal transition (ILLEGAL_TRANSITION), or a concurrent change',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const getPatentFunnelRoute = {
  method: 'GET',
  path: '/v1/patents/{applicationNumber}/funnel',
  function: 'getPatentFunnel',
  roles: ['institution', ...adminRoles],
  summary:
    'The funnel of one patent: evaluation requests pushed, evaluations, requests to negotiate, negotiations opened, deals',
  tags: ['negotiation'],
  request: { params: patentParamsSchema },
  responses: {
    200: { description: 'The counts', schema: patentFunnelSchema },
    ...routeErrors,
    404: { description: 'No such patent in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const getInstitutionFunnelRoute = {
  method: 'GET',
  path: '/v1/institutions/{uscc}/funnel',
  function: 'getInstitutionFunnel',
  roles: ['institution', ...adminRoles],
  summary:
    'The funnel of an institution: its patents pushed, evaluated, asked about, in negotiation, in a deal; its requests by status',
  tags: ['negotiation'],
  request: { params: funnelInstitutionParamsSchema },
  responses: {
    200: { description: 'The counts', schema: institutionFunnelSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const negotiationRoutes = [
  expressInterestRoute,
  listInterestsRoute,
  getInterestRoute,
  decideInterestRoute,
  getPatentFunnelRoute,
  getInstitutionFunnelRoute,
] as const;

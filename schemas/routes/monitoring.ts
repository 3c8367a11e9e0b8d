/** Monitoring: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import { usccSchema } from '../institution.ts';
import {
  correctionAnswerSchema,
  fileJustificationSchema,
  institutionSpotCheckSampleSchema,
  justifiedPatentSchema,
  reviewJustificationSchema,
  spotCheckListQuerySchema,
  spotCheckPageSchema,
  spotCheckParamsSchema,
  spotCheckSampleSchema,
  spotCheckSchema,
  spotCheckVerdictSchema,
  unimplementedFundedPageSchema,
  unimplementedFundedQuerySchema,
} from '../monitoring.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
export const listSpotChecksRoute = {
  method: 'GET',
  path: '/v1/monitoring/spot-checks',
  function: 'listSpotChecks',
  roles: adminRoles,
  summary: "A quarter's spot checks of your province (national admins: name the province), paginated",
  tags: ['monitoring'],
  request: { query: spotCheckListQuerySchema },
  responses: {
    200: { description: 'A page of spot checks', schema: spotCheckPageSchema },
    ...routeErrors,
    404: { description: 'Another province than yours', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const decideSpotCheckRoute = {
  method: 'PUT',
  path: '/v1/monitoring/spot-checks/{id}',
  function: 'decideSpotCheck',
  roles: adminRoles,
  summary:
    'Give the verdict of a spot check: ok, or needs-correction with a comment emailed to the institution',
  tags: ['monitoring'],
  request: { params: spotCheckParamsSchema, body: spotCheckVerdictSchema },
  responses: {
    200: { description: 'The spot check after the verdict', schema: spotCheckSchema },
    ...routeErrors,
    404: { description: 'No such spot check in your province', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const setSpotCheckSampleRoute = {
  method: 'PUT',
  path: '/v1/monitoring/spot-check-settings/{uscc}',
  function: 'setSpotCheckSample',
  roles: adminRoles,
  summary: 'Set how many inventoried patents of an institution are spot-checked per quarter (rate, min, max)',
  tags: ['monitoring'],
  request: { params: z.object({ uscc: usccSchema }), body: spotCheckSampleSchema },
  responses: {
    200: { description: 'The settings', schema: institutionSpotCheckSampleSchema },
    ...routeErrors,
    404: { description: 'No such institution in your province', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listUnimplementedFundedRoute = {
  method: 'GET',
  path: '/v1/monitoring/unimplemented-funded',
  function: 'listUnimplementedFunded',
  roles: ['institution', ...adminRoles],
  summary:
    'Publicly funded patents granted over 5 years ago and never implemented (the 5-year rule), per institution or province, paginated',
  tags: ['monitoring'],
  request: { query: unimplementedFundedQuerySchema },
  responses: {
    200: { description: 'A page of patents, oldest grant first', schema: unimplementedFundedPageSchema },
    ...routeErrors,
    404: { description: 'An institution or province outside your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const answerCorrectionRoute = {
  method: 'POST',
  path: '/v1/monitoring/spot-checks/{id}/correction',
  function: 'answerCorrection',
  roles: ['institution'],
  summary:
    'Answer a correction request of a spot check (needs-correction) by its deadline; the province administrators then re-check and close it',
  tags: ['monitoring'],
  request: { params: spotCheckParamsSchema, body: correctionAnswerSchema },
  responses: {
    200: { description: 'The spot check with the answered correction', schema: spotCheckSchema },
    ...routeErrors,
    404: { description: 'No such spot check of your institution', schema: errorBodySchema },
    409: {
      description: 'No open correction request, already answered, or its deadline has passed',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

const justificationParams = z.object({ applicationNumber: z.string().min(8).max(40) });

export const fileFiveYearJustificationRoute = {
  method: 'POST',
  path: '/v1/monitoring/unimplemented-funded/{applicationNumber}/justification',
  function: 'fileFiveYearJustification',
  roles: ['institution'],
  summary:
    'File why a patent on the 5-year-rule list is not implemented (正当理由): the province administrators review it; filed again after a rejection',
  tags: ['monitoring'],
  request: { params: justificationParams, body: fileJustificationSchema },
  responses: {
    200: { description: 'The filed justification, awaiting review', schema: justifiedPatentSchema },
    ...routeErrors,
    404: { description: 'No such patent of your institution (or your department)', schema: errorBodySchema },
    409: {
      description:
        'Not on the 5-year-rule list (not publicly funded, implemented, not in force, or granted less than 5 years ago), already accepted, or changed since you read it',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const reviewFiveYearJustificationRoute = {
  method: 'PUT',
  path: '/v1/monitoring/unimplemented-funded/{applicationNumber}/justification',
  function: 'reviewFiveYearJustification',
  roles: adminRoles,
  summary:
    'Accept a filed justification (the patent leaves the 5-year-rule list and figure) or reject it with a comment',
  tags: ['monitoring'],
  request: { params: justificationParams, body: reviewJustificationSchema },
  responses: {
    200: { description: 'The reviewed justification', schema: justifiedPatentSchema },
    ...routeErrors,
    404: { description: 'No such patent in your province', schema: errorBodySchema },
    409: {
      description: 'No justification awaiting review, or changed since you read it',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const monitoringRoutes = [
  listSpotChecksRoute,
  decideSpotCheckRoute,
  setSpotCheckSampleRoute,
  listUnimplementedFundedRoute,
  answerCorrectionRoute,
  fileFiveYearJustificationRoute,
  reviewFiveYearJustificationRoute,
] as const;

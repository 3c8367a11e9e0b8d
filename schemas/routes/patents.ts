/** Patents: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import { pageQuerySchema } from '../pagination.ts';
import {
  coOwnedPatentPageSchema,
  coverageQuerySchema,
  coverageSchema,
  patentListQuerySchema,
  patentPageSchema,
  patentParamsSchema,
  patentSchema,
  patentViewSchema,
} from '../patent.ts';
import {
  patentBatchInputSchema,
  patentBatchResultSchema,
  patentRowInputSchema,
  patentWriteResultSchema,
  reviewActionSchema,
  selfAssessmentInputSchema,
  withdrawalInputSchema,
} from '../patent-input.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
export const listPatentsRoute = {
  method: 'GET',
  path: '/v1/patents',
  function: 'listPatents',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles, 'ministry-admin'],
  summary:
    'Patents in your scope, filtered, in a stable order with an opaque cursor (enterprises and experts: the conversion pool, public fields)',
  tags: ['patents'],
  request: { query: patentListQuerySchema },
  responses: { 200: { description: 'A page of patents', schema: patentPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const getPatentRoute = {
  method: 'GET',
  path: '/v1/patents/{applicationNumber}',
  function: 'getPatent',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles, 'ministry-admin'],
  summary:
    'One patent (ZL / CN prefixes accepted); enterprises and experts: conversion-pool patents, public fields',
  tags: ['patents'],
  request: { params: patentParamsSchema },
  responses: {
    200: { description: 'The patent (full or public view)', schema: patentViewSchema },
    ...routeErrors,
    404: { description: 'No such patent in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const getInventoryCoverageRoute = {
  method: 'GET',
  path: '/v1/inventory/coverage',
  function: 'getInventoryCoverage',
  roles: ['institution', ...adminRoles, 'ministry-admin'],
  summary:
    'Inventory coverage (inventoried / total, conversion pool) against the Work Plan deadlines: of an institution, a province (with each institution and each supervising department), a supervising ministry (ministry admins: theirs) or the nation',
  tags: ['inventory'],
  request: { query: coverageQuerySchema },
  responses: { 200: { description: 'Coverage in your scope', schema: coverageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const registerPatentRoute = {
  method: 'POST',
  path: '/v1/patents',
  function: 'registerPatent',
  roles: ['institution'],
  summary: 'Add or update one patent of your institution (the inventory template as JSON)',
  tags: ['patents'],
  request: { body: patentRowInputSchema },
  responses: {
    201: { description: 'Created', schema: patentWriteResultSchema },
    200: { description: 'Updated, or unchanged', schema: patentWriteResultSchema },
    ...routeErrors,
    403: {
      description:
        'Your role may not call this route, or (department accounts) the patent or the row names another department',
      schema: errorBodySchema,
    },
    409: {
      description: 'Registered by another institution, or changed meanwhile',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const registerPatentsBatchRoute = {
  method: 'POST',
  path: '/v1/patents:batch',
  function: 'registerPatentsBatch',
  roles: ['institution'],
  summary: 'Add or update up to 1,000 patents; every row is stored or listed in errors',
  tags: ['patents'],
  request: { body: patentBatchInputSchema },
  responses: {
    200: { description: 'Row counts and the rejected rows', schema: patentBatchResultSchema },
    ...routeErrors,
    413: { description: 'More than 1,000 rows: use POST /v1/uploads', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const submitSelfAssessmentRoute = {
  method: 'PUT',
  path: '/v1/patents/{applicationNumber}/self-assessment',
  function: 'submitSelfAssessment',
  roles: ['institution'],
  summary: 'Edit the self-assessment (TRL, value, scenarios, prospect, intents ...) while draft or returned',
  tags: ['patents'],
  request: {
    params: z.object({ applicationNumber: z.string().min(8).max(40) }),
    body: selfAssessmentInputSchema,
  },
  responses: {
    200: { description: 'The patent after the change', schema: patentSchema },
    ...routeErrors,
    404: { description: 'No such patent of your institution', schema: errorBodySchema },
    409: {
      description: 'Not editable in its review state, or changed since you read it',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const reviewInventoryRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/review',
  function: 'reviewInventory',
  roles: ['institution'],
  summary: 'Review: submit (department user), approve or return with a comment (institution-level user)',
  tags: ['patents'],
  request: { params: z.object({ applicationNumber: z.string().min(8).max(40) }), body: reviewActionSchema },
  responses: {
    200: {
      description: 'The patent after the transition (on approval: screened into a pool)',
      schema: patentSchema,
    },
    ...routeErrors,
    404: { description: 'No such patent of your institution', schema: errorBodySchema },
    409: {
      description: 'Not allowed in the current review state (names the allowed actions)',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const withdrawPatentRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/withdrawal',
  function: 'withdrawPatent',
  roles: ['institution'],
  summary:
    'Withdraw the patent from the pools, with a reason (institution-level users; final: lifecycle withdrawn)',
  tags: ['patents'],
  request: {
    params: z.object({ applicationNumber: z.string().min(8).max(40) }),
    body: withdrawalInputSchema,
  },
  responses: {
    200: { description: 'The patent after the withdrawal', schema: patentSchema },
    ...routeErrors,
    404: { description: 'No such patent of your institution', schema: errorBodySchema },
    409: {
      description:
        'Not allowed in its state (transferred, already final: ILLEGAL_TRANSITION names the allowed events), an active open license to withdraw first, or changed since you read it',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const listCoOwnedPatentsRoute = {
  method: 'GET',
  path: '/v1/institutions/{uscc}/co-owned-patents',
  function: 'listCoOwnedPatents',
  roles: ['institution'],
  summary:
    'Patents other institutions recorded that name your institution as a co-owner (共有专利权人), by its registered name: public view, read only',
  tags: ['patents'],
  request: { params: z.object({ uscc: z.string().trim().min(1).max(32) }), query: pageQuerySchema },
  responses: {
    200: { description: 'A page of co-owned patents', schema: coOwnedPatentPageSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const patentsRoutes = [
  listPatentsRoute,
  getPatentRoute,
  getInventoryCoverageRoute,
  registerPatentRoute,
  registerPatentsBatchRoute,
  submitSelfAssessmentRoute,
  reviewInventoryRoute,
  withdrawPatentRoute,
  listCoOwnedPatentsRoute,
] as const;

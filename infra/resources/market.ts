/** Market: enterprise and expert pools, matching, push and inbox. Joined with the other areas in infra/resources.ts. */

import { z } from 'zod';
import { errorBodySchema } from '../../schemas/errors.ts';
import {
  enterpriseSchema,
  enterpriseStatuses,
  expertSchema,
  registerEnterpriseSchema,
  registerExpertSchema,
  verifyEnterpriseSchema,
} from '../../schemas/market.ts';
import { pageQuerySchema } from '../../schemas/pagination.ts';
import {
  adminRoles,
  type FunctionDeclaration,
  type RouteDeclaration,
  routeErrors,
  type ScheduleDeclaration,
  type StreamConsumerDeclaration,
} from './declarations.ts';

export const marketFunctions = {
  registerEnterprise: {
    entry: 'functions/market/register-enterprise.handler.ts',
    description:
      'POST /v1/enterprises: an enterprise registers itself (or an admin registers one of its province)',
    tables: { core: 'readWrite' },
  },
  getEnterprise: {
    entry: 'functions/market/get-enterprise.handler.ts',
    description: 'GET /v1/enterprises/{uscc}',
    tables: { core: 'read' },
  },
  listEnterprises: {
    entry: 'functions/market/list-enterprises.handler.ts',
    description: 'GET /v1/enterprises: the enterprises of a province by status (e.g. pending verification)',
    tables: { core: 'read' },
  },
  decideEnterprise: {
    entry: 'functions/market/decide-enterprise.handler.ts',
    description:
      'POST /v1/enterprises/{uscc}/verification: verify (indexes it for matching) or reject with a reason',
    tables: { core: 'readWrite' },
  },
  registerExpert: {
    entry: 'functions/market/register-expert.handler.ts',
    description: 'PUT /v1/experts/me: the profile of an expert and fields (indexed for matching)',
    tables: { core: 'readWrite' },
  },
  rematch: {
    entry: 'functions/market/rematch.handler.ts',
    description: 'POST /v1/patents/{applicationNumber}/matching: match and push again',
    tables: { core: 'readWrite' },
  },
  listInbox: {
    entry: 'functions/market/list-inbox.handler.ts',
    description: 'GET /v1/inbox: the evaluation requests of an enterprise or expert',
    tables: { core: 'read' },
  },
  sendDigests: {
    entry: 'functions/market/send-digests.handler.ts',
    description: 'Schedule: the daily digest of new evaluation requests, one email per evaluator',
    tables: { core: 'readWrite' },
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const marketRoutes = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    method: 'PUT',
    path: '/v1/experts/me',
    function: 'registerExpert',
    roles: ['expert'],
    summary: 'Your expert profile: title, affiliation (never asked about its patents), fields',
    tags: ['market'],
    request: { body: registerExpertSchema },
    responses: { 200: { description: 'The profile', schema: expertSchema }, ...routeErrors },
  },
  {
    method: 'POST',
    path: '/v1/patents/{applicationNumber}/matching',
    function: 'rematch',
    roles: ['institution', ...adminRoles],
    summary: 'Match a conversion-pool patent again and push it to evaluators who do not have it yet',
    tags: ['market'],
    request: { params: z.object({ applicationNumber: z.string().min(8).max(40) }) },
    responses: {
      200: { description: 'Counts: candidates, matches, pushed, already pushed, capped' },
      ...routeErrors,
      404: { description: 'Not in your scope', schema: errorBodySchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/inbox',
    function: 'listInbox',
    roles: ['enterprise', 'expert'],
    summary: 'Your evaluation requests, newest first, with why each patent was matched',
    tags: ['market'],
    request: {
      query: pageQuerySchema.extend({ status: z.enum(['pending', 'declined', 'evaluated']).optional() }),
    },
    responses: { 200: { description: 'A page of requests' }, ...routeErrors },
  },
] as const satisfies readonly RouteDeclaration[];

/** The matching that followed `inventoried` runs in the patent pipeline now (infra/resources/pipeline.ts). */
export const marketStreamConsumers = [] as const satisfies readonly StreamConsumerDeclaration[];

export const marketSchedules = {
  'evaluation-digest': {
    description:
      "Daily digest of yesterday's new evaluation requests to each enterprise and expert (08:00 China time)",
    cron: 'cron(0 8 * * ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'sendDigests' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;

/**
 * Every resource of the system, declared once. The CDK stacks (infra/stacks) and the embedded local
 * cloud (infra/local) both read this file, and test/infra/declarations.test.ts fails if either one
 * drifts from it. Add a table, bucket, function, route, workflow or schedule here, not in a stack.
 */
import { z } from 'zod';
import { batchJobSchema } from '../schemas/batch-job.ts';
import { errorBodySchema } from '../schemas/errors.ts';
import {
  declinedRequestSchema,
  declineRequestSchema,
  evaluationInputSchema,
  myEvaluationSchema,
  patentEvaluationsSchema,
} from '../schemas/evaluation.ts';
import { healthSchema } from '../schemas/health.ts';
import {
  institutionPageSchema,
  institutionSchema,
  registerInstitutionSchema,
} from '../schemas/institution.ts';
import { queuedMailSchema, sendTestMailSchema } from '../schemas/mail.ts';
import {
  enterpriseSchema,
  enterpriseStatuses,
  expertSchema,
  registerEnterpriseSchema,
  registerExpertSchema,
  verifyEnterpriseSchema,
} from '../schemas/market.ts';
import { pageQuerySchema } from '../schemas/pagination.ts';
import {
  coverageQuerySchema,
  coverageSchema,
  patentListQuerySchema,
  patentPageSchema,
  patentParamsSchema,
  patentViewSchema,
} from '../schemas/patent.ts';
import {
  patentBatchInputSchema,
  patentBatchResultSchema,
  patentRowInputSchema,
  patentWriteResultSchema,
  reviewActionSchema,
  selfAssessmentInputSchema,
} from '../schemas/patent-input.ts';
import { poolExportQuerySchema, poolFeedQuerySchema, poolPageSchema } from '../schemas/pool.ts';
import type { Role } from '../schemas/roles.ts';
import { createUploadSchema, uploadCreatedSchema } from '../schemas/upload.ts';

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

export interface KeyDeclaration {
  partitionKey: string;
  sortKey?: string;
}
export interface TableDeclaration extends KeyDeclaration {
  description: string;
  globalIndexes: Array<{ name: string } & KeyDeclaration>;
  stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE';
  ttlAttribute?: string;
}

/**
 * core: one table for the domain entities (single-table design, see docs/data-model.md).
 *   gsi1 "by owner": institution / enterprise / expert -> its items, sorted
 *   gsi2 "by province + status": province admins' lists and feeds
 *   gsi3 "by status + due date": deadlines and sweeps (sparse: only items with a deadline)
 * metrics: quarterly counters, written by the stream consumer; separate so that counter writes never
 *   feed the core stream back into itself.
 * idempotency: Powertools idempotency records (TTL-expired).
 */
export const tables = {
  core: {
    description:
      'Domain entities: institutions, patents, jobs, evaluations, deals, audit entries, mail outbox',
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
      { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
    ttlAttribute: 'expiresAt',
  },
  metrics: {
    description: 'Quarterly counters per province / institution, maintained from the core stream',
    partitionKey: 'pk',
    sortKey: 'sk',
    globalIndexes: [],
  },
  idempotency: {
    description: 'Powertools idempotency records',
    partitionKey: 'id',
    globalIndexes: [],
    ttlAttribute: 'expiration',
  },
} as const satisfies Record<string, TableDeclaration>;
export type TableName = keyof typeof tables;

// ---------------------------------------------------------------------------------------------
// Buckets
// ---------------------------------------------------------------------------------------------

export interface BucketDeclaration {
  description: string;
  /** Objects under these prefixes expire after the given number of days. */
  expireAfterDays: Record<string, number>;
  /** Browsers upload with presigned PUTs: CORS for PUT from any origin (the URL is the credential). */
  browserUploads: boolean;
}

export const buckets = {
  drop: {
    description: 'Batch files dropped by institutions (inbox/<USCC>/...) and the error reports of their jobs',
    expireAfterDays: { 'inbox/': 90, 'errors/': 90 },
    browserUploads: true,
  },
  reports: {
    description: 'Quarterly reports (HTML, XLSX, PNG) and large mail attachments',
    expireAfterDays: { 'tmp/': 7 },
    browserUploads: false,
  },
} as const satisfies Record<string, BucketDeclaration>;
export type BucketName = keyof typeof buckets;

// ---------------------------------------------------------------------------------------------
// Functions: one Lambda each, with the resources it may touch (least privilege in AWS)
// ---------------------------------------------------------------------------------------------

export type Access = 'read' | 'write' | 'readWrite';
export interface FunctionDeclaration {
  /** Module exporting `handler`, relative to the repository root. */
  entry: string;
  description: string;
  timeoutSeconds?: number;
  memoryMb?: number;
  tables?: Partial<Record<TableName, Access>>;
  buckets?: Partial<Record<BucketName, Access>>;
  /** Workflows this function may start (StartExecution / StartSyncExecution) or describe. */
  workflows?: WorkflowName[];
  /** Needs to send email (SES v2 SendEmail). */
  sendsMail?: boolean;
  /** Needs to read schedule groups (health). */
  readsSchedules?: boolean;
}

/** Defaults for every function, in AWS and locally, unless its declaration says otherwise. */
export const functionDefaults = { timeoutSeconds: 10, memoryMb: 512 } as const;

export const functions = {
  health: {
    entry: 'functions/system/health.handler.ts',
    description: 'GET /health: checks every component the system depends on',
    tables: { core: 'read' },
    buckets: { drop: 'read' },
    workflows: ['system-probe'],
    readsSchedules: true,
    sendsMail: true,
  },
  openapi: {
    entry: 'functions/system/openapi.handler.ts',
    description: 'GET /v1/openapi.json: the API description generated from the route table',
  },
  probeStore: {
    entry: 'functions/system/probe-store.handler.ts',
    description: 'Workflow task: writes, reads back and deletes a probe item',
    tables: { core: 'readWrite' },
  },
  probeObjectStore: {
    entry: 'functions/system/probe-object-store.handler.ts',
    description: 'Workflow task: writes, reads back and deletes a probe object',
    buckets: { reports: 'readWrite' },
  },
  registerInstitution: {
    entry: 'functions/institutions/register-institution.handler.ts',
    description: 'POST /v1/institutions: an admin registers an institution',
    tables: { core: 'readWrite' },
  },
  getInstitution: {
    entry: 'functions/institutions/get-institution.handler.ts',
    description: 'GET /v1/institutions/{uscc}',
    tables: { core: 'read' },
  },
  listInstitutions: {
    entry: 'functions/institutions/list-institutions.handler.ts',
    description: 'GET /v1/institutions: by province, paginated',
    tables: { core: 'read' },
  },
  receiveUpload: {
    entry: 'functions/intake/receive-upload.handler.ts',
    description:
      'S3 object created under inbox/<USCC>/: opens a batch job (once per object), starts batch-ingest',
    tables: { core: 'readWrite' },
    buckets: { drop: 'read' },
    workflows: ['batch-ingest'],
  },
  ingestBatchFile: {
    entry: 'functions/intake/ingest-batch-file.handler.ts',
    description:
      'batch-ingest task: streams the file, validates and writes its rows, stores the error report',
    tables: { core: 'readWrite' },
    buckets: { drop: 'readWrite' },
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  failBatchJob: {
    entry: 'functions/intake/fail-batch-job.handler.ts',
    description: 'batch-ingest task: records on the job why it failed',
    tables: { core: 'readWrite' },
  },
  createUpload: {
    entry: 'functions/intake/create-upload.handler.ts',
    description: 'POST /v1/uploads: announces a batch file and returns a presigned PUT link and the job id',
    tables: { core: 'readWrite' },
    buckets: { drop: 'write' },
  },
  getJob: {
    entry: 'functions/intake/get-job.handler.ts',
    description: 'GET /v1/jobs/{jobId}: status, progress and error report link of a batch job',
    tables: { core: 'read' },
    buckets: { drop: 'read' },
  },
  getInventoryTemplate: {
    entry: 'functions/templates/get-inventory-template.handler.ts',
    description: 'GET /v1/templates/{file}: the standard inventory template (XLSX with dropdowns, or CSV)',
    memoryMb: 1024,
  },
  registerPatent: {
    entry: 'functions/patents/register-patent.handler.ts',
    description: 'POST /v1/patents: one inventory row as JSON, through the intake use-case',
    tables: { core: 'readWrite' },
  },
  registerPatentsBatch: {
    entry: 'functions/patents/register-patents-batch.handler.ts',
    description: 'POST /v1/patents:batch: up to 1,000 inventory rows as JSON',
    tables: { core: 'readWrite' },
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  submitSelfAssessment: {
    entry: 'functions/patents/submit-self-assessment.handler.ts',
    description: 'PUT /v1/patents/{applicationNumber}/self-assessment: edit the self-assessment of a draft',
    tables: { core: 'readWrite' },
  },
  reviewInventory: {
    entry: 'functions/patents/review-inventory.handler.ts',
    description: 'POST /v1/patents/{applicationNumber}/review: submit, approve (screening) or return',
    tables: { core: 'readWrite' },
  },
  listPatents: {
    entry: 'functions/patents/list-patents.handler.ts',
    description: 'GET /v1/patents: patents in the caller scope, filtered, with an opaque cursor',
    tables: { core: 'read' },
  },
  getPatent: {
    entry: 'functions/patents/get-patent.handler.ts',
    description:
      'GET /v1/patents/{applicationNumber}: one patent in the caller scope (public view for enterprises and experts)',
    tables: { core: 'read' },
  },
  getInventoryCoverage: {
    entry: 'functions/patents/get-coverage.handler.ts',
    description:
      'GET /v1/inventory/coverage: inventoried / total and the conversion pool against the Work Plan deadlines',
    tables: { core: 'read' },
    timeoutSeconds: 60,
  },
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
  matchOnInventoried: {
    entry: 'functions/market/match-on-inventoried.handler.ts',
    description:
      'Core stream consumer: a patent entering the conversion pool is matched and pushed to evaluators',
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
  submitEvaluation: {
    entry: 'functions/evaluations/submit-evaluation.handler.ts',
    description:
      'PUT /v1/patents/{applicationNumber}/evaluations/mine: an enterprise or expert evaluates a conversion-pool patent (closes the window on quorum)',
    tables: { core: 'readWrite' },
  },
  getMyEvaluation: {
    entry: 'functions/evaluations/get-my-evaluation.handler.ts',
    description: 'GET /v1/patents/{applicationNumber}/evaluations/mine: the own evaluation of the caller',
    tables: { core: 'read' },
  },
  listEvaluations: {
    entry: 'functions/evaluations/list-evaluations.handler.ts',
    description:
      'GET /v1/patents/{applicationNumber}/evaluations: every evaluation and the aggregate (institution, admins)',
    tables: { core: 'read' },
  },
  declineRequest: {
    entry: 'functions/evaluations/decline-request.handler.ts',
    description: 'POST /v1/inbox/{applicationNumber}/decline: a matched evaluator declines its request',
    tables: { core: 'readWrite' },
  },
  closeEvaluationWindows: {
    entry: 'functions/evaluations/close-evaluation-windows.handler.ts',
    description:
      'Schedule: closes the evaluation windows past their deadline (aggregate, evaluationClosed event)',
    tables: { core: 'readWrite' },
    timeoutSeconds: 900,
  },
  sendWeeklyFeedback: {
    entry: 'functions/evaluations/send-weekly-feedback.handler.ts',
    description: 'Schedule: the weekly summary of new evaluations to each institution',
    tables: { core: 'readWrite' },
    timeoutSeconds: 900,
  },
  getPoolFeed: {
    entry: 'functions/pool/get-pool-feed.handler.ts',
    description:
      'GET /v1/pool: the conversion-pool patents of a province changed since a time, with their evaluation state (cursor feed)',
    tables: { core: 'read' },
    timeoutSeconds: 29,
  },
  exportPool: {
    entry: 'functions/pool/export-pool.handler.ts',
    description: 'GET /v1/pool/export.xlsx: the conversion pool of a province as a spreadsheet (bounded)',
    tables: { core: 'read' },
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  queueTestMail: {
    entry: 'functions/mail/queue-test-mail.handler.ts',
    description: 'POST /v1/admin/mail:test: queues a test email so an operator can check delivery',
    tables: { core: 'readWrite' },
  },
  dispatchMail: {
    entry: 'functions/mail/dispatch-mail.handler.ts',
    description: 'Core stream consumer: sends queued emails (SES in AWS, .eml outbox locally)',
    tables: { core: 'readWrite' },
    buckets: { reports: 'read' },
    sendsMail: true,
    timeoutSeconds: 60,
  },
  retryMail: {
    entry: 'functions/mail/retry-mail.handler.ts',
    description: 'Schedule: re-sends emails whose delivery failed',
    tables: { core: 'readWrite' },
    buckets: { reports: 'read' },
    sendsMail: true,
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, FunctionDeclaration>;
export type FunctionName = keyof typeof functions;

// ---------------------------------------------------------------------------------------------
// HTTP routes
// ---------------------------------------------------------------------------------------------

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface RouteDeclaration {
  method: HttpMethod;
  /** API Gateway path syntax: /v1/things/{id} */
  path: string;
  function: FunctionName;
  /** 'public' routes skip the JWT authorizer; otherwise the roles that may call. */
  roles: 'public' | readonly Role[];
  summary: string;
  tags: string[];
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
  };
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const adminRoles = ['province-admin', 'national-admin'] as const;
const errors = {
  400: { description: 'Invalid request: see error.details', schema: errorBodySchema },
  401: { description: 'Missing or invalid bearer token', schema: errorBodySchema },
  403: { description: 'Your role may not call this route', schema: errorBodySchema },
} as const;

export const routes = [
  {
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
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'openapi',
    roles: 'public',
    summary: 'This API description (OpenAPI 3.1)',
    tags: ['system'],
    responses: { 200: { description: 'OpenAPI document', contentType: 'application/json' } },
  },
  {
    method: 'POST',
    path: '/v1/institutions',
    function: 'registerInstitution',
    roles: adminRoles,
    summary: 'Register an institution (province admins: in their own province only)',
    tags: ['institutions'],
    request: { body: registerInstitutionSchema },
    responses: {
      201: { description: 'Registered', schema: institutionSchema },
      ...errors,
      409: { description: 'Already registered', schema: errorBodySchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/institutions',
    function: 'listInstitutions',
    roles: adminRoles,
    summary: 'List institutions of a province (province admins: their own), paginated',
    tags: ['institutions'],
    request: {
      query: pageQuerySchema.extend({
        province: z.string().optional().meta({
          description: 'GB/T 2260 code; national admins must name one, province admins get their own',
        }),
      }),
    },
    responses: { 200: { description: 'A page of institutions', schema: institutionPageSchema }, ...errors },
  },
  {
    method: 'GET',
    path: '/v1/institutions/{uscc}',
    function: 'getInstitution',
    roles: ['institution', ...adminRoles],
    summary: 'One institution (institutions: only their own)',
    tags: ['institutions'],
    request: { params: z.object({ uscc: z.string().min(1).max(40) }) },
    responses: {
      200: { description: 'The institution', schema: institutionSchema },
      ...errors,
      404: { description: 'No such institution in your scope', schema: errorBodySchema },
    },
  },
  {
    method: 'POST',
    path: '/v1/uploads',
    function: 'createUpload',
    roles: ['institution'],
    summary: 'Announce an inventory file: returns a presigned PUT link (15 minutes) and the job id to follow',
    tags: ['intake'],
    request: { body: createUploadSchema },
    responses: { 201: { description: 'PUT the file to uploadUrl', schema: uploadCreatedSchema }, ...errors },
  },
  {
    method: 'GET',
    path: '/v1/jobs/{jobId}',
    function: 'getJob',
    roles: ['institution', ...adminRoles],
    summary: 'A batch job: status, row counts while it runs, error report link',
    tags: ['intake'],
    request: { params: z.object({ jobId: z.string().min(1).max(64) }) },
    responses: {
      200: { description: 'The job', schema: batchJobSchema },
      ...errors,
      404: { description: 'No such job in your scope', schema: errorBodySchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/templates/{file}',
    function: 'getInventoryTemplate',
    roles: ['institution', 'enterprise', 'expert', ...adminRoles],
    summary:
      'The standard inventory template: inventory.xlsx (dropdowns, instructions) or inventory.csv (UTF-8 with BOM)',
    tags: ['intake'],
    request: { params: z.object({ file: z.enum(['inventory.xlsx', 'inventory.csv']) }) },
    responses: {
      200: { description: 'The template file', contentType: 'application/octet-stream' },
      ...errors,
    },
  },
  {
    method: 'GET',
    path: '/v1/patents',
    function: 'listPatents',
    roles: ['institution', 'enterprise', 'expert', ...adminRoles],
    summary:
      'Patents in your scope, filtered, in a stable order with an opaque cursor (enterprises and experts: the conversion pool, public fields)',
    tags: ['patents'],
    request: { query: patentListQuerySchema },
    responses: { 200: { description: 'A page of patents', schema: patentPageSchema }, ...errors },
  },
  {
    method: 'GET',
    path: '/v1/patents/{applicationNumber}',
    function: 'getPatent',
    roles: ['institution', 'enterprise', 'expert', ...adminRoles],
    summary:
      'One patent (ZL / CN prefixes accepted); enterprises and experts: conversion-pool patents, public fields',
    tags: ['patents'],
    request: { params: patentParamsSchema },
    responses: {
      200: { description: 'The patent (full or public view)', schema: patentViewSchema },
      ...errors,
      404: { description: 'No such patent in your scope', schema: errorBodySchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/inventory/coverage',
    function: 'getInventoryCoverage',
    roles: ['institution', ...adminRoles],
    summary: 'Inventory coverage (inventoried / total, conversion pool) against the Work Plan deadlines',
    tags: ['inventory'],
    request: { query: coverageQuerySchema },
    responses: { 200: { description: 'Coverage in your scope', schema: coverageSchema }, ...errors },
  },
  {
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
      ...errors,
      409: {
        description: 'Registered by another institution, or changed meanwhile',
        schema: errorBodySchema,
      },
    },
  },
  {
    method: 'POST',
    path: '/v1/patents:batch',
    function: 'registerPatentsBatch',
    roles: ['institution'],
    summary: 'Add or update up to 1,000 patents; every row is stored or listed in errors',
    tags: ['patents'],
    request: { body: patentBatchInputSchema },
    responses: {
      200: { description: 'Row counts and the rejected rows', schema: patentBatchResultSchema },
      ...errors,
      413: { description: 'More than 1,000 rows: use POST /v1/uploads', schema: errorBodySchema },
    },
  },
  {
    method: 'PUT',
    path: '/v1/patents/{applicationNumber}/self-assessment',
    function: 'submitSelfAssessment',
    roles: ['institution'],
    summary:
      'Edit the self-assessment (TRL, value, scenarios, prospect, intents ...) while draft or returned',
    tags: ['patents'],
    request: {
      params: z.object({ applicationNumber: z.string().min(8).max(40) }),
      body: selfAssessmentInputSchema,
    },
    responses: {
      200: { description: 'The patent after the change' },
      ...errors,
      404: { description: 'No such patent of your institution', schema: errorBodySchema },
      409: {
        description: 'Not editable in its review state, or changed since you read it',
        schema: errorBodySchema,
      },
    },
  },
  {
    method: 'POST',
    path: '/v1/patents/{applicationNumber}/review',
    function: 'reviewInventory',
    roles: ['institution'],
    summary: 'Review: submit (department user), approve or return with a comment (institution-level user)',
    tags: ['patents'],
    request: { params: z.object({ applicationNumber: z.string().min(8).max(40) }), body: reviewActionSchema },
    responses: {
      200: { description: 'The patent after the transition (on approval: screened into a pool)' },
      ...errors,
      404: { description: 'No such patent of your institution', schema: errorBodySchema },
      409: {
        description: 'Not allowed in the current review state (names the allowed actions)',
        schema: errorBodySchema,
      },
    },
  },
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
      ...errors,
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
      ...errors,
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
      ...errors,
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
      ...errors,
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
    responses: { 200: { description: 'The profile', schema: expertSchema }, ...errors },
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
      ...errors,
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
    responses: { 200: { description: 'A page of requests' }, ...errors },
  },
  {
    method: 'PUT',
    path: '/v1/patents/{applicationNumber}/evaluations/mine',
    function: 'submitEvaluation',
    roles: ['enterprise', 'expert'],
    summary:
      'Your evaluation of a conversion-pool patent (a matched evaluator, or a verified enterprise that found it in the pool); a second PUT replaces it',
    tags: ['evaluations'],
    request: { params: patentParamsSchema, body: evaluationInputSchema },
    responses: {
      201: { description: 'Evaluation recorded', schema: myEvaluationSchema },
      200: { description: 'Evaluation replaced (version + 1)', schema: myEvaluationSchema },
      ...errors,
      403: {
        description:
          "Your role may not call this route; the patent is your own organization's (conflict of interest); your enterprise is not verified (details.status); an expert without a request",
        schema: errorBodySchema,
      },
      404: { description: 'No such patent in the conversion pool', schema: errorBodySchema },
      409: {
        description:
          'The evaluation window closed (names the date), or your evaluation changed since you read it',
        schema: errorBodySchema,
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/patents/{applicationNumber}/evaluations/mine',
    function: 'getMyEvaluation',
    roles: ['enterprise', 'expert'],
    summary: 'Your own evaluation of a patent (enterprises: the one of your enterprise)',
    tags: ['evaluations'],
    request: { params: patentParamsSchema },
    responses: {
      200: { description: 'Your evaluation and the state of the window', schema: myEvaluationSchema },
      ...errors,
      404: { description: 'You have not evaluated this patent', schema: errorBodySchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/patents/{applicationNumber}/evaluations',
    function: 'listEvaluations',
    roles: ['institution', 'enterprise', 'expert', ...adminRoles],
    summary:
      "Every evaluation of a patent with the aggregate: its institution, the admin of its province, national admins (an enterprise's identity only with its consent). Enterprises and experts: 404, read yours at .../evaluations/mine",
    tags: ['evaluations'],
    request: { params: patentParamsSchema },
    responses: {
      200: { description: 'Evaluations, aggregate and window', schema: patentEvaluationsSchema },
      ...errors,
      404: { description: 'No such patent in your scope', schema: errorBodySchema },
    },
  },
  {
    method: 'POST',
    path: '/v1/inbox/{applicationNumber}/decline',
    function: 'declineRequest',
    roles: ['enterprise', 'expert'],
    summary:
      'Decline an evaluation request in your inbox, with an optional reason (declining twice changes nothing)',
    tags: ['evaluations'],
    request: { params: patentParamsSchema, body: declineRequestSchema },
    responses: {
      200: { description: 'The request, declined', schema: declinedRequestSchema },
      ...errors,
      404: { description: 'No request for this patent in your inbox', schema: errorBodySchema },
      409: { description: 'Already evaluated', schema: errorBodySchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/pool',
    function: 'getPoolFeed',
    roles: adminRoles,
    summary:
      "A province's conversion pool changed since a time, with evaluation state and aggregates: a cursor feed for syncing (province admins: their own province)",
    tags: ['pool'],
    request: { query: poolFeedQuerySchema },
    responses: { 200: { description: 'A page of the feed', schema: poolPageSchema }, ...errors },
  },
  {
    method: 'GET',
    path: '/v1/pool/export.xlsx',
    function: 'exportPool',
    roles: adminRoles,
    summary:
      "A province's conversion pool as XLSX, Chinese and English headers (province admins: their own province); large pools: GET /v1/pool",
    tags: ['pool'],
    request: { query: poolExportQuerySchema },
    responses: {
      200: {
        description: 'The spreadsheet',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
      ...errors,
      413: { description: 'Too large for one file: use GET /v1/pool', schema: errorBodySchema },
    },
  },
  {
    method: 'POST',
    path: '/v1/admin/mail:test',
    function: 'queueTestMail',
    roles: ['national-admin'],
    summary: 'Queue a test email to check mail delivery end to end',
    tags: ['system'],
    request: { body: sendTestMailSchema },
    responses: { 202: { description: 'Queued', schema: queuedMailSchema }, ...errors },
  },
] as const satisfies readonly RouteDeclaration[];

// ---------------------------------------------------------------------------------------------
// Events: S3 object-created notifications and DynamoDB stream consumers
// ---------------------------------------------------------------------------------------------

export interface BucketNotificationDeclaration {
  bucket: BucketName;
  prefix: string;
  function: FunctionName;
}
export const bucketNotifications = [
  { bucket: 'drop', prefix: 'inbox/', function: 'receiveUpload' },
] as const satisfies readonly BucketNotificationDeclaration[];

export interface StreamConsumerDeclaration {
  table: TableName;
  function: FunctionName;
  /** Lambda event filter pattern on the stream record (EventBridge pattern syntax, exact values). */
  filterPattern: Record<string, unknown>;
  batchSize: number;
  /** Attempts of a failing batch before it is set aside (Lambda retryAttempts). */
  retryAttempts: number;
}
export const streamConsumers = [
  {
    table: 'core',
    function: 'dispatchMail',
    filterPattern: { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['mail'] } } } },
    batchSize: 10,
    retryAttempts: 3,
  },
  {
    table: 'core',
    function: 'matchOnInventoried',
    filterPattern: {
      eventName: ['INSERT'],
      dynamodb: {
        NewImage: {
          entity: { S: ['pipeline-event'] },
          type: { S: ['inventoried'] },
          poolStatus: { S: ['conversion'] },
        },
      },
    },
    batchSize: 10,
    retryAttempts: 3,
  },
] as const satisfies readonly StreamConsumerDeclaration[];

// ---------------------------------------------------------------------------------------------
// Workflows: ASL files in workflows/, each Task's Lambda named by a substitution variable
// ---------------------------------------------------------------------------------------------

export interface WorkflowDeclaration {
  file: string;
  description: string;
  type: 'EXPRESS' | 'STANDARD';
  /** Substitution variable used in the ASL (as "${Name}") -> the function behind it. */
  tasks: Record<string, FunctionName>;
}
export const workflows = {
  'system-probe': {
    file: 'workflows/system-probe.asl.json',
    description: 'Runs one write/read/delete round trip against DynamoDB and S3 in parallel (health check)',
    type: 'EXPRESS',
    tasks: { ProbeStoreFunction: 'probeStore', ProbeObjectStoreFunction: 'probeObjectStore' },
  },
  'batch-ingest': {
    file: 'workflows/batch-ingest.asl.json',
    description: 'One uploaded inventory file: ingest it (progress on the job), or record why it failed',
    // Standard: a large file may take longer than Express allows, and the job id as execution name
    // makes a second start of the same job a no-op. Uploads are few, so the open-execution cap is far.
    type: 'STANDARD',
    tasks: { IngestBatchFileFunction: 'ingestBatchFile', FailBatchJobFunction: 'failBatchJob' },
  },
} as const satisfies Record<string, WorkflowDeclaration>;
export type WorkflowName = 'system-probe' | 'batch-ingest';
/** WorkflowName is written out (functions refer to it before `workflows` exists); this fails to compile if they drift. */
export const workflowNamesMatch: [WorkflowName] extends [keyof typeof workflows]
  ? [keyof typeof workflows] extends [WorkflowName]
    ? true
    : never
  : never = true;

// ---------------------------------------------------------------------------------------------
// Schedules (EventBridge Scheduler in AWS, croner locally): same cron, same time zone
// ---------------------------------------------------------------------------------------------

export interface ScheduleDeclaration {
  description: string;
  /** EventBridge Scheduler cron: cron(minutes hours day-of-month month day-of-week year). */
  cron: string;
  timezone: string;
  target: { function: FunctionName } | { workflow: WorkflowName };
}
export const schedules = {
  'mail-retry': {
    description: 'Re-sends emails whose delivery failed (every 15 minutes)',
    cron: 'cron(0/15 * * * ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'retryMail' },
  },
  'evaluation-windows': {
    description: 'Closes the evaluation windows whose deadline has passed (daily, 02:30 China time)',
    cron: 'cron(30 2 * * ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'closeEvaluationWindows' },
  },
  'weekly-feedback': {
    description: 'Weekly summary of new evaluations to each institution (Mondays, 09:00 China time)',
    cron: 'cron(0 9 ? * MON *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'sendWeeklyFeedback' },
  },
  'evaluation-digest': {
    description:
      "Daily digest of yesterday's new evaluation requests to each enterprise and expert (08:00 China time)",
    cron: 'cron(0 8 * * ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'sendDigests' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
export type ScheduleName = keyof typeof schedules;

/** Name of the EventBridge Scheduler group holding this system's schedules. */
export const scheduleGroupName = (stage: string) => `patents-${stage}`;

/** Environment variable names through which functions learn their resources. */
export const envNames = {
  table: (name: TableName) => `TABLE_${name.toUpperCase()}`,
  bucket: (name: BucketName) => `BUCKET_${name.toUpperCase()}`,
  workflow: (name: WorkflowName) => `WORKFLOW_${name.toUpperCase().replace(/-/g, '_')}_ARN`,
} as const;

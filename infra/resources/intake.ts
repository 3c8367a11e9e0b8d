/** Intake: uploads, batch jobs, the batch-ingest workflow, template downloads. Joined with the other areas in infra/resources.ts. */

import { z } from 'zod';
import { batchJobSchema } from '../../schemas/batch-job.ts';
import { errorBodySchema } from '../../schemas/errors.ts';
import { createUploadSchema, uploadCreatedSchema } from '../../schemas/upload.ts';
import {
  adminRoles,
  type BucketNotificationDeclaration,
  type FunctionDeclaration,
  type RouteDeclaration,
  routeErrors,
  type WorkflowDeclaration,
} from './declarations.ts';

export const intakeFunctions = {
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
} as const satisfies Record<string, FunctionDeclaration>;

export const intakeRoutes = [
  {
    method: 'POST',
    path: '/v1/uploads',
    function: 'createUpload',
    roles: ['institution'],
    summary: 'Announce an inventory file: returns a presigned PUT link (15 minutes) and the job id to follow',
    tags: ['intake'],
    request: { body: createUploadSchema },
    responses: {
      201: { description: 'PUT the file to uploadUrl', schema: uploadCreatedSchema },
      ...routeErrors,
    },
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
      ...routeErrors,
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
      ...routeErrors,
    },
  },
] as const satisfies readonly RouteDeclaration[];

export const intakeBucketNotifications = [
  { bucket: 'drop', prefix: 'inbox/', function: 'receiveUpload' },
] as const satisfies readonly BucketNotificationDeclaration[];

export const intakeWorkflows = {
  'batch-ingest': {
    file: 'workflows/batch-ingest.asl.json',
    description: 'One uploaded inventory file: ingest it (progress on the job), or record why it failed',
    // Standard: a large file may take longer than Express allows, and the job id as execution name
    // makes a second start of the same job a no-op. Uploads are few, so the open-execution cap is far.
    type: 'STANDARD',
    tasks: { IngestBatchFileFunction: 'ingestBatchFile', FailBatchJobFunction: 'failBatchJob' },
  },
} as const satisfies Record<string, WorkflowDeclaration>;

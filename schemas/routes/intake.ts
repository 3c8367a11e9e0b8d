/** Intake: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { batchJobPageSchema, batchJobSchema, jobsQuerySchema } from '../batch-job.ts';
import { errorBodySchema } from '../errors.ts';
import { createUploadSchema, uploadCreatedSchema } from '../upload.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
export const createUploadRoute = {
  method: 'POST',
  path: '/v1/uploads',
  function: 'createUpload',
  roles: ['institution', ...adminRoles],
  summary:
    'Announce a batch file: an inventory (institutions), or enterprises / evaluations of a province (province administrators); returns a presigned POST (url + form fields, 15 minutes; the policy binds key, content type and size) and the job id to follow',
  tags: ['intake'],
  request: { body: createUploadSchema },
  responses: {
    201: {
      description: 'POST the file as multipart/form-data to url, with fields first and the file last',
      schema: uploadCreatedSchema,
    },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const getJobRoute = {
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
} as const satisfies RouteDeclaration;

export const listJobsRoute = {
  method: 'GET',
  path: '/v1/jobs',
  function: 'listJobs',
  roles: ['institution', ...adminRoles],
  summary:
    "Batch jobs, newest first, with filters by status and kind: an institution's inventory jobs (uploads and files dropped straight into the bucket) or a province's enterprises and evaluations jobs",
  tags: ['intake'],
  request: { query: jobsQuerySchema },
  responses: {
    200: { description: 'A page of jobs', schema: batchJobPageSchema },
    ...routeErrors,
    404: { description: 'No such institution or province in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const getInventoryTemplateRoute = {
  method: 'GET',
  path: '/v1/templates/{file}',
  function: 'getInventoryTemplate',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles],
  summary:
    'A standard template: inventory, enterprises (bulk registration) or evaluation (feedback), as .xlsx (dropdowns, instructions) or .csv (UTF-8 with BOM)',
  tags: ['intake'],
  request: {
    params: z.object({
      file: z.enum([
        'inventory.xlsx',
        'inventory.csv',
        'enterprises.xlsx',
        'enterprises.csv',
        'evaluation.xlsx',
        'evaluation.csv',
      ]),
    }),
  },
  responses: {
    200: { description: 'The template file', contentType: 'application/octet-stream' },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const intakeRoutes = [
  createUploadRoute,
  listJobsRoute,
  getJobRoute,
  getInventoryTemplateRoute,
] as const;

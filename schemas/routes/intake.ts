/** Intake: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { batchJobPageSchema, batchJobSchema, jobsQuerySchema } from '../batch-job.ts';
import { errorBodySchema } from '../errors.ts';
import {
  mappingProfileListSchema,
  mappingProfileParamsSchema,
  mappingProfileSchema,
  previewRequestSchema,
  previewSchema,
  putMappingProfileSchema,
} from '../mapping-profile.ts';
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
  roles: ['institution', ...adminRoles, 'ministry-admin'],
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
  roles: ['institution', ...adminRoles, 'ministry-admin'],
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
    'A standard template: inventory, enterprises (bulk registration), evaluation (feedback), legal-status (import of legal statuses) or needs (technology needs in bulk), as .xlsx (dropdowns, instructions) or .csv (UTF-8 with BOM)',
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
        'legal-status.xlsx',
        'legal-status.csv',
        'needs.xlsx',
        'needs.csv',
      ]),
    }),
  },
  responses: {
    200: { description: 'The template file', contentType: 'application/octet-stream' },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const previewUploadRoute = {
  method: 'POST',
  path: '/v1/uploads/{previewId}/preview',
  function: 'previewUpload',
  roles: ['institution'],
  summary:
    'Read an inventory file sent with a preview upload (POST /v1/uploads, mode "preview") without importing it: header row, how each column is read (confidence, alternatives), the values that need a meaning, the first rows as they would be stored, counts of rows accepted / refused with the top reasons',
  tags: ['intake'],
  request: {
    params: z.object({
      previewId: z
        .string()
        .regex(/^[0-9a-f]{24}$/, 'the previewId POST /v1/uploads returned (24 hexadecimal characters)'),
    }),
    body: previewRequestSchema,
  },
  responses: {
    200: {
      description: 'The preview (refusal set when an import would refuse the whole file)',
      schema: previewSchema,
    },
    ...routeErrors,
    404: {
      description: 'No such preview file of your institution, or no such profile',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const putMappingProfileRoute = {
  method: 'PUT',
  path: '/v1/institutions/{uscc}/mapping-profiles/{name}',
  function: 'putMappingProfile',
  roles: ['institution'],
  summary:
    "Save a mapping profile of your institution's inventory exports (columns: header -> field; values: source value -> value); create without expectedVersion, replace with the version read (expectedVersion or If-Match); name it at upload, or call it default for direct S3 drops",
  tags: ['intake'],
  request: { params: mappingProfileParamsSchema, body: putMappingProfileSchema },
  responses: {
    200: { description: 'Replaced (ETag: its new version)', schema: mappingProfileSchema },
    201: { description: 'Created (ETag: "1")', schema: mappingProfileSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
    409: {
      description:
        'The profile exists (send expectedVersion), changed since you read it, or does not exist yet',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const getMappingProfileRoute = {
  method: 'GET',
  path: '/v1/institutions/{uscc}/mapping-profiles/{name}',
  function: 'getMappingProfile',
  roles: ['institution', ...adminRoles],
  summary:
    "A mapping profile of your institution (ETag: its version, for If-Match); administrators read those of their province's institutions (national: any)",
  tags: ['intake'],
  request: { params: mappingProfileParamsSchema },
  responses: {
    200: { description: 'The profile', schema: mappingProfileSchema },
    ...routeErrors,
    404: { description: 'No such profile, or no such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const deleteMappingProfileRoute = {
  method: 'DELETE',
  path: '/v1/institutions/{uscc}/mapping-profiles/{name}',
  function: 'deleteMappingProfile',
  roles: ['institution'],
  summary:
    'Delete a mapping profile of your institution, at the version you read (If-Match: its ETag, required). Uploads naming it are then refused; without a profile named default, direct S3 drops are read by their headers alone',
  tags: ['intake'],
  request: { params: mappingProfileParamsSchema },
  responses: {
    204: { description: 'Deleted (audited with its last content)' },
    ...routeErrors,
    404: {
      description: 'No such profile (deleted already), or no such institution in your scope',
      schema: errorBodySchema,
    },
    409: { description: 'The profile changed since you read it: read it again', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listMappingProfilesRoute = {
  method: 'GET',
  path: '/v1/institutions/{uscc}/mapping-profiles',
  function: 'listMappingProfiles',
  roles: ['institution', ...adminRoles],
  summary:
    "Your institution's mapping profiles, by name (at most 50); administrators list those of their province's institutions (national: any)",
  tags: ['intake'],
  request: { params: z.object({ uscc: z.string().trim().min(1).max(32) }) },
  responses: {
    200: { description: 'The profiles', schema: mappingProfileListSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const intakeRoutes = [
  createUploadRoute,
  previewUploadRoute,
  putMappingProfileRoute,
  getMappingProfileRoute,
  deleteMappingProfileRoute,
  listMappingProfilesRoute,
  listJobsRoute,
  getJobRoute,
  getInventoryTemplateRoute,
] as const;

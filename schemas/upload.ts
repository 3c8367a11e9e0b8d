import * as z from 'zod';
import { batchKinds } from './batch-job.ts';
import { profileNameSchema } from './mapping-profile.ts';
import { answerKeySchema } from './storage.ts';

export const createUploadSchema = z
  .object({
    fileName: z.string().trim().min(5).max(200).meta({ example: '2026年专利盘点.xlsx' }),
    sizeBytes: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .meta({ description: 'Size of the file, to be told early when it is too large' }),
    kind: z.enum(batchKinds).default('inventory').meta({
      description:
        "inventory (institutions; default), enterprises, evaluations, legal-status or needs (technology needs of the province's verified enterprises, posted open) (province administrators, and national administrators whose account names a province; a national administrator's legal-status file may name patents of any province)",
    }),
    mode: z.enum(['import', 'preview']).default('import').meta({
      description:
        'import (default): the file is imported as a job; preview (inventory only): the file is only read, by POST /v1/uploads/{previewId}/preview, and nothing is imported (kept one day)',
    }),
    profile: profileNameSchema.optional().meta({
      description:
        'Inventory imports: the mapping profile of your institution to read the file with (it must exist); default: the profile "default" if you have one',
    }),
  })
  .meta({ id: 'CreateUpload' });

export const uploadCreatedSchema = z
  .object({
    method: z
      .literal('POST')
      .meta({ description: 'Send the file as an HTML-form POST (multipart/form-data)' }),
    url: z.string().meta({
      description:
        'POST the form here: every entry of `fields` first, then the file as the field `file` (last)',
    }),
    fields: z.record(answerKeySchema, z.string()).meta({
      description:
        'Form fields to send unchanged before the file (key, Content-Type, policy, signature ...). The signed policy binds the key, the content type and the size: S3 refuses another file type, a file over maxBytes, or a link used after 15 minutes',
    }),
    key: z.string().meta({ example: 'inbox/12100000400000624D/3f9c.../2026年专利盘点.xlsx' }),
    jobId: z
      .string()
      .optional()
      .meta({ description: 'Imports: follow the import with GET /v1/jobs/{jobId}' }),
    previewId: z.string().optional().meta({
      description: 'Previews: once the file is sent, read it with POST /v1/uploads/{previewId}/preview',
    }),
    previewPath: z.string().optional().meta({ example: '/v1/uploads/3f9c0a1b2c3d4e5f60718293/preview' }),
    contentType: z
      .string()
      .meta({ description: 'The only Content-Type the policy accepts (also in fields)' }),
    maxBytes: z
      .number()
      .int()
      .meta({ description: 'The largest file the policy accepts (content-length-range)' }),
    expiresInSeconds: z.number().int(),
  })
  .meta({ id: 'UploadCreated' });

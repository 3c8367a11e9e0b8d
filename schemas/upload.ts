import * as z from 'zod';
import { batchKinds } from './batch-job.ts';

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
        'inventory (institutions; default), enterprises or evaluations (province administrators, and national administrators whose account names a province)',
    }),
  })
  .meta({ id: 'CreateUpload' });

export const uploadCreatedSchema = z
  .object({
    uploadUrl: z.string().meta({ description: 'PUT the file here (presigned, valid 15 minutes)' }),
    key: z.string().meta({ example: 'inbox/12100000400000624D/3f9c.../2026年专利盘点.xlsx' }),
    jobId: z.string().meta({ description: 'Follow the import with GET /v1/jobs/{jobId}' }),
    contentType: z.string(),
    expiresInSeconds: z.number().int(),
  })
  .meta({ id: 'UploadCreated' });

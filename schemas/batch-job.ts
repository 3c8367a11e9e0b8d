import { z } from 'zod';

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** A row that was not stored, as the error report (CSV) and the batch API list it. */
export const errorRowSchema = z
  .object({
    row: z.number().int().meta({ description: 'Row number as shown in Excel (the header is row 1)' }),
    column: z
      .string()
      .meta({ description: 'Template column (Chinese header); empty for whole-row problems' }),
    value: z.string().meta({ description: 'The cell as given, cut to 200 characters' }),
    code: z.string(),
    messageZh: z.string(),
    messageEn: z.string(),
  })
  .meta({ id: 'ErrorRow' });
export type ErrorRow = z.infer<typeof errorRowSchema>;

export const batchJobSchema = z
  .object({
    jobId: z.string(),
    status: z.enum(jobStatuses),
    institutionUscc: z.string(),
    fileName: z.string(),
    sizeBytes: z.number().int(),
    rowsTotal: z.number().int().meta({ description: 'Data rows read so far (all of them once finished)' }),
    rowsAccepted: z.number().int().meta({ description: 'Rows that created or updated a patent' }),
    rowsRejected: z.number().int().meta({ description: 'Rows listed in the error report' }),
    rowsUnchanged: z.number().int().meta({ description: 'Rows identical to the stored patent' }),
    progress: z.number().min(0).max(1).meta({ description: 'Share of the file read, 0-1' }),
    errorReportUrl: z
      .string()
      .optional()
      .meta({ description: 'Presigned link to the error report CSV (valid 1 hour)' }),
    failure: z
      .object({ code: z.string(), messageZh: z.string(), messageEn: z.string() })
      .optional()
      .meta({ description: 'Why the whole file was refused (status failed)' }),
    warnings: z.array(z.string()).default([]),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
  })
  .meta({ id: 'BatchJob' });
export type BatchJob = z.infer<typeof batchJobSchema>;

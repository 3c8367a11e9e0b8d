import * as z from 'zod';
import { pageQuerySchema } from './pagination.ts';

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/**
 * What a batch file holds: the patent inventory of an institution (standard inventory template), or,
 * from a province administrator, enterprises to register verified (enterprise registration template)
 * or evaluations collected offline (evaluation feedback template), and, from a province or national
 * administrator, the legal status of registered patents (legal-status template, e.g. CNIPA's register);
 * technology needs of a province's verified enterprises, posted by its administrator (needs template).
 */
export const batchKinds = ['inventory', 'enterprises', 'evaluations', 'legal-status', 'needs'] as const;
export type BatchKind = (typeof batchKinds)[number];

/** A row that was not stored, as the error report (CSV) and the batch API list it. */
export const errorRowSchema = z
  .object({
    row: z.number().int().meta({ description: 'Row number as shown in Excel (the header is row 1)' }),
    column: z.string().meta({
      description:
        "The column as the file names it (its own header; for JSON rows the template's Chinese header); empty for whole-row problems",
    }),
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
    kind: z.enum(batchKinds).meta({
      description:
        'inventory (patents of an institution), enterprises (bulk registration), evaluations (offline feedback), legal-status (legal statuses of registered patents) or needs (technology needs of its enterprises) of a province',
    }),
    institutionUscc: z.string().optional().meta({ description: 'inventory jobs: the institution' }),
    provinceCode: z.string().optional().meta({
      description:
        'enterprises, evaluations, legal-status and needs jobs: the province they were uploaded for',
    }),
    fileName: z.string(),
    sizeBytes: z.number().int(),
    rowsTotal: z.number().int().meta({ description: 'Data rows read so far (all of them once finished)' }),
    rowsAccepted: z.number().int().meta({
      description:
        'Rows that created or updated a patent, an enterprise or an evaluation, or changed a legal status',
    }),
    rowsRejected: z.number().int().meta({ description: 'Rows listed in the error report' }),
    rowsUnchanged: z.number().int().meta({ description: 'Rows identical to what is stored' }),
    progress: z.number().min(0).max(1).meta({ description: 'Share of the file read, 0-1' }),
    errorReportUrl: z.string().optional().meta({
      description:
        'Presigned link to the error report CSV (valid 1 hour): every error and warning row, with row, column, value, code and what to do',
    }),
    errorCount: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Error lines in the report, exactly (a row may have several)' }),
    warningCount: z.number().int().optional().meta({ description: 'Warning lines in the report, exactly' }),
    firstErrors: z
      .array(errorRowSchema)
      .optional()
      .meta({ description: 'The first error rows by row number (at most 20); the report lists them all' }),
    failure: z
      .object({ code: z.string(), messageZh: z.string(), messageEn: z.string() })
      .optional()
      .meta({ description: 'Why the whole file was refused (status failed)' }),
    warnings: z.array(z.string()).default([]),
    profile: z.object({ name: z.string(), version: z.number().int().optional() }).optional().meta({
      description:
        "Inventory jobs: the mapping profile the file is read with (named at upload, else the institution's default); version: the version read, once the file is read",
    }),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
  })
  .meta({ id: 'BatchJob' });
export type BatchJob = z.infer<typeof batchJobSchema>;

/** GET /v1/jobs: the jobs of one institution or of one province's administrators, newest first. */
export const jobsQuerySchema = pageQuerySchema
  .extend({
    institution: z.string().trim().min(1).max(32).optional().meta({
      description:
        "The institution's unified social credit code: its inventory jobs (institution users: their own, the default; province admins: an institution of their province; national admins: any)",
    }),
    province: z.string().trim().min(1).max(6).optional().meta({
      description:
        "A province's enterprises, evaluations and legal-status jobs (province admins: their own, the default without institution; national admins: name one, or an institution)",
    }),
    status: z.enum(jobStatuses).optional().meta({ description: 'Only jobs in this status' }),
    kind: z.enum(batchKinds).optional().meta({ description: 'Only jobs of this kind' }),
  })
  .meta({ id: 'JobsQuery' });
export type JobsQuery = z.infer<typeof jobsQuerySchema>;

export const batchJobPageSchema = z
  .object({
    items: z.array(batchJobSchema),
    nextCursor: z
      .string()
      .optional()
      .meta({ description: 'Present when more jobs may follow: pass it as cursor, with the same filters' }),
  })
  .meta({ id: 'BatchJobPage' });
export type BatchJobPage = z.infer<typeof batchJobPageSchema>;

/**
 * The pipeline's API shapes: recorded failures (admin list and retry) and a patent's history
 * (GET /v1/patents/{applicationNumber}/history). See docs/pipeline.md.
 */
import * as z from 'zod';
import { lifecycleEventSchema, lifecycleStateSchema } from './lifecycle.ts';
import { pageQuerySchema } from './pagination.ts';
import { answerKeySchema } from './storage.ts';

export const pipelineFailureStatuses = ['failed', 'retried'] as const;

export const pipelineFailureSchema = z
  .object({
    eventId: z.string().meta({ description: 'The pipeline event that failed (its applied-marker id)' }),
    applicationNumber: z.string(),
    institutionUscc: z.string().optional(),
    provinceCode: z.string().optional(),
    eventType: lifecycleEventSchema,
    stage: z.string().meta({ description: 'The workflow stage that failed (its task state)' }),
    status: z.enum(pipelineFailureStatuses).meta({
      description: 'failed: waiting for an admin retry; retried: a new execution was started',
    }),
    error: z.string(),
    cause: z.string().meta({ description: 'The last error message (truncated to 2,000 characters)' }),
    failures: z.number().int().positive().meta({ description: 'How many executions of this event failed' }),
    executionArn: z.string().meta({ description: 'The execution that failed last' }),
    failedAt: z.iso.datetime(),
    retries: z.number().int().nonnegative(),
    retriedAt: z.iso.datetime().optional(),
    retriedBy: z.string().optional(),
    retryExecutionArn: z.string().optional(),
  })
  .meta({ id: 'PipelineFailure', description: 'A pipeline execution that ended in its failure state' });
export type PipelineFailure = z.infer<typeof pipelineFailureSchema>;

export const pipelineFailuresQuerySchema = pageQuerySchema.extend({
  province: z.string().optional().meta({
    description: 'National admins: only this province (GB/T 2260 code); province admins: their own',
  }),
});

export const pipelineFailurePageSchema = z.object({
  items: z.array(pipelineFailureSchema),
  nextCursor: z.string().optional(),
});

export const retryFailureParamsSchema = z.object({ eventId: z.string().min(1).max(300) });

export const retryResultSchema = z.object({
  eventId: z.string(),
  executionArn: z.string().meta({ description: 'The execution started by the (first) retry' }),
  alreadyRetried: z.boolean().meta({
    description: 'true when this failure had been retried already: nothing new was started',
  }),
});

export const historyEntrySchema = z
  .object({
    at: z.iso.datetime(),
    actor: z.string().meta({
      description:
        "Who made the change: the organization and role ('<organization>（<role>）'), never an account id; 'system:...' for jobs",
      example: '91110000400000000X（高校/科研机构 institution）',
    }),
    actorRole: z
      .string()
      .meta({ description: "The actor's role (institution, province-admin ...), 'system' or 'unknown'" }),
    actorOrganization: z
      .string()
      .optional()
      .meta({ description: 'The USCC of the organization the actor spoke for, or its province' }),
    action: z.string().meta({ description: 'lifecycle.<event>, or the audited action (admins only)' }),
    event: lifecycleEventSchema.optional(),
    from: lifecycleStateSchema.optional(),
    to: lifecycleStateSchema.optional(),
    version: z.number().int().optional().meta({ description: 'The patent version the change produced' }),
    eventId: z.string().optional(),
    changes: z
      .record(answerKeySchema, z.object({ before: z.unknown().optional(), after: z.unknown().optional() }))
      .optional()
      .meta({
        description:
          'The fields the transition changed: lifecycle and the fields it set, each { before, after } (before absent: the field did not exist; after absent: removed). Absent on entries recorded before values were audited.',
      }),
    executionArn: z.string().optional().meta({ description: 'The pipeline execution that ran it, if any' }),
    startedExecutionArn: z
      .string()
      .optional()
      .meta({ description: "The pipeline execution this transition's event started, if any" }),
    details: z.record(answerKeySchema, z.unknown()).optional(),
  })
  .meta({ id: 'HistoryEntry', description: 'One change of a patent, oldest first' });
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const historyPageSchema = z.object({
  applicationNumber: z.string(),
  items: z.array(historyEntrySchema),
  nextCursor: z.string().optional(),
});

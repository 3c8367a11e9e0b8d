/**
 * The inputs of functions that no HTTP route calls: workflow tasks (Step Functions `lambda:invoke`
 * payloads) and schedule targets (EventBridge Scheduler inputs, or `npm run job -- <name> --key value`
 * locally). Parsed at the edge with zod, as HTTP requests are, so that a task invoked with the wrong
 * payload fails at once with the field that is wrong instead of somewhere inside the use-case.
 */
import * as z from 'zod';
import { lifecycleEventSchema, lifecycleStateSchema } from './lifecycle.ts';

/** A Step Functions error as a Catch hands it on (`States.Timeout`, a task's error name; its cause). */
export const taskErrorSchema = z.object({ Error: z.string().optional(), Cause: z.string().optional() });

/**
 * A pipeline event as the workflow passes it (functions/pipeline/events.ts `PipelineEvent`, built from
 * the stored event item). Loose: events written by older versions carry other attributes, kept as they are.
 */
export const pipelineEventSchema = z.looseObject({
  eventId: z.string().min(1),
  type: lifecycleEventSchema,
  applicationNumber: z.string().min(1),
  institutionUscc: z.string().optional(),
  provinceCode: z.string().optional(),
  version: z.number().int().nonnegative(),
  from: lifecycleStateSchema.optional(),
  to: lifecycleStateSchema.optional(),
  at: z.string().optional(),
  actor: z.string().optional(),
  executionArn: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** The payload of every pipeline stage task: `{ event, executionArn }`. */
export const pipelineTaskInputSchema = z.object({
  event: pipelineEventSchema,
  executionArn: z.string().optional(),
});

/** RecordFailure: the event whose stage failed, the error the Catch caught. */
export const pipelineFailureInputSchema = pipelineTaskInputSchema.extend({
  error: taskErrorSchema.optional(),
});

/** The batch-ingest workflow's tasks: the job and the execution that runs it. */
export const ingestTaskInputSchema = z.object({ jobId: z.string().min(1), executionId: z.string().min(1) });
export const failedIngestInputSchema = z.object({
  jobId: z.string().min(1),
  error: taskErrorSchema.optional(),
});

/** A quarter as the report workflow names it, e.g. 2025Q4. */
const quarter = z.string().regex(/^\d{4}Q[1-4]$/, 'a quarter such as 2025Q4');

/** The report workflow's per-scope tasks (compute, render): one scope of one quarter. */
export const reportScopeInputSchema = z.object({ quarter, scope: z.string().min(1) });

/** EmailReport: one scope's emails, within a run, possibly a resend. */
export const reportEmailInputSchema = reportScopeInputSchema.extend({
  runId: z.string().min(1),
  resend: z.boolean().optional(),
});

/** Schedule `evaluation-digest`: the China date whose requests to send (default: yesterday). */
export const digestInputSchema = z
  .object({ day: z.iso.date('day: a date such as 2026-11-24').optional() })
  .nullish()
  .transform((input) => input ?? {});

/** Schedule `deadline-sweep`'s overdue task: an instant to judge deadlines at (tests, replays). */
export const overdueSweepInputSchema = z
  .object({ now: z.iso.datetime({ offset: true }).optional() })
  .nullish()
  .transform((input) => input ?? {});

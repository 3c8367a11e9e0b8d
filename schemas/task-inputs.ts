/**
 * The inputs of functions that no HTTP route calls: workflow tasks (Step Functions `lambda:invoke`
 * payloads) and schedule targets (EventBridge Scheduler inputs, or `npm run job -- <name> --key value`
 * locally). Parsed at the edge with zod, as HTTP requests are, so that a task invoked with the wrong
 * payload fails at once with the field that is wrong instead of somewhere inside the use-case.
 */
import * as z from 'zod';
import { provinceNames } from './codes/provinces.ts';
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
/** A run of the search-refill workflow: the cursor and totals of the run before (absent: the start). */
export const refillInputSchema = z.object({
  cursor: z.string().min(1).max(4000).optional(),
  indexed: z.number().int().nonnegative().optional(),
  runs: z.number().int().nonnegative().optional(),
});
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

/**
 * A flag as a schedule input or `npm run job -- <name> --flag` gives it: true/false, or the words
 * "true"/"false" (the local runner passes strings).
 */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((word) => word === 'true')]);

/** A whole number as a schedule input gives it: a number or its digits. */
const count = (what: string) =>
  z.coerce.number({ error: `${what}: a whole number such as 5` }).int(`${what}: a whole number such as 5`);

/** A list as a schedule input (an array) or the local runner (`--quarters 2025Q3,2025Q4`) gives it. */
const commaList = (value: unknown) =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value;

/** A schedule's input: absent (EventBridge Scheduler without input, or null) reads as `{}`. */
const scheduleInput = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object(shape)
    .nullish()
    .transform((input) => input ?? ({} as z.infer<z.ZodObject<T>>));

/**
 * Schedule `spot-checks`: the quarter (default: the one that starts), the sample (rate 0-1, min and max
 * per institution; checked against spotCheckSampleSchema by the use-case) and a province to limit it to.
 * The quarter is checked (form, not in the future) by checkQuarter in the handler, which knows "now".
 */
export const spotCheckRunInputSchema = scheduleInput({
  quarter: z.string().optional(),
  rate: z.coerce.number({ error: 'rate: a share of the patents such as 0.05' }).optional(),
  min: count('min').optional(),
  max: count('max').optional(),
  province: z.coerce.string().optional(),
});

/** Bounds of one round of a sweep (tests and drills make them smaller; the handler caps them). */
const sweepLimitsSchema = z.object({
  pageSize: count('limits.pageSize').min(1, 'limits.pageSize: at least 1').optional(),
  maxPages: count('limits.maxPages').min(1, 'limits.maxPages: at least 1').optional(),
});

/**
 * A round of a looping sweep (ExpirePatents, ExpirePromotions): nothing on the first round, then the
 * previous round's output, which the workflow passes back (running totals, the scan cursor, rounds).
 */
export const sweepRoundInputSchema = z
  .looseObject({
    totals: z.record(z.string(), z.number()).optional(),
    cursor: z.record(z.string(), z.unknown()).optional(),
    rounds: z.number().int().nonnegative().optional(),
    limits: sweepLimitsSchema.optional(),
  })
  .nullish()
  .transform((input) => input ?? {});

/**
 * Schedule `quarterly-report` and the workflow's Prepare task: the quarter (default: the one just
 * ended; form and "not in the future" checked where "now" is known) and whether to send again.
 */
export const reportRunInputSchema = scheduleInput({
  quarter: z
    .union([z.string(), z.null()])
    .optional()
    .transform((value) => (value === null || value === '' ? undefined : value)),
  resend: flag.optional(),
});

/** The workflow's Prepare task: the run's input (as the schedule gave it) and the run id. */
export const prepareReportInputSchema = z.object({
  input: reportRunInputSchema.optional(),
  runId: z.string().min(1).optional(),
});

/** The workflow's Record task: every scope's outcome (loose: the compute and email tasks' output). */
export const recordReportInputSchema = z.object({
  quarter,
  resend: z.boolean().optional(),
  runId: z.string().min(1),
  national: z.looseObject({ scope: z.string() }),
  provinces: z.array(z.looseObject({ scope: z.string() })),
});

/**
 * Schedule `metrics-recompute`: `dryRun` neither corrects nor closes; `closeOnly` only closes the
 * ended `quarters` (default: the last five) of the `provinces` (default: all); `segments` splits the scan.
 */
export const recomputeMetricsInputSchema = scheduleInput({
  dryRun: flag.optional(),
  closeOnly: flag.optional(),
  segments: count('segments').min(1, 'segments: at least 1').optional(),
  quarters: z.preprocess(commaList, z.array(quarter)).optional(),
  provinces: z
    .preprocess(
      commaList,
      z.array(z.string().refine((code) => provinceNames.has(code), 'a province code such as 110000')),
    )
    .optional(),
});

/**
 * Deadline sweep task `ExpirePatents`: one bounded round of patents past their statutory term ->
 * `expired` (functions/patents/expire-patents.ts). Input: the previous round's output (`totals`,
 * `cursor`, `rounds`, `limits`) or the execution input; output: running totals and `more` (the workflow
 * loops while more remain). Items that fail are counted, the others handled, then the task fails with
 * SweepItemsFailed naming them (the workflow records it; the next sweep retries).
 */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { sweepRoundInputSchema } from '../../schemas/task-inputs.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { SweepItemsFailed, taskHandler } from '../shared/task-handler.ts';
import { expirePatents, type PatentExpiryInput } from './expire-patents.ts';
import { dynamoPatentExpiryStore } from './expiry-store.ts';

const store = dynamoPatentExpiryStore(documents, config.tableName('core'));

/** A limit of the input (a whole number >= 1, checked by the schema), capped at `max`. */
const bounded = (value: number | undefined, max: number, fallback: number) =>
  value === undefined ? fallback : Math.min(value, max);

export const handler = taskHandler(async (input: z.infer<typeof sweepRoundInputSchema>, context: Context) => {
  const limits = input.limits;
  const output = await expirePatents(
    {
      store,
      now: () => new Date(),
      shouldStop: () => context.getRemainingTimeInMillis() < 30_000,
      // A Scan page: items read before the filter (at most 1 MB).
      pageSize: bounded(limits?.pageSize, 1000, 1000),
      maxPages: bounded(limits?.maxPages, 100, 50),
    },
    {
      ...(input.totals ? { totals: input.totals as PatentExpiryInput['totals'] } : {}),
      ...(input.cursor ? { cursor: input.cursor } : {}),
      ...(input.rounds ? { rounds: input.rounds } : {}),
    },
  );
  logger.info('patent terms swept', { ...output.totals, more: output.more, rounds: output.rounds });
  if (output.failures.length) {
    throw new SweepItemsFailed(
      JSON.stringify({
        message: `${output.failures.length} patent(s) past their term could not be expired: repair them, the next sweep retries`,
        totals: output.totals,
        failures: output.failures.slice(0, 20),
      }),
    );
  }
  const { failures: _, ...rest } = output;
  return { ...rest, ...(limits ? { limits } : {}) };
}).use(parser({ schema: sweepRoundInputSchema }));

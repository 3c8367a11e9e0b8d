/**
 * Deadline sweep task `ExpirePromotions`: one bounded round of promotions past their window ->
 * `promotionExpired` (listed). Input: the previous round's output (`totals`, `cursor`, `rounds`) or
 * nothing; output: running totals and `more` (the workflow loops while more remain). Items that fail
 * are retried by the workflow, then recorded: the task fails with SweepItemsFailed naming them.
 */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { sweepRoundInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import { SweepItemsFailed, taskHandler } from '../shared/task-handler.ts';
import { type ExpirySweepInput, expirePromotions } from './promotion.ts';
import { promotionDeps } from './promotion-deps.ts';

const deps = promotionDeps();

/** A limit of the input (a whole number >= 1, checked by the schema), capped at `max`. */
const bounded = (value: number | undefined, max: number, fallback: number) =>
  value === undefined ? fallback : Math.min(value, max);

export const handler = taskHandler(async (input: z.infer<typeof sweepRoundInputSchema>, context: Context) => {
  const limits = input.limits;
  const output = await expirePromotions(
    {
      ...deps,
      shouldStop: () => context.getRemainingTimeInMillis() < 30_000,
      pageSize: bounded(limits?.pageSize, 100, 100),
      maxPages: bounded(limits?.maxPages, 50, 10),
    },
    {
      ...(input.totals ? { totals: input.totals as ExpirySweepInput['totals'] } : {}),
      ...(input.cursor ? { cursor: input.cursor } : {}),
      ...(input.rounds ? { rounds: input.rounds } : {}),
    },
  );
  logger.info('promotions swept', { ...output.totals, more: output.more, rounds: output.rounds });
  if (output.failures.length) {
    throw new SweepItemsFailed(
      JSON.stringify({
        message: `${output.failures.length} promotion(s) could not be expired: repair them, the next sweep retries`,
        totals: output.totals,
        failures: output.failures.slice(0, 20),
      }),
    );
  }
  const { failures: _, ...rest } = output;
  // The next round (the workflow passes this output back) keeps the same limits.
  return { ...rest, ...(limits ? { limits } : {}) };
}).use(parser({ schema: sweepRoundInputSchema }));

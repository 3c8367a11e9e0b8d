/**
 * Deadline sweep task `RunDeferredRetiers`: one bounded round of the re-tiers deferred to this day or
 * earlier (functions/evaluations/deferred-retiers.ts). Input: the previous round's output (`totals`,
 * `cursor`, `rounds`) or the execution input; output: running totals and `more` (the workflow loops
 * while more remain). Items that fail are counted, the others handled, then the task fails with
 * SweepItemsFailed naming them (the workflow records it; the next sweep retries).
 */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { sweepRoundInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import { SweepItemsFailed, taskHandler } from '../shared/task-handler.ts';
import { type DeferredRetierInput, runDeferredRetiers } from './deferred-retiers.ts';
import { evaluationDeps } from './evaluation-deps.ts';
import { lateTiering } from './tiering-deps.ts';

const deps = { ...evaluationDeps(), tiering: lateTiering() };

export const handler = taskHandler(async (input: z.infer<typeof sweepRoundInputSchema>, context: Context) => {
  const output = await runDeferredRetiers(
    {
      ...deps,
      shouldStop: () => context.getRemainingTimeInMillis() < 30_000,
      ...(input.limits?.maxPages ? { maxPages: Math.min(input.limits.maxPages, 100) } : {}),
    },
    {
      ...(input.totals ? { totals: input.totals as DeferredRetierInput['totals'] } : {}),
      ...(input.cursor ? { cursor: input.cursor } : {}),
      ...(input.rounds ? { rounds: input.rounds } : {}),
    },
  );
  logger.info('deferred re-tiers swept', { ...output.totals, more: output.more, rounds: output.rounds });
  if (output.failures.length) {
    throw new SweepItemsFailed(
      JSON.stringify({
        message: `${output.failures.length} deferred re-tier(s) could not be run: repair the patents, the next sweep retries`,
        totals: output.totals,
        failures: output.failures.slice(0, 20),
      }),
    );
  }
  const { failures: _, ...rest } = output;
  // The limits go on to the next round (the workflow passes this output back as its input).
  return { ...rest, ...(input.limits ? { limits: input.limits } : {}) };
}).use(parser({ schema: sweepRoundInputSchema }));

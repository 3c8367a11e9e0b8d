/**
 * Schedule spot-checks (01:30 China time on the first day of each quarter): samples every institution's
 * inventoried patents for the quarter that starts, by size stratum, with the server-side sample key;
 * idempotent per quarter and institution.
 * Input (npm run job -- spot-checks --quarter 2025Q4 --rate 0.05 --min 1 --max 20 --province 110000).
 */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { checkQuarter, quarterOf } from '../../schemas/metrics.ts';
import { spotCheckSampleSchema } from '../../schemas/monitoring.ts';
import { spotCheckRunInputSchema } from '../../schemas/task-inputs.ts';
import { derivedKey } from '../shared/cursor.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { assignSpotChecks, sampleKeyPurpose } from './monitoring.ts';
import { spotCheckDeps } from './monitoring-deps.ts';

const deps = spotCheckDeps();

export const handler = taskHandler(async (input: z.infer<typeof spotCheckRunInputSchema>) => {
  const now = deps.now();
  const checked = input.quarter
    ? checkQuarter(input.quarter, now)
    : { ok: true as const, quarter: quarterOf(now) };
  if (!checked.ok) throw new Error(checked.message);
  const hasSample = input.rate !== undefined || input.min !== undefined || input.max !== undefined;
  const sample = hasSample
    ? spotCheckSampleSchema.parse({
        ...(input.rate !== undefined ? { rate: input.rate } : {}),
        ...(input.min !== undefined ? { min: input.min } : {}),
        ...(input.max !== undefined ? { max: input.max } : {}),
      })
    : undefined;
  // The sample key, from the server-side secret (loaded once per cold start): see pickSample.
  const sampleKey = await derivedKey(sampleKeyPurpose);
  const outcome = await assignSpotChecks(
    {
      ...deps,
      sampleKey,
      ...(sample ? { sample } : {}),
      ...(input.province ? { provinces: [input.province] } : {}),
    },
    checked.quarter,
  );
  logger.info('spot checks assigned', outcome);
  return outcome;
}).use(parser({ schema: spotCheckRunInputSchema }));

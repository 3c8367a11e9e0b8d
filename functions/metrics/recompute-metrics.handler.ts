/**
 * Schedule metrics-recompute (weekly): rebuild the counters from core, correct and record the differences,
 * then close the last five ended quarters again (quarter-close.ts: the snapshots the reports read).
 * Payload `{ closeOnly: true }` only closes (run it when a quarter has ended, before its report), the
 * last five ended quarters or `quarters` (ended ones, YYYYQn), every province or `provinces`;
 * `{ dryRun: true }` neither corrects nor closes.
 */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import type { Quarter } from '../../schemas/metrics.ts';
import { recomputeMetricsInputSchema } from '../../schemas/task-inputs.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import {
  applyIncrements,
  coreScanFilter,
  dynamoQuarterClosePorts,
  readAllCounters,
  saveReconciliation,
  scanSegment,
} from './metrics-store.ts';
import { closeQuarters } from './quarter-close.ts';
import { recomputeMetrics } from './recompute-job.ts';

const core = config.tableName('core');
const metrics = config.tableName('metrics');

export const handler = taskHandler(async (event: z.infer<typeof recomputeMetricsInputSchema>) => {
  const dryRun = event.dryRun === true;
  const close = () => closeQuarters(dynamoQuarterClosePorts(documents, metrics));
  if (event.closeOnly === true) {
    const closed = await closeQuarters(dynamoQuarterClosePorts(documents, metrics), {
      ...(event.quarters ? { quarters: event.quarters as Quarter[] } : {}),
      ...(event.provinces ? { provinces: event.provinces } : {}),
    });
    logger.info('metrics quarters closed', closed);
    return { closed };
  }
  const record = await recomputeMetrics(
    {
      scanCore: (segment, totalSegments, visit) =>
        scanSegment(documents, { tableName: core, segment, totalSegments, filter: coreScanFilter }, visit),
      readCounters: () => readAllCounters(documents, metrics, 4),
      applyCorrections: (delta) => applyIncrements(documents, metrics, delta),
      saveReconciliation: (r) => saveReconciliation(documents, metrics, r),
      now: () => new Date(),
    },
    {
      totalSegments: Math.min(64, Math.max(1, Number(event.segments ?? 8))),
      correct: !dryRun,
    },
  );
  const closed = dryRun ? undefined : await close();
  const { differences, ...summary } = record;
  if (record.differenceCount)
    logger.warn('metrics reconciliation found differences', {
      ...summary,
      first: differences.slice(0, 20),
    });
  else logger.info('metrics reconciliation: counters match', summary);
  return { ...summary, ...(closed ? { closed } : {}) };
}).use(parser({ schema: recomputeMetricsInputSchema }));

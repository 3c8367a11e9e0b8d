/** Schedule metrics-recompute (weekly): rebuild the counters from core, correct and record the differences. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documents } from '../shared/clients.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import {
  applyIncrements,
  coreScanFilter,
  readAllCounters,
  saveReconciliation,
  scanSegment,
} from './metrics-store.ts';
import { recomputeMetrics } from './recompute-job.ts';

const core = config.tableName('core');
const metrics = config.tableName('metrics');

export const handler = middy(
  async (event: { dryRun?: boolean | string; segments?: number | string } = {}) => {
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
        correct: !(event.dryRun === true || event.dryRun === 'true'),
      },
    );
    const { differences, ...summary } = record;
    if (record.differenceCount)
      logger.warn('metrics reconciliation found differences', {
        ...summary,
        first: differences.slice(0, 20),
      });
    else logger.info('metrics reconciliation: counters match', summary);
    return summary;
  },
).use(injectLambdaContext(logger));

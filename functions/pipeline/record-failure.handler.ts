/** Pipeline task `RecordFailure` (every stage's Catch): records the failed event for the admins' list and retry. */

import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { pipelineFailureInputSchema } from '../../schemas/task-inputs.ts';
import { metrics, recorder } from '../shared/business-metrics.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import type { PipelineEvent } from './events.ts';
import { recordFailure } from './failures.ts';
import { failureDeps } from './pipeline-deps.ts';

const deps = failureDeps();

export const handler = taskHandler(async (payload: z.infer<typeof pipelineFailureInputSchema>) => {
  const result = await recordFailure(deps, { ...payload, event: payload.event as PipelineEvent });
  logger.warn('pipeline failure recorded', { ...result, error: payload.error?.Error });
  // Once per failed execution: a retried RecordFailure of the same execution records nothing new.
  if (result.recorded) recorder.count('PipelineFailures', 1);
  return result;
})
  .use(logMetrics(metrics))
  .use(parser({ schema: pipelineFailureInputSchema }));

/** Pipeline task `RecordFailure` (every stage's Catch): records the failed event for the admins' list and retry. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { pipelineFailureInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import type { PipelineEvent } from './events.ts';
import { recordFailure } from './failures.ts';
import { failureDeps } from './pipeline-deps.ts';

const deps = failureDeps();

export const handler = middy(async (payload: z.infer<typeof pipelineFailureInputSchema>) => {
  const result = await recordFailure(deps, { ...payload, event: payload.event as PipelineEvent });
  logger.warn('pipeline failure recorded', { ...result, error: payload.error?.Error });
  return result;
})
  .use(injectLambdaContext(logger))
  .use(parser({ schema: pipelineFailureInputSchema }));

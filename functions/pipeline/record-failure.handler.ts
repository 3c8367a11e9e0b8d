/** Pipeline task `RecordFailure` (every stage's Catch): records the failed event for the admins' list and retry. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/powertools.ts';
import type { PipelineEvent } from './events.ts';
import { recordFailure } from './failures.ts';
import { failureDeps } from './pipeline-deps.ts';

const deps = failureDeps();

export const handler = middy(
  async (payload: {
    event: PipelineEvent;
    error?: { Error?: string; Cause?: string };
    executionArn?: string;
  }) => {
    const result = await recordFailure(deps, payload);
    logger.warn('pipeline failure recorded', { ...result, error: payload.error?.Error });
    return result;
  },
).use(injectLambdaContext(logger));

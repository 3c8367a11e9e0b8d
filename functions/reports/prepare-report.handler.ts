/** quarterly-report task Prepare: the quarter (given, or the one just ended in China), resend, the scopes. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/powertools.ts';
import { prepareRun } from './reports.ts';

export const handler = middy(
  async (event: { input?: { quarter?: unknown; resend?: unknown }; runId?: string }) =>
    prepareRun({ ...(event.input ?? {}), runId: event.runId }, new Date()),
).use(injectLambdaContext(logger));

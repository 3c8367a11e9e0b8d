/** Scheduled (mail-retry): re-sends emails whose send failed or whose sender died mid-send. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { metrics, recorder } from '../shared/business-metrics.ts';
import { logger } from '../shared/powertools.ts';
import { mailDeps } from './mail-deps.ts';
import { retryDueMail } from './mail-outbox.ts';

const deps = mailDeps();

export const handler = middy(async () => {
  const outcome = await retryDueMail(deps);
  logger.info('mail retry finished', { ...outcome });
  // Zeros too: a data point every run shows the retry schedule ran.
  recorder.count('MailsSent', outcome.sent);
  recorder.count('MailsFailed', outcome.failed);
  return outcome;
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));

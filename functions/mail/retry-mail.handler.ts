/** Scheduled (mail-retry): re-sends emails whose send failed or whose sender died mid-send. */
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { metrics, recorder } from '../shared/business-metrics.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { mailDeps } from './mail-deps.ts';
import { retryDueMail } from './mail-outbox.ts';

const deps = mailDeps();

export const handler = taskHandler(async () => {
  const outcome = await retryDueMail(deps);
  logger.info('mail retry finished', { ...outcome });
  // Zeros too: a data point every run shows the retry schedule ran.
  recorder.count('MailsSent', outcome.sent);
  recorder.count('MailsFailed', outcome.failed);
  return outcome;
}).use(logMetrics(metrics));

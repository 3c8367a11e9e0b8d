/** Scheduled (mail-retry): re-sends emails whose send failed or whose sender died mid-send. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/powertools.ts';
import { mailDeps } from './mail-deps.ts';
import { retryDueMail } from './mail-outbox.ts';

const deps = mailDeps();

export const handler = middy(async () => {
  const outcome = await retryDueMail(deps);
  logger.info('mail retry finished', { ...outcome });
  return outcome;
}).use(injectLambdaContext(logger));

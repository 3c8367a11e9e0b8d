/** quarterly-report task: queues a scope's report email to its admins through the mail outbox. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/powertools.ts';
import { emailDeps } from './report-deps.ts';
import { emailScope } from './reports.ts';

// Created on the first invocation: a directory that cannot be configured fails that task, not the module load.
let deps: ReturnType<typeof emailDeps> | undefined;

export const handler = middy(
  async (event: { quarter: string; scope: string; resend?: boolean; runId: string }) => {
    deps ??= emailDeps().catch((error) => {
      deps = undefined;
      throw error;
    });
    const outcome = await emailScope(await deps, event);
    logger.info('report emails', {
      quarter: event.quarter,
      scope: event.scope,
      statuses: outcome.recipients.map((r) => r.status),
    });
    return outcome;
  },
).use(injectLambdaContext(logger));

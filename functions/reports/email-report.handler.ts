/** quarterly-report task: queues a scope's report email to its admins through the mail outbox. */

import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { reportEmailInputSchema } from '../../schemas/task-inputs.ts';
import { metrics, recorder } from '../shared/business-metrics.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { emailDeps } from './report-deps.ts';
import { emailScope } from './reports.ts';

// Created on the first invocation: a directory that cannot be configured fails that task, not the module load.
let deps: ReturnType<typeof emailDeps> | undefined;

export const handler = taskHandler(async (event: z.infer<typeof reportEmailInputSchema>) => {
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
  recorder.count('ReportScopes', 1);
  return outcome;
})
  .use(logMetrics(metrics))
  .use(parser({ schema: reportEmailInputSchema }));

/**
 * Schedule quarterly-report (01:00 China time on the first day of a quarter): starts the workflow.
 * Without a quarter in the event the workflow reports the quarter just ended;
 * `npm run job -- quarterly-report --quarter 2025Q4 [--resend]` passes one.
 */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { checkQuarter } from '../../schemas/metrics.ts';
import { reportRunInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { startReportRun } from './report-deps.ts';
import { InvalidReportRunError } from './reports.ts';

export const handler = taskHandler(async (event: z.infer<typeof reportRunInputSchema>) => {
  const resend = event.resend === true;
  let quarter: ReturnType<typeof checkQuarter> | undefined;
  if (event.quarter !== undefined) {
    quarter = checkQuarter(event.quarter);
    if (!quarter.ok) throw new InvalidReportRunError(quarter.message);
  }
  const started = await startReportRun({ quarter: quarter?.ok ? quarter.quarter : undefined, resend });
  logger.info('quarterly report started', { ...started, resend });
  return started;
}).use(parser({ schema: reportRunInputSchema }));

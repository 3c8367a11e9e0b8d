/**
 * Schedule quarterly-report (01:00 China time on the first day of a quarter): starts the workflow.
 * Without a quarter in the event the workflow reports the quarter just ended;
 * `npm run job -- quarterly-report --quarter 2025Q4 [--resend]` passes one.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { checkQuarter } from '../../schemas/metrics.ts';
import { logger } from '../shared/powertools.ts';
import { startReportRun } from './report-deps.ts';
import { InvalidReportRunError } from './reports.ts';

export const handler = middy(async (event: { quarter?: unknown; resend?: unknown } | null) => {
  const resend = event?.resend === true || event?.resend === 'true';
  let quarter: ReturnType<typeof checkQuarter> | undefined;
  if (event?.quarter !== undefined && event.quarter !== null && event.quarter !== '') {
    quarter = checkQuarter(String(event.quarter));
    if (!quarter.ok) throw new InvalidReportRunError(quarter.message);
  }
  const started = await startReportRun({ quarter: quarter?.ok ? quarter.quarter : undefined, resend });
  logger.info('quarterly report started', { ...started, resend });
  return started;
}).use(injectLambdaContext(logger));

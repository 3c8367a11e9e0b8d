/** quarterly-report task: records REPORT#<quarter> (every scope, its files and recipients) and the run. */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { recordReportInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { reportStore } from './report-deps.ts';
import { recordRun } from './reports.ts';

const deps = { store: reportStore(), now: () => new Date() };

// The outcomes are the compute and email tasks' own output: the schema checks the frame, not each field.
export const handler = taskHandler(async (event: Parameters<typeof recordRun>[1]) => {
  const summary = await recordRun(deps, event);
  logger.info('report recorded', { ...summary });
  return summary;
}).use(parser({ schema: recordReportInputSchema }));

/** quarterly-report task Prepare: the quarter (given, or the one just ended in China), resend, the scopes. */
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { prepareReportInputSchema } from '../../schemas/task-inputs.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { prepareRun } from './reports.ts';

export const handler = taskHandler(async (event: z.infer<typeof prepareReportInputSchema>) =>
  prepareRun({ ...(event.input ?? {}), runId: event.runId }, new Date()),
).use(parser({ schema: prepareReportInputSchema }));

/** quarterly-report task Prepare: the quarter (given, or the one just ended in China), resend, the scopes. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { prepareReportInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import { prepareRun } from './reports.ts';

export const handler = middy(async (event: z.infer<typeof prepareReportInputSchema>) =>
  prepareRun({ ...(event.input ?? {}), runId: event.runId }, new Date()),
)
  .use(injectLambdaContext(logger))
  .use(parser({ schema: prepareReportInputSchema }));

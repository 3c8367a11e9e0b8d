/** quarterly-report task: a scope's figures from the metrics counters, stored as <scope>.figures.json. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { reportScopeInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import { computeFigures, overdueCorrections, reportFiles } from './report-deps.ts';
import { computeScope } from './reports.ts';

const deps = {
  files: reportFiles(),
  computeFigures: computeFigures(),
  overdueCorrections: overdueCorrections(),
  now: () => new Date(),
};

export const handler = middy(async (event: z.infer<typeof reportScopeInputSchema>) =>
  computeScope(deps, event),
)
  .use(injectLambdaContext(logger))
  .use(parser({ schema: reportScopeInputSchema }));

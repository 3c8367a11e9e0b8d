/** quarterly-report task: a scope's figures from the metrics counters, stored as <scope>.figures.json. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/powertools.ts';
import { computeFigures, overdueCorrections, reportFiles } from './report-deps.ts';
import { computeScope } from './reports.ts';

const deps = {
  files: reportFiles(),
  computeFigures: computeFigures(),
  overdueCorrections: overdueCorrections(),
  now: () => new Date(),
};

export const handler = middy(async (event: { quarter: string; scope: string }) =>
  computeScope(deps, event),
).use(injectLambdaContext(logger));

/** quarterly-report task: renders a scope's HTML, XLSX, chart PNG and email body into the reports bucket. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { reportScopeInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import { renderScope } from './render-scope.ts';
import { reportFiles } from './report-deps.ts';

const deps = { files: reportFiles(), now: () => new Date() };

export const handler = middy(async (event: z.infer<typeof reportScopeInputSchema>) =>
  renderScope(deps, event),
)
  .use(injectLambdaContext(logger))
  .use(parser({ schema: reportScopeInputSchema }));

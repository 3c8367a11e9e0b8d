/** quarterly-report task: renders a scope's HTML, XLSX, chart PNG and email body into the reports bucket. */

import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { reportScopeInputSchema } from '../../schemas/task-inputs.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { renderScope } from './render-scope.ts';
import { reportFiles } from './report-deps.ts';

const deps = { files: reportFiles(), now: () => new Date() };

export const handler = taskHandler(async (event: z.infer<typeof reportScopeInputSchema>) =>
  renderScope(deps, event),
).use(parser({ schema: reportScopeInputSchema }));

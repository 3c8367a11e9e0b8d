/** quarterly-report task: a scope's figures from the metrics counters, stored as <scope>.figures.json. */

import { parser } from '@aws-lambda-powertools/parser/middleware';
import type * as z from 'zod';
import { reportScopeInputSchema } from '../../schemas/task-inputs.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { computeFigures, overdueCorrections, reportFiles } from './report-deps.ts';
import { computeScope } from './reports.ts';

const deps = {
  files: reportFiles(),
  computeFigures: computeFigures(),
  overdueCorrections: overdueCorrections(),
  now: () => new Date(),
};

export const handler = taskHandler(async (event: z.infer<typeof reportScopeInputSchema>) =>
  computeScope(deps, event),
).use(parser({ schema: reportScopeInputSchema }));

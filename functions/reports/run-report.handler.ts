import { runReportRoute } from '../../schemas/routes/reports.ts';
import { httpRoute } from '../shared/http.ts';
import { runReport } from './report-api.ts';
import { startReportRun } from './report-deps.ts';

export const handler = httpRoute(runReportRoute, async ({ params, body }) => ({
  status: 202,
  body: await runReport({ startRun: startReportRun }, params.quarter, body),
}));

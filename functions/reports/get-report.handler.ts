import { getReportRoute } from '../../schemas/routes/reports.ts';
import { httpRoute } from '../shared/http.ts';
import { getReport } from './report-api.ts';
import { apiDeps } from './report-deps.ts';

const deps = apiDeps();

export const handler = httpRoute(getReportRoute, async ({ caller, params, query }) => ({
  status: 200,
  body: await getReport(deps, caller, params.quarter, query),
}));

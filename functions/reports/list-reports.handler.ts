import { listReportsRoute } from '../../schemas/routes/reports.ts';
import { httpRoute } from '../shared/http.ts';
import { listReports } from './report-api.ts';
import { apiDeps } from './report-deps.ts';

const deps = apiDeps();

export const handler = httpRoute(listReportsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listReports(deps, caller, query),
}));

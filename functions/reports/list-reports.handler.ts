import { httpRoute } from '../shared/http.ts';
import { listReports } from './report-api.ts';
import { apiDeps } from './report-deps.ts';

const deps = apiDeps();

export const handler = httpRoute('GET /v1/reports', async ({ caller, query }) => ({
  status: 200,
  body: await listReports(deps, caller, query),
}));

import { httpRoute } from '../shared/http.ts';
import { getReport } from './report-api.ts';
import { apiDeps } from './report-deps.ts';

const deps = apiDeps();

export const handler = httpRoute('GET /v1/reports/{quarter}', async ({ caller, params, query }) => ({
  status: 200,
  body: await getReport(deps, caller, params.quarter, query),
}));

import { listReportsRoute } from '../../schemas/routes/reports.ts';
import { httpRoute } from '../shared/http.ts';
import { listReports } from './report-api.ts';
import { reportStore } from './report-deps.ts';

// Listing reads the records only: no reports-bucket access (none is granted to this function).
const deps = { reads: reportStore() };

export const handler = httpRoute(listReportsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listReports(deps, caller, query),
}));

import { putReportPreferencesRoute } from '../../schemas/routes/reports.ts';
import { httpRoute } from '../shared/http.ts';
import { reportStore } from './report-deps.ts';

const store = reportStore();

export const handler = httpRoute(putReportPreferencesRoute, async ({ caller, body }) => {
  await store.putPreferences(caller, body.reportsOptOut, new Date().toISOString());
  return { status: 200, body: { reportsOptOut: body.reportsOptOut } };
});

import { getJobRoute } from '../../schemas/routes/intake.ts';
import { httpRoute } from '../shared/http.ts';
import { institutions, jobs, presignGet } from './intake-deps.ts';
import { getJobView } from './jobs.ts';

const deps = { jobs: jobs(), institutions: institutions(), presignGet };

export const handler = httpRoute(getJobRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getJobView(deps, caller, params.jobId),
  headers: { 'cache-control': 'no-store' },
}));

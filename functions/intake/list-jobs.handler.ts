import { listJobsRoute } from '../../schemas/routes/intake.ts';
import { httpRoute } from '../shared/http.ts';
import { institutions, jobs, presignGet } from './intake-deps.ts';
import { listJobs } from './jobs.ts';

const deps = { jobs: jobs(), institutions: institutions(), presignGet };

export const handler = httpRoute(listJobsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listJobs(deps, caller, query),
  headers: { 'cache-control': 'no-store' },
}));

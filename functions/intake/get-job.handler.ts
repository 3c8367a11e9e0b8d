import { httpRoute } from '../shared/http.ts';
import { institutions, jobs, presignGet } from './intake-deps.ts';
import { getJobView } from './jobs.ts';

const deps = { jobs: jobs(), institutions: institutions(), presignGet };

export const handler = httpRoute('GET /v1/jobs/{jobId}', async ({ caller, params }) => ({
  status: 200,
  body: await getJobView(deps, caller, params.jobId),
  headers: { 'cache-control': 'no-store' },
}));

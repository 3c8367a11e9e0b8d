import { httpRoute } from '../shared/http.ts';
import { listFailures } from './failures.ts';
import { failureDeps } from './pipeline-deps.ts';

const deps = failureDeps();

export const handler = httpRoute('GET /v1/pipeline/failures', async ({ caller, query }) => ({
  status: 200,
  body: await listFailures(deps, caller, query),
}));

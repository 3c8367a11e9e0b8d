import { listPipelineFailuresRoute } from '../../schemas/routes/pipeline.ts';
import { httpRoute } from '../shared/http.ts';
import { listFailures } from './failures.ts';
import { failureDeps } from './pipeline-deps.ts';

const deps = failureDeps();

export const handler = httpRoute(listPipelineFailuresRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listFailures(deps, caller, query),
}));

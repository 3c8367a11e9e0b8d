import { retryPipelineFailureRoute } from '../../schemas/routes/pipeline.ts';
import { httpRoute } from '../shared/http.ts';
import { retryFailure } from './failures.ts';
import { failureDeps } from './pipeline-deps.ts';

const deps = failureDeps();

export const handler = httpRoute(retryPipelineFailureRoute, async ({ caller, params }) => {
  const result = await retryFailure(deps, caller, decodeURIComponent(params.eventId));
  return { status: result.alreadyRetried ? 200 : 202, body: result };
});

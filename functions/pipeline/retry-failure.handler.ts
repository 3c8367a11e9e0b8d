import { retryPipelineFailureRoute } from '../../schemas/routes/pipeline.ts';
import { httpRoute } from '../shared/http.ts';
import { retryFailure } from './failures.ts';
import { failureDeps } from './pipeline-deps.ts';

const deps = failureDeps();

// API Gateway (HTTP API) hands over path parameters already percent-decoded; decoding them again
// turned an id with a "%" into a URIError (500), and would read "%23" in an id as "#".
export const handler = httpRoute(retryPipelineFailureRoute, async ({ caller, params }) => {
  const result = await retryFailure(deps, caller, params.eventId);
  return { status: result.alreadyRetried ? 200 : 202, body: result };
});

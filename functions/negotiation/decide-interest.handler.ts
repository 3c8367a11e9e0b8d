import { decideInterestRoute } from '../../schemas/routes/negotiation.ts';
import { httpRoute } from '../shared/http.ts';
import { interestDeps } from './interest-deps.ts';
import { decideInterest } from './interests.ts';

const deps = interestDeps();

export const handler = httpRoute(decideInterestRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await decideInterest(deps, caller, params.interestId, body),
}));

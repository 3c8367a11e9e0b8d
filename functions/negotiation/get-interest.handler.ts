import { getInterestRoute } from '../../schemas/routes/negotiation.ts';
import { httpRoute } from '../shared/http.ts';
import { interestDeps } from './interest-deps.ts';
import { getInterest } from './interests.ts';

const deps = interestDeps();

export const handler = httpRoute(getInterestRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getInterest(deps, caller, params.interestId),
}));

import { listInterestsRoute } from '../../schemas/routes/negotiation.ts';
import { httpRoute } from '../shared/http.ts';
import { interestDeps } from './interest-deps.ts';
import { listInterests } from './interests.ts';

const deps = interestDeps();

export const handler = httpRoute(listInterestsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listInterests(deps, caller, query),
}));

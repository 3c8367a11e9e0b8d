import { getInstitutionFunnelRoute } from '../../schemas/routes/negotiation.ts';
import { httpRoute } from '../shared/http.ts';
import { interestDeps } from './interest-deps.ts';
import { institutionFunnel } from './interests.ts';

const deps = interestDeps();

export const handler = httpRoute(getInstitutionFunnelRoute, async ({ caller, params }) => ({
  status: 200,
  body: await institutionFunnel(deps, caller, params.uscc),
}));

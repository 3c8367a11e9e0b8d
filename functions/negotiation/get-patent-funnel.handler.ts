import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { getPatentFunnelRoute } from '../../schemas/routes/negotiation.ts';
import { httpRoute } from '../shared/http.ts';
import { interestDeps } from './interest-deps.ts';
import { patentFunnel } from './interests.ts';

const deps = interestDeps();

export const handler = httpRoute(getPatentFunnelRoute, async ({ caller, params }) => ({
  status: 200,
  body: await patentFunnel(deps, caller, normalizeApplicationNumber(params.applicationNumber)),
}));

import { getNeedFunnelRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { needFunnel } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(getNeedFunnelRoute, async ({ caller, params }) => ({
  status: 200,
  body: await needFunnel(deps, caller, params.needId),
}));

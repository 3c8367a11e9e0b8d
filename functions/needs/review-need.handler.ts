import { reviewNeedRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { reviewNeed } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(reviewNeedRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await reviewNeed(deps, caller, params.needId, body),
}));

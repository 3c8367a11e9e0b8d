import { closeNeedRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { closeNeed } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(closeNeedRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await closeNeed(deps, caller, params.needId, body),
}));

import { postNeedRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { postNeed } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(postNeedRoute, async ({ caller, body }) => ({
  status: 201,
  body: await postNeed(deps, caller, body),
}));

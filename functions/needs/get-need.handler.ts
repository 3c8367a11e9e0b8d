import { getNeedRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { getNeed } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(getNeedRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getNeed(deps, caller, params.needId),
}));

import { listNeedMatchesRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { listMatches } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(listNeedMatchesRoute, async ({ caller, params, query }) => ({
  status: 200,
  body: await listMatches(deps, caller, params.needId, query),
}));

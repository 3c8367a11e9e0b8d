import { listNeedsRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { listNeeds } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(listNeedsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listNeeds(deps, caller, query),
}));

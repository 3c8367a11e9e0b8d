import { proposePatentsRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { proposePatents } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(proposePatentsRoute, async ({ caller, params, body }) => ({
  status: 201,
  body: await proposePatents(deps, caller, params.needId, body),
}));

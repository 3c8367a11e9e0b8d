import { listProposalsRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { listProposals } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(listProposalsRoute, async ({ caller, params, query }) => ({
  status: 200,
  body: await listProposals(deps, caller, params.needId, query),
}));

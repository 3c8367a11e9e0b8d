import { decideSpotCheckRoute } from '../../schemas/routes/monitoring.ts';
import { httpRoute } from '../shared/http.ts';
import { decideSpotCheck } from './monitoring.ts';
import { spotCheckDeps } from './monitoring-deps.ts';

const deps = spotCheckDeps();

export const handler = httpRoute(decideSpotCheckRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await decideSpotCheck(deps, caller, params.id, body),
}));

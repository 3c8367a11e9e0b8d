import { decideSpotCheckRoute } from '../../schemas/routes/monitoring.ts';
import { httpRoute } from '../shared/http.ts';
import { decideSpotCheck } from './monitoring.ts';
import { spotCheckDeps } from './monitoring-deps.ts';
import { spotCheckMail } from './spot-check-mail.ts';

const deps = { ...spotCheckDeps(), mail: spotCheckMail };

export const handler = httpRoute(decideSpotCheckRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await decideSpotCheck(deps, caller, params.id, body),
}));

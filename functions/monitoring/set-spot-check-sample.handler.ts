import { setSpotCheckSampleRoute } from '../../schemas/routes/monitoring.ts';
import { httpRoute } from '../shared/http.ts';
import { setSampleSettings } from './monitoring.ts';
import { spotCheckDeps } from './monitoring-deps.ts';

const deps = spotCheckDeps();

export const handler = httpRoute(setSpotCheckSampleRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await setSampleSettings(deps, caller, params.uscc, body),
}));

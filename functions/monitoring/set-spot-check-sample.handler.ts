import { httpRoute } from '../shared/http.ts';
import { setSampleSettings } from './monitoring.ts';
import { spotCheckDeps } from './monitoring-deps.ts';

const deps = spotCheckDeps();

export const handler = httpRoute(
  'PUT /v1/monitoring/spot-check-settings/{uscc}',
  async ({ caller, params, body }) => ({
    status: 200,
    body: await setSampleSettings(deps, caller, params.uscc, body),
  }),
);

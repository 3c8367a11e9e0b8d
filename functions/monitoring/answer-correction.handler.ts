import { answerCorrectionRoute } from '../../schemas/routes/monitoring.ts';
import { httpRoute } from '../shared/http.ts';
import { answerCorrection } from './monitoring.ts';
import { spotCheckDeps } from './monitoring-deps.ts';

const deps = spotCheckDeps();

export const handler = httpRoute(answerCorrectionRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await answerCorrection(deps, caller, params.id, body),
}));

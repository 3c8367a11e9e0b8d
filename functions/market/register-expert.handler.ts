import { registerExpertRoute } from '../../schemas/routes/market.ts';
import { httpRoute } from '../shared/http.ts';
import { registerExpert } from './evaluators.ts';
import { evaluatorDeps } from './market-deps.ts';

const deps = evaluatorDeps();

export const handler = httpRoute(registerExpertRoute, async ({ caller, body }) => ({
  status: 200,
  body: await registerExpert(deps, caller, body),
}));

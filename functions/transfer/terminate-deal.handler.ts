import { terminateDealRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { terminateDeal } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(terminateDealRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: (await terminateDeal(deps, caller, params.dealId, body)).deal,
}));

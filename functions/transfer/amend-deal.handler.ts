import { amendDealRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { amendDeal } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(amendDealRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await amendDeal(deps, caller, params.dealId, body),
}));

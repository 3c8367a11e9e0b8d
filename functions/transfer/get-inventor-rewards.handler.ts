import { getInventorRewardsRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { inventorRewardsReport } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(getInventorRewardsRoute, async ({ caller, params, query }) => ({
  status: 200,
  body: await inventorRewardsReport(deps, caller, params.uscc, query),
}));

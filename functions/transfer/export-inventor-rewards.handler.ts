import { exportInventorRewardsRoute } from '../../schemas/routes/money.ts';
import { xlsxAttachment } from '../shared/attachment.ts';
import { httpRoute } from '../shared/http.ts';
import { exportInventorRewards } from './inventor-rewards-export.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(exportInventorRewardsRoute, async ({ caller, params, query }) => {
  const file = await exportInventorRewards(deps, caller, params.uscc, query);
  return xlsxAttachment(file, { 'cache-control': 'private, no-store' });
});

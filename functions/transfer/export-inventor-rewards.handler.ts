import { create as contentDisposition } from 'content-disposition';
import { exportInventorRewardsRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { exportInventorRewards } from './inventor-rewards-export.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(exportInventorRewardsRoute, async ({ caller, params, query }) => {
  const file = await exportInventorRewards(deps, caller, params.uscc, query);
  return {
    status: 200,
    binaryBase64: file.xlsx.toString('base64'),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    headers: {
      'content-disposition': contentDisposition(file.fileName, { fallback: file.asciiFileName }),
      'cache-control': 'private, no-store',
    },
  };
});

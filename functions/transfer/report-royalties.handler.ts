import { reportRoyaltiesRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { reportRoyalties } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(reportRoyaltiesRoute, async ({ caller, params, body }) => {
  const { created, obligations } = await reportRoyalties(deps, caller, params.dealId, body);
  return { status: created ? 201 : 200, body: obligations };
});

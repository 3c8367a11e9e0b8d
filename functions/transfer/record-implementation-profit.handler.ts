import { recordImplementationProfitRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { moneyDeps } from './money-deps.ts';
import { recordImplementationProfit } from './own-implementation.ts';

const deps = moneyDeps();

export const handler = httpRoute(recordImplementationProfitRoute, async ({ caller, params, body }) => {
  const { created, record } = await recordImplementationProfit(
    deps,
    caller,
    params.applicationNumber,
    params.year,
    body,
  );
  return { status: created ? 201 : 200, body: record };
});

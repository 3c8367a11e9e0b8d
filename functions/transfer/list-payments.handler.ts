import { listPaymentsRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { listPayments } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(listPaymentsRoute, async ({ caller, params }) => ({
  status: 200,
  body: await listPayments(deps, caller, params.dealId),
}));

import { reversePaymentRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { reversePayment } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(reversePaymentRoute, async ({ caller, params, body }) => {
  const { payment } = await reversePayment(deps, caller, params.dealId, params.paymentId, body);
  return { status: 200, body: payment };
});

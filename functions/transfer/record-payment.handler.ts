import { recordPaymentRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { recordPayment } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(recordPaymentRoute, async ({ caller, params, body, headers }) => {
  const key = headers['idempotency-key'] ?? headers['Idempotency-Key'];
  const { created, payment } = await recordPayment(
    deps,
    caller,
    params.dealId,
    body,
    key?.trim() || undefined,
  );
  return {
    status: created ? 201 : 200,
    body: payment,
    headers: { location: `/v1/deals/${payment.dealId}/payments` },
  };
});

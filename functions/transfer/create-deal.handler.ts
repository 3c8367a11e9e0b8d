import { createDealRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { createDeal } from './deals.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(createDealRoute, async ({ caller, body, headers }) => {
  const key = headers['idempotency-key'] ?? headers['Idempotency-Key'];
  const { created, deal } = await createDeal(deps, caller, body, key?.trim() || undefined);
  return { status: created ? 201 : 200, body: deal, headers: { location: `/v1/deals/${deal.dealId}` } };
});

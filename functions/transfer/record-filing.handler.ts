import { recordFilingRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { recordFiling } from './deals.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(recordFilingRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: (await recordFiling(deps, caller, params.dealId, body)).deal,
}));

import { getDealRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { getDeal } from './deals.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(getDealRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getDeal(deps, caller, params.dealId),
}));

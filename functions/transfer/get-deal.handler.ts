import { httpRoute } from '../shared/http.ts';
import { getDeal } from './deals.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute('GET /v1/deals/{dealId}', async ({ caller, params }) => ({
  status: 200,
  body: await getDeal(deps, caller, params.dealId),
}));

import { listObligationsRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { listObligations } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(listObligationsRoute, async ({ caller, params }) => ({
  status: 200,
  body: await listObligations(deps, caller, params.dealId),
}));

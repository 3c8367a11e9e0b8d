import { getReceivablesRoute } from '../../schemas/routes/money.ts';
import { httpRoute } from '../shared/http.ts';
import { receivables } from './money.ts';
import { moneyDeps } from './money-deps.ts';

const deps = moneyDeps();

export const handler = httpRoute(getReceivablesRoute, async ({ caller, params }) => ({
  status: 200,
  body: await receivables(deps, caller, params.uscc),
}));

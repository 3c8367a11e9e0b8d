import { listOpenLicensesRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { listOpenLicenses } from './open-license.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(listOpenLicensesRoute, async ({ query }) => ({
  status: 200,
  body: await listOpenLicenses(deps, query),
}));

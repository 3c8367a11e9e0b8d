import { listProductsRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { listProducts } from './products.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(listProductsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listProducts(deps, caller, query),
}));

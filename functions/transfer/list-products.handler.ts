import { httpRoute } from '../shared/http.ts';
import { listProducts } from './products.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute('GET /v1/products', async ({ caller, query }) => ({
  status: 200,
  body: await listProducts(deps, caller, query),
}));

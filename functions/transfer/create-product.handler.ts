import { httpRoute } from '../shared/http.ts';
import { createProduct } from './products.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute('POST /v1/products', async ({ caller, body }) => {
  const { created, product } = await createProduct(deps, caller, body);
  return { status: created ? 201 : 200, body: product };
});

import { createProductRoute } from '../../schemas/routes/transfer.ts';
import { httpRoute } from '../shared/http.ts';
import { createProduct } from './products.ts';
import { transferDeps } from './transfer-deps.ts';

const deps = transferDeps();

export const handler = httpRoute(createProductRoute, async ({ caller, body }) => {
  const { created, product } = await createProduct(deps, caller, body);
  return { status: created ? 201 : 200, body: product };
});

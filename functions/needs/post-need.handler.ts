import { postNeedRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { needDeps } from './need-deps.ts';
import { postNeedOnce } from './needs.ts';

const deps = needDeps();

export const handler = httpRoute(postNeedRoute, async ({ caller, body, headers }) => {
  const key = headers['idempotency-key'] ?? headers['Idempotency-Key'];
  const { created, need } = await postNeedOnce(deps, caller, body, key?.trim() || undefined);
  return { status: created ? 201 : 200, body: need, headers: { location: `/v1/needs/${need.needId}` } };
});

/**
 * GET /health: public liveness for uptime checks. It calls nothing and writes nothing, so that a probe
 * every few seconds costs one small invocation; the deep probe is GET /v1/admin/health.
 */
import { healthRoute } from '../../schemas/routes/system.ts';
import { httpRoute } from '../shared/http.ts';

export const handler = httpRoute(healthRoute, async () => ({
  status: 200,
  body: { status: 'ok' as const },
  headers: { 'cache-control': 'no-store' },
}));

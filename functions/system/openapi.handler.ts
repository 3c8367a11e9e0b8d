import document from '../../docs/openapi.json' with { type: 'json' };
import { openapiRoute } from '../../schemas/routes/system.ts';
import { httpRoute } from '../shared/http.ts';

/**
 * Serves the committed OpenAPI document (`npm run openapi` writes it; a unit test fails when it is
 * stale), with this deployment's own address as its server: the bundle carries JSON, not the
 * generator and every route's schemas.
 */
export const handler = httpRoute(openapiRoute, async ({ headers }) => ({
  status: 200,
  // A document, not an answer shaped by a response schema: sent as text (application/json).
  text: JSON.stringify(
    headers.host
      ? { ...document, servers: [{ url: `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host}` }] }
      : document,
  ),
  contentType: 'application/json',
  headers: { 'cache-control': 'public, max-age=300' },
}));

import document from '../../docs/openapi.json' with { type: 'json' };
import { openapiRoute } from '../../schemas/routes/system.ts';
import { httpRoute } from '../shared/http.ts';

/**
 * Serves the committed OpenAPI document (`npm run openapi` writes it; a unit test fails when it is
 * stale), with this deployment's own address as its server, taken from the request as the API
 * received it: the host the client called and the protocol API Gateway forwards in
 * x-forwarded-proto (https on AWS; http from the local API). The bundle carries JSON, not the
 * generator and every route's schemas.
 */
export const handler = httpRoute(openapiRoute, async ({ headers }) => ({
  status: 200,
  // A document, not an answer shaped by a response schema: sent as text (application/json).
  text: JSON.stringify(
    headers.host
      ? { ...document, servers: [{ url: serverUrl(headers.host, headers['x-forwarded-proto']) }] }
      : document,
  ),
  contentType: 'application/json',
  headers: { 'cache-control': 'public, max-age=300' },
}));

/** The first protocol a proxy chain forwarded (`https, http` -> https); https when none says. */
export function serverUrl(host: string, forwardedProto: string | undefined): string {
  const protocol = forwardedProto?.split(',')[0]?.trim().toLowerCase();
  return `${protocol === 'http' ? 'http' : 'https'}://${host}`;
}

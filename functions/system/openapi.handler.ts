import { httpRoute } from '../shared/http.ts';
import { openApiDocument } from './openapi.ts';

export const handler = httpRoute('GET /v1/openapi.json', async ({ headers }) => ({
  status: 200,
  body: openApiDocument(
    headers.host ? `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host}` : undefined,
  ),
  headers: { 'cache-control': 'public, max-age=300' },
}));

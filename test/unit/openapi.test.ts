import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '../../infra/resources.ts';
import { openApiDocument } from '../../schemas/routes/openapi.ts';

describe('the OpenAPI document', () => {
  const document = openApiDocument();

  it('is OpenAPI 3.1 and holds every declared route, by construction', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of routes) {
      expect(
        document.paths?.[route.path]?.[route.method.toLowerCase() as 'get'],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
  });

  it('marks protected routes with the bearer scheme and names the allowed roles', () => {
    const post = document.paths?.['/v1/institutions']?.post;
    expect(post?.security).toEqual([{ bearer: [] }]);
    expect(post?.description).toContain('national admin');
    expect(document.paths?.['/health']?.get?.security).toBeUndefined();
  });

  it('describes request bodies and the shared error shape from the zod schemas', () => {
    const body = document.paths?.['/v1/institutions']?.post?.requestBody as {
      content: Record<string, { schema: { $ref: string } }>;
    };
    expect(body.content['application/json']!.schema.$ref).toBe('#/components/schemas/RegisterInstitution');
    expect(document.components?.schemas?.Error).toBeDefined();
  });

  it('is committed as docs/openapi.json, the file GET /v1/openapi.json serves (run `npm run openapi` when this fails)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });
});

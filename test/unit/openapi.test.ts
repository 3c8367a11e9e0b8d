import { readFileSync } from 'node:fs';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/system/openapi.handler.ts';
import { routes } from '../../infra/resources.ts';
import { openApiDocument } from '../../schemas/routes/openapi.ts';
import { apiEvent } from '../support/api-event.ts';
import { lambdaContext } from '../support/lambda-context.ts';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  example?: unknown;
  schema?: { example?: unknown };
}

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
    // A public operation says it needs no token (Redocly's security-defined rule).
    expect(document.paths?.['/health']?.get?.security).toEqual([]);
    expect(document.paths?.['/v1/openapi.json']?.get?.security).toEqual([]);
  });

  it('names every operation by the function behind its route: unique and stable', () => {
    const ids = routes.map(
      (route) => document.paths?.[route.path]?.[route.method.toLowerCase() as 'get']?.operationId,
    );
    expect(ids).toEqual(routes.map((route) => route.function));
    expect(new Set(ids).size).toBe(routes.length);
  });

  it('gives no optional query parameter an example Swagger UI would pre-fill as a filter', () => {
    const parameters = document.paths?.['/v1/patents']?.get?.parameters as Parameter[];
    const province = parameters.find((p) => p.name === 'province')!;
    expect(province.example).toBeUndefined();
    expect(province.schema?.example).toBeUndefined();
    expect(province.description).toContain('(e.g. 110000)');
    for (const item of Object.values(document.paths ?? {}))
      for (const operation of Object.values(item ?? {}))
        for (const p of ((operation as { parameters?: Parameter[] }).parameters ?? []).filter(
          (p) => p.in === 'query' && !p.required,
        ))
          expect([p.name, p.example ?? p.schema?.example]).toEqual([p.name, undefined]);
  });

  it('describes request bodies and the shared error shape from the zod schemas', () => {
    const body = document.paths?.['/v1/institutions']?.post?.requestBody as {
      content: Record<string, { schema: { $ref: string } }>;
    };
    expect(body.content['application/json']!.schema.$ref).toBe('#/components/schemas/RegisterInstitution');
    expect(document.components?.schemas?.Error).toBeDefined();
  });

  it('titles every named schema, so Swagger UI names the members of a union', () => {
    const schemas = document.components?.schemas ?? {};
    expect((schemas.PatentView as { anyOf: unknown[] }).anyOf).toHaveLength(2);
    expect((schemas.Patent as { title?: string }).title).toBe('Patent');
    expect((schemas.PublicPatent as { title?: string }).title).toBe('PublicPatent');
    expect(Object.entries(schemas).filter(([, schema]) => !('title' in schema))).toEqual([]);
  });

  it('is served with the address the request came to: http from the local API, https on AWS', async () => {
    const served = async (headers: Record<string, string>) => {
      const event = apiEvent({ method: 'GET', path: '/v1/openapi.json' });
      const result = (await handler(
        { ...event, headers: { ...event.headers, ...headers } },
        lambdaContext('openapi'),
      )) as APIGatewayProxyStructuredResultV2;
      return JSON.parse(result.body!).servers;
    };
    expect(await served({ host: '127.0.0.1:3000', 'x-forwarded-proto': 'http' })).toEqual([
      { url: 'http://127.0.0.1:3000' },
    ]);
    expect(
      await served({ host: 'abc.execute-api.us-east-1.amazonaws.com', 'x-forwarded-proto': 'https' }),
    ).toEqual([{ url: 'https://abc.execute-api.us-east-1.amazonaws.com' }]);
    expect(await served({ host: 'api.example.org' })).toEqual([{ url: 'https://api.example.org' }]);
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
  });

  it('is committed as docs/openapi.json, the file GET /v1/openapi.json serves (run `npm run openapi` when this fails)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });
});

/**
 * Responses are parsed by their declared schemas (issue 11, defect 9d): review answers used to carry
 * pk, sk, gsi*, entity, writeToken and contentHash. This walks every route declaration: each 2xx
 * JSON answer has a schema, and no schema admits a storage attribute (a declared key, a loose object,
 * a record whose keys may be one). The HTTP layer then parses every answer with that schema.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as z from 'zod';
import * as zod from 'zod';
import { httpRoute } from '../../functions/shared/http.ts';
import { logger } from '../../functions/shared/powertools.ts';
import { routes } from '../../schemas/routes/index.ts';
import type { RouteDeclaration } from '../../schemas/routes/route.ts';
import { isStorageAttribute, storageAttributeNames } from '../../schemas/storage.ts';
import { apiEvent } from '../support/api-event.ts';
import { lambdaContext } from '../support/lambda-context.ts';

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definitions are walked structurally
type Def = Record<string, any>;
const probes = [...storageAttributeNames, 'gsi1pk', 'gsi2sk', 'gsi3pk'];

/** Where a schema admits a storage attribute: paths like `items[].pk` or `tierInputs{pk}`. */
function admitted(schema: z.ZodType, path: string, seen: Set<unknown>, found: string[]): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const walk = (inner: z.ZodType, at = path) => admitted(inner, at, seen, found);
  switch (def.type) {
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        if (isStorageAttribute(key)) found.push(`${path}.${key}`);
        walk(value, `${path}.${key}`);
      }
      if (def.catchall && (def.catchall as { _zod: { def: Def } })._zod.def.type !== 'never')
        found.push(`${path}.* (loose object)`);
      return;
    case 'record':
      for (const probe of probes)
        if ((def.keyType as z.ZodType).safeParse(probe).success) found.push(`${path}{${probe}}`);
      walk(def.valueType, `${path}{}`);
      return;
    case 'array':
      walk(def.element, `${path}[]`);
      return;
    case 'union':
      for (const option of def.options as z.ZodType[]) walk(option);
      return;
    case 'intersection':
      walk(def.left);
      walk(def.right);
      return;
    case 'pipe':
      walk(def.in);
      walk(def.out);
      return;
    case 'lazy':
      walk(def.getter());
      return;
    case 'tuple':
      for (const item of def.items as z.ZodType[]) walk(item);
      return;
    case 'any':
    case 'unknown':
      // A free value (tierInputs, event details) may be any JSON; the HTTP layer removes storage
      // attributes inside it at any depth (functions/shared/response.ts). A whole answer may not be.
      if (path === '') found.push('(the whole answer is any value)');
      return;
    default:
      if (def.innerType) walk(def.innerType);
  }
}

const declared = routes as readonly RouteDeclaration[];
const answers = declared.flatMap((route) =>
  Object.entries(route.responses)
    .filter(([status]) => Number(status) >= 200 && Number(status) < 300)
    .map(([status, response]) => ({ route: `${route.method} ${route.path} ${status}`, response })),
);

describe('every route declares what its 2xx answers may carry', () => {
  it('each 2xx JSON answer has a response schema (files declare their content type)', () => {
    // 204 No Content carries no body (RFC 9110 §15.3.5): it declares no schema, and a handler that
    // sent a body with it would fail in checkedResponse (functions/shared/http.ts).
    const missing = answers
      .filter(({ route, response }) => !route.endsWith(' 204') && !response.schema && !response.contentType)
      .map(({ route }) => route);
    expect(missing).toEqual([]);
    const noContent = answers.filter(({ route }) => route.endsWith(' 204'));
    expect(noContent.filter(({ response }) => response.schema || response.contentType)).toEqual([]);
  });

  it.each(
    answers.filter(({ response }) => response.schema).map((a) => [a.route, a.response.schema!] as const),
  )('%s admits no storage attribute', (_route, schema) => {
    const found: string[] = [];
    admitted(schema, '', new Set(), found);
    expect(found).toEqual([]);
  });
});

describe('the HTTP layer parses every 2xx answer with its declared schema', () => {
  const route = {
    method: 'GET',
    path: '/v1/probe',
    function: 'probe',
    roles: ['national-admin'],
    summary: 'probe',
    tags: ['probe'],
    responses: {
      200: {
        description: 'x',
        schema: zod.object({ name: zod.string(), details: zod.record(zod.string(), zod.unknown()) }),
      },
    },
  } as const satisfies RouteDeclaration;
  // A review answer as it used to leave: the stored item with its keys, token and hash.
  const stored = {
    name: 'n',
    details: { nested: { pk: 'PAT#1', ok: 1 } },
    pk: 'PAT#1',
    sk: 'PATENT',
    gsi1pk: 'INST#1',
    entity: 'patent',
    writeToken: 't',
    contentHash: 'h',
  };
  const call = (body: unknown) =>
    httpRoute(route, async () => ({ status: 200, body }))(
      apiEvent({
        method: 'GET',
        path: '/v1/probe',
        claims: { 'cognito:groups': '[national-admin]', sub: 'a' },
      }),
      lambdaContext(),
    );
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('strict (tests, local cloud): undeclared keys are a 500, never sent', async () => {
    const result = await call(stored);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('PAT#1');
  });

  it('strip (AWS): undeclared and storage keys are removed at any depth and logged by name', async () => {
    vi.stubEnv('VITEST', '');
    vi.stubEnv('RESPONSE_SCHEMA_MODE', 'strip');
    const warn = vi.spyOn(logger, 'warn');
    const result = await call(stored);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body as string)).toEqual({ name: 'n', details: { nested: { ok: 1 } } });
    expect(warn).toHaveBeenCalledWith(
      'undeclared response keys removed',
      expect.objectContaining({ keys: expect.arrayContaining(['pk', 'writeToken', 'details.nested.pk']) }),
    );
  });

  it('an answer outside its schema is a 500 in both modes', async () => {
    vi.stubEnv('VITEST', '');
    vi.stubEnv('RESPONSE_SCHEMA_MODE', 'strip');
    expect((await call({ name: 3, details: {} })).statusCode).toBe(500);
  });
});

describe('parseResponseBody', () => {
  it('a union that matches no branch names the field of the closest branch, not only "Invalid input"', async () => {
    const { parseResponseBody } = await import('../../functions/shared/response.ts');
    const full = zod.object({ id: zod.string(), title: zod.string(), secret: zod.string() });
    const open = zod.object({ id: zod.string(), title: zod.string() });
    const parsed = parseResponseBody(zod.object({ items: zod.array(zod.union([full, open])) }), {
      items: [
        { id: 'a', title: 'ok' },
        { id: 'b', title: 5 },
      ],
    });
    expect(parsed).toEqual({
      ok: false,
      issues: ['items.1.title: Invalid input: expected string, received number'],
    });
  });
});

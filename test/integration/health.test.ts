import { describe, expect, it } from 'vitest';
import { api, token } from './helpers.ts';

describe('GET /health and GET /v1/admin/health on the local cloud', () => {
  it('answers the public liveness check without touching any component', async () => {
    const { status, json } = await api('/health');
    expect(status).toBe(200);
    expect(json).toEqual({ status: 'ok' });
  });

  it('answers the deep probe to national admins only, with every component up', async () => {
    expect((await api('/v1/admin/health')).status).toBe(401);
    expect((await api('/v1/admin/health', { token: await token('province-admin') })).status).toBe(403);
    const { status, json } = await api('/v1/admin/health', { token: await token('national-admin') });
    expect(status).toBe(200);
    expect(json.status).toBe('ok');
    for (const component of ['dynamodb', 's3', 'stepFunctions', 'scheduler', 'mail']) {
      expect(json.components[component], component).toMatchObject({ status: 'up' });
    }
  });

  it('serves the OpenAPI document with every declared route, and the docs page', async () => {
    const { status, json } = await api('/v1/openapi.json');
    expect(status).toBe(200);
    expect(json.openapi).toBe('3.1.0');
    expect(Object.keys(json.paths)).toEqual(
      expect.arrayContaining(['/health', '/v1/institutions', '/v1/institutions/{uscc}']),
    );
    const docs = await api('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui');
  });

  it('answers an unknown route with the shared error shape and a hint', async () => {
    const { status, json } = await api('/v1/nothing-here');
    expect(status).toBe(404);
    expect(json.error.code).toBe('NOT_FOUND');
    expect(json.error.message).toContain('/v1/openapi.json');
  });
});

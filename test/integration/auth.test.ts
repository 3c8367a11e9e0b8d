import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { api, clients, tableName, token } from './helpers.ts';

const institution = {
  uscc: '12100000400000624D',
  name: '鉴权测试大学',
  provinceCode: '110000',
  kind: 'university',
};

describe('authentication and authorization at the local API', () => {
  it('401 without a token, and nothing is written', async () => {
    const { status, json } = await api('/v1/institutions', { method: 'POST', body: institution });
    expect(status).toBe(401);
    expect(json.error.message).toMatch(/Authorization: Bearer/);
    const { Item } = await clients().documents.send(
      new GetCommand({
        TableName: tableName('core'),
        Key: { pk: `INST#${institution.uscc}`, sk: 'PROFILE' },
      }),
    );
    expect(Item).toBeUndefined();
  });

  it('401 for a token signed by another key, or for another issuer', async () => {
    const forged = await new SignJWT({ 'cognito:groups': ['national-admin'], token_use: 'id' })
      .setProtectedHeader({ alg: 'HS256', kid: 'x' })
      .setIssuer('http://evil.example')
      .setAudience('patents-local-client')
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a-secret-that-is-long-enough-for-hs256!!'));
    expect((await api('/v1/institutions?province=110000', { token: forged })).status).toBe(401);
    const real = await token('national-admin');
    const [header, payload, signature] = real.split('.');
    const tampered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    tampered['cognito:groups'] = ['national-admin', 'province-admin'];
    const tamperedToken = `${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`;
    expect((await api('/v1/institutions?province=110000', { token: tamperedToken })).status).toBe(401);
  });

  it('401 for an expired token', async () => {
    const expired = await token('national-admin', { expiresIn: '1s' });
    await new Promise((r) => setTimeout(r, 2100));
    const { status, json } = await api('/v1/institutions?province=110000', { token: expired });
    expect(status).toBe(401);
    expect(json.error.message).toMatch(/expired/);
  });

  it('403 for a role the route does not allow, and nothing is written', async () => {
    const enterprise = await token('enterprise', { org: '91110000802100433B' });
    const { status, json } = await api('/v1/institutions', {
      method: 'POST',
      body: institution,
      token: enterprise,
    });
    expect(status).toBe(403);
    expect(json.error.code).toBe('FORBIDDEN');
    expect(json.error.message).toContain('province-admin, national-admin');
    const { Item } = await clients().documents.send(
      new GetCommand({
        TableName: tableName('core'),
        Key: { pk: `INST#${institution.uscc}`, sk: 'PROFILE' },
      }),
    );
    expect(Item).toBeUndefined();
  });
});

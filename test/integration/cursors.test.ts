/**
 * Every list route (each route whose query takes `cursor`, read from the route table, so a new list
 * route is covered without editing this file) answers a forged or tampered cursor with 400
 * INVALID_CURSOR and the advice to restart from the first page: never a 500, never a page.
 */
import { createHmac } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { routes } from '../../infra/resources.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { type RouteDeclaration, takesCursor } from '../../schemas/routes/route.ts';
import { api, clients, tableName, token } from './helpers.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const uscc = withUsccCheck('12310000MB0000801');
const listRoutes = (routes as readonly RouteDeclaration[]).filter(takesCursor);

/** Cursors nobody issued: the old unsigned shape (which reached DynamoDB), one signed with another key, junk. */
function forgedCursors(listing: string): Record<string, string> {
  const payload = b64({ pk: `INST#${uscc}`, sk: 'PROFILE', gsi2pk: 'PROV#310000#INST' });
  return {
    unsignedKey: b64({ l: listing, k: { pk: { S: 'x' }, gsi2pk: 42 } }),
    otherKey: `${payload}.${createHmac('sha256', 'an-attacker-key-of-at-least-32-bytes!!').update(`${listing}\n${payload}`).digest('base64url')}`,
    truncatedMac: `${payload}.AAAA`,
    junk: '%%%not-a-cursor',
  };
}

/** A need of province 310000, read by the national admin: the target of the routes under /v1/needs/{needId}. */
const needId = 'cursor-test-need';

describe('list cursors are authenticated', () => {
  let admin: string;
  let enterprise: string;
  let staff: string;
  let applicationNumber: string;
  beforeAll(async () => {
    admin = await token('national-admin');
    enterprise = await token('enterprise', { org: '91320000MA0000801X' });
    const registered = await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc, name: '游标测试大学', provinceCode: '310000', kind: 'university' },
    });
    expect(registered.status, registered.text).toBe(201);
    staff = await token('institution', { org: uscc });
    await clients().documents.send(
      new PutCommand({
        TableName: tableName('core'),
        Item: {
          pk: `NEED#${needId}`,
          sk: 'NEED',
          entity: 'need',
          needId,
          provinceCode: '310000',
          enterpriseUscc: '91320000MA0000801X',
          status: 'open',
          version: 1,
        },
      }),
    );
    for (const cells of demoInventoryRows(3, { seed: 81, serialBase: 8100 })) {
      const created = await api('/v1/patents', {
        method: 'POST',
        token: staff,
        body: Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]])),
      });
      expect(created.status, created.text).toBe(201);
      applicationNumber = cells[0]!;
    }
  });

  it('covers every list route of the route table', () => {
    expect(listRoutes.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/v1/patents', '/v1/institutions', '/v1/inbox', '/v1/pool', '/v1/deals']),
    );
  });

  for (const route of listRoutes) {
    it(`${route.method} ${route.path}: a forged cursor is 400 INVALID_CURSOR, never 500`, async () => {
      const roles = route.roles as readonly string[];
      // The caller who reaches the list: an admin where admins may, else the institution's own users
      // (their own uscc), else an enterprise.
      const caller = roles.includes('national-admin')
        ? admin
        : roles.includes('institution')
          ? staff
          : enterprise;
      const path = route.path
        .replace('{applicationNumber}', applicationNumber)
        .replace('{uscc}', uscc)
        .replace('{needId}', needId);
      const query = route.request?.query?.shape ?? {};
      const base = `${'province' in query && path !== '/v1/patents' ? 'province=310000&' : ''}${'quarter' in query ? 'quarter=2026Q4&' : ''}`;
      for (const [kind, cursor] of Object.entries(forgedCursors('institutions:310000'))) {
        const response = await api(`${path}?${base}cursor=${encodeURIComponent(cursor)}`, { token: caller });
        expect({ kind, status: response.status, code: response.json?.error?.code }, response.text).toEqual({
          kind,
          status: 400,
          code: 'INVALID_CURSOR',
        });
        expect(response.json.error.message).toContain('first page');
      }
    });
  }

  it('a real cursor changed by one character, or used with other filters, is refused; unchanged it pages on', async () => {
    const first = await api('/v1/patents?limit=1', { token: admin });
    expect(first.status, first.text).toBe(200);
    const cursor = first.json.nextCursor as string;
    expect(cursor).toBeTypeOf('string');
    const next = await api(`/v1/patents?limit=1&cursor=${encodeURIComponent(cursor)}`, { token: admin });
    expect(next.status, next.text).toBe(200);
    const flipped = `${cursor[0] === 'A' ? 'B' : 'A'}${cursor.slice(1)}`;
    for (const tampered of [
      `/v1/patents?limit=1&cursor=${encodeURIComponent(flipped)}`,
      `/v1/patents?limit=1&province=110000&cursor=${encodeURIComponent(cursor)}`,
    ]) {
      const response = await api(tampered, { token: admin });
      expect(response.status, response.text).toBe(400);
      expect(response.json.error.code).toBe('INVALID_CURSOR');
    }
  });
});

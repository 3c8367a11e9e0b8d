import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, tableName, token } from './helpers.ts';

describe('an API write lands in DynamoDB Local and reads back', () => {
  it('registers an institution: item, audit entry in the same partition, and GET returns it', async () => {
    const admin = await token('province-admin', { province: '310000', email: 'sh@example.org' });
    const uscc = withUsccCheck('12310000MB0000001');
    const created = await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc, name: '集成测试大学', provinceCode: '310000', kind: 'university' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ uscc, provinceName: '上海市', version: 1, usccChecksumValid: true });

    const { documents } = clients();
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName('core'), Key: { pk: `INST#${uscc}`, sk: 'PROFILE' } }),
    );
    expect(Item).toMatchObject({ entity: 'institution', name: '集成测试大学', gsi2pk: 'PROV#310000#INST' });
    const audit = await documents.send(
      new QueryCommand({
        TableName: tableName('core'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `INST#${uscc}`, ':audit': 'AUDIT#' },
      }),
    );
    expect(audit.Items).toHaveLength(1);
    expect(audit.Items![0]).toMatchObject({
      action: 'institution.registered',
      actor: expect.any(String),
      actorRoles: ['province-admin'],
    });

    const read = await api(`/v1/institutions/${uscc}`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);

    const own = await api(`/v1/institutions/${uscc}`, { token: await token('institution', { org: uscc }) });
    expect(own.status).toBe(200);
    const other = await api(`/v1/institutions/${uscc}`, {
      token: await token('institution', { org: withUsccCheck('12310000MB0000002') }),
    });
    expect(other.status).toBe(404);
    const twice = await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc, name: '集成测试大学', provinceCode: '310000', kind: 'university' },
    });
    expect(twice.status).toBe(409);
  });

  it('rejects an invalid body with 400 naming each field, and writes nothing', async () => {
    const admin = await token('national-admin');
    const { status, json } = await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc: 'SHORT', name: 'x', provinceCode: '999999', kind: 'castle' },
    });
    expect(status).toBe(400);
    expect(json.error.code).toBe('VALIDATION_FAILED');
    const fields = (json.error.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(['kind', 'name', 'provinceCode', 'uscc']);
    const malformed = await api('/v1/institutions', { method: 'POST', token: admin, body: '{"uscc": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.message).toMatch(/JSON/);
  });

  it('paginates a province listing with an opaque cursor', async () => {
    const admin = await token('national-admin');
    for (const n of [11, 12, 13]) {
      const uscc = withUsccCheck(`12460000MB00000${n}`);
      expect(
        (
          await api('/v1/institutions', {
            method: 'POST',
            token: admin,
            body: { uscc, name: `分页大学${n}`, provinceCode: '460000', kind: 'university' },
          })
        ).status,
      ).toBe(201);
    }
    const first = await api('/v1/institutions?province=460000&limit=2', { token: admin });
    expect(first.json.items).toHaveLength(2);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await api(`/v1/institutions?province=460000&limit=2&cursor=${first.json.nextCursor}`, {
      token: admin,
    });
    expect(second.json.items).toHaveLength(1);
    const all = [...first.json.items, ...second.json.items].map((i: { uscc: string }) => i.uscc);
    expect(new Set(all).size).toBe(3);
    const foreign = await api(`/v1/institutions?province=110000&cursor=${first.json.nextCursor}`, {
      token: admin,
    });
    expect(foreign.status).toBe(400);
  });
});

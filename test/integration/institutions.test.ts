import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, eventually, tableName, token } from './helpers.ts';

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

describe('the supervising structure (issue 14; Work Plan 二、（一）2-3)', () => {
  const P = '360000'; // 江西: no other integration test uses it (negotiation.test.ts uses 广西)
  const moe = withUsccCheck('12360000MB0000021');
  const miit = withUsccCheck('12360000MB0000022');
  const legacy = withUsccCheck('12360000MB0000023');
  const cas = withUsccCheck('12530000MB0000024'); // 云南, 中科院院属

  it('an institution with no supervising department is reported under "unassigned"; a ministry admin asking for another ministry\'s institution gets 404', async () => {
    const admin = await token('national-admin');
    const register = (uscc: string, provinceCode: string, extra: object = {}) =>
      api('/v1/institutions', {
        method: 'POST',
        token: admin,
        body: { uscc, name: `监管测试大学${uscc.slice(-3)}`, provinceCode, kind: 'university', ...extra },
      });
    const created = await register(moe, P, {
      supervision: { department: 'moe-direct' },
      pilotStatus: 'demonstration',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.supervision).toEqual({
      department: 'moe-direct',
      departmentName: '教育部直属',
      ministry: '教育部',
    });
    expect(
      (await register(miit, P, { supervision: { department: 'other-ministry', ministry: '工业和信息化部' } }))
        .status,
    ).toBe(201);
    expect((await register(cas, '530000', { supervision: { department: 'cas' } })).status).toBe(201);
    // No supervision sent: stored without one ("unassigned"), as institutions registered before it existed.
    const unassigned = await register(legacy, P);
    expect(unassigned.status, unassigned.text).toBe(201);
    expect(unassigned.json).not.toHaveProperty('supervision');

    // Bad input: what to send is in the message and the details.
    const bad = await register(withUsccCheck('12360000MB0000029'), P, {
      supervision: { department: 'other-ministry' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([
      expect.objectContaining({
        field: 'supervision.ministry',
        message: expect.stringMatching(/set ministry to one of 科技部/),
      }),
    ]);
    const wrongProvince = await register(withUsccCheck('12360000MB0000029'), P, {
      supervision: { department: 'local', provinceCode: '110000' },
    });
    expect(wrongProvince.status).toBe(400);
    expect(wrongProvince.json.error.message).toMatch(/supervised by its own province: set it to 360000/);

    const listed = await api(`/v1/institutions?province=${P}&supervision=unassigned`, { token: admin });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.items.map((i: { uscc: string }) => i.uscc)).toEqual([legacy]);

    // The ministry admin of 教育部: its own institution, never another ministry's or an unassigned one (404).
    const ministry = await token('ministry-admin', { ministry: '教育部' });
    expect((await api(`/v1/institutions/${moe}`, { token: ministry })).status).toBe(200);
    for (const other of [miit, legacy, cas]) {
      const answer = await api(`/v1/institutions/${other}`, { token: ministry });
      expect(answer.status, other).toBe(404);
      expect(answer.json.error.message).toMatch(/list yours with GET \/v1\/institutions/);
    }
    const mine = await api('/v1/institutions', { token: ministry });
    expect(mine.json.items.map((i: { uscc: string }) => i.uscc)).toContain(moe);
    expect(mine.json.items.map((i: { uscc: string }) => i.uscc)).not.toContain(miit);
    const otherMinistry = `/v1/institutions?supervision=${encodeURIComponent('工业和信息化部')}`;
    expect((await api(otherMinistry, { token: ministry })).status).toBe(403);
    const casAdmin = await token('ministry-admin', { ministry: '中国科学院' });
    expect((await api(`/v1/institutions/${cas}`, { token: casAdmin })).status).toBe(200);
    expect((await api(`/v1/institutions/${moe}`, { token: casAdmin })).status).toBe(404);

    // The province admin assigns it; then the ministry sees it. Ministry admins write nothing (403).
    const province = await token('province-admin', { province: P });
    expect(
      (
        await api(`/v1/institutions/${legacy}`, {
          method: 'PATCH',
          token: ministry,
          body: { pilotStatus: 'pilot' },
        })
      ).status,
    ).toBe(403);
    const patched = await api(`/v1/institutions/${legacy}`, {
      method: 'PATCH',
      token: province,
      body: { supervision: { department: 'moe-direct' }, pilotStatus: 'pilot', version: 1 },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({
      version: 2,
      pilotStatus: 'pilot',
      supervision: { ministry: '教育部' },
    });
    expect((await api(`/v1/institutions/${legacy}`, { token: ministry })).status).toBe(200);
    const stale = await api(`/v1/institutions/${legacy}`, {
      method: 'PATCH',
      token: province,
      body: { pilotStatus: 'none', version: 1 },
    });
    expect(stale.status).toBe(409);
    const empty = await api(`/v1/institutions/${legacy}`, { method: 'PATCH', token: province, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.json.error.details[0].message).toMatch(/Nothing to update: send supervision/);

    // Coverage: the ministry's own scope (both of its institutions here), not a province's.
    const coverage = await api('/v1/inventory/coverage', { token: ministry });
    expect(coverage.status, coverage.text).toBe(200);
    expect(coverage.json).toMatchObject({ scope: 'ministry', ministry: '教育部' });
    expect(coverage.json.byInstitution.map((p: { code: string }) => p.code)).toEqual(
      expect.arrayContaining([moe, legacy]),
    );
    expect(
      (await api(`/v1/inventory/coverage?scope=province&province=${P}`, { token: ministry })).status,
    ).toBe(403);

    // An unassigned institution's patents: its coverage is reported under "unassigned".
    const orphan = withUsccCheck('12360000MB0000025');
    expect((await register(orphan, P)).status).toBe(201);
    const cells = demoInventoryRows(1, { seed: 45, serialBase: 4500 })[0]!;
    const row = Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
    const patent = await api('/v1/patents', {
      method: 'POST',
      token: await token('institution', { org: orphan, province: P }),
      body: row,
    });
    expect(patent.status, patent.text).toBe(201);
    const groups = await eventually(
      async () => {
        const answer = await api(`/v1/inventory/coverage?scope=province&province=${P}`, { token: admin });
        const parts = answer.json?.bySupervision as Array<{ code: string; total: number }> | undefined;
        return parts?.some((part) => part.code === 'unassigned') ? parts : undefined;
      },
      30_000,
      'the unassigned institution in the province coverage',
    );
    expect(groups.find((part) => part.code === 'unassigned')?.total).toBe(1);
  });
});

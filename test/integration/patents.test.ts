import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, eventually, tableName, token } from './helpers.ts';

const uscc = withUsccCheck('12310000MB0000401');
const row = (cells: string[]) => Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));

describe('patents as JSON, and the inventory review', () => {
  let staff: string;
  let department: string;
  let reviewer: string;
  beforeAll(async () => {
    const admin = await token('national-admin');
    const r = await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc, name: '接口测试大学', provinceCode: '310000', kind: 'university' },
    });
    expect(r.status, r.text).toBe(201);
    staff = await token('institution', { org: uscc });
    department = await token('institution', { org: uscc, department: '材料学院' });
    reviewer = await token('institution', { org: uscc, email: 'kjc@example.edu.cn' });
  });

  it('POST /v1/patents creates (201), then the same row is unchanged (200), an invalid one gets 400 with each field', async () => {
    const cells = demoInventoryRows(1, { seed: 21, serialBase: 6000 })[0]!;
    const first = await api('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ applicationNumber: cells[0], outcome: 'created' });
    const again = await api('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
    expect(again.json.outcome).toBe('unchanged');
    const bad = await api('/v1/patents', {
      method: 'POST',
      token: staff,
      body: { ...row(cells), 申请号: '202010123456.9', 技术成熟度: '10' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { field: string }) => d.field)).toEqual(['申请号', '技术成熟度']);
  });

  it('POST /v1/patents:batch stores the good rows and lists the bad ones; over 1,000 rows is 413 pointing to uploads', async () => {
    const rows = demoInventoryRows(5, { seed: 22, serialBase: 6100 }).map(row);
    rows[2]!.申请日 = 'yesterday';
    const result = await api('/v1/patents:batch', { method: 'POST', token: staff, body: { rows } });
    expect(result.status, result.text).toBe(200);
    expect(result.json).toMatchObject({ rowsTotal: 5, rowsAccepted: 4, rowsRejected: 1 });
    expect(result.json.errors[0]).toMatchObject({ row: 3, column: '申请日', code: 'INVALID_DATE' });
    const tooMany = await api('/v1/patents:batch', {
      method: 'POST',
      token: staff,
      body: { rows: Array.from({ length: 1001 }, () => rows[0]) },
    });
    expect(tooMany.status).toBe(413);
    expect(tooMany.json.error.message).toContain('POST /v1/uploads');
  });

  it('self-assessment, submit, approve: the patent enters the conversion pool and the inventoried event is recorded once', async () => {
    const cells = demoInventoryRows(1, { seed: 23, serialBase: 6200 })[0]!;
    cells[templateHeaders.indexOf('转化意愿')] = '许可';
    // A department user acts only on its own department's patents.
    cells[templateHeaders.indexOf('所属院系')] = '材料学院';
    const number = cells[0]!;
    expect((await api('/v1/patents', { method: 'POST', token: staff, body: row(cells) })).status).toBe(201);
    const edited = await api(`/v1/patents/ZL${number}/self-assessment`, {
      method: 'PUT',
      token: department,
      body: { trl: 7, applicationScenarios: '动力电池', expectedVersion: 1 },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json).toMatchObject({ version: 2 });
    const stale = await api(`/v1/patents/${number}/self-assessment`, {
      method: 'PUT',
      token: department,
      body: { trl: 6, expectedVersion: 1 },
    });
    expect(stale.status).toBe(409);
    const early = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: reviewer,
      body: { action: 'approve' },
    });
    expect(early.status).toBe(409);
    expect(early.json.error.details).toEqual({ currentState: 'draft', allowedActions: ['submit'] });
    expect(
      (
        await api(`/v1/patents/${number}/review`, {
          method: 'POST',
          token: department,
          body: { action: 'submit' },
        })
      ).status,
    ).toBe(200);
    const approved = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: reviewer,
      body: { action: 'approve' },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ version: 4, lifecycle: 'conversion-pool' });
    const { Item } = await clients().documents.send(
      new GetCommand({ TableName: tableName('core'), Key: { pk: `PAT#${number}`, sk: 'PATENT' } }),
    );
    // The pipeline may already have matched it (matched: version 5, under evaluation).
    expect(Item).toMatchObject({ reviewStatus: 'approved', poolStatus: 'conversion', trl: 7 });
    expect(['conversion-pool', 'under-evaluation']).toContain(Item!.lifecycle);
    const again = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: reviewer,
      body: { action: 'approve' },
    });
    expect(again.status).toBe(409);
    const events = await clients().documents.send(
      new QueryCommand({
        TableName: tableName('core'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': `PAT#${number}`, ':e': 'EVENT#' },
      }),
    );
    expect(events.Items!.filter((e) => e.type === 'inventoried')).toEqual([
      expect.objectContaining({
        type: 'inventoried',
        from: 'registered',
        to: 'conversion-pool',
        details: expect.objectContaining({ poolStatus: 'conversion' }),
        institutionUscc: uscc,
      }),
    ]);
    const other = await token('institution', { org: withUsccCheck('12310000MB0000402'), department: 'x' });
    expect(
      (
        await api(`/v1/patents/${number}/review`, {
          method: 'POST',
          token: other,
          body: { action: 'submit' },
        })
      ).status,
    ).toBe(404);
  });
});

describe('reading patents', () => {
  it('an institution lists its own, a province admin its province, an enterprise only the conversion pool in public view', async () => {
    const uscc2 = withUsccCheck('12320000MB0000501');
    const admin = await token('national-admin');
    await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc: uscc2, name: '查询测试大学', provinceCode: '320000', kind: 'university' },
    });
    const staff = await token('institution', { org: uscc2 });
    const rows = demoInventoryRows(6, { seed: 31, serialBase: 7000 }).map(row);
    rows[0]!.转化意愿 = '许可';
    rows[0]!.所属院系 = 'd';
    expect(
      (await api('/v1/patents:batch', { method: 'POST', token: staff, body: { rows } })).json.rowsAccepted,
    ).toBe(6);
    const number = rows[0]!.申请号 as string;
    await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: await token('institution', { org: uscc2, department: 'd' }),
      body: { action: 'submit' },
    });
    await api(`/v1/patents/${number}/review`, { method: 'POST', token: staff, body: { action: 'approve' } });

    const page1 = await api('/v1/patents?limit=4', { token: staff });
    expect(page1.status, page1.text).toBe(200);
    expect(page1.json.items).toHaveLength(4);
    const page2 = await api(`/v1/patents?limit=4&cursor=${encodeURIComponent(page1.json.nextCursor)}`, {
      token: staff,
    });
    const all = [...page1.json.items, ...page2.json.items].map(
      (p: { applicationNumber: string }) => p.applicationNumber,
    );
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(6);

    const province = await api('/v1/patents?poolStatus=conversion', {
      token: await token('province-admin', { province: '320000' }),
    });
    expect(province.json.items.map((p: { applicationNumber: string }) => p.applicationNumber)).toEqual([
      number,
    ]);
    const elsewhere = await api(`/v1/patents/${number}`, {
      token: await token('province-admin', { province: '110000' }),
    });
    expect(elsewhere.status).toBe(404);

    const enterprise = await token('enterprise', { org: '91320000MA0000001A' });
    const publicView = await api(`/v1/patents/ZL${number}`, { token: enterprise });
    expect(publicView.status, publicView.text).toBe(200);
    expect(publicView.json.contactInfo).toBeUndefined();
    expect(publicView.json.implementationAmountWan).toBeUndefined();
    expect(publicView.json.title).toBe(rows[0]!.专利名称);
    const notInPool = await api(`/v1/patents/${rows[1]!.申请号}`, { token: enterprise });
    expect(notInPool.status).toBe(404);

    // Coverage reads the metrics counters, which follow the patents through the core stream.
    const coverage = await eventually(
      async () => {
        const response = await api('/v1/inventory/coverage', { token: staff });
        return response.status === 200 && response.json.total === 6 && response.json.inventoried === 1
          ? response
          : undefined;
      },
      20_000,
      'the counters to count the 6 patents',
    );
    expect(coverage.json).toMatchObject({ total: 6, inventoried: 1, inConversionPool: 1 });
  });
});

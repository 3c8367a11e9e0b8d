/**
 * Metrics counters on the local cloud: registrations, an approval and a deal move the counters through
 * the core stream (streams poller -> applyCoreStreamToMetrics); a duplicate delivery of the same
 * records changes nothing; coverage and the figures read them; the recompute finds no difference in
 * this province; the quarter close writes the snapshots the report of a closed quarter reads, with the
 * figures derived from the counters. Own province 150000 (no other test file uses it) and institution.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeQuarterFigures } from '../../functions/metrics/figures.ts';
import { dynamoMetricsReadPort, dynamoMetricsWriteStore } from '../../functions/metrics/metrics-store.ts';
import { applyStreamRecord } from '../../functions/metrics/stream-apply.ts';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { previousQuarter, quarterOf } from '../../schemas/metrics.ts';
import { api, clients, cloud, eventually, tableName, token } from './helpers.ts';

const province = '150000';
const uscc = withUsccCheck('12150000MB0000661');
const row = (cells: string[]) => Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
const nowKey = { pk: `NOW#PROV#${province}`, sk: `INST#${uscc}` };

async function counters(key: { pk: string; sk: string }) {
  const { Item } = await clients().documents.send(
    new GetCommand({ TableName: tableName('metrics'), Key: key, ConsistentRead: true }),
  );
  return Item ?? {};
}

describe('metrics counters from the core stream', () => {
  let staff: string;
  let reviewer: string;
  const numbers: string[] = [];

  beforeAll(async () => {
    const admin = await token('national-admin');
    const r = await api('/v1/institutions', {
      method: 'POST',
      token: admin,
      body: { uscc, name: '指标测试大学', provinceCode: province, kind: 'university' },
    });
    expect(r.status, r.text).toBe(201);
    staff = await token('institution', { org: uscc });
    reviewer = await token('institution', { org: uscc, email: 'kjc@example.edu.cn' });
    for (const cells of demoInventoryRows(3, { seed: 65, serialBase: 6500 })) {
      cells[templateHeaders.indexOf('实施状态')] = '未实施';
      cells[templateHeaders.indexOf('实施金额（万元）')] = '';
      // The department user submits: the patents are its department's.
      cells[templateHeaders.indexOf('所属院系')] = '材料学院';
      const created = await api('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
      expect(created.status, created.text).toBe(201);
      numbers.push(cells[0]!);
    }
  });

  it('registrations and an approval move the gauges; coverage reads them', async () => {
    await eventually(
      async () => ((await counters(nowKey))['g.recorded'] === 3 ? true : undefined),
      20_000,
      'three patents counted',
    );
    const number = numbers[0]!;
    const submitted = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: await token('institution', { org: uscc, department: '材料学院' }),
      body: { action: 'submit' },
    });
    expect(submitted.status, submitted.text).toBe(200);
    const approved = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: reviewer,
      body: { action: 'approve' },
    });
    expect(approved.status, approved.text).toBe(200);
    const now = await eventually(
      async () => {
        const item = await counters(nowKey);
        return item['g.inventoried'] === 1 ? item : undefined;
      },
      20_000,
      'the approval counted',
    );
    expect(now).toMatchObject({ 'g.recorded': 3, 'g.valid': 3, 'g.inventoried': 1 });
    const quarter = await counters({ pk: `Q#${quarterOf(new Date())}#PROV#${province}`, sk: `INST#${uscc}` });
    expect(quarter).toMatchObject({ 'g.inventoried': 1, 'f.newlyInventoried': 1 });

    const coverage = await api(`/v1/inventory/coverage?scope=province`, {
      token: await token('province-admin', { province }),
    });
    expect(coverage.status, coverage.text).toBe(200);
    expect(coverage.json).toMatchObject({
      provinceCode: province,
      total: 3,
      inventoried: 1,
      coverage: 0.3333,
    });
    expect(coverage.json.byInstitution).toEqual([
      expect.objectContaining({ code: uscc, total: 3, inventoried: 1 }),
    ]);
  });

  it('a deal moves the flows once; a duplicate delivery of its records changes nothing', async () => {
    const dealId = `m-${uscc}`;
    const createdAt = new Date().toISOString();
    const deal = {
      pk: `DEAL#${dealId}`,
      sk: 'DEAL',
      entity: 'deal',
      dealId,
      kind: 'license',
      licenseType: 'ordinary',
      applicationNumbers: [numbers[0]],
      institutionUscc: uscc,
      provinceCode: province,
      contractValueFen: 50_000_000,
      origin: 'recorded',
      filingKind: 'license-filing',
      filingStatus: 'pending',
      createdAt,
      version: 1,
    };
    await clients().documents.send(new PutCommand({ TableName: tableName('core'), Item: deal }));
    const quarterKey = { pk: `Q#${quarterOf(createdAt)}#PROV#${province}`, sk: `INST#${uscc}` };
    const counted = await eventually(
      async () => {
        const item = await counters(quarterKey);
        return item['f.deals'] === 1 ? item : undefined;
      },
      20_000,
      'the deal counted',
    );
    expect(counted['f.dealValueWan']).toBe(50);

    // The same records again, as a redelivering stream would hand them over: nothing changes.
    const store = dynamoMetricsWriteStore(clients().documents, {
      metrics: tableName('metrics'),
      core: tableName('core'),
    });
    const dealShadow = await store.getShadow(`DEAL#${dealId}`);
    const patentShadow = await store.getShadow(numbers[0]!);
    expect(dealShadow && patentShadow).toBeTruthy();
    const sequenceOf = (position: string) => position.split('#')[1]!.replace(/^0+/, '');
    const { Item: patent } = await clients().documents.send(
      new GetCommand({ TableName: tableName('core'), Key: { pk: `PAT#${numbers[0]}`, sk: 'PATENT' } }),
    );
    const before = { now: await counters(nowKey), quarter: await counters(quarterKey) };
    expect(
      await applyStreamRecord(store, {
        eventName: 'INSERT',
        sequenceNumber: sequenceOf(dealShadow!.position),
        newImage: deal,
      }),
    ).toBe('stale');
    expect(
      await applyStreamRecord(store, {
        eventName: 'MODIFY',
        sequenceNumber: sequenceOf(patentShadow!.position),
        newImage: { ...patent, version: Number(patentShadow!.position.split('#')[0]) },
        oldImage: { ...patent, reviewStatus: 'draft', poolStatus: 'base' },
      }),
    ).toBe('stale');
    const eventSk = `EVENT#999999#openLicenseDeclared`;
    const declared = {
      eventName: 'INSERT' as const,
      sequenceNumber: '1',
      newImage: {
        pk: `PAT#${numbers[1]}`,
        sk: eventSk,
        entity: 'pipeline-event',
        type: 'openLicenseDeclared',
        at: createdAt,
      },
    };
    expect(await applyStreamRecord(store, declared)).toBe('applied');
    expect(await applyStreamRecord(store, declared)).toBe('duplicate');
    const after = { now: await counters(nowKey), quarter: await counters(quarterKey) };
    expect(after.now).toEqual(before.now);
    expect(after.quarter).toEqual({ ...before.quarter, 'f.openLicenseDeclarations': 1 });
  });

  it('the figures of the province read the counters; the recompute finds no difference here', async () => {
    const figures = await computeQuarterFigures(
      dynamoMetricsReadPort(clients().documents, tableName('metrics')),
      quarterOf(new Date()),
      { level: 'province', provinceCode: province },
    );
    expect(figures.hasData).toBe(true);
    expect(figures.figures.recordedPatents.value).toBe(3);
    expect(figures.figures.deals.value).toBe(1);
    expect(figures.institutions?.map((r) => r.code)).toEqual([uscc]);

    // Dry run: other test files seed counters directly, which a correcting run would undo.
    const fired = await fetch(`${cloud().controlUrl}/_local/schedules/metrics-recompute/fire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { dryRun: true, segments: 4 } }),
    });
    const run = (await fired.json()) as { ok: boolean; result?: { provinces: string[]; patents: number } };
    expect(run.ok, JSON.stringify(run)).toBe(true);
    expect(run.result!.patents).toBeGreaterThanOrEqual(3);
    // The openLicenseDeclared event above was applied without a core item: the recompute sees it as a difference.
    const reconciliation = await api('/v1/metrics/reconciliation', { token: await token('national-admin') });
    expect(reconciliation.status, reconciliation.text).toBe(200);
    const latest = reconciliation.json.items[0];
    expect(latest.corrected).toBe(false);
    expect(latest.provinces).toContain(province);
    expect(Object.keys(latest.differences[0] ?? {})).not.toContain('pk');
    const here = latest.differences.filter((d: { counterKey: string }) => d.counterKey === `INST#${uscc}`);
    for (const difference of here) {
      expect(difference).toMatchObject({ attribute: 'f.openLicenseDeclarations', stored: 1, recomputed: 0 });
    }
    const province_ = await api('/v1/metrics/reconciliation', {
      token: await token('province-admin', { province }),
    });
    expect(province_.status).toBe(403);
  });

  it('the quarter close writes the snapshots of the province; the report of the closed quarter reads them', async () => {
    const quarter = previousQuarter(quarterOf(new Date()));
    const port = dynamoMetricsReadPort(clients().documents, tableName('metrics'));
    const { snapshotItems, institutionSnapshot, ...derived } = port;
    const scope = { level: 'province' as const, provinceCode: province };
    const expected = await computeQuarterFigures(derived, quarter, scope);
    // Only this province and quarter: other test files' counters stay derived.
    const fired = await fetch(`${cloud().controlUrl}/_local/schedules/metrics-recompute/fire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { closeOnly: true, quarters: [quarter], provinces: [province] } }),
    });
    const run = (await fired.json()) as { ok: boolean; result?: { closed: { snapshots: number } } };
    expect(run.ok, JSON.stringify(run)).toBe(true);
    expect(run.result!.closed.snapshots).toBe(1);
    // Everything was recorded in the current quarter: nothing at the end of the previous one.
    expect(await counters({ pk: `S#${quarter}#PROV#${province}`, sk: 'PROV' })).toHaveProperty('closedAt');
    const snapshot = await port.snapshotItems!(province, quarter);
    expect(snapshot.closed).toBe(true);
    expect(snapshot.rows).toEqual([
      expect.objectContaining({
        institutionUscc: uscc,
        counters: expect.objectContaining({ 'g.recorded': 0, 'f.deals': 0, 's.fiveYear': 0 }),
      }),
    ]);
    const actual = await computeQuarterFigures(port, quarter, scope);
    expect({ ...actual, computedAt: '' }).toEqual({ ...expected, computedAt: '' });
    // The current quarter reads the closed previous quarter as its previous value.
    const current = await computeQuarterFigures(port, quarterOf(new Date()), scope);
    expect(current.figures.recordedPatents).toMatchObject({ value: 3, previousQuarter: 0, deltaQoQ: 3 });
  });
});

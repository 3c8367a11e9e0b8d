/**
 * Monitoring on the local cloud: the quarterly spot-check job samples an institution once per quarter,
 * the province admin lists and decides (needs-correction queues an email to the institution), another
 * province gets 404; the 5-year-rule list is kept by the metrics consumer and scoped. Own province 540000 (西藏; search.test.ts holds 640000).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { quarterOf } from '../../schemas/metrics.ts';
import { api, clients, cloud, eventually, tableName, token } from './helpers.ts';

const province = '540000';
const uscc = withUsccCheck('12540000MB0000641');
const row = (cells: string[]) => Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
const quarter = quarterOf(new Date());

async function fire(name: string, payload: Record<string, unknown>) {
  const response = await fetch(`${cloud().controlUrl}/_local/schedules/${name}/fire`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payload }),
  });
  return (await response.json()) as { ok: boolean; result?: Record<string, number>; error?: string };
}

describe('monitoring flags', () => {
  let admin: string;
  const numbers: string[] = [];

  beforeAll(async () => {
    const national = await token('national-admin');
    const r = await api('/v1/institutions', {
      method: 'POST',
      token: national,
      body: {
        uscc,
        name: '监测测试大学',
        provinceCode: province,
        kind: 'university',
        contactEmail: 'kjc@nx.example.edu.cn',
      },
    });
    expect(r.status, r.text).toBe(201);
    admin = await token('province-admin', { province });
    const staff = await token('institution', { org: uscc });
    const department = await token('institution', { org: uscc, department: '材料学院' });
    const reviewer = await token('institution', { org: uscc, email: 'kjc@nx.example.edu.cn' });
    const rows = demoInventoryRows(3, { seed: 64, serialBase: 6400 });
    // The first: publicly funded, granted 2016, never implemented (the 5-year rule).
    rows[0]![templateHeaders.indexOf('是否属于财政资助科研项目形成专利')] = '是';
    rows[0]![templateHeaders.indexOf('实施状态')] = '未实施';
    rows[0]![templateHeaders.indexOf('实施金额（万元）')] = '';
    rows[0]![templateHeaders.indexOf('申请日')] = '2014-03-02';
    rows[0]![templateHeaders.indexOf('授权日')] = '2016-05-04';
    rows[0]![templateHeaders.indexOf('资助项目名称')] = '西部干旱区节水灌溉关键技术';
    rows[0]![templateHeaders.indexOf('项目编号')] = '2015BAD22B01';
    rows[0]![templateHeaders.indexOf('资助来源')] = '国家科技支撑计划';
    for (const other of rows.slice(1))
      other[templateHeaders.indexOf('是否属于财政资助科研项目形成专利')] = '否';
    for (const cells of rows) {
      // The department user submits: the patents are its department's.
      cells[templateHeaders.indexOf('所属院系')] = '材料学院';
      const created = await api('/v1/patents', { method: 'POST', token: staff, body: row(cells) });
      expect(created.status, created.text).toBe(201);
      numbers.push(cells[0]!);
      const submitted = await api(`/v1/patents/${cells[0]}/review`, {
        method: 'POST',
        token: department,
        body: { action: 'submit' },
      });
      expect(submitted.status, submitted.text).toBe(200);
      const approved = await api(`/v1/patents/${cells[0]}/review`, {
        method: 'POST',
        token: reviewer,
        body: { action: 'approve' },
      });
      expect(approved.status, approved.text).toBe(200);
    }
  });

  it('spot checks: sampled once per quarter, listed for the province, verdict emails the institution', async () => {
    const first = await fire('spot-checks', { quarter, province, rate: 0.5, min: 1, max: 20 });
    expect(first.ok, JSON.stringify(first)).toBe(true);
    expect(first.result).toMatchObject({ institutions: 1, sampled: 1, checks: 2 });
    const again = await fire('spot-checks', { quarter, province, rate: 1 });
    expect(again.result).toMatchObject({ sampled: 0, alreadySampled: 1, checks: 0 });

    const list = await api(`/v1/monitoring/spot-checks?quarter=${quarter}`, { token: admin });
    expect(list.status, list.text).toBe(200);
    expect(list.json.items).toHaveLength(2);
    for (const item of list.json.items) expect(numbers).toContain(item.applicationNumber);
    const other = await api(`/v1/monitoring/spot-checks?quarter=${quarter}&province=${province}`, {
      token: await token('province-admin', { province: '650000' }),
    });
    expect(other.status).toBe(404);
    const future = await api('/v1/monitoring/spot-checks?quarter=2025Q5', { token: admin });
    expect(future.status).toBe(400);
    expect(future.text).toContain('2025Q5');

    const id = list.json.items[0].id as string;
    const verdict = await api(`/v1/monitoring/spot-checks/${encodeURIComponent(id)}`, {
      method: 'PUT',
      token: admin,
      body: { verdict: 'needs-correction', comment: '发明人顺序与证书不一致，请更正' },
    });
    expect(verdict.status, verdict.text).toBe(200);
    expect(verdict.json).toMatchObject({ status: 'needs-correction', version: 2 });
    const { Item: mail } = await clients().documents.send(
      new GetCommand({
        TableName: tableName('core'),
        Key: { pk: `MAIL#${verdict.json.mailId}`, sk: 'MAIL' },
      }),
    );
    expect(mail).toMatchObject({ to: ['kjc@nx.example.edu.cn'] });
    expect(mail!.text).toContain('发明人顺序与证书不一致');
    const elsewhere = await api(`/v1/monitoring/spot-checks/${encodeURIComponent(id)}`, {
      method: 'PUT',
      token: await token('province-admin', { province: '650000' }),
      body: { verdict: 'ok' },
    });
    expect(elsewhere.status).toBe(404);
    const noComment = await api(`/v1/monitoring/spot-checks/${encodeURIComponent(id)}`, {
      method: 'PUT',
      token: admin,
      body: { verdict: 'needs-correction' },
    });
    expect(noComment.status).toBe(400);
  });

  it('the 5-year-rule list: scoped, from the metrics consumer', async () => {
    const page = await eventually(
      async () => {
        const response = await api(`/v1/monitoring/unimplemented-funded?province=${province}`, {
          token: admin,
        });
        return response.status === 200 && response.json.items.length ? response : undefined;
      },
      20_000,
      'the funded patent listed',
    );
    expect(page.json.items).toEqual([
      expect.objectContaining({
        applicationNumber: numbers[0],
        grantDate: '2016-05-04',
        institutionUscc: uscc,
        fundedProjectName: '西部干旱区节水灌溉关键技术',
        fundedProjectNumber: '2015BAD22B01',
        fundingSource: '国家科技支撑计划',
      }),
    ]);
    const own = await api('/v1/monitoring/unimplemented-funded', {
      token: await token('institution', { org: uscc }),
    });
    expect(own.json.items.map((i: { applicationNumber: string }) => i.applicationNumber)).toEqual([
      numbers[0],
    ]);
    const other = await api(`/v1/monitoring/unimplemented-funded?province=${province}`, {
      token: await token('province-admin', { province: '650000' }),
    });
    expect(other.status).toBe(404);
    const national = await api(`/v1/monitoring/unimplemented-funded?institution=${uscc}`, {
      token: await token('national-admin'),
    });
    expect(national.json.items).toHaveLength(1);
  });

  it('a justification (正当理由): filed by the institution, refused elsewhere, accepted by the province: off the list', async () => {
    const path = `/v1/monitoring/unimplemented-funded/${encodeURIComponent(numbers[0]!)}/justification`;
    const institution = await token('institution', { org: uscc });
    const reason = '该专利为节水灌溉装备的核心部件，样机中试中，预计 2027 年实施';
    const short = await api(path, { method: 'POST', token: institution, body: { reason: '中试' } });
    expect(short.status).toBe(400);
    // A patent that is not on the list (not publicly funded): 409 saying why.
    const notListed = await api(
      `/v1/monitoring/unimplemented-funded/${encodeURIComponent(numbers[1]!)}/justification`,
      { method: 'POST', token: institution, body: { reason } },
    );
    expect(notListed.status, notListed.text).toBe(409);
    expect(notListed.json.error.message).toContain('not on the 5-year-rule list');
    const filed = await api(path, { method: 'POST', token: institution, body: { reason } });
    expect(filed.status, filed.text).toBe(200);
    expect(filed.json.fiveYearJustification).toMatchObject({ status: 'filed', reason });
    const listedFiled = await eventually(
      async () => {
        const r = await api(`/v1/monitoring/unimplemented-funded?province=${province}`, { token: admin });
        return r.json.items[0]?.justificationStatus === 'filed' ? r : undefined;
      },
      20_000,
      'the list marks the filed justification',
    );
    expect(listedFiled.json.items).toHaveLength(1);

    const elsewhere = await api(path, {
      method: 'PUT',
      token: await token('province-admin', { province: '650000' }),
      body: { decision: 'accepted' },
    });
    expect(elsewhere.status).toBe(404);
    const noComment = await api(path, { method: 'PUT', token: admin, body: { decision: 'rejected' } });
    expect(noComment.status).toBe(400);
    const accepted = await api(path, {
      method: 'PUT',
      token: admin,
      body: { decision: 'accepted', comment: '属实' },
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json.fiveYearJustification).toMatchObject({ status: 'accepted', reviewComment: '属实' });
    // The institution's contact gets the decision (queued in the outbox with the change).
    const { Item: mail } = await clients().documents.send(
      new GetCommand({
        TableName: tableName('core'),
        Key: { pk: `MAIL#${accepted.json.fiveYearJustification.mailId}`, sk: 'MAIL' },
      }),
    );
    expect(mail).toMatchObject({ to: ['kjc@nx.example.edu.cn'] });
    expect(mail!.subject).toContain('accepted');
    expect(mail!.text).toContain('属实');
    expect(mail!.text).toContain('off the 5-year-rule list');
    const twice = await api(path, { method: 'PUT', token: admin, body: { decision: 'accepted' } });
    expect(twice.status).toBe(409);
    await eventually(
      async () => {
        const r = await api(`/v1/monitoring/unimplemented-funded?province=${province}`, { token: admin });
        return r.json.items.length === 0 ? r : undefined;
      },
      20_000,
      'the justified patent off the list',
    );
    const patent = await api(`/v1/patents/${encodeURIComponent(numbers[0]!)}`, { token: institution });
    expect(patent.json.fiveYearJustification).toMatchObject({ status: 'accepted', reason });
  });
});

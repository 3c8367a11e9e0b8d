/**
 * Bulk enterprise registration and evaluation feedback by a province administrator, end to end on the
 * local cloud: POST /v1/uploads (kind) -> presigned PUT -> S3 notification -> batch-ingest -> the
 * registry's and the evaluation use-cases -> job counts and error report. Province 530000 (云南省) is
 * this file's own.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import {
  api,
  bucketName,
  clients,
  cloud,
  csvOf as csv,
  errorReportErrors,
  eventually,
  tableName,
  token,
  uploadBatch,
  waitForJob as waitForJobUntil,
} from './helpers.ts';

const province = '530000';
const institution = withUsccCheck('12530000MB0000901');
const E1 = withUsccCheck('91530100MA6K00901');
const E2 = withUsccCheck('91530100MA6K00902');
const E3 = withUsccCheck('91530100MA6K00903');
const E4 = withUsccCheck('91530100MA6K00904');
const E5 = withUsccCheck('91530100MA6K00905');

const waitForJob = (jobId: string, bearer: string) => waitForJobUntil(jobId, bearer, 40_000);

const upload = (bearer: string, kind: string, fileName: string, body: Buffer) =>
  uploadBatch(bearer, kind, province, fileName, body);

const enterpriseHeaders = [
  '统一社会信用代码',
  '企业名称',
  '所在省份',
  '企业类型',
  '国民经济行业分类',
  '关注的IPC分类',
  '联系人',
  '电子邮箱',
];

describe('a province administrator registers enterprises and feeds back evaluations in bulk', () => {
  let admin: string;
  let staff: string;
  let number: string;

  beforeAll(async () => {
    admin = await token('province-admin', { province });
    const created = await api('/v1/institutions', {
      method: 'POST',
      token: await token('national-admin'),
      body: { uscc: institution, name: '云南批量测试大学', provinceCode: province, kind: 'university' },
    });
    expect(created.status, created.text).toBe(201);
    staff = await token('institution', { org: institution });
  });

  it('enterprises (CSV in GB18030): the good rows are verified and pushed to, the others reported', async () => {
    const rows = [
      [
        E1,
        '云南示范电池有限公司',
        '云南省',
        '高新技术企业；专精特新',
        'C384',
        'H01M',
        '李经理',
        'li-yn@example.com',
      ],
      [E2, '昆明储能科技有限公司', '云南', '其他', '', 'H01M 4', '赵经理', ''],
      [E3, '北京某公司', '北京市', '高新技术企业', '384', 'H01M', '张', ''],
      [E4, '类型不明有限公司', '530000', '外资企业', '384', '', '王', ''],
    ];
    const jobId = await upload(
      admin,
      'enterprises',
      '企业登记.csv',
      iconv.encode(csv([enterpriseHeaders, ...rows]), 'gb18030'),
    );
    const job = await waitForJob(jobId, admin);
    expect(job).toMatchObject({
      status: 'succeeded',
      kind: 'enterprises',
      provinceCode: province,
      rowsTotal: 4,
      rowsAccepted: 2,
      rowsRejected: 2,
    });
    expect(job.institutionUscc).toBeUndefined();
    expect(await errorReportErrors(job.errorReportUrl)).toEqual([
      ['4', '所在省份', 'OTHER_PROVINCE'],
      ['5', '企业类型', 'INVALID_VALUE'],
    ]);
    const e1 = await api(`/v1/enterprises/${E1}`, { token: admin });
    expect(e1.json).toMatchObject({
      status: 'verified',
      name: '云南示范电池有限公司',
      types: ['high-tech', 'specialized-sme'],
      industryCodes: ['384'],
    });
    expect((await api(`/v1/enterprises/${E3}`, { token: admin })).status).toBe(404);
    // Another province's administrator does not see this province's job.
    expect(
      (await api(`/v1/jobs/${jobId}`, { token: await token('province-admin', { province: '110000' }) }))
        .status,
    ).toBe(404);

    // Verified at once: a battery patent entering the pool is pushed to both.
    const cells = demoInventoryRows(1, { seed: 91, serialBase: 9100 })[0]!;
    Object.assign(cells, {
      [templateHeaders.indexOf('国民经济行业分类')]: '3841',
      [templateHeaders.indexOf('IPC/洛迦诺分类')]: 'H01M 4/525',
      [templateHeaders.indexOf('转化意愿')]: '许可',
      [templateHeaders.indexOf('专利类型')]: '发明',
      // The department user below submits: the patent is its department's.
      [templateHeaders.indexOf('所属院系')]: 'd',
    });
    const patent = await api('/v1/patents', {
      method: 'POST',
      token: staff,
      body: Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!])),
    });
    expect(patent.status, patent.text).toBe(201);
    number = patent.json.applicationNumber;
    await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: await token('institution', { org: institution, department: 'd' }),
      body: { action: 'submit' },
    });
    const approved = await api(`/v1/patents/${number}/review`, {
      method: 'POST',
      token: staff,
      body: { action: 'approve' },
    });
    expect(approved.json.poolStatus, approved.text).toBe('conversion');
    for (const uscc of [E1, E2]) {
      const inbox = await eventually(
        async () => {
          const r = await api('/v1/inbox', { token: await token('enterprise', { org: uscc }) });
          return r.json.items?.length ? r.json : undefined;
        },
        20_000,
        `the push to ${uscc}`,
      );
      expect(inbox.items[0]).toMatchObject({ applicationNumber: number, status: 'pending' });
    }
  });

  it('serves the enterprise and evaluation templates from their declarations', async () => {
    const xlsx = await fetch(`${cloud().apiUrl}/v1/templates/evaluation.xlsx`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain('evaluation-feedback-template.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets[0]!.getRow(1).getCell(3).value).toBe('评价方标识');
    const enterprisesCsv = await api('/v1/templates/enterprises.csv', { token: admin });
    expect(enterprisesCsv.status).toBe(200);
    expect(enterprisesCsv.text).toMatch(/^\uFEFF?统一社会信用代码,企业名称,所在省份,企业类型/);
    expect((await api('/v1/templates/experts.xlsx', { token: admin })).status).toBe(400);
  });

  it('institution users cannot upload enterprises or evaluations (403); province administrators no inventory', async () => {
    for (const kind of ['enterprises', 'evaluations']) {
      const r = await api('/v1/uploads', {
        method: 'POST',
        token: staff,
        body: { fileName: 'x.xlsx', kind },
      });
      expect(r.status, r.text).toBe(403);
    }
    const inventory = await api('/v1/uploads', {
      method: 'POST',
      token: admin,
      body: { fileName: 'x.xlsx' },
    });
    expect(inventory.status).toBe(403);
    const enterprise = await api('/v1/uploads', {
      method: 'POST',
      token: await token('enterprise', { org: E1 }),
      body: { fileName: 'x.xlsx', kind: 'enterprises' },
    });
    expect(enterprise.status).toBe(403);
  });

  it('evaluations (XLSX): accepted rows appear in the institution feedback, refused rows carry the reason; a second upload changes nothing', async () => {
    expect(number).toBeDefined();
    const headers = [
      '申请号',
      '评价方类型',
      '评价方标识',
      '产业化前景评分',
      '技术成熟度评价',
      '技术改进需求类别',
      '合作意向',
      '原因代码',
      '同意展示身份',
    ];
    const rows = [
      [number, '企业', E1, 4, 6, '中试放大', '许可；联合研发', '', '是'],
      [number, '企业', E2, 3, 5, '', '进一步洽谈', '商业化路径不清晰', '否'],
      [number, '企业', institution, 5, 7, '', '许可', '', '否'], // the patent's own institution
      [number, '企业', E5, 3, 5, '', '许可', '', '否'], // never registered
      [number, '企业', E1, 6, 5, '', '许可', '', '否'], // prospect 6 (and a repeat of E1)
      [number, '企业', E2, 3, 5, '', '许可', '太贵', '否'], // unknown reason code
    ];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('评价反馈');
    sheet.addRow(headers);
    for (const row of rows) sheet.addRow(row);
    sheet.getColumn(1).numFmt = '@';
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    const jobId = await upload(admin, 'evaluations', '评价反馈.xlsx', body);
    const job = await waitForJob(jobId, admin);
    expect(job).toMatchObject({
      status: 'succeeded',
      kind: 'evaluations',
      rowsTotal: 6,
      rowsAccepted: 2,
      rowsRejected: 4,
    });
    expect(await errorReportErrors(job.errorReportUrl)).toEqual([
      ['4', '评价方标识', 'CONFLICT_OF_INTEREST'],
      ['5', '评价方标识', 'EVALUATOR_NOT_VERIFIED'],
      ['6', '产业化前景评分', 'OUT_OF_RANGE'],
      ['7', '原因代码', 'INVALID_VALUE'],
    ]);

    const feedback = await api(`/v1/patents/${number}/evaluations`, { token: staff });
    expect(feedback.status, feedback.text).toBe(200);
    expect(feedback.json.aggregate).toMatchObject({ count: 2, byKind: { enterprise: 2, expert: 0 } });
    expect(feedback.json.items).toHaveLength(2);
    const shared = feedback.json.items.find((i: { identityShared: boolean }) => i.identityShared);
    expect(shared).toMatchObject({
      matched: true,
      industrializationProspect: 4,
      cooperationIntents: ['license', 'joint-rnd'],
      enterprise: { uscc: E1, name: '云南示范电池有限公司' },
    });
    // The enterprise reads the evaluation fed back for it as its own.
    const mine = await api(`/v1/patents/${number}/evaluations/mine`, {
      token: await token('enterprise', { org: E2 }),
    });
    expect(mine.json).toMatchObject({ version: 1, reasonCodes: ['commercial-route-unclear'] });

    const again = await waitForJob(await upload(admin, 'evaluations', '评价反馈.xlsx', body), admin);
    expect(again, JSON.stringify(again)).toMatchObject({
      status: 'succeeded',
      rowsAccepted: 0,
      rowsUnchanged: 2,
      rowsRejected: 4,
    });
  });

  it('a file dropped straight under inbox-enterprises/<province>/ is a job of that province', async () => {
    const { s3, documents } = clients();
    await s3.send(
      new PutObjectCommand({
        Bucket: bucketName('drop'),
        Key: `inbox-enterprises/${province}/直接放入.csv`,
        Body: csv([
          enterpriseHeaders,
          [E5, '直接放入有限公司', '云南省', '其他', '3841', '', '钱', ''],
          // E2 changes its technology interest: its old index entry goes, the new one comes.
          [E2, '昆明储能科技有限公司', '云南', '其他', '', 'H02J', '赵经理', ''],
        ]),
      }),
    );
    const jobs = await eventually(
      async () => {
        const { Items = [] } = await documents.send(
          new QueryCommand({
            TableName: tableName('core'),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': `PROV#${province}#JOB` },
          }),
        );
        const dropped = Items.find((i) => i.fileName === '直接放入.csv');
        return dropped ? dropped : undefined;
      },
      15_000,
      'the dropped job',
    );
    const job = await waitForJob(jobs.jobId, admin);
    expect(job).toMatchObject({ status: 'succeeded', kind: 'enterprises', rowsAccepted: 2 });
    expect((await api(`/v1/enterprises/${E5}`, { token: admin })).json.status).toBe('verified');
    const indexed = async (key: string) =>
      (
        await documents.send(
          new QueryCommand({
            TableName: tableName('core'),
            KeyConditionExpression: 'pk = :pk AND sk = :sk',
            ExpressionAttributeValues: { ':pk': `IDX#${key}`, ':sk': `ENT#${E2}` },
          }),
        )
      ).Items?.length;
    expect(await indexed('IPC#H01M4')).toBe(0);
    expect(await indexed('IPC#H02J')).toBe(1);
  });
});

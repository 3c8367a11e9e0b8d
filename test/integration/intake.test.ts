import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders, toCsv } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, bucketName, clients, eventually, postUpload, tableName, token, waitForJob } from './helpers.ts';

const uscc = withUsccCheck('12110000MB0000301');
const other = withUsccCheck('12110000MB0000302');

async function uploadViaLink(bearer: string, fileName: string, body: Buffer) {
  const created = await api('/v1/uploads', {
    method: 'POST',
    token: bearer,
    body: { fileName, sizeBytes: body.length },
  });
  expect(created.status, created.text).toBe(201);
  expect(created.json.key).toMatch(new RegExp(`^inbox/${uscc}/[0-9a-f]{24}/`));
  const posted = await postUpload(created.json, body);
  expect(posted.status, posted.text).toBe(204);
  return created.json.jobId as string;
}

describe('inventory intake through uploads and S3 drops', () => {
  let institution: string;
  beforeAll(async () => {
    const admin = await token('national-admin');
    for (const [code, name] of [
      [uscc, '导入测试大学'],
      [other, '另一所大学'],
    ]) {
      const r = await api('/v1/institutions', {
        method: 'POST',
        token: admin,
        body: { uscc: code, name, provinceCode: '110000', kind: 'university' },
      });
      expect(r.status, r.text).toBe(201);
    }
    institution = await token('institution', { org: uscc });
  });

  it('a GBK CSV through a presigned upload: good rows stored, bad rows reported with row, column and reason', async () => {
    const rows = demoInventoryRows(20, { seed: 11, serialBase: 3000 });
    rows[4]![templateHeaders.indexOf('申请号')] =
      rows[4]![0]!.slice(0, -1) + (rows[4]![0]!.endsWith('1') ? '2' : '1'); // check character off by one
    rows[7]![templateHeaders.indexOf('申请日')] = '2020-13-45';
    rows[9]![templateHeaders.indexOf('专利名称')] = '=HYPERLINK("http://evil.example","点我")';
    rows.push([...rows[2]!]); // the same application number twice in one file
    const jobId = await uploadViaLink(institution, '盘点.csv', iconv.encode(toCsv(rows), 'gbk'));
    const job = await waitForJob(jobId, institution);
    expect(job).toMatchObject({
      status: 'succeeded',
      rowsTotal: 21,
      rowsAccepted: 18,
      rowsRejected: 3,
      rowsUnchanged: 0,
      progress: 1,
    });

    const bytes = Buffer.from(await (await fetch(job.errorReportUrl)).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: Excel opens it as UTF-8
    const lines = parse(bytes, { columns: true, bom: true }) as Array<Record<string, string>>;
    const errors = lines.filter((l) => l['级别 level'] === '错误 error');
    expect(errors.map((e) => [e['行号 row'], e['列 column'], e['代码 code']])).toEqual([
      ['6', '申请号', 'APPLICATION_NUMBER_CHECK'],
      ['9', '申请日', 'INVALID_DATE'],
      ['22', '申请号', 'DUPLICATE_IN_FILE'],
    ]);
    expect(errors[0]!['说明 message (zh)']).toContain('第 6 行');

    const formulaRow = rows[9]![0]!.replace(/^(ZL|CN)/, '');
    const { Item } = await clients().documents.send(
      new GetCommand({ TableName: tableName('core'), Key: { pk: `PAT#${formulaRow}`, sk: 'PATENT' } }),
    );
    expect(Item).toMatchObject({
      title: '=HYPERLINK("http://evil.example","点我")',
      institutionUscc: uscc,
      provinceCode: '110000',
      version: 1,
      sourceJobId: jobId,
    });
  });

  it('a file of junk rows: the whole report is streamed to S3 in parts by the ingest function, the job keeps exact counts and the first errors', async () => {
    const junk = Array.from({ length: 1600 }, (_, i) =>
      templateHeaders.map((_h, c) => (c === 0 ? `junk${i}` : 'x')),
    );
    const jobId = await uploadViaLink(institution, 'junk.csv', Buffer.from(toCsv(junk)));
    const job = await waitForJob(jobId, institution);
    expect(job).toMatchObject({ status: 'succeeded', rowsTotal: 1600, rowsRejected: 1600, rowsAccepted: 0 });
    expect(job.firstErrors).toHaveLength(20);
    expect(job.firstErrors[0]).toMatchObject({ row: 2, messageEn: expect.stringMatching(/^Row 2\b/) });
    const bytes = Buffer.from(await (await fetch(job.errorReportUrl)).arrayBuffer());
    expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024); // more than one part of 8 MiB
    const lines = parse(bytes, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(lines).toHaveLength(job.errorCount + (job.warningCount ?? 0));
    expect(new Set(lines.map((l) => l['行号 row'])).size).toBe(1600);
  }, 90_000);

  it('the same file dropped again straight into S3 changes nothing; a changed row updates with a new version', async () => {
    const rows = demoInventoryRows(10, { seed: 12, serialBase: 4000 });
    const first = await uploadViaLink(institution, 'a.csv', Buffer.from(toCsv(rows)));
    expect(await waitForJob(first, institution)).toMatchObject({ status: 'succeeded', rowsAccepted: 10 });

    rows[3]![templateHeaders.indexOf('技术成熟度')] =
      rows[3]![templateHeaders.indexOf('技术成熟度')] === '9' ? '8' : '9';
    await clients().s3.send(
      new PutObjectCommand({
        Bucket: bucketName('drop'),
        Key: `inbox/${uscc}/direct-drop.csv`,
        Body: toCsv(rows),
      }),
    );
    const second = await eventually(
      async () => {
        const listing = await clients().documents.send(
          new GetCommand({ TableName: tableName('core'), Key: { pk: `PAT#${rows[3]![0]}`, sk: 'PATENT' } }),
        );
        return listing.Item?.version === 2 ? listing.Item : undefined;
      },
      30_000,
      'the updated patent',
    );
    expect(second.trl).toBe(Number(rows[3]![templateHeaders.indexOf('技术成熟度')]));
    const dropJob = await eventually(
      async () => {
        const { Items = [] } = await clients().documents.send(
          new QueryCommand({
            TableName: tableName('core'),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': `INST#${uscc}#JOB` },
          }),
        );
        const job = Items.find((j) => j.fileName === 'direct-drop.csv');
        return job?.status === 'succeeded' ? job : undefined;
      },
      30_000,
      'the direct-drop job',
    );
    expect(dropJob).toMatchObject({ rowsTotal: 10, rowsAccepted: 1, rowsUnchanged: 9, rowsRejected: 0 });
  });

  it('the presigned POST binds key and content type: S3 refuses another type or another key', async () => {
    const created = await api('/v1/uploads', {
      method: 'POST',
      token: institution,
      body: { fileName: 'bound.csv' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({
      method: 'POST',
      contentType: 'text/csv',
      maxBytes: 100 * 1024 * 1024,
    });
    expect(created.json.fields).toMatchObject({ key: created.json.key, 'Content-Type': 'text/csv' });
    const file = Buffer.from(toCsv(demoInventoryRows(1, { seed: 16, serialBase: 5300 })));
    const html = await postUpload(
      { url: created.json.url, fields: { ...created.json.fields, 'Content-Type': 'text/html' } },
      file,
    );
    expect(html.status).toBe(403);
    expect(html.text).toContain('Policy Condition failed');
    const elsewhere = await postUpload(
      {
        url: created.json.url,
        fields: { ...created.json.fields, key: `inbox/${other}/${created.json.jobId}/bound.csv` },
      },
      file,
    );
    expect(elsewhere.status).toBe(403);
    const { Contents = [] } = await clients().s3.send(
      new ListObjectsV2Command({
        Bucket: bucketName('drop'),
        Prefix: `inbox/${other}/${created.json.jobId}/`,
      }),
    );
    expect(Contents).toEqual([]);
    expect((await api(`/v1/jobs/${created.json.jobId}`, { token: institution })).json.status).toBe('queued');
  });

  it("a drop under inbox/<C>/<A's jobId>/ is refused with the reason, never attached to A's job", async () => {
    const created = await api('/v1/uploads', {
      method: 'POST',
      token: institution,
      body: { fileName: 'awaited.csv' },
    });
    expect(created.status, created.text).toBe(201);
    const jobId = created.json.jobId as string;
    await clients().s3.send(
      new PutObjectCommand({
        Bucket: bucketName('drop'),
        Key: `inbox/${other}/${jobId}/awaited.csv`,
        Body: toCsv(demoInventoryRows(2, { seed: 17, serialBase: 5400 })),
      }),
    );
    const refused = await eventually(
      async () => {
        const { Items = [] } = await clients().documents.send(
          new QueryCommand({
            TableName: tableName('core'),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': `INST#${other}#JOB` },
          }),
        );
        return Items.find((j) => j.key === `inbox/${other}/${jobId}/awaited.csv`);
      },
      30_000,
      'the refused drop',
    );
    expect(refused).toMatchObject({
      status: 'failed',
      failure: { code: 'NOT_THE_ANNOUNCED_UPLOAD', messageEn: expect.stringContaining('POST /v1/uploads') },
      droppedBy: { principalId: expect.any(String) },
    });
    expect(refused.jobId).not.toBe(jobId);
    const mine = await api(`/v1/jobs/${jobId}`, { token: institution });
    expect(mine.json).toMatchObject({ status: 'queued', sizeBytes: 0, institutionUscc: uscc });
    // A's own file, sent with the form, is still A's job.
    const posted = await postUpload(
      created.json,
      Buffer.from(toCsv(demoInventoryRows(1, { seed: 18, serialBase: 5500 }))),
    );
    expect(posted.status, posted.text).toBe(204);
    expect(await waitForJob(jobId, institution)).toMatchObject({ status: 'succeeded', rowsAccepted: 1 });
  });

  it('a row for a patent of another institution is refused for that row only', async () => {
    const rows = demoInventoryRows(3, { seed: 13, serialBase: 5000 });
    const jobA = await uploadViaLink(institution, 'mine.csv', Buffer.from(toCsv(rows)));
    expect(await waitForJob(jobA, institution)).toMatchObject({ rowsAccepted: 3 });
    const otherToken = await token('institution', { org: other });
    const created = await api('/v1/uploads', {
      method: 'POST',
      token: otherToken,
      body: { fileName: 'theirs.csv' },
    });
    await postUpload(
      created.json,
      Buffer.from(toCsv([rows[1]!, ...demoInventoryRows(1, { seed: 14, serialBase: 5100 })])),
    );
    const job = await waitForJob(created.json.jobId, otherToken);
    expect(job).toMatchObject({ status: 'succeeded', rowsAccepted: 1, rowsRejected: 1 });
    // The other institution cannot read the first one's job (404, so ids do not leak).
    expect((await api(`/v1/jobs/${jobA}`, { token: otherToken })).status).toBe(404);
  });

  it('a file without an application number column fails as a whole, naming the accepted names and the look-alike, and stores nothing', async () => {
    const jobId = await uploadViaLink(
      institution,
      'wrong.csv',
      Buffer.from('申请号码,名称\n202010123456.2,x\n'),
    );
    const job = await waitForJob(jobId, institution);
    expect(job.status).toBe('failed');
    expect(job.failure.code).toBe('BAD_HEADERS');
    expect(job.failure.messageEn).toContain('No application number column');
    expect(job.failure.messageEn).toContain('column 申请号码 looks like it');
    expect(job.failure.messageZh).toContain('专利申请号');
  });

  it("an office's own export (序号, its own headers, no 发明人) goes in, the header notes on the job", async () => {
    const [row] = demoInventoryRows(1, { seed: 15, serialBase: 5200 });
    const at = (header: string) => row![templateHeaders.indexOf(header)]!;
    const csv = [
      '某某大学专利盘点表',
      '',
      '序号,专利申请号,发明名称,专利类别,申请日期,授权公告日,当前法律状态,第一发明人所在单位,是否财政资助,实施情况,技术成熟度,IPC主分类号',
      [
        '1',
        `ZL${at('申请号')}`,
        at('专利名称'),
        `${at('专利类型')}专利`,
        at('申请日').replace(/-/g, '.'),
        at('授权日'),
        '专利权维持',
        at('所属院系'),
        '√',
        '已实施',
        '七级',
        `"${at('IPC/洛迦诺分类')}"`,
      ].join(','),
    ].join('\n');
    const job = await waitForJob(
      await uploadViaLink(institution, 'office.csv', iconv.encode(csv, 'gbk')),
      institution,
    );
    expect(job).toMatchObject({ status: 'succeeded', rowsAccepted: 1, rowsRejected: 0 });
    expect(job.warnings.join('\n')).toContain(
      'Ignored 1 column(s) that are not in the inventory template: 序号',
    );
    expect(job.warnings.join('\n')).toContain('no 发明人 (inventors) column');
    // 已实施 asks for the manner; 发明专利 (or 实用新型专利 ...), the dotted date, 专利权维持, √ and 七级
    // are read but not the template's wording: each a VALUE_CONVERTED warning on the row.
    expect(job.warnings.join('\n')).toContain('6 warning(s)');
  });

  it('an empty file and a binary renamed .csv fail with what to do', async () => {
    const empty = await waitForJob(
      await uploadViaLink(institution, 'empty.csv', Buffer.alloc(0)),
      institution,
    );
    expect(empty).toMatchObject({ status: 'failed', failure: { code: 'EMPTY_FILE' } });
    const binary = await waitForJob(
      await uploadViaLink(
        institution,
        'photo.csv',
        Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      ),
      institution,
    );
    expect(binary).toMatchObject({ status: 'failed', failure: { code: 'NOT_A_TABLE' } });
    expect(binary.failure.messageEn).toContain('save it as .xlsx or CSV');
  });

  it('an XLSX with a title row and merged header cells is read from its real header row', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('盘点');
    sheet.addRow(['导入测试大学 2026 年存量专利盘点表']);
    sheet.mergeCells(1, 1, 1, templateHeaders.length);
    sheet.addRow(templateHeaders);
    for (const cells of demoInventoryRows(12, { seed: 15, serialBase: 5200 })) sheet.addRow(cells);
    const jobId = await uploadViaLink(
      institution,
      '盘点.xlsx',
      Buffer.from(await workbook.xlsx.writeBuffer()),
    );
    const job = await waitForJob(jobId, institution);
    // A failure names its reason (once seen failing under load with rowsTotal 0: keep what it said).
    expect(job, JSON.stringify({ failure: job.failure, error: job.error })).toMatchObject({
      status: 'succeeded',
      rowsTotal: 12,
      rowsAccepted: 12,
      rowsRejected: 0,
    });
  });

  it('Excel 2003 XML named .xls and Excel\'s UTF-16 "Unicode text" are read; a web page named .xls fails saying what to do', async () => {
    const rows = demoInventoryRows(6, { seed: 16, serialBase: 5300 });
    const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const xmlRow = (cells: string[]) =>
      `<Row>${cells.map((c) => `<Cell><Data ss:Type="String">${escapeXml(c)}</Data></Cell>`).join('')}</Row>`;
    const xml = `<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="专利"><Table>
<Row><Cell ss:MergeAcross="5"><Data ss:Type="String">导入测试大学专利清单（系统导出）</Data></Cell></Row>
${xmlRow(templateHeaders)}
${rows.slice(0, 3).map(xmlRow).join('\n')}
</Table></Worksheet></Workbook>`;
    const fromXml = await waitForJob(
      await uploadViaLink(institution, '专利导出.xls', Buffer.from(xml)),
      institution,
    );
    expect(fromXml).toMatchObject({ status: 'succeeded', rowsTotal: 3, rowsAccepted: 3, rowsRejected: 0 });

    const tsv = [templateHeaders, ...rows.slice(3)]
      .map((cells) => cells.map((c) => c.replace(/[\t\r\n]+/g, ' ')).join('\t'))
      .join('\r\n');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]);
    const fromText = await waitForJob(await uploadViaLink(institution, '专利导出.txt', utf16), institution);
    expect(fromText).toMatchObject({ status: 'succeeded', rowsTotal: 3, rowsAccepted: 3, rowsRejected: 0 });
    for (const cells of rows) {
      const patent = await api(`/v1/patents/${encodeURIComponent(cells[0]!)}`, { token: institution });
      expect(patent.status, cells[0]).toBe(200);
    }

    const page = await waitForJob(
      await uploadViaLink(
        institution,
        '导出.xls',
        Buffer.from('<html><body><table><tr><td>申请号</td></tr></table></body></html>'),
      ),
      institution,
    );
    expect(page).toMatchObject({ status: 'failed', failure: { code: 'HTML_TABLE' } });
    expect(page.failure.messageEn).toContain('save it as .xlsx or CSV');
  });

  it('an announced upload over the size limit is refused before any byte is sent', async () => {
    const response = await api('/v1/uploads', {
      method: 'POST',
      token: institution,
      body: { fileName: 'huge.xlsx', sizeBytes: 200 * 1024 * 1024 },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain('100 MB');
  });

  it('serves the template downloads', async () => {
    const xlsx = await fetch(`${(await import('./helpers.ts')).cloud().apiUrl}/v1/templates/inventory.xlsx`, {
      headers: { authorization: `Bearer ${institution}` },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const csv = await api('/v1/templates/inventory.csv', { token: institution });
    expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(templateHeaders.join(','));
  });
});

/**
 * Issue 12 parts 1 and 2: any university's own spreadsheet goes in. Header recognition (synonyms,
 * normalization, proposals, duplicates, title rows), values as people write them, and a 200-row
 * export shaped like a real office's (title row, 序号, 14 own headers, GBK CSV or XLSX, blank lines).
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readInventoryHeaders } from '../../functions/intake/headers.ts';
import { ingestTable, inventoryKindWith, type PatentWriter } from '../../functions/intake/ingest.ts';
import { previewTable } from '../../functions/intake/preview.ts';
import { readTableRows } from '../../functions/intake/read-table.ts';
import type { TableRow } from '../../functions/intake/table.ts';
import { isImplemented } from '../../functions/metrics/counters.ts';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import type { InventoryRecord } from '../../schemas/inventory/patent-row.ts';
import { parseAmountWan, parseTrl, validateInventoryRow } from '../../schemas/inventory/patent-row.ts';
import { resolveHeaders } from '../../schemas/inventory/template.ts';

const today = '2026-12-05';
const owner = { uscc: '12100000400000624D', provinceCode: '110000' };
const actor = { sub: 'u', roles: ['institution' as const] };

/** The headers of the real-world-shaped export of issue 12. */
const officeHeaders = [
  '序号',
  '专利申请号',
  '发明名称',
  '专利类别',
  '申请日期',
  '授权公告日',
  '当前法律状态',
  '第一发明人所在单位',
  '是否财政资助',
  '实施情况',
  '转化方式意向',
  '技术成熟度',
  '应用领域',
  'IPC主分类号',
];

const keysOf = (headers: string[]) => resolveHeaders(headers).columns.map((column) => column?.key);

describe('header recognition', () => {
  it('the 14 headers of a real office export: 13 mapped, 序号 ignored', () => {
    expect(keysOf(officeHeaders)).toEqual([
      undefined,
      'applicationNumber',
      'title',
      'patentType',
      'applicationDate',
      'grantDate',
      'legalStatus',
      'department',
      'publiclyFunded',
      'implementationStatus',
      'conversionIntents',
      'trl',
      'applicationScenarios',
      'classifications',
    ]);
    const reading = readInventoryHeaders(officeHeaders);
    expect(reading.refusal).toBeUndefined();
    expect(reading.headers[0]).toBe('');
    expect(reading.warnings.join('\n')).toContain(
      'Ignored 1 column(s) that are not in the inventory template: 序号',
    );
    // No inventor column: stored without, said once.
    expect(reading.warnings.join('\n')).toContain('no 发明人 (inventors) column');
  });

  it('the synonyms of real templates and CNIPA field names', () => {
    const cases: Record<string, string[]> = {
      applicationNumber: ['专利申请号', '申请号', '专利号', 'ZL号', 'Application No.', 'patent number'],
      title: ['发明名称', '专利名称', '题名', 'Title', 'Invention Title'],
      patentType: ['专利类别', '专利类型', '类型', 'Patent Type'],
      legalStatus: ['当前法律状态', '法律状态', '专利状态', 'Legal Status'],
      department: ['第一发明人所在单位', '所属院系', '院系', '学院', '部门', 'Department', 'School'],
      classifications: ['IPC主分类号', '主分类号', '分类号', 'IPC', 'ipc classification'],
      conversionIntents: ['转化方式意向', '转化意愿', 'Conversion Intent'],
      implementationStatus: ['实施情况', '实施状态', 'Implementation Status'],
      applicationDate: ['申请日期', '申请日', 'Filing Date', 'Application Date'],
      grantDate: ['授权公告日', '授权日期', '授权日', 'Grant Date'],
      publiclyFunded: ['是否财政资助', '财政资助', 'Publicly Funded'],
      trl: ['技术成熟度', 'TRL', 'trl', 'Technology Readiness Level'],
      applicationScenarios: ['应用领域', '应用场景', 'Application Scenarios'],
      inventors: ['发明人', '发明人（设计人）', 'Inventors'],
      abstract: ['摘要', '专利摘要', '说明书摘要', 'Abstract', 'summary'],
    };
    for (const [key, headers] of Object.entries(cases)) {
      for (const header of headers) expect([header, keysOf([header])[0]]).toEqual([header, key]);
    }
  });

  it('normalization: full width, spaces, brackets, 的/之, notes, required markers, English case and separators', () => {
    expect(
      keysOf([
        '＊申请号（必填）',
        'ＩＰＣ 主分类号',
        ' 专利 的 名称 ',
        '技术成熟度（1-9级）',
        '申请日：请填 2020-01-01',
        '实施状态注',
        'GRANT_DATE',
        'legal-status',
        '【法律状态】之说明',
      ]),
    ).toEqual([
      'applicationNumber',
      'classifications',
      'title',
      'trl',
      'applicationDate',
      'implementationStatus',
      'grantDate',
      'legalStatus',
      undefined, // a bracketed header with only a note is not guessed at
    ]);
  });

  it('English headers: a whole file of them', () => {
    const english = [
      'No.',
      'Application No.',
      'Title',
      'Patent Type',
      'Filing Date',
      'Grant Date',
      'Legal Status',
      'Inventors',
      'Department',
      'Publicly Funded',
      'Implementation Status',
      'IPC',
    ];
    const reading = readInventoryHeaders(english);
    expect(reading.refusal).toBeUndefined();
    expect(reading.headers).toEqual(['', ...english.slice(1)]);
  });

  it('pinyin initials and bilingual headers', () => {
    expect(keysOf(['SQH', 'zlmc', 'ZLLX', 'sqrq', 'FLZT', 'fmr', 'ssyx', 'jscsd'])).toEqual([
      'applicationNumber',
      'title',
      'patentType',
      'applicationDate',
      'legalStatus',
      'inventors',
      'department',
      'trl',
    ]);
    expect(
      keysOf(['申请号 Application No.', '专利名称/Title', '技术成熟度TRL', '申请日 date', '联系人 email']),
    ).toEqual([
      'applicationNumber',
      'title',
      'trl',
      'applicationDate',
      undefined, // 联系人 and email name two different columns: not guessed
    ]);
  });

  it('two columns for one field: the file is refused, naming both, and says what to do', async () => {
    // resolveHeaders still tells which one is the more direct (a preview can propose it).
    expect(keysOf(['专利号', '申请号'])).toEqual([undefined, 'applicationNumber']);
    expect(keysOf(['院系', '部门'])).toEqual(['department', undefined]);
    const reading = readInventoryHeaders(['专利号', '申请号', '院系', '部门']);
    expect(reading.headers).toEqual([]);
    expect(reading.refusal?.messageEn).toContain('申请号 and 专利号 all map to 申请号 (application_number)');
    expect(reading.refusal?.messageEn).toContain('院系 and 部门 all map to 所属院系');
    expect(reading.refusal?.messageEn).toContain('delete or rename the extra columns, or name the column');
    expect(reading.refusal?.messageZh).toContain('「申请号」和「专利号」都对应「申请号」');
    expect(reading.refusal?.messageZh).toContain('请删除或改名其中多余的列，或在映射配置中指定');
    // Through the intake: BAD_HEADERS, nothing written.
    async function* rows(): AsyncGenerator<TableRow> {
      yield { rowNumber: 1, cells: ['申请号', '专利名称', '第一发明人所在单位', '所属院系'] };
      yield { rowNumber: 2, cells: ['202010123456.2', '一种方法', '计算机学院', '信息学院'] };
    }
    const refused = await ingestTable({ writer: memoryWriter([]), today }, owner, actor, rows()).catch(
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'BAD_HEADERS' });
    expect((refused as Error).message).toContain('第一发明人所在单位');
    expect((refused as Error).message).toContain('所属院系');
  });

  it('a header that only resembles a column is proposed, never mapped', () => {
    const reading = readInventoryHeaders(['申请号', '发明名', 'Titel', '专利申请人']);
    expect(reading.headers).toEqual(['申请号', '', '', '']);
    const text = reading.warnings.join('\n');
    expect(text).toContain('Column 发明名 looks like 专利名称 (title)');
    expect(text).toContain('rename it to 专利名称 or map it');
    expect(text).toContain('Column Titel looks like 专利名称 (title)');
    // 专利申请人 resembles 申请号, which the file already has: only ignored.
    expect(text).toContain('Ignored 1 column(s) that are not in the inventory template: 专利申请人');
  });

  it('only a missing key column refuses the file, and it proposes the column that looks like it', () => {
    const reading = readInventoryHeaders(['序号', '专利申请编号', '发明名称']);
    expect(reading.refusal?.messageEn).toContain('No application number column');
    expect(reading.refusal?.messageEn).toContain('column 专利申请编号 looks like it: rename it to 申请号');
    expect(reading.refusal?.messageZh).toContain('专利申请号');
  });

  it('the header row below title rows and blank lines (line 7), and unknown columns go on', async () => {
    const rows: TableRow[] = [
      { rowNumber: 1, cells: ['某某大学存量专利盘点表'] },
      { rowNumber: 2, cells: ['填报单位：科技处', '', '填报日期：2024-05-01'] },
      { rowNumber: 3, cells: [] },
      { rowNumber: 4, cells: ['说明：申请号请设为文本格式'] },
      { rowNumber: 5, cells: [''] },
      { rowNumber: 6, cells: ['', ''] },
      { rowNumber: 7, cells: ['序号', '申请号', '专利名称', '备注'] },
      { rowNumber: 8, cells: ['1', '202010123456.2', '一种方法', '无'] },
    ];
    const written: InventoryRecord[] = [];
    const result = await ingestTable({ writer: memoryWriter(written), today }, owner, actor, iterate(rows));
    expect(result.rowsTotal).toBe(1);
    // The row is refused for its missing required values, not the file for its headers.
    expect(result.errors.map((e) => e.code)).toContain('REQUIRED');
    expect(result.headerWarnings?.join('\n')).toContain('序号, 备注');
  });
});

describe('files as offices save them', () => {
  it('a WPS CSV in GB18030 with a trailing empty column on every line', async () => {
    const [row] = demoInventoryRows(1, { seed: 21 });
    const csv = `${templateHeaders.join(',')},\r\n${row!.map((v) => (/[,"]/.test(v) ? `"${v}"` : v)).join(',')},\r\n`;
    const written: InventoryRecord[] = [];
    const result = await ingestTable(
      { writer: memoryWriter(written), today },
      owner,
      actor,
      readTableRows(Readable.from([iconv.encode(csv, 'gb18030')])),
    );
    expect(result).toMatchObject({ rowsTotal: 1, rowsAccepted: 1, rowsRejected: 0 });
    expect(result.headerWarnings).toBeUndefined();
  });

  it('an XLSX whose first sheet is 填表说明: the sheet naming template columns is read', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('填表说明').addRow(['请按以下要求填写：申请号请设为文本格式']);
    const sheet = workbook.addWorksheet('专利清单');
    sheet.addRow(templateHeaders);
    for (const row of demoInventoryRows(3, { seed: 22 })) sheet.addRow(row);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const isTableSheet = (first: TableRow[]) =>
      first.some((row) => row.cells.some((cell) => resolveHeaders([cell]).columns[0] !== undefined));
    const written: InventoryRecord[] = [];
    const result = await ingestTable(
      { writer: memoryWriter(written), today },
      owner,
      actor,
      readTableRows(Readable.from([bytes]), { isTableSheet }),
    );
    expect(result).toMatchObject({ rowsTotal: 3, rowsAccepted: 3 });
    // Without the option, the first sheet: no header there.
    await expect(
      ingestTable({ writer: memoryWriter([]), today }, owner, actor, readTableRows(Readable.from([bytes]))),
    ).rejects.toMatchObject({ code: 'NO_HEADER' });
  });
});

// -------------------------------------------------------------------------------------- values

/** A complete valid row in the office's own headers (no inventor column), every value in the template's own wording. */
const officeRow: Record<string, string> = {
  专利申请号: '202010123456.2',
  发明名称: '一种基于深度学习的图像去噪方法',
  专利类别: '发明',
  申请日期: '2020-03-18',
  授权公告日: '2022-06-07',
  当前法律状态: '有效',
  第一发明人所在单位: '计算机学院',
  是否财政资助: '是',
  实施情况: '许可实施',
  转化方式意向: '转让；许可',
  技术成熟度: '6',
  应用领域: '医学影像',
  IPC主分类号: 'G06T 5/00',
};
const fileContext = {
  today,
  file: { absentColumns: new Set(resolveHeaders(officeHeaders).missing.map((column) => column.key)) },
};
const check = (changes: Record<string, string>) =>
  validateInventoryRow({ ...officeRow, ...changes }, 9, fileContext);

/** A 12-digit body whose check character is 0 (Excel drops the ".0"). */
function bodyWithCheckZero(): string {
  for (let serial = 12345; ; serial++) {
    const body = `2021102${String(serial).padStart(5, '0')}`;
    if (applicationCheckCharacter(body) === '0') return body;
  }
}

describe('values as people write them', () => {
  it('the office row is valid as is; the file has no inventor column, so none are stored', () => {
    const result = check({});
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.patent).toMatchObject({ inventors: [], patentType: 'invention', trl: 6 });
  });

  /** The one warning a converted cell gives: row, the file's column, the original value, what was stored. */
  const expectConverted = (
    result: ReturnType<typeof check>,
    column: string,
    value: string,
    stored: string,
    storedEn = stored,
  ) => {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toMatchObject([{ row: 9, column, value, code: 'VALUE_CONVERTED' }]);
    expect(result.warnings[0]!.messageZh).toContain(`已按「${stored}」保存`);
    expect(result.warnings[0]!.messageEn).toContain(`was stored as ${storedEn}`);
  };

  it.each(['7', '７', ' 7 '])('TRL %s is the template form: 7, no warning', (value) => {
    const result = check({ 技术成熟度: value });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.patent?.trl).toBe(7);
  });

  it.each(['7.0', '七', '七级', 'TRL7', 'TRL-7', 'trl 7', '7级', '第七级', '第7级', 'ＴＲＬ７'])(
    'TRL %s is 7, with a warning naming the original and the stored value',
    (value) => {
      expect(parseTrl(value)).toBe('7');
      const result = check({ 技术成熟度: value });
      expect(result.patent?.trl).toBe(7);
      expectConverted(result, '技术成熟度', value, '7');
    },
  );

  it('TRL that is no level: an error naming the file column, the value and what to write', () => {
    const result = check({ 技术成熟度: '很高' });
    expect(result.errors).toMatchObject([
      { row: 9, column: '技术成熟度', value: '很高', code: 'INVALID_INTEGER' },
    ]);
    expect(result.errors[0]!.messageZh).toContain('1 至 9 的整数');
    expect(check({ 技术成熟度: '十级' }).errors[0]!.code).toBe('OUT_OF_RANGE');
  });

  it.each([
    ['是', true],
    ['否', false],
    ['Y', true],
    ['n', false],
    ['√', true],
    ['×', false],
    ['有', true],
    ['无', false],
    ['true', true],
    ['FALSE', false],
  ])('yes/no %s', (value, expected) => {
    const result = check({ 是否财政资助: value });
    expect(result.errors).toEqual([]);
    expect(result.patent?.publiclyFunded).toBe(expected);
    // The template's words (是/否, and the English yes/no) are exact; √, Y, 有 ... are conversions.
    if (value === '是' || value === '否') expect(result.warnings).toEqual([]);
    else expectConverted(result, '是否财政资助', value, expected ? '是' : '否');
  });

  it.each([
    ['未实施', 'not-implemented'],
    ['自行实施', 'self-implemented'],
    ['许可实施', 'licensed'],
    ['作价入股', 'equity'],
    ['产业化', 'industrialized'],
    ['Licensed', 'licensed'],
  ])('implementation %s: the template wording, no warning', (value, expected) => {
    const result = check({ 实施情况: value });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.patent?.implementationStatus).toBe(expected);
  });

  it.each([
    ['许可', 'licensed', '许可实施'],
    ['转让', 'assigned', '转让实施'],
    ['已转让', 'assigned', '转让实施'],
    ['已产业化', 'industrialized', '产业化'],
    ['已实施（许可）', 'licensed', '许可实施'],
    ['已实施-转让', 'assigned', '转让实施'],
  ])('implementation %s: read, with a warning', (value, expected, stored) => {
    const result = check({ 实施情况: value });
    expect(result.patent?.implementationStatus).toBe(expected);
    expectConverted(result, '实施情况', value, stored);
  });

  it('已实施: a value of its own, counted as implemented, with a warning asking for the manner', () => {
    const result = check({ 实施情况: '已实施' });
    expect(result.errors).toEqual([]);
    expect(result.patent?.implementationStatus).toBe('implemented');
    expect(result.warnings).toMatchObject([
      { row: 9, column: '实施情况', value: '已实施', code: 'IMPLEMENTATION_MANNER_MISSING' },
    ]);
    expect(result.warnings[0]!.messageZh).toContain('自行实施、许可实施、转让实施、作价入股或产业化');
    expect(isImplemented({ legalStatus: 'valid', implementationStatus: 'implemented' } as never)).toBe(true);
    expect(isImplemented({ legalStatus: 'valid', implementationStatus: 'not-implemented' } as never)).toBe(
      false,
    );
  });

  it('an implementation nobody can read: an error with the allowed values', () => {
    const result = check({ 实施情况: '不清楚' });
    expect(result.errors).toMatchObject([{ column: '实施情况', value: '不清楚', code: 'INVALID_VALUE' }]);
    expect(result.errors[0]!.messageZh).toContain('已实施');
  });

  it.each([
    ['45356', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['2024.3.5', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['2024-3-5', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['２０２４年３月５日', '2024-03-05'],
  ])('grant date %s, with a warning', (value, expected) => {
    const result = check({ 授权公告日: value });
    expect(result.patent?.grantDate).toBe(expected);
    expectConverted(result, '授权公告日', value, expected);
  });

  it('a date written as the template writes it (or a date cell) gives no warning', () => {
    expect(check({ 授权公告日: '2024-03-05' }).warnings).toEqual([]);
  });

  it('amounts in 元 or 万元 with the unit in the cell, or in the header', () => {
    expect(parseAmountWan('50')).toBe(50);
    expect(parseAmountWan('50万元')).toBe(50);
    expect(parseAmountWan('50 万')).toBe(50);
    expect(parseAmountWan('500,000元')).toBe(50);
    expect(parseAmountWan('¥500000元')).toBe(50);
    expect(parseAmountWan('人民币12.5万元')).toBe(12.5);
    expect(parseAmountWan('1.2亿元')).toBe(12_000);
    expect(parseAmountWan('500000', '实施金额（元）')).toBe(50);
    expect(parseAmountWan('50', '实施金额（万元）')).toBe(50);
    expect(parseAmountWan('五十万')).toBeUndefined();
    const result = validateInventoryRow(
      { ...officeRow, '转化金额（元）': '800000元', 实施情况: '许可实施' },
      9,
      fileContext,
    );
    expect(result.patent?.implementationAmountWan).toBe(80);
    expectConverted(result, '转化金额（元）', '800000元', '80（万元）', '80 (in units of 10,000 CNY)');
    // A bare number under a 元 header is converted too; a bare number of 万元 is exact.
    const yuan = validateInventoryRow({ ...officeRow, '实施金额（元）': '500000' }, 9, fileContext);
    expectConverted(yuan, '实施金额（元）', '500000', '50（万元）', '50 (in units');
    const wan = validateInventoryRow({ ...officeRow, 实施金额: '12.5' }, 9, fileContext);
    expect(wan.warnings).toEqual([]);
    expect(wan.patent?.implementationAmountWan).toBe(12.5);
    expectConverted(
      validateInventoryRow({ ...officeRow, 实施金额: '50万元' }, 9, fileContext),
      '实施金额',
      '50万元',
      '50（万元）',
      '50 (in units',
    );
  });

  it.each(['ZL202010123456.2', 'ZL 2020 1012 3456.2', 'CN202010123456.2', '２０２０１０１２３４５６．２'])(
    'application number %s: the template allows the prefix and spaces, no warning',
    (value) => {
      const result = check({ 专利申请号: value });
      expect(result.errors).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.patent?.applicationNumber).toBe('202010123456.2');
    },
  );

  it.each(['2020101234562', '202010123456。2'])('application number %s: read, with a warning', (value) => {
    const result = check({ 专利申请号: value });
    expect(result.patent?.applicationNumber).toBe('202010123456.2');
    expectConverted(result, '专利申请号', value, '202010123456.2');
  });

  it('a number that lost its check 0 in Excel is restored with a warning; another missing check stays an error', () => {
    const body = bodyWithCheckZero();
    const restored = check({ 专利申请号: body, 申请日期: '2021-03-18' });
    expect(restored.errors).toEqual([]);
    expect(restored.patent?.applicationNumber).toBe(`${body}.0`);
    expect(restored.warnings).toMatchObject([
      { column: '专利申请号', value: body, code: 'APPLICATION_NUMBER_CHECK_RESTORED' },
    ]);
    const notZero = check({ 专利申请号: '202010123456' });
    expect(notZero.errors).toMatchObject([{ column: '专利申请号', code: 'APPLICATION_NUMBER_CHECK' }]);
    expect(notZero.errors[0]!.messageZh).toContain('.2');
  });

  it.each([
    ['有效', 'valid'],
    ['授权', 'valid'],
    ['专利权维持', 'valid'],
    ['审中', 'pending'],
    ['实审', 'pending'],
    ['权利终止', 'terminated'],
    ['未缴年费终止', 'terminated'],
    ['放弃', 'abandoned'],
    ['无效', 'invalidated'],
  ])('legal status %s', (value, expected) => {
    const result = check({ 当前法律状态: value, 授权公告日: expected === 'pending' ? '' : '2022-06-07' });
    expect(result.errors).toEqual([]);
    expect(result.patent?.legalStatus).toBe(expected);
    const exact = ['有效', '审中', '权利终止', '放弃', '无效'].includes(value);
    expect(result.warnings.map((w) => w.code)).toEqual(exact ? [] : ['VALUE_CONVERTED']);
  });

  it.each([
    ['发明', '202010123456.2', 'invention'],
    ['发明专利', '202010123456.2', 'invention'],
    ['Invention', '202010123456.2', 'invention'],
    ['实用新型', '202020123456.X', 'utility-model'],
    ['外观设计', '202030123456.0', 'design'],
  ])('patent type %s', (value, number, expected) => {
    const body = number.slice(0, 12);
    const withCheck = `${body}.${applicationCheckCharacter(body)}`;
    const result = check({
      专利类别: value,
      专利申请号: withCheck,
      IPC主分类号: expected === 'design' ? '06-04' : 'G06T 5/00',
    });
    expect(result.errors).toEqual([]);
    expect(result.patent?.patentType).toBe(expected);
    // 发明专利 is a synonym (converted, warned); Invention is the English alias (exact).
    expect(result.warnings.map((w) => w.code)).toEqual(value === '发明专利' ? ['VALUE_CONVERTED'] : []);
  });

  it('conversion intents given by synonyms: one warning with what was stored', () => {
    expect(check({ 转化方式意向: '转让；许可' }).warnings).toEqual([]);
    expectConverted(
      check({ 转化方式意向: '转让/独占许可' }),
      '转化方式意向',
      '转让/独占许可',
      '转让；许可',
      '转让 (assignment); 许可 (license)',
    );
  });
});

// -------------------------------------------------------------------------------- end to end

function memoryWriter(into: InventoryRecord[]): PatentWriter {
  return {
    async writeBatch(batch) {
      return batch.map((p) => {
        into.push(p.record);
        return { row: p.row, outcome: 'created' as const };
      });
    },
  };
}

async function* iterate(rows: TableRow[]) {
  yield* rows;
}

const pickFrom = <T>(list: readonly T[], i: number) => list[i % list.length]!;

/**
 * 200 patents as a real office exports them: its own headers and wordings, 序号, dates in several
 * forms, numbers with ZL prefixes or (as Excel numbers) without their check 0. Rows 50 and 120 of
 * the data carry a value nobody can read.
 */
function officeExport(): { rows: Array<Array<string | number | Date>>; bad: number[]; checkZero: number } {
  const data = demoInventoryRows(200, { seed: 12 });
  const at = (row: string[], header: string) => row[templateHeaders.indexOf(header)]!;
  const trl = ['七级', 'TRL7', '第七级', '7', '七', 'TRL-7', '7级', '5'];
  const funded = ['是', '否', 'Y', 'N', '√', '×', '有', '无'];
  const implementation = ['已实施', '未实施', '自行实施', '许可实施', '转让', '作价入股', '已产业化'];
  const legal = ['有效', '专利权维持', '授权'];
  let checkZero = 0;
  const rows = data.map((row, i) => {
    const number = at(row, '申请号');
    const [y, m, d] = at(row, '申请日').split('-').map(Number) as [number, number, number];
    const applied = pickFrom(
      [
        `${y}年${m}月${d}日`,
        `${y}.${m}.${d}`,
        `${y}/${m}/${d}`,
        `${y}-${m}-${d}`,
        `${y}${at(row, '申请日').slice(5, 7)}${at(row, '申请日').slice(8)}`,
      ],
      i,
    );
    const grant = at(row, '授权日');
    const granted = i % 3 === 0 ? (Date.parse(grant) - Date.UTC(1899, 11, 30)) / 86_400_000 : grant;
    const type = at(row, '专利类型');
    let shownNumber: string | number = pickFrom([number, `ZL${number}`, ` ${number} `], i);
    if (number.endsWith('.0')) {
      shownNumber = Number(number.slice(0, -2)); // what Excel keeps of 2020xxxxxxxx.0 typed as a number
      checkZero++;
    }
    return [
      i + 1,
      shownNumber,
      at(row, '专利名称'),
      type === '发明' ? '发明专利' : type === '外观设计' ? '外观设计专利' : type,
      applied,
      granted,
      pickFrom(legal, i),
      at(row, '所属院系'),
      pickFrom(funded, i),
      i === 50 ? '不清楚' : pickFrom(implementation, i),
      at(row, '转化意愿'),
      i === 120 ? '很高' : pickFrom(trl, i),
      at(row, '应用场景'),
      at(row, 'IPC/洛迦诺分类'),
    ];
  });
  return { rows, bad: [50, 120], checkZero };
}

/** The export laid out as the office saved it: a title row, a blank line, the header, blank lines among the data. */
function officeLayout(rows: Array<Array<string | number | Date>>) {
  const lines: Array<Array<string | number | Date>> = [
    ['某某大学存量专利盘点表（2024年）'],
    [],
    officeHeaders,
  ];
  rows.forEach((row, i) => {
    lines.push(row);
    if (i % 40 === 39) lines.push([]);
  });
  return lines;
}

async function ingestBytes(bytes: Buffer) {
  const written: InventoryRecord[] = [];
  const result = await ingestTable(
    { writer: memoryWriter(written), today },
    owner,
    actor,
    readTableRows(Readable.from([bytes])),
  );
  return { result, written };
}

function expectOfficeResult(
  { result, written }: Awaited<ReturnType<typeof ingestBytes>>,
  exported: ReturnType<typeof officeExport>,
) {
  expect(result.rowsTotal).toBe(200);
  expect(result.rowsAccepted).toBe(198);
  expect(result.rowsRejected).toBe(2);
  expect(written).toHaveLength(198);
  // Data row i is on line 4 + i + the blank lines before it.
  const lineOf = (i: number) => 4 + i + Math.floor(i / 40);
  expect(result.errors.map((e) => [e.row, e.column, e.value, e.code])).toEqual([
    [lineOf(50), '实施情况', '不清楚', 'INVALID_VALUE'],
    [lineOf(120), '技术成熟度', '很高', 'INVALID_INTEGER'],
  ]);
  const warningCodes = new Set(result.warnings.map((w) => w.code));
  expect(warningCodes).toEqual(
    new Set([
      'IMPLEMENTATION_MANNER_MISSING',
      'VALUE_CONVERTED',
      ...(exported.checkZero ? ['APPLICATION_NUMBER_CHECK_RESTORED'] : []),
    ]),
  );
  // Every cell not in the template's wording is a warning on its row, naming the original value.
  const converted = (column: string) =>
    result.warnings.filter((w) => w.code === 'VALUE_CONVERTED' && w.column === column);
  const trlCell = officeHeaders.indexOf('技术成熟度');
  const fundedCell = officeHeaders.indexOf('是否财政资助');
  expect(converted('技术成熟度').map((w) => [w.row, w.value])).toEqual(
    exported.rows.flatMap((row, i) =>
      i === 120 || ['7', '5'].includes(String(row[trlCell])) ? [] : [[lineOf(i), String(row[trlCell])]],
    ),
  );
  expect(converted('是否财政资助')).toHaveLength(
    exported.rows.filter((row) => !['是', '否'].includes(String(row[fundedCell]))).length,
  );
  expect(converted('技术成熟度')[0]).toMatchObject({ row: lineOf(0), value: '七级' });
  expect(converted('技术成熟度')[0]!.messageZh).toContain('已按「7」保存');
  for (const column of ['申请日期', '当前法律状态', '专利类别'])
    expect(converted(column).length).toBeGreaterThan(0);
  expect(result.warnings.filter((w) => w.code === 'APPLICATION_NUMBER_CHECK_RESTORED')).toHaveLength(
    exported.checkZero,
  );
  expect(result.headerWarnings?.join('\n')).toContain('序号');
  expect(written.every((p) => p.inventors.length === 0)).toBe(true);
  expect(new Set(written.map((p) => p.trl))).toEqual(new Set([7, 5]));
  expect(written.filter((p) => p.implementationStatus === 'implemented').length).toBeGreaterThan(0);
}

describe('a real office export, 200 rows', () => {
  const exported = officeExport();

  it('has the shapes the test is about', () => {
    expect(exported.checkZero).toBeGreaterThan(0);
  });

  it('GBK CSV: every valid row in, the two bad ones reported by row, file column, value', async () => {
    const cell = (v: string | number | Date) => {
      const text = String(v);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const csv = `${officeLayout(exported.rows)
      .map((line) => line.map(cell).join(','))
      .join('\r\n')}\r\n`;
    expectOfficeResult(await ingestBytes(iconv.encode(csv, 'gbk')), exported);
  });

  it('XLSX with a merged title row, numeric application numbers and date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('专利清单');
    for (const line of officeLayout(exported.rows)) sheet.addRow(line);
    sheet.mergeCells('A1:N1');
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    expectOfficeResult(await ingestBytes(bytes), exported);
  });
});

describe('the same office with a saved mapping profile (part 3): the next export needs no decisions', () => {
  const exported = officeExport();
  const cell = (v: string | number | Date) => {
    const text = String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const bytes = () =>
    iconv.encode(
      `${officeLayout(exported.rows)
        .map((line) => line.map(cell).join(','))
        .join('\r\n')}\r\n`,
      'gbk',
    );
  const decisions = (preview: Awaited<ReturnType<typeof previewTable>>) =>
    preview.valueMappings.flatMap((mapping) =>
      mapping.values
        .filter((v) => v.status === 'ambiguous' || v.status === 'unknown')
        .map((v) => `${mapping.field}:${v.source}`),
    );

  it('the preview asks for the decisions; with the profile made of them, none is left', async () => {
    const first = await previewTable(readTableRows(Readable.from([bytes()])), { today, sampleRows: 3 });
    expect(first).toMatchObject({
      headerRow: 3,
      counts: { rowsRead: 200, rowsAccepted: 198, rowsRefused: 2 },
    });
    expect(decisions(first).sort()).toEqual(['implementationStatus:不清楚', 'implementationStatus:已实施']);
    expect(first.columns[0]).toMatchObject({ header: '序号', source: 'ignored' });

    // The office's answers, saved once.
    const profile = {
      name: 'office',
      version: 1,
      columns: [{ header: '序号', field: 'ignore' as const }],
      values: [
        { field: 'implementationStatus' as const, source: '已实施', value: 'licensed' },
        { field: 'implementationStatus' as const, source: '不清楚', value: 'not-implemented' },
      ],
    };
    const second = await previewTable(readTableRows(Readable.from([bytes()])), {
      today,
      sampleRows: 3,
      profile,
    });
    expect(decisions(second)).toEqual([]);
    expect(second.counts).toMatchObject({ rowsAccepted: 199, rowsRefused: 1 });
    expect(second.warnings.join('\n')).not.toContain('序号');

    const written: InventoryRecord[] = [];
    const result = await ingestTable(
      { writer: memoryWriter(written), today, kind: inventoryKindWith(profile) },
      owner,
      actor,
      readTableRows(Readable.from([bytes()])),
    );
    expect(result).toMatchObject({ rowsAccepted: 199, rowsRejected: 1 });
    expect(result.errors.map((e) => e.code)).toEqual(['INVALID_INTEGER']); // 很高 is no TRL: the file must say
    expect(result.warnings.filter((w) => w.code === 'IMPLEMENTATION_MANNER_MISSING')).toEqual([]);
    expect(written.some((p) => p.implementationStatus === 'implemented')).toBe(false);
  });
});

import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTableRows, type TableRow } from '../../functions/intake/read-table.ts';
import {
  instructionsSheetName,
  listsSheetName,
  renderInventoryTemplateXlsx,
  renderTemplateXlsx,
  requiredHeaderFill,
} from '../../functions/templates/inventory-template.ts';
import {
  enterprisesDocument,
  evaluationDocument,
  renderInventoryTemplateCsv,
  renderTemplateCsv,
  templateSheetName,
} from '../../functions/templates/template-documents.ts';
import { validateInventoryRow } from '../../schemas/inventory/patent-row.ts';
import {
  columnByHeader,
  defineTemplate,
  inventoryColumns,
  inventoryTemplate,
  type TemplateColumn,
} from '../../schemas/inventory/template.ts';
import { validateEnterpriseRow } from '../../schemas/market-templates/enterprise.ts';
import { validateEvaluationRow } from '../../schemas/market-templates/evaluation.ts';

const today = { today: '2026-11-20' };
const zhHeaders = inventoryColumns.map((column) => column.zh);
const indexOf = (key: string) => inventoryColumns.findIndex((column) => column.key === key) + 1;

/** The `dataValidations.model` exceljs fills on load: one entry per cell address. */
type ValidationModel = Record<string, ExcelJS.DataValidation | undefined>;
const validations = (sheet: ExcelJS.Worksheet) =>
  (sheet as unknown as { dataValidations: { model: ValidationModel } }).dataValidations.model;

const cellText = (cell: ExcelJS.Cell) => (cell.value === null ? '' : String(cell.value));

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

describe('the inventory template as XLSX', () => {
  let workbook: ExcelJS.Workbook;
  let sheet: ExcelJS.Worksheet;
  beforeAll(async () => {
    workbook = await load(await renderInventoryTemplateXlsx());
    sheet = workbook.getWorksheet(templateSheetName)!;
  });

  it('has the template first, then the instructions, and no lists sheet while every list fits inline', () => {
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual([templateSheetName, instructionsSheetName]);
  });

  it('has the Chinese headers of the template in order in row 1', () => {
    const row = sheet.getRow(1);
    expect(row.cellCount).toBe(inventoryColumns.length);
    expect(zhHeaders.map((_, i) => cellText(row.getCell(i + 1)))).toEqual(zhHeaders);
  });

  it('marks the required headers and notes each header with its English alias and help', () => {
    inventoryColumns.forEach((column, i) => {
      const cell = sheet.getRow(1).getCell(i + 1);
      const fill = cell.fill as ExcelJS.FillPattern;
      expect(fill.fgColor?.argb === requiredHeaderFill, column.zh).toBe(column.required);
      expect(cell.font.bold).toBe(true);
      const note = cell.note as ExcelJS.Comment;
      const text = (note.texts ?? []).map((part) => part.text).join('');
      expect(text).toContain(column.en);
      expect(text).toContain(column.help.zh);
      expect(text).toContain(column.required ? '必填' : '选填');
    });
  });

  it('has an example row 2 that validates without errors', () => {
    const row = sheet.getRow(2);
    const raw = Object.fromEntries(zhHeaders.map((header, i) => [header, cellText(row.getCell(i + 1))]));
    const result = validateInventoryRow(raw, 2, today);
    expect(result.errors).toEqual([]);
    expect(result.patent?.applicationNumber).toBe(inventoryColumns[0]!.example);
    // Numbers are written as numbers, for the number validations; everything else as its exact text.
    expect(row.getCell(indexOf('trl')).value).toBe(5);
    expect(row.getCell(indexOf('applicationNumber')).value).toBe('202010123456.2');
  });

  it('freezes the header row', () => {
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('formats the application number, date and code columns as text, numbers and long text not', () => {
    for (const key of [
      'applicationNumber',
      'applicationDate',
      'grantDate',
      'industryCode',
      'classifications',
    ]) {
      expect(sheet.getColumn(indexOf(key)).numFmt, key).toBe('@');
      expect(sheet.getRow(2).getCell(indexOf(key)).numFmt, key).toBe('@');
    }
    for (const key of ['trl', 'implementationAmountWan', 'applicationScenarios', 'inventors']) {
      expect(sheet.getColumn(indexOf(key)).numFmt, key).not.toBe('@');
    }
  });

  it('gives every column a sensible width', () => {
    inventoryColumns.forEach((_, i) => {
      const width = sheet.getColumn(i + 1).width ?? 0;
      expect(width).toBeGreaterThanOrEqual(10);
      expect(width).toBeLessThanOrEqual(30);
    });
  });

  it('puts a dropdown on every single-choice column over rows 2 to 10001', () => {
    const model = validations(sheet);
    const listColumns = inventoryColumns.filter((column) => column.options && !column.multiple);
    expect(listColumns.map((column) => column.key)).toEqual([
      'patentType',
      'legalStatus',
      'annualFeeStatus',
      'publiclyFunded',
      'implementationStatus',
      'selfAssessedValue',
    ]);
    for (const column of listColumns) {
      const letter = sheet.getColumn(indexOf(column.key)).letter;
      const expected = `"${column.options!.map((option) => option.zh).join(',')}"`;
      for (const row of [2, 3, 5000, 10001]) {
        expect(model[`${letter}${row}`], `${column.zh} ${letter}${row}`).toMatchObject({
          type: 'list',
          allowBlank: true,
          formulae: [expected],
          showInputMessage: true,
        });
      }
      expect(model[`${letter}1`]).toBeUndefined();
      expect(model[`${letter}10002`]).toBeUndefined();
    }
  });

  it('explains the separators of 转化意愿 in an input message instead of a dropdown', () => {
    const letter = sheet.getColumn(indexOf('conversionIntents')).letter;
    const validation = validations(sheet)[`${letter}2`]!;
    expect(validation.type).not.toBe('list');
    expect(validation.showInputMessage).toBe(true);
    expect(validation.prompt).toContain('；');
    expect(validation.prompt).toContain('暂无');
  });

  it('allows whole numbers 1 to 9 for the TRL and a non-negative amount', () => {
    const model = validations(sheet);
    const trl = sheet.getColumn(indexOf('trl')).letter;
    expect(model[`${trl}10001`]).toMatchObject({ type: 'whole', operator: 'between', formulae: [1, 9] });
    const amount = sheet.getColumn(indexOf('implementationAmountWan')).letter;
    expect(model[`${amount}2`]).toMatchObject({
      type: 'decimal',
      operator: 'greaterThanOrEqual',
      formulae: [0],
    });
  });

  it('keeps the input and error messages within the limits Excel accepts, on one line', () => {
    for (const validation of new Set(Object.values(validations(sheet)))) {
      expect(validation!.prompt?.length ?? 0).toBeLessThanOrEqual(255);
      expect(validation!.promptTitle?.length ?? 0).toBeLessThanOrEqual(32);
      expect(validation!.error?.length ?? 0).toBeLessThanOrEqual(225);
      expect(validation!.errorTitle?.length ?? 0).toBeLessThanOrEqual(32);
      // XML attributes: a line break would come back as a space.
      expect(`${validation!.prompt}${validation!.error}`).not.toMatch(/[\r\n]/);
    }
  });

  it('lists every column on the instructions sheet with its alias, requirement, values and help', () => {
    const instructions = workbook.getWorksheet(instructionsSheetName)!;
    const rows = new Map<string, ExcelJS.Row>();
    instructions.eachRow((row) => {
      rows.set(cellText(row.getCell(2)), row);
    });
    for (const column of inventoryColumns) {
      const row = rows.get(column.zh);
      expect(row, column.zh).toBeDefined();
      expect(cellText(row!.getCell(3))).toBe(column.en);
      expect(cellText(row!.getCell(4))).toContain(column.required ? '是' : '否');
      if (column.allowed) expect(cellText(row!.getCell(6))).toBe(column.allowed.join('、'));
      expect(cellText(row!.getCell(8))).toBe(column.help.zh);
      expect(cellText(row!.getCell(9))).toBe(column.help.en);
    }
  });

  it('reads back through the upload reader: header and example row from the first sheet', async () => {
    const rows: TableRow[] = [];
    for await (const row of readTableRows(Readable.from([await renderInventoryTemplateXlsx()])))
      rows.push(row);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.cells).toEqual(zhHeaders);
    const raw = Object.fromEntries(zhHeaders.map((header, i) => [header, rows[1]!.cells[i] ?? '']));
    expect(validateInventoryRow(raw, 2, today).errors).toEqual([]);
  });
});

describe('dropdown lists too long for an inline list', () => {
  const longOptions = Array.from({ length: 40 }, (_, i) => ({
    value: `v${i}`,
    zh: `很长的选项名称第${i}号`,
    en: `option ${i}`,
  }));
  const columns: TemplateColumn[] = [
    inventoryColumns[0]!,
    {
      key: 'longList',
      zh: '长列表',
      en: 'long_list',
      type: 'enum',
      required: false,
      allowed: longOptions.map((option) => option.zh),
      options: longOptions,
      maxLength: 40,
      example: longOptions[3]!.zh,
      help: { zh: '从列表中选择', en: 'Pick one' },
    },
    {
      key: 'comma',
      zh: '带逗号',
      en: 'with_comma',
      type: 'enum',
      required: false,
      allowed: ['甲,乙', '丙'],
      maxLength: 10,
      example: '丙',
      help: { zh: '选择', en: 'Pick' },
    },
  ];

  it('go to a hidden sheet and the validation points at the range there', async () => {
    const workbook = await load(await renderInventoryTemplateXlsx(columns));
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual([
      templateSheetName,
      instructionsSheetName,
      listsSheetName,
    ]);
    const lists = workbook.getWorksheet(listsSheetName)!;
    expect(lists.state).toBe('hidden');
    const model = validations(workbook.getWorksheet(templateSheetName)!);
    expect(model.B10001).toMatchObject({ type: 'list', formulae: [`'${listsSheetName}'!$A$2:$A$41`] });
    expect(model.C2).toMatchObject({ type: 'list', formulae: [`'${listsSheetName}'!$B$2:$B$3`] });
    expect(lists.getColumn(1).values.slice(2)).toEqual(longOptions.map((option) => option.zh));
    expect(lists.getColumn(2).values.slice(2)).toEqual(['甲,乙', '丙']);
  });
});

describe('the inventory template as CSV', () => {
  const csv = renderInventoryTemplateCsv();

  it('starts with the UTF-8 BOM and ends its lines with CRLF', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('parses to the header row and an example row that validates', () => {
    const records = parse(csv, { bom: true }) as string[][];
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual(zhHeaders);
    const raw = Object.fromEntries(zhHeaders.map((header, i) => [header, records[1]![i] ?? '']));
    expect(validateInventoryRow(raw, 2, today).errors).toEqual([]);
  });

  it('quotes fields with commas, quotes and line breaks as RFC 4180 asks', () => {
    const tricky = inventoryColumns.slice(0, 3).map((column, i) => ({
      ...column,
      example: ['a,b', 'say "hi"', 'two\nlines'][i]!,
    }));
    const text = renderInventoryTemplateCsv(tricky);
    expect(text.split('\r\n')[1]).toBe('"a,b","say ""hi""","two\nlines"');
    expect((parse(text, { bom: true }) as string[][])[1]).toEqual(['a,b', 'say "hi"', 'two\nlines']);
  });
});

describe('defineTemplate', () => {
  it('gives each template its own headers; the inventory exports are its helpers', () => {
    expect(columnByHeader).toBe(inventoryTemplate.columnByHeader);
    const small = defineTemplate({ zh: '小模板', en: 'small template' }, [
      { ...inventoryColumns[0]!, aliases: [] },
      { ...inventoryColumns[1]!, aliases: [], required: false },
    ]);
    expect(small.columnByHeader('Application_Number')?.key).toBe('applicationNumber');
    expect(small.columnByHeader('专利号')).toBeUndefined(); // an inventory alias, not this template's
    expect(small.mapHeaders(['专利名称', '备注']).issues.map((i) => [i.code, i.headers])).toEqual([
      ['MISSING_HEADERS', ['申请号']],
      ['UNKNOWN_HEADERS', ['备注']],
    ]);
    expect(small.missingRequiredHeaders([])?.messageZh).toContain('请下载小模板核对表头');
    expect(() =>
      defineTemplate({ zh: 'x', en: 'x' }, [
        inventoryColumns[0]!,
        { ...inventoryColumns[1]!, aliases: ['专利号'] },
      ]),
    ).toThrow(/claimed by applicationNumber and title/);
  });
});

describe('the enterprise and evaluation templates', () => {
  for (const [name, document, validate] of [
    [
      'enterprises',
      enterprisesDocument,
      (raw: Record<string, string>) => validateEnterpriseRow(raw, 2, {}).errors,
    ],
    ['evaluation', evaluationDocument, (raw: Record<string, string>) => validateEvaluationRow(raw, 2).errors],
  ] as const) {
    it(`${name}.xlsx: headers, an example row that validates, dropdowns for the single choices, instructions`, async () => {
      const workbook = await load(await renderTemplateXlsx(document));
      expect(workbook.worksheets.map((ws) => ws.name).slice(0, 2)).toEqual([
        document.sheetName,
        instructionsSheetName,
      ]);
      const sheet = workbook.getWorksheet(document.sheetName)!;
      const headers = document.columns.map((c) => c.zh);
      expect(headers.map((_, i) => cellText(sheet.getRow(1).getCell(i + 1)))).toEqual(headers);
      const raw = Object.fromEntries(headers.map((h, i) => [h, cellText(sheet.getRow(2).getCell(i + 1))]));
      expect(validate(raw)).toEqual([]);
      const model = validations(sheet);
      document.columns.forEach((column, i) => {
        const letter = sheet.getColumn(i + 1).letter;
        const validation = model[`${letter}2`];
        if (column.options && !column.multiple) expect(validation?.type, column.zh).toBe('list');
        if (column.type === 'integer') expect(validation?.type, column.zh).toBe('whole');
      });
      const instructions = workbook.getWorksheet(instructionsSheetName)!;
      expect(cellText(instructions.getRow(1).getCell(1))).toBe(document.instructionsTitle);
      // The example row read back through the intake's reader is the same row.
      const rows: TableRow[] = [];
      for await (const row of readTableRows(
        Readable.from([Buffer.from(renderTemplateCsv(document.columns))]),
      ))
        rows.push(row);
      expect(rows[0]!.cells).toEqual(headers);
      expect(validate(Object.fromEntries(headers.map((h, i) => [h, rows[1]!.cells[i]!])))).toEqual([]);
    });
  }

  it('the evaluation template offers the prospect 1-5 and the province list as dropdowns', async () => {
    const workbook = await load(await renderTemplateXlsx(evaluationDocument));
    const sheet = workbook.getWorksheet(evaluationDocument.sheetName)!;
    const prospect = evaluationDocument.columns.findIndex((c) => c.key === 'industrializationProspect') + 1;
    expect(validations(sheet)[`${sheet.getColumn(prospect).letter}2`]).toMatchObject({
      type: 'whole',
      operator: 'between',
      formulae: [1, 5],
    });
    const enterprises = await load(await renderTemplateXlsx(enterprisesDocument));
    const entSheet = enterprises.getWorksheet(enterprisesDocument.sheetName)!;
    const province = enterprisesDocument.columns.findIndex((c) => c.key === 'provinceCode') + 1;
    const list = validations(entSheet)[`${entSheet.getColumn(province).letter}2`];
    expect(String(list?.formulae?.[0])).toContain('广东省');
  });
});

/**
 * The downloadable templates as XLSX workbooks (documents and CSV: ./template-documents.ts). Pure: no
 * AWS, no clock beyond exceljs' own workbook timestamps. Run at build time (`npm run codes` writes
 * ./rendered-workbooks.generated.ts), not in a Lambda. Everything is derived from the declared columns
 * (schemas/inventory/template.ts, schemas/market-templates/): headers, order, required marks, examples,
 * help, dropdown lists, number ranges, text formats and the instructions sheet. Add a column there and
 * it appears here.
 */
import ExcelJS from 'exceljs';
import { type ColumnType, inventoryColumns, type TemplateColumn } from '../../schemas/inventory/template.ts';
import { inventoryDocument, type TemplateDocument } from './template-documents.ts';

export const instructionsSheetName = '填写说明 Instructions';
/** Hidden sheet holding dropdown values too long (or too comma-laden) for an inline list. */
export const listsSheetName = '可选值 Lists';
/** Data validations cover the example row and this many more rows below the header. */
export const validatedRows = 10_000;
const firstDataRow = 2;
const lastValidatedRow = firstDataRow + validatedRows - 1;

// Excel's own limits: beyond them Excel reports the file as damaged and drops the validation.
const inlineListLimit = 255;
const promptLimit = 255;
const errorLimit = 225;
const titleLimit = 32;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Approximate width in Excel character units: CJK and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
        char,
      )
        ? 2
        : 1;
  }
  return width;
}

const isNumeric = (column: TemplateColumn) => column.type === 'integer' || column.type === 'decimal';

/**
 * Text format ('@') keeps codes as typed: without it Excel turns 202010123456.2 into 2.02E+11, the
 * Locarno class 06-04 into 4 June and 1.10 into 1.1. Long free text stays General: Excel shows '####'
 * for a text-formatted cell over 255 characters.
 */
const isTextFormatted = (column: TemplateColumn) =>
  !isNumeric(column) && (column.type !== 'text' || column.maxLength <= 255);

/** Single-choice columns get a dropdown; multi-value ones (转化意愿) an input message instead. */
function dropdownValues(column: TemplateColumn): readonly string[] | undefined {
  if (column.multiple) return undefined;
  return column.allowed ?? column.options?.map((option) => option.zh);
}

const formatLabels: Readonly<Record<ColumnType, { zh: string; en: string }>> = {
  text: { zh: '文本', en: 'text' },
  date: { zh: '日期（文本）', en: 'date (as text)' },
  enum: { zh: '单选', en: 'one value from the list' },
  enumList: { zh: '多选', en: 'several values from the list' },
  integer: { zh: '整数', en: 'whole number' },
  decimal: { zh: '数字', en: 'number' },
  boolean: { zh: '是/否', en: 'yes/no' },
  applicationNumber: { zh: '申请号（文本）', en: 'application number (as text)' },
  classification: { zh: '分类号（文本）', en: 'classification codes (as text)' },
  industry: { zh: '行业代码（文本）', en: 'industry code (as text)' },
  strategicIndustry: { zh: '战新分类（文本）', en: 'strategic industry (as text)' },
  uscc: { zh: '代码（文本）', en: 'code (as text)' },
  ipcPrefix: { zh: 'IPC 前缀（文本）', en: 'IPC prefix (as text)' },
};

function rangeWording(column: TemplateColumn): { zh: string; en: string } | undefined {
  const { min, max } = column;
  const kind = column.type === 'integer' ? { zh: '整数', en: 'whole number' } : { zh: '数字', en: 'number' };
  if (min !== undefined && max !== undefined) {
    return { zh: `${min} 至 ${max} 的${kind.zh}`, en: `a ${kind.en} from ${min} to ${max}` };
  }
  if (min !== undefined) return { zh: `不小于 ${min} 的${kind.zh}`, en: `a ${kind.en} of at least ${min}` };
  if (max !== undefined) return { zh: `不大于 ${max} 的${kind.zh}`, en: `a ${kind.en} of at most ${max}` };
  return undefined;
}

function allowedWording(column: TemplateColumn): { zh: string; en: string } {
  const values = column.allowed ?? column.options?.map((option) => option.zh);
  if (values) {
    const english = column.options?.map((option) => option.en) ?? [];
    return { zh: values.join('、'), en: english.join(', ') };
  }
  if (isNumeric(column)) return rangeWording(column) ?? { zh: '', en: '' };
  return { zh: '', en: '' };
}

/**
 * Joins Chinese and English in validation messages. Those are XML attributes, where exceljs writes a
 * line break as is and XML parsers (Excel's too) read it back as a space: so no line breaks there.
 */
const bilingual = (zh: string, en: string) => `${zh} | ${en}`;

/** Help in both languages if Excel's 255-character input message holds it, else the Chinese. */
function promptText(column: TemplateColumn): string {
  const both = bilingual(column.help.zh, column.help.en);
  return both.length <= promptLimit ? both : clip(column.help.zh, promptLimit);
}

// ------------------------------------------------------------------------------------------ XLSX

/** exceljs implements `dataValidations.add(range, …)` but leaves it out of its type declarations. */
interface RangeValidations {
  add(range: string, validation: ExcelJS.DataValidation): void;
}
const rangeValidations = (sheet: ExcelJS.Worksheet) =>
  (sheet as unknown as { dataValidations: RangeValidations }).dataValidations;

const thinBorder: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  left: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  bottom: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  right: { style: 'thin', color: { argb: 'FFBFBFBF' } },
};
const solid = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });
export const requiredHeaderFill = 'FFFFC7CE';
export const optionalHeaderFill = 'FFDDEBF7';

function columnWidth(column: TemplateColumn): number {
  const wanted = Math.max(displayWidth(column.zh), displayWidth(column.example), displayWidth(column.en)) + 2;
  const floor = column.maxLength > 255 ? 30 : 10;
  return Math.min(Math.max(wanted, floor), 30);
}

/** Writes the list values to the hidden lists sheet and returns an absolute range over them. */
function listRange(workbook: ExcelJS.Workbook, column: TemplateColumn, values: readonly string[]): string {
  const sheet =
    workbook.getWorksheet(listsSheetName) ?? workbook.addWorksheet(listsSheetName, { state: 'hidden' });
  const col = sheet.columnCount + 1;
  const target = sheet.getColumn(col);
  target.width = Math.min(Math.max(...values.map(displayWidth), displayWidth(column.zh)) + 2, 60);
  sheet.getCell(1, col).value = column.zh;
  sheet.getCell(1, col).font = { bold: true };
  values.forEach((value, i) => {
    const cell = sheet.getCell(i + 2, col);
    cell.numFmt = '@';
    cell.value = value;
  });
  return `'${listsSheetName.replace(/'/g, "''")}'!$${target.letter}$2:$${target.letter}$${values.length + 1}`;
}

function validationFor(
  workbook: ExcelJS.Workbook,
  column: TemplateColumn,
): ExcelJS.DataValidation | undefined {
  const prompt = {
    showInputMessage: true,
    promptTitle: clip(column.required ? `${column.zh}（必填）` : column.zh, titleLimit),
    prompt: promptText(column),
    showErrorMessage: true,
  };
  const values = dropdownValues(column);
  if (values && values.length > 0) {
    const inline = values.join(',');
    const inlineOk = inline.length <= inlineListLimit && !values.some((value) => /[,"]/.test(value));
    const allowed = allowedWording(column);
    return {
      type: 'list',
      allowBlank: true,
      formulae: [inlineOk ? `"${inline}"` : listRange(workbook, column, values)],
      ...prompt,
      // A warning, not a stop: the English aliases and synonyms are accepted on upload too.
      errorStyle: 'warning',
      errorTitle: clip(`「${column.zh}」不是列表中的值`, titleLimit),
      error: clip(
        allowed.en
          ? bilingual(`请从下拉列表中选择：${allowed.zh}`, `Choose from the list: ${allowed.en}`)
          : `请从下拉列表中选择：${allowed.zh}`,
        errorLimit,
      ),
    };
  }
  if (isNumeric(column)) {
    const { min, max } = column;
    const range = rangeWording(column);
    if (!range) return undefined;
    const bounds: Pick<ExcelJS.DataValidation, 'operator' | 'formulae'> =
      min !== undefined && max !== undefined
        ? { operator: 'between', formulae: [min, max] }
        : min !== undefined
          ? { operator: 'greaterThanOrEqual', formulae: [min] }
          : { operator: 'lessThanOrEqual', formulae: [max] };
    return {
      type: column.type === 'integer' ? 'whole' : 'decimal',
      allowBlank: true,
      ...bounds,
      ...prompt,
      errorStyle: 'stop',
      errorTitle: clip(`「${column.zh}」超出范围`, titleLimit),
      error: clip(bilingual(`请填写${range.zh}`, `Enter ${range.en}`), errorLimit),
    };
  }
  return {
    type: 'textLength',
    operator: 'lessThanOrEqual',
    allowBlank: true,
    formulae: [column.maxLength],
    ...prompt,
    errorStyle: 'stop',
    errorTitle: clip(`「${column.zh}」过长`, titleLimit),
    error: clip(
      bilingual(
        `最多 ${column.maxLength} 个字符，请缩短`,
        `At most ${column.maxLength} characters: shorten it`,
      ),
      errorLimit,
    ),
  };
}

function headerNote(column: TemplateColumn): ExcelJS.Comment {
  const requirement = column.required ? '必填 Required' : '选填 Optional';
  const allowed = allowedWording(column);
  const allowedLine = allowed.zh ? `\n可选值：${allowed.zh}` : '';
  return {
    texts: [
      { font: { bold: true, size: 9 }, text: `${column.zh} / ${column.en}（${requirement}）\n` },
      { font: { size: 9 }, text: `${column.help.zh}${allowedLine}\n${column.help.en}` },
    ],
  };
}

function addTemplateSheet(
  workbook: ExcelJS.Workbook,
  columns: readonly TemplateColumn[],
  sheetName: string,
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(sheetName, {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1, topLeftCell: 'B2', activeCell: 'A2' }],
    properties: { tabColor: { argb: 'FF4472C4' } },
  });
  columns.forEach((column, i) => {
    const target = sheet.getColumn(i + 1);
    target.width = columnWidth(column);
    // Before any cell exists, so that the cells and the empty rows Excel fills later inherit it.
    if (isTextFormatted(column)) target.numFmt = '@';
  });

  const header = sheet.getRow(1);
  let headerLines = 1;
  columns.forEach((column, i) => {
    const cell = header.getCell(i + 1);
    cell.value = column.zh;
    cell.font = column.required ? { bold: true, color: { argb: 'FF9C0006' } } : { bold: true };
    cell.fill = solid(column.required ? requiredHeaderFill : optionalHeaderFill);
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    cell.border = thinBorder;
    cell.note = headerNote(column);
    headerLines = Math.max(headerLines, Math.ceil(displayWidth(column.zh) / (columnWidth(column) - 1)));
  });
  header.height = 16 * headerLines + 6;

  const example = sheet.getRow(firstDataRow);
  columns.forEach((column, i) => {
    const cell = example.getCell(i + 1);
    const numeric =
      isNumeric(column) && column.example.trim() !== '' && Number.isFinite(Number(column.example));
    // Numbers as numbers (the number validations judge them), everything else as the exact text.
    cell.value = numeric ? Number(column.example) : column.example;
    cell.font = { italic: true, color: { argb: 'FF595959' } };
  });
  return sheet;
}

/** Dropdowns, number ranges and length limits with input messages, over the example and data rows. */
function addValidations(
  workbook: ExcelJS.Workbook,
  sheet: ExcelJS.Worksheet,
  columns: readonly TemplateColumn[],
): void {
  columns.forEach((column, i) => {
    const validation = validationFor(workbook, column);
    if (!validation) return;
    const letter = sheet.getColumn(i + 1).letter;
    rangeValidations(sheet).add(`${letter}${firstDataRow}:${letter}${lastValidatedRow}`, validation);
  });
}

function addInstructionsSheet(workbook: ExcelJS.Workbook, document: TemplateDocument): void {
  const { columns } = document;
  const sheet = workbook.addWorksheet(instructionsSheetName, {
    properties: { tabColor: { argb: 'FF70AD47' } },
  });
  const headings: Array<{ zh: string; en: string; width: number }> = [
    { zh: '列', en: 'Column', width: 8 },
    { zh: '表头', en: 'Header', width: 22 },
    { zh: '英文列名', en: 'English alias', width: 26 },
    { zh: '必填', en: 'Required', width: 10 },
    { zh: '格式', en: 'Format', width: 18 },
    { zh: '可选值', en: 'Allowed values (zh)', width: 30 },
    { zh: '可选值（英文）', en: 'Allowed values (en)', width: 30 },
    { zh: '填写说明', en: 'Help (zh)', width: 50 },
    { zh: '说明（英文）', en: 'Help (en)', width: 50 },
    { zh: '最大长度', en: 'Max length', width: 10 },
    { zh: '也可使用的表头', en: 'Other accepted headers', width: 30 },
    { zh: '示例', en: 'Example', width: 30 },
  ];
  headings.forEach((heading, i) => {
    sheet.getColumn(i + 1).width = heading.width;
  });

  const title = sheet.addRow([document.instructionsTitle]);
  title.font = { bold: true, size: 14 };
  for (const [zh, en] of document.notes) {
    sheet.addRow([zh]);
    sheet.addRow([en]).font = { color: { argb: 'FF595959' } };
  }
  sheet.addRow([]);

  const tableHeader = sheet.addRow(headings.map((heading) => `${heading.zh}\n${heading.en}`));
  tableHeader.height = 32;
  tableHeader.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = solid('FFD9D9D9');
    cell.alignment = { vertical: 'middle', wrapText: true };
    cell.border = thinBorder;
  });
  sheet.views = [{ state: 'frozen', ySplit: tableHeader.number, xSplit: 0 }];

  columns.forEach((column, i) => {
    const format = formatLabels[column.type];
    const allowed = allowedWording(column);
    const row = sheet.addRow([
      sheet.getColumn(i + 1).letter,
      column.zh,
      column.en,
      column.required ? '是 yes' : '否 no',
      `${format.zh}${column.multiple ? '，可多个' : ''}\n${format.en}${column.multiple ? ', several allowed' : ''}`,
      allowed.zh,
      allowed.en,
      column.help.zh,
      column.help.en,
      column.maxLength,
      (column.aliases ?? []).join('、'),
      column.example,
    ]);
    row.eachCell((cell) => {
      cell.alignment = { vertical: 'top', wrapText: true };
      cell.border = thinBorder;
    });
    const headerCell = row.getCell(2);
    headerCell.font = column.required ? { bold: true, color: { argb: 'FF9C0006' } } : { bold: true };
    if (column.required) headerCell.fill = solid(requiredHeaderFill);
  });
}

/** A template as an XLSX workbook: the data sheet, the instructions sheet, the hidden lists if needed. */
export async function renderTemplateXlsx(document: TemplateDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '高校专利盘点 University patent inventory';
  workbook.title = document.title;
  // Sheet order matters: uploads read the first sheet. The hidden lists sheet, if a dropdown needs
  // it, is created by addValidations and so comes last.
  const template = addTemplateSheet(workbook, document.columns, document.sheetName);
  addInstructionsSheet(workbook, document);
  addValidations(workbook, template, document.columns);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The standard inventory template as an XLSX workbook. `columns` is for tests; callers use the default. */
export async function renderInventoryTemplateXlsx(
  columns: readonly TemplateColumn[] = inventoryColumns,
): Promise<Buffer> {
  return renderTemplateXlsx({ ...inventoryDocument, columns });
}

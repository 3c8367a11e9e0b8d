import {
  applicationCheckCharacter,
  checkApplicationNumber,
  type PatentTypeCode,
} from '../codes/application-number.ts';
import {
  inferStrategicIndustries,
  parseIpcList,
  parseLocarnoList,
  resolveIndustry,
  resolveStrategicIndustry,
} from '../codes/ipc.ts';
import { toHalfWidth as halfWidth } from '../codes/uscc.ts';
import { organizationKey } from '../organization-name.ts';
import { statutoryTermYears } from '../patent-term.ts';
import {
  earliestPatentDate,
  type InventoryRecord,
  inventoryRecordSchema,
  type StrategicIndustryAssignment,
  stockCutoffDate,
} from './record.ts';
import {
  allowedWording,
  annualFeeStatusOptions,
  type ConversionIntent,
  cellChecks,
  columnByHeader,
  columnByKey,
  conversionIntentOptions,
  describeCellIssue,
  type EnumOption,
  findOption,
  type ImplementationStatus,
  implementationStatusOptions,
  inventoryColumns,
  legalStatusOptions,
  patentTypeOptions,
  selfAssessedValueOptions,
  type TemplateColumn,
  type Wording,
  yesNoOptions,
} from './template.ts';

export { strategicIndustryAssignmentSchema } from './record.ts';
export {
  earliestPatentDate,
  type InventoryRecord,
  inventoryRecordSchema,
  type StrategicIndustryAssignment,
  stockCutoffDate,
};

// ---------------------------------------------------------------------------------------- issues

export type RowIssueCode =
  | 'REQUIRED'
  | 'TOO_LONG'
  | 'APPLICATION_NUMBER_INVALID'
  | 'APPLICATION_NUMBER_CHECK'
  | 'PATENT_TYPE_MISMATCH'
  | 'INVALID_DATE'
  | 'DATE_TOO_EARLY'
  | 'DATE_IN_FUTURE'
  | 'GRANT_BEFORE_APPLICATION'
  | 'INVALID_VALUE'
  | 'EXCLUSIVE_VALUE'
  | 'INVALID_INTEGER'
  | 'OUT_OF_RANGE'
  | 'INVALID_NUMBER'
  | 'INVALID_IPC'
  | 'INVALID_LOCARNO'
  | 'WRONG_CLASSIFICATION_SCHEME'
  | 'UNKNOWN_INDUSTRY'
  | 'UNKNOWN_STRATEGIC_INDUSTRY'
  | 'INVALID_PUBLICATION_NUMBER'
  | 'INVENTOR_SHARES'
  | 'INVENTOR_STAFF_NUMBERS'
  | 'PUBLICATION_KIND_MISMATCH'
  // warnings
  | 'APPLICATION_YEAR_MISMATCH'
  | 'PENDING_WITH_GRANT_DATE'
  | 'AMOUNT_WITHOUT_IMPLEMENTATION'
  | 'INDUSTRY_NAME_MISMATCH'
  | 'STRATEGIC_THIRD_LEVEL'
  | 'STRATEGIC_NAME_MISMATCH'
  | 'APPLICATION_NUMBER_CHECK_RESTORED'
  | 'IMPLEMENTATION_MANNER_MISSING'
  | 'PENDING_WITH_PUBLICATION_NUMBER'
  | 'APPLICATION_PUBLICATION_NUMBER'
  | 'MAINTENANCE_BEYOND_TERM'
  | 'INSTITUTION_NOT_A_PATENTEE'
  | 'STAFF_NUMBERS_FOR_FIRST_INVENTORS'
  /** A value read from another wording than the template's (七级, 2024年3月5日, √, 50万元): stored converted. */
  | 'VALUE_CONVERTED';

export interface RowIssue {
  row: number;
  /** The Chinese template header. */
  column: string;
  /** The cell as given, cut to 200 characters. */
  value: string;
  code: RowIssueCode;
  messageZh: string;
  messageEn: string;
}

export interface RowContext {
  /** YYYY-MM-DD, in China time: dates after it are in the future. */
  today: string;
  /**
   * The institution the row is stored for, by its registered name: the patentees (专利权人) other than
   * it are its co-owners. Without it only the 共有专利权人 column names co-owners.
   */
  institutionName?: string;
  /**
   * A file's row (not a JSON body): issues name the column by the file's own header, and the
   * columns the file does not have at all (keys) are read as follows: no 发明人 column stores the
   * patent without inventors, no 专利类型 column takes the type from the application number; any
   * other required column missing is refused per row (the job's warnings say the column is missing).
   */
  file?: {
    absentColumns: ReadonlySet<string>;
    /** The field a header fills by the institution's mapping profile (before the template's synonyms). */
    fieldOf?: (header: string) => string | undefined;
    /** The profile's meaning of a cell of a field (e.g. 已实施 -> licensed), read before the template's. */
    valueMeaning?: (field: string, cell: string) => string | undefined;
  };
}

export interface RowResult {
  patent?: InventoryRecord;
  errors: RowIssue[];
  warnings: RowIssue[];
}

const columnOrder = (key: string) => inventoryColumns.findIndex((column) => column.key === key);

class RowIssues {
  private readonly errorList: Array<{ order: number; issue: RowIssue }> = [];
  private readonly warningList: Array<{ order: number; issue: RowIssue }> = [];
  /** `shownAs`: the header the file gave a column (issues name it), when it differs from the template's. */
  constructor(
    private readonly row: number,
    private readonly shownAs: ReadonlyMap<string, string> = new Map(),
  ) {}

  get errors(): readonly RowIssue[] {
    return this.errorList.map((entry) => entry.issue);
  }

  /** Errors and warnings in template column order (stable within a column). */
  sorted(): { errors: RowIssue[]; warnings: RowIssue[] } {
    const byColumn = (a: { order: number }, b: { order: number }) => a.order - b.order;
    return {
      errors: [...this.errorList].sort(byColumn).map((entry) => entry.issue),
      warnings: [...this.warningList].sort(byColumn).map((entry) => entry.issue),
    };
  }

  private describe(
    column: TemplateColumn,
    value: string,
    code: RowIssueCode,
    problem: Wording,
    fix: Wording,
  ) {
    const header = this.shownAs.get(column.key);
    const shown = header && header !== column.zh ? { ...column, zh: header } : column;
    return {
      order: columnOrder(column.key),
      issue: describeCellIssue(this.row, shown, value, code, problem, fix),
    };
  }

  error(column: TemplateColumn, value: string, code: RowIssueCode, problem: Wording, fix: Wording): RowIssue {
    const entry = this.describe(column, value, code, problem, fix);
    this.errorList.push(entry);
    return entry.issue;
  }

  warn(column: TemplateColumn, value: string, code: RowIssueCode, problem: Wording, fix: Wording): void {
    this.warningList.push(this.describe(column, value, code, problem, fix));
  }

  /**
   * A value that is not written as the template writes it but was read (see `isExact`): stored,
   * with a warning naming the original and what was stored, so that no conversion is silent.
   */
  converted(column: TemplateColumn, value: string, stored: Wording, canonical: Wording): void {
    this.warn(
      column,
      value,
      'VALUE_CONVERTED',
      { zh: `已按「${stored.zh}」保存`, en: `was stored as ${stored.en}` },
      {
        zh: `如有误请改正；模板的写法为${canonical.zh}`,
        en: `correct it if that is wrong; the template writes ${canonical.en}`,
      },
    );
  }
}

/**
 * Exact: the cell is the template's own form, up to surrounding spaces, runs of spaces, letter case
 * and character width (NFKC: ７ is 7, ＴＲＵＥ is true). Anything else that is read (another wording,
 * a unit, another date notation, a synonym) is a conversion and warns (docs/intake.md).
 */
export const foldExact = (value: string) => value.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
const isExact = (value: string, ...forms: readonly string[]) =>
  forms.some((form) => foldExact(form) === foldExact(value));
const optionWording = (option: EnumOption): Wording => ({ zh: option.zh, en: `${option.zh} (${option.en})` });
const canonicalOptions = (options: readonly EnumOption[]): Wording => {
  const list = allowedWording(options);
  return { zh: `以下之一：${list.zh}`, en: `one of ${list.en}` };
};

// -------------------------------------------------------------------------------------- parsing

/** Placeholders people type into cells they mean to leave empty; only honoured in non-text columns. */
const placeholders = new Set(['-', '--', '—', '/', 'n/a', 'na', '无', '暂无', 'null']);
const isPlaceholder = (value: string) => placeholders.has(halfWidth(value).trim().toLowerCase());

const col = (key: string): TemplateColumn => {
  const column = columnByKey(key);
  if (!column) throw new Error(`template has no column ${key}`);
  return column;
};
const columns = {
  applicationNumber: col('applicationNumber'),
  title: col('title'),
  patentType: col('patentType'),
  applicationDate: col('applicationDate'),
  grantDate: col('grantDate'),
  grantPublicationNumber: col('grantPublicationNumber'),
  legalStatus: col('legalStatus'),
  maintenanceYears: col('maintenanceYears'),
  annualFeeStatus: col('annualFeeStatus'),
  patentees: col('patentees'),
  coOwners: col('coOwners'),
  inventors: col('inventors'),
  inventorShares: col('inventorShares'),
  inventorStaffNumbers: col('inventorStaffNumbers'),
  department: col('department'),
  publiclyFunded: col('publiclyFunded'),
  fundedProjectName: col('fundedProjectName'),
  fundedProjectNumber: col('fundedProjectNumber'),
  fundingSource: col('fundingSource'),
  implementationStatus: col('implementationStatus'),
  implementationAmountWan: col('implementationAmountWan'),
  conversionIntents: col('conversionIntents'),
  feeStandard: col('feeStandard'),
  trl: col('trl'),
  selfAssessedValue: col('selfAssessedValue'),
  applicationScenarios: col('applicationScenarios'),
  industrializationProspect: col('industrializationProspect'),
  productsAndAdvantages: col('productsAndAdvantages'),
  abstract: col('abstract'),
  industryCode: col('industryCode'),
  strategicIndustries: col('strategicIndustries'),
  classifications: col('classifications'),
  intendedPartners: col('intendedPartners'),
  contactName: col('contactName'),
  contactInfo: col('contactInfo'),
};

const patentTypeZh: Readonly<Record<PatentTypeCode, string>> = {
  invention: '发明',
  'utility-model': '实用新型',
  design: '外观设计',
};

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Excel's 1900 date system counts days from 1899-12-30 (the phantom 1900-02-29 makes this exact from 61). */
const excelEpoch = Date.UTC(1899, 11, 30);

/**
 * YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD, a trailing time of day, or an Excel serial
 * number (a date cell read without its format). Returns the ISO date or undefined.
 */
export function parseTemplateDate(value: string): string | undefined {
  const text = value.normalize('NFKC').trim();
  let match =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text,
    );
  match ??= /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/.exec(text);
  match ??= /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (match) return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  const serial = /^(\d{1,5})(?:\.\d+)?$/.exec(text);
  if (serial) {
    const days = Number(serial[1]);
    if (days < 61) return undefined;
    return new Date(excelEpoch + days * 86_400_000).toISOString().slice(0, 10);
  }
  return undefined;
}

/** Splits a multi-value cell on ； ; 、 , ， and line breaks; trims; drops empties and repeats. */
function splitList(value: string, separators = /[;；,，、\n\r]+/): string[] {
  const parts = value
    .split(separators)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return [...new Set(parts)];
}

// ---------------------------------------------------------------------------------- validation

/**
 * Validates one template row. `raw` is keyed by the file's headers (Chinese, English alias or another
 * known spelling) or by record keys; unknown keys are ignored (the header check reports them).
 * `rowNumber` is the row as the user sees it in the spreadsheet.
 */
/**
 * A cell as the institution's mapping profile reads it: the whole cell, or for a column of several
 * values (转化意愿) each part, whose mapped parts are joined with ；. Unchanged when nothing is mapped.
 */
function profileMeaning(
  column: TemplateColumn,
  cell: string,
  meaning: ((field: string, cell: string) => string | undefined) | undefined,
): string {
  if (!meaning) return cell;
  const whole = meaning(column.key, cell);
  if (whole || !column.multiple) return whole ?? cell;
  const parts = cell
    .split(/[;；,，、/|\n\r]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  const mapped = parts.map((part) => meaning(column.key, part));
  return mapped.some(Boolean) ? parts.map((part, i) => mapped[i] ?? part).join('；') : cell;
}

export function validateInventoryRow(
  raw: Readonly<Record<string, string>>,
  rowNumber: number,
  context: RowContext,
): RowResult {
  if (!isoDatePattern.test(context.today) || parseTemplateDate(context.today) !== context.today) {
    throw new Error(`context.today must be a YYYY-MM-DD date, got "${context.today}"`);
  }
  const cells = new Map<string, string>();
  const shownAs = new Map<string, string>();
  for (const [header, value] of Object.entries(raw)) {
    const mapped = context.file?.fieldOf?.(header);
    const column =
      (mapped ? columnByKey(mapped) : undefined) ?? columnByHeader(header) ?? columnByKey(header);
    if (!column) continue;
    const given = typeof value === 'string' ? value.trim() : value == null ? '' : String(value).trim();
    const cell = given ? profileMeaning(column, given, context.file?.valueMeaning) : given;
    if (!cells.get(column.key)) {
      cells.set(column.key, cell);
      if (context.file) shownAs.set(column.key, header);
    }
  }
  const issues = new RowIssues(rowNumber, shownAs);
  const absent = (column: TemplateColumn) => context.file?.absentColumns.has(column.key) === true;

  /** The trimmed cell, '' when empty, undefined when too long (already reported). */
  const cell = (column: TemplateColumn): string | undefined => {
    const value = cells.get(column.key) ?? '';
    if (value.length > column.maxLength) {
      issues.error(column, value, ...cellChecks.tooLong(column, value));
      return undefined;
    }
    if (value === '' && column.required && absent(column)) {
      issues.error(
        column,
        value,
        'REQUIRED',
        { zh: '缺失：文件中没有这一列', en: 'is missing: the file has no such column' },
        {
          zh: `请在文件中增加「${column.zh}」列（${column.help.zh}）`,
          en: `add a column ${column.zh} (${column.en}) to the file (${column.help.en})`,
        },
      );
    } else if (value === '' && column.required) {
      issues.error(column, value, ...cellChecks.required(column));
    }
    return value;
  };
  /** As `cell`, but placeholders such as '-' or '无' count as empty (typed, optional columns only). */
  const typedCell = (column: TemplateColumn): string | undefined => {
    const value = cells.get(column.key) ?? '';
    if (!column.required && isPlaceholder(value)) return '';
    return cell(column);
  };

  const enumCell = <V extends string>(
    column: TemplateColumn,
    options: readonly EnumOption<V>[],
  ): V | undefined => {
    const value = cell(column);
    if (!value) return undefined;
    const option = findOption(options, value);
    if (option) {
      // 已实施 without its manner warns on its own (IMPLEMENTATION_MANNER_MISSING), naming what was stored.
      const ownWarning = column === columns.implementationStatus && option.value === 'implemented';
      if (!ownWarning && !isExact(value, option.zh, option.en, option.value)) {
        issues.converted(column, value, optionWording(option), canonicalOptions(options));
      }
      return option.value;
    }
    if (!column.required && isPlaceholder(value)) return undefined;
    const list = allowedWording(options);
    issues.error(
      column,
      value,
      'INVALID_VALUE',
      { zh: '不是允许的值', en: 'is not one of the allowed values' },
      { zh: `请填写以下之一：${list.zh}`, en: `use one of: ${list.en}` },
    );
    return undefined;
  };

  const textCell = (column: TemplateColumn): string | undefined => {
    const value = cell(column);
    return value ? value : undefined;
  };

  // ---- application number and patent type
  const applicationValue = cell(columns.applicationNumber);
  let number = applicationValue ? checkApplicationNumber(applicationValue) : undefined;
  let restoredCheck = false;
  if (applicationValue && number && !number.ok && number.failure === 'missing-check') {
    const restored = restoreLostCheckZero(applicationValue);
    if (restored) {
      number = restored;
      restoredCheck = true;
      issues.warn(
        columns.applicationNumber,
        applicationValue,
        'APPLICATION_NUMBER_CHECK_RESTORED',
        {
          zh: `没有校验位；按校验算法其校验位为 0（Excel 把申请号当作数字时会丢掉末尾的“.0”），已按 ${restored.normalized} 保存`,
          en: `has no check character; the check algorithm gives 0 (Excel drops a final ".0" when it takes the number for a number), so it was stored as ${restored.normalized}`,
        },
        {
          zh: '请核对申请号，并把该列设为文本格式后填写完整的申请号',
          en: 'check the number, and format the column as text with the full number',
        },
      );
    }
  }
  if (number && !number.ok && applicationValue) {
    const isCheck = number.failure === 'check' || number.failure === 'missing-check';
    issues.error(
      columns.applicationNumber,
      applicationValue,
      isCheck ? 'APPLICATION_NUMBER_CHECK' : 'APPLICATION_NUMBER_INVALID',
      { zh: number.reasonZh, en: number.reason },
      isCheck
        ? {
            zh: '请核对申请号（以专利证书或国家知识产权局登记为准）',
            en: 'check the application number against the certificate or the CNIPA register',
          }
        : {
            zh: '请按专利证书填写申请号，如 202010123456.2',
            en: 'enter the application number as on the certificate, e.g. 202010123456.2',
          },
    );
  }
  const numberOk = number?.ok ? number : undefined;
  // A CN/ZL prefix and spaces are notation (the template allows them); a missing dot or 。 is read.
  if (numberOk && applicationValue && !restoredCheck) {
    const written = foldExact(applicationValue)
      .replace(/\s+/g, '')
      .replace(/^(zl|cn)/, '');
    if (written !== numberOk.normalized.toLowerCase()) {
      issues.converted(
        columns.applicationNumber,
        applicationValue,
        { zh: numberOk.normalized, en: numberOk.normalized },
        {
          zh: '12 位数字加“.”和校验位，如 202010123456.2',
          en: '12 digits, "." and the check character, e.g. 202010123456.2',
        },
      );
    }
  }

  // A file without a type column: the type digit of the application number says it.
  let patentType = absent(columns.patentType)
    ? numberOk?.patentType
    : enumCell(columns.patentType, patentTypeOptions);
  const patentTypeValue = cells.get(columns.patentType.key) ?? '';
  if (patentTypeValue === '' && numberOk) {
    // The REQUIRED error is already there; point at the value the number implies.
    const last = issues.errors.at(-1);
    if (last?.code === 'REQUIRED' && last.column === columns.patentType.zh) {
      last.messageZh += `；按申请号应为「${patentTypeZh[numberOk.patentType]}」`;
      last.messageEn += `; the application number says ${patentTypeZh[numberOk.patentType]} (${numberOk.patentType})`;
    }
  }
  if (patentType && numberOk && patentType !== numberOk.patentType) {
    const expected = patentTypeZh[numberOk.patentType];
    issues.error(
      columns.patentType,
      patentTypeValue,
      'PATENT_TYPE_MISMATCH',
      {
        zh: `与申请号 ${numberOk.normalized} 的类型位 ${numberOk.typeDigit}（${expected}）不符`,
        en: `does not match type digit ${numberOk.typeDigit} (${numberOk.patentType}) of application number ${numberOk.normalized}`,
      },
      {
        zh: `请改为「${expected}」或核对申请号`,
        en: `change it to ${expected} (${numberOk.patentType}) or check the application number`,
      },
    );
    patentType = undefined;
  }
  const effectiveType: PatentTypeCode | undefined = patentType ?? numberOk?.patentType;

  // ---- dates
  const dateCell = (column: TemplateColumn): string | undefined => {
    const value = typedCell(column);
    if (!value) return undefined;
    const date = parseTemplateDate(value);
    if (!date) {
      issues.error(
        column,
        value,
        'INVALID_DATE',
        { zh: '不是有效日期', en: 'is not a valid date' },
        {
          zh: '请填写真实存在的日期，如 2020-03-18、2020/3/18 或 2020年3月18日',
          en: 'enter a real calendar date such as 2020-03-18, 2020/3/18 or 2020年3月18日',
        },
      );
      return undefined;
    }
    if (date < earliestPatentDate) {
      issues.error(
        column,
        value,
        'DATE_TOO_EARLY',
        {
          zh: `（${date}）早于 1985 年 4 月 1 日专利法施行日`,
          en: `(${date}) is before 1985-04-01, when Chinese patent law took effect`,
        },
        { zh: '请核对日期', en: 'check the date' },
      );
      return undefined;
    }
    if (date > context.today) {
      issues.error(
        column,
        value,
        'DATE_IN_FUTURE',
        { zh: `（${date}）晚于今天（${context.today}）`, en: `(${date}) is after today (${context.today})` },
        { zh: '请核对日期，不能填写将来的日期', en: 'check the date; it cannot be in the future' },
      );
      return undefined;
    }
    if (!isExact(value, date)) {
      issues.converted(
        column,
        value,
        { zh: date, en: date },
        { zh: '年-月-日，如 2020-03-18', en: 'year-month-day, e.g. 2020-03-18' },
      );
    }
    return date;
  };
  const applicationDate = dateCell(columns.applicationDate);
  const legalStatus = enumCell(columns.legalStatus, legalStatusOptions);
  const grantValue = cells.get(columns.grantDate.key) ?? '';
  let grantDate: string | undefined;
  if (legalStatus === 'pending' && (grantValue === '' || isPlaceholder(grantValue))) {
    grantDate = undefined; // a pending application has no grant date yet
  } else if (grantValue === '' && legalStatus !== 'pending') {
    cell(columns.grantDate); // reports REQUIRED
  } else {
    grantDate = dateCell(columns.grantDate);
  }
  if (grantDate && legalStatus === 'pending') {
    issues.warn(
      columns.grantDate,
      grantValue,
      'PENDING_WITH_GRANT_DATE',
      { zh: '已填写，但法律状态为「审中」', en: 'is filled in, but the legal status is 审中 (pending)' },
      { zh: '请核对法律状态或授权日', en: 'check the legal status or the grant date' },
    );
  }
  if (grantDate && applicationDate && grantDate < applicationDate) {
    issues.error(
      columns.grantDate,
      grantValue,
      'GRANT_BEFORE_APPLICATION',
      {
        zh: `（${grantDate}）早于申请日 ${applicationDate}`,
        en: `(${grantDate}) is before the application date ${applicationDate}`,
      },
      { zh: '请核对申请日和授权日', en: 'check the application and grant dates' },
    );
    grantDate = undefined;
  }
  if (applicationDate && numberOk && !numberOk.pct && Number(applicationDate.slice(0, 4)) !== numberOk.year) {
    issues.warn(
      columns.applicationDate,
      cells.get(columns.applicationDate.key) ?? '',
      'APPLICATION_YEAR_MISMATCH',
      {
        zh: `的年份与申请号 ${numberOk.normalized} 中的年份 ${numberOk.year} 不一致`,
        en: `is not in year ${numberOk.year}, the year in application number ${numberOk.normalized}`,
      },
      { zh: '请核对申请日或申请号', en: 'check the application date or number' },
    );
  }

  // ---- grant publication number, maintenance and fees
  const publicationValue = typedCell(columns.grantPublicationNumber);
  let grantPublicationNumber: string | undefined;
  if (publicationValue) {
    const publication = parseGrantPublicationNumber(publicationValue);
    if (!publication) {
      issues.error(
        columns.grantPublicationNumber,
        publicationValue,
        'INVALID_PUBLICATION_NUMBER',
        { zh: '不是授权公告号', en: 'is not a grant publication number' },
        {
          zh: '请按专利证书或公告填写，如 CN112345678B（CN、数字和种类代码），或留空',
          en: 'enter it as on the certificate or the gazette, e.g. CN112345678B (CN, digits, kind code), or leave it empty',
        },
      );
    } else if (publication.kind === 'A') {
      // CNIPA's and the databases' exports name the column 公开（公告）号 and give the application's
      // publication (A) for an invention: the row is right, the number just is not the grant's.
      issues.warn(
        columns.grantPublicationNumber,
        publicationValue,
        'APPLICATION_PUBLICATION_NUMBER',
        {
          zh: '是申请公布号（公开号，种类代码 A），不是授权公告号，未保存',
          en: "is the application's publication number (公开号, kind A), not the grant's, so it was not stored",
        },
        {
          zh: '如已授权，请填写授权公告号（发明以 B 结尾）',
          en: 'once granted, enter the grant publication number (an invention ends in B)',
        },
      );
    } else if (effectiveType && !grantKinds[effectiveType].includes(publication.kind)) {
      issues.error(
        columns.grantPublicationNumber,
        publicationValue,
        'PUBLICATION_KIND_MISMATCH',
        {
          zh: `的种类代码 ${publication.kind} 不是${patentTypeZh[effectiveType]}的授权公告（应为 ${grantKinds[effectiveType].join(' 或 ')}）`,
          en: `has kind code ${publication.kind}, which is not a grant of a ${effectiveType} (${grantKinds[effectiveType].join(' or ')})`,
        },
        { zh: '请核对授权公告号或专利类型', en: 'check the publication number or the patent type' },
      );
    } else {
      grantPublicationNumber = publication.normalized;
      if (foldExact(publicationValue) !== publication.normalized.toLowerCase()) {
        issues.converted(
          columns.grantPublicationNumber,
          publicationValue,
          { zh: publication.normalized, en: publication.normalized },
          {
            zh: 'CN、数字和种类代码，不加空格，如 CN112345678B',
            en: 'CN, digits and kind code without spaces, e.g. CN112345678B',
          },
        );
      }
      if (legalStatus === 'pending') {
        issues.warn(
          columns.grantPublicationNumber,
          publicationValue,
          'PENDING_WITH_PUBLICATION_NUMBER',
          { zh: '已填写，但法律状态为「审中」', en: 'is filled in, but the legal status is 审中 (pending)' },
          { zh: '请核对法律状态或授权公告号', en: 'check the legal status or the publication number' },
        );
      }
    }
  }
  const yearsValue = typedCell(columns.maintenanceYears);
  let maintenanceYears: number | undefined;
  if (yearsValue) {
    const years = parseYears(yearsValue);
    if (years === undefined) {
      issues.error(
        columns.maintenanceYears,
        yearsValue,
        'INVALID_INTEGER',
        { zh: '不是年数', en: 'is not a number of years' },
        {
          zh: '请填写 1 至 20 的整数（也可写 6年 或 第6年），或留空',
          en: 'enter a whole number from 1 to 20 (6年 or 第6年 are read too), or leave it empty',
        },
      );
    } else if (years < 1 || years > 20) {
      issues.error(
        columns.maintenanceYears,
        yearsValue,
        'OUT_OF_RANGE',
        { zh: '超出 1 至 20 的范围', en: 'is outside 1 to 20' },
        {
          zh: '专利最长维持 20 年（专利法第四十二条），请核对',
          en: 'a patent lasts at most 20 years (Patent Law art. 42): check the value',
        },
      );
    } else {
      maintenanceYears = years;
      if (!isExact(yearsValue, String(years))) {
        issues.converted(
          columns.maintenanceYears,
          yearsValue,
          { zh: String(years), en: String(years) },
          { zh: '1 至 20 的整数，如 6', en: 'a whole number from 1 to 20, e.g. 6' },
        );
      }
      const term = statutoryTermYears(effectiveType, applicationDate);
      if (term !== undefined && years > term) {
        issues.warn(
          columns.maintenanceYears,
          yearsValue,
          'MAINTENANCE_BEYOND_TERM',
          {
            zh: `（${years} 年）超过${patentTypeZh[effectiveType!]}的保护期 ${term} 年`,
            en: `(${years}) is longer than the ${term}-year term of a ${effectiveType}`,
          },
          {
            zh: '请核对维持年限或专利类型（专利法第四十二条）',
            en: 'check the years or the patent type (Patent Law art. 42)',
          },
        );
      }
    }
  }
  const annualFeeStatus = enumCell(columns.annualFeeStatus, annualFeeStatusOptions);

  // ---- owners: the patentees, and those of them that are not the institution
  const nameList = (column: TemplateColumn): string[] => {
    const value = typedCell(column);
    if (!value) return [];
    const names = splitList(value);
    if (names.some((name) => name.length > 200)) {
      issues.error(
        column,
        value,
        'TOO_LONG',
        { zh: '中有超过 200 字的名称', en: 'holds a name longer than 200 characters' },
        { zh: '多个名称请用“；”分隔', en: 'separate several names with ；' },
      );
      return [];
    }
    return names;
  };
  const patentees = nameList(columns.patentees);
  const coOwners = nameList(columns.coOwners);
  // The institution itself, by its registered name: never its own co-owner.
  const own = context.institutionName ? sameOrganization(context.institutionName) : () => false;
  if (patentees.length > 0 && context.institutionName) {
    if (!patentees.some(own)) {
      issues.warn(
        columns.patentees,
        cells.get(columns.patentees.key) ?? '',
        'INSTITUTION_NOT_A_PATENTEE',
        {
          zh: `中没有本单位（${context.institutionName}）；已全部记为共有专利权人`,
          en: `does not name the institution (${context.institutionName}); all were recorded as co-owners`,
        },
        {
          zh: '请核对专利权人：本单位名称须与登记的名称一致',
          en: "check the patentees: the institution's name must be written as registered",
        },
      );
    }
    for (const name of patentees) {
      if (!own(name) && !coOwners.some(sameOrganization(name))) coOwners.push(name);
    }
  }

  // ---- people and organization
  const title = textCell(columns.title);
  // A file without an inventor column stores the patent without inventors (the job warns once).
  const inventorsValue = absent(columns.inventors) ? '' : cell(columns.inventors);
  const namedInventors = (inventorsValue ? splitList(inventorsValue, /[;；,，、/\n\r]+/) : []).map(
    parseInventorShare,
  );
  const inventors = [...new Set(namedInventors.map((inventor) => inventor.name))];
  const longName = inventors.find((name) => name.length > 100);
  if (longName) {
    issues.error(
      columns.inventors,
      inventorsValue ?? '',
      'TOO_LONG',
      { zh: `中有超过 100 字的姓名`, en: 'holds a name longer than 100 characters' },
      { zh: '多名发明人请用“；”或“、”分隔', en: 'separate several inventors with ； or 、' },
    );
  }
  // The inventors' contribution shares, after each name or in their own column, in the inventors'
  // order: all or none, each above 0, summing to 100 (fractions 0.6；0.4 read as percents).
  const readInventorShares = (): Array<{ name: string; sharePercent: number }> | undefined => {
    const inline = namedInventors.filter((inventor) => inventor.sharePercent !== undefined);
    const sharesValue = typedCell(columns.inventorShares);
    const refuse = (zh: string, en: string, value = sharesValue ?? inventorsValue ?? '') => {
      issues.error(
        sharesValue ? columns.inventorShares : columns.inventors,
        value,
        'INVENTOR_SHARES',
        { zh, en },
        {
          zh: '请为每位发明人填写贡献比例，合计 100%，如 张三（60%）；李四（40%），或留空',
          en: 'give every inventor a share, summing to 100%, e.g. 张三（60%）；李四（40%）, or leave the shares out',
        },
      );
      return undefined;
    };
    let shares: number[] | undefined;
    if (sharesValue) {
      const parts = splitList(sharesValue.replace(/[%％]/g, '%'), /[;；,，、/\s\n\r]+/).map((part) =>
        /^\d+(?:\.\d+)?%?$/.test(part) ? Number(part.replace('%', '')) : Number.NaN,
      );
      if (parts.some(Number.isNaN)) return refuse('中有不是数字的比例', 'holds a share that is not a number');
      if (parts.length !== namedInventors.length)
        return refuse(
          `有 ${parts.length} 个比例，发明人有 ${namedInventors.length} 位`,
          `gives ${parts.length} share(s) for ${namedInventors.length} inventor(s)`,
        );
      if (inline.length > 0)
        return refuse('与发明人姓名后的比例重复', 'repeats the shares given after the names');
      shares = parts;
    } else if (inline.length > 0) {
      if (inline.length !== namedInventors.length)
        return refuse(
          `只为 ${inline.length} 位发明人注明了贡献比例，共 ${namedInventors.length} 位`,
          `gives a share for ${inline.length} of ${namedInventors.length} inventors`,
        );
      shares = namedInventors.map((inventor) => inventor.sharePercent!);
    }
    if (!shares) return undefined;
    const sum = shares.reduce((a, b) => a + b, 0);
    // Fractions (0.6；0.4) as some systems export them.
    if (shares.every((share) => share <= 1) && Math.abs(sum - 1) < 0.0001)
      shares = shares.map((x) => x * 100);
    const total = shares.reduce((a, b) => a + b, 0);
    if (shares.some((share) => share <= 0 || share > 100) || Math.abs(total - 100) > 0.01)
      return refuse(
        `合计 ${Math.round(total * 100) / 100}%，不是 100%`,
        `sum to ${Math.round(total * 100) / 100}%, not 100%`,
      );
    if (new Set(namedInventors.map((inventor) => inventor.name)).size !== namedInventors.length)
      return refuse('中有重名的发明人', 'name an inventor twice');
    return namedInventors.map((inventor, i) => ({
      name: inventor.name,
      sharePercent: Math.round(shares![i]! * 100) / 100,
    }));
  };
  const inventorShares = readInventorShares();
  // The inventors' staff numbers (工号), in the inventors' order: one per inventor, 无 (or -) for an
  // inventor from outside the institution; one person per name (a name given twice must carry one number).
  const readStaffNumbers = (): Array<{ name: string; staffNumber: string }> | undefined => {
    const value = typedCell(columns.inventorStaffNumbers);
    if (!value) return undefined;
    const refuse = (zh: string, en: string) => {
      issues.error(
        columns.inventorStaffNumbers,
        value,
        'INVENTOR_STAFF_NUMBERS',
        { zh, en },
        {
          zh: '请按发明人的顺序为每位发明人填写工号，校外发明人写“无”，如 20080123；无',
          en: 'give each inventor a staff number in the order of the inventors, 无 for an inventor from outside, e.g. 20080123；无',
        },
      );
      return undefined;
    };
    // Not split on '/': a staff number has none, and n/a is a placeholder, not two numbers.
    const parts = halfWidth(value)
      .split(/[;；,，、\n\r]+/)
      .map((part) => part.trim())
      .filter((part) => part !== '');
    // Paired with the names as written (a name written twice is two entries here, one inventor after).
    const written = (inventorsValue ?? '')
      .split(/[;；,，、/\n\r]+/)
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => parseInventorShare(part).name);
    if (parts.length > written.length)
      return refuse(
        `有 ${parts.length} 个工号，发明人只有 ${written.length} 位`,
        `gives ${parts.length} staff number(s) for ${written.length} inventor(s)`,
      );
    // Fewer numbers than inventors: many exports carry the first inventor's alone (第一发明人工号).
    if (parts.length < written.length)
      issues.warn(
        columns.inventorStaffNumbers,
        value,
        'STAFF_NUMBERS_FOR_FIRST_INVENTORS',
        {
          zh: `只有 ${parts.length} 个工号，已按顺序记为前 ${parts.length} 位发明人的工号，其余 ${written.length - parts.length} 位未记工号`,
          en: `gives ${parts.length} staff number(s) for ${written.length} inventors: recorded for the first ${parts.length} in order, the others without`,
        },
        {
          zh: '如需按人发放奖励，请为每位发明人填写工号（校外发明人写“无”）',
          en: 'to pay rewards per person, give every inventor a staff number (无 for an inventor from outside)',
        },
      );
    const byName = new Map<string, string | undefined>();
    const owners = new Map<string, string>();
    for (const [i, part] of parts.entries()) {
      const name = written[i]!;
      const number = isPlaceholder(part) ? undefined : part.replace(/\s+/g, '');
      if (number !== undefined && !/^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/.test(number))
        return refuse(
          `中的“${part.slice(0, 40)}”不是工号（字母、数字，至多 40 位）`,
          `holds "${part.slice(0, 40)}", which is not a staff number (letters and digits, at most 40)`,
        );
      if (byName.has(name) && byName.get(name) !== number)
        return refuse(
          `为同名发明人“${name}”填写了不同的工号`,
          `gives the inventor named ${name} two different staff numbers (two people of one name: tell them apart in the name, e.g. ${name}（机械学院）)`,
        );
      if (number !== undefined && owners.has(number) && owners.get(number) !== name)
        return refuse(`中工号 ${number} 属于两位发明人`, `gives staff number ${number} to two inventors`);
      byName.set(name, number);
      if (number !== undefined) owners.set(number, name);
    }
    const numbered = [...byName].flatMap(([name, staffNumber]) =>
      staffNumber === undefined ? [] : [{ name, staffNumber }],
    );
    return numbered.length > 0 ? numbered : undefined;
  };
  const inventorStaffNumbers = readStaffNumbers();
  const department = textCell(columns.department);
  const funded = enumCell(columns.publiclyFunded, yesNoOptions);
  const fundedProjectName = textCell(columns.fundedProjectName);
  const fundedProjectNumber = textCell(columns.fundedProjectNumber);
  const fundingSource = textCell(columns.fundingSource);

  // ---- implementation and intents
  const implementationValue = cells.get(columns.implementationStatus.key) ?? '';
  const implementationManner = implementedManner(implementationValue);
  if (implementationManner) {
    issues.converted(
      columns.implementationStatus,
      implementationValue,
      optionWording(findOption(implementationStatusOptions, implementationManner)!),
      canonicalOptions(implementationStatusOptions),
    );
  }
  const implementationStatus =
    implementationManner ?? enumCell(columns.implementationStatus, implementationStatusOptions);
  if (implementationStatus === 'implemented') {
    issues.warn(
      columns.implementationStatus,
      implementationValue,
      'IMPLEMENTATION_MANNER_MISSING',
      {
        zh: '表示已实施，但未写明实施方式；已按「已实施」保存，计入实施率',
        en: 'says implemented without the manner; stored as 已实施 (implemented) and counted as implemented',
      },
      {
        zh: '请写明实施方式：自行实施、许可实施、转让实施、作价入股或产业化',
        en: 'give the manner: 自行实施 (self-implemented), 许可实施 (licensed), 转让实施 (assigned), 作价入股 (equity) or 产业化 (industrialized)',
      },
    );
  }
  const amountValue = typedCell(columns.implementationAmountWan);
  let implementationAmountWan: number | undefined;
  if (amountValue) {
    const amountHeader = shownAs.get(columns.implementationAmountWan.key) ?? '';
    const amount = parseAmountWan(amountValue, amountHeader);
    if (amount !== undefined) {
      implementationAmountWan = amount;
      const plain = foldExact(amountValue);
      if (!/^\d+(\.\d+)?$/.test(plain) || Number(plain) !== amount) {
        issues.converted(
          columns.implementationAmountWan,
          amountValue,
          { zh: `${amount}（万元）`, en: `${amount} (in units of 10,000 CNY)` },
          { zh: '以万元为单位的数字，如 50 或 12.5', en: 'a number in units of 10,000 CNY, e.g. 50 or 12.5' },
        );
      }
    } else {
      issues.error(
        columns.implementationAmountWan,
        amountValue,
        'INVALID_NUMBER',
        { zh: '不是不小于 0 的数字', en: 'is not a number of at least 0' },
        {
          zh: '请以万元为单位填写数字，如 50 或 12.5（也可写 50万元 或 500000元）；未实施可留空',
          en: 'enter a number in units of 10,000 CNY such as 50 or 12.5 (or 50万元, or 500000元); leave it empty when not implemented',
        },
      );
    }
  }
  if (implementationAmountWan && implementationAmountWan > 0 && implementationStatus === 'not-implemented') {
    issues.warn(
      columns.implementationAmountWan,
      amountValue ?? '',
      'AMOUNT_WITHOUT_IMPLEMENTATION',
      {
        zh: '已填写，但实施状态为「未实施」',
        en: 'is filled in, but the implementation status is 未实施 (not implemented)',
      },
      { zh: '请核对实施状态或实施金额', en: 'check the implementation status or the amount' },
    );
  }

  const intentsValue = cell(columns.conversionIntents);
  const conversionIntents: ConversionIntent[] = [];
  if (intentsValue) {
    const unknown: string[] = [];
    let inexact = false;
    for (const part of splitList(halfWidth(intentsValue), /[;,、\n\r/|]+/)) {
      const option = findOption(conversionIntentOptions, part);
      if (!option) unknown.push(part);
      else {
        if (!isExact(part, option.zh, option.en, option.value)) inexact = true;
        if (!conversionIntents.includes(option.value)) conversionIntents.push(option.value);
      }
    }
    if (inexact && unknown.length === 0) {
      issues.converted(
        columns.conversionIntents,
        intentsValue,
        {
          zh: conversionIntents.map((intent) => findOption(conversionIntentOptions, intent)!.zh).join('；'),
          en: conversionIntents
            .map((intent) => optionWording(findOption(conversionIntentOptions, intent)!).en)
            .join('; '),
        },
        canonicalOptions(conversionIntentOptions),
      );
    }
    const list = allowedWording(conversionIntentOptions);
    if (unknown.length > 0) {
      issues.error(
        columns.conversionIntents,
        intentsValue,
        'INVALID_VALUE',
        {
          zh: `中的「${unknown.join('、')}」不是允许的值`,
          en: `holds ${unknown.map((part) => `"${part}"`).join(', ')}, which ${unknown.length > 1 ? 'are' : 'is'} not allowed`,
        },
        {
          zh: `请从以下值中选择一个或多个，用“；”分隔：${list.zh}`,
          en: `use one or more of ${list.en}, separated by ；`,
        },
      );
    } else if (conversionIntents.includes('none') && conversionIntents.length > 1) {
      issues.error(
        columns.conversionIntents,
        intentsValue,
        'EXCLUSIVE_VALUE',
        { zh: '同时包含「暂无」和其他转化方式', en: 'combines 暂无 (none) with other conversion methods' },
        { zh: '请只填「暂无」，或删去「暂无」', en: 'either keep only 暂无 or remove it' },
      );
    }
  }
  const feeStandard = textCell(columns.feeStandard);

  // ---- self-assessment
  const trlValue = typedCell(columns.trl);
  let trl: number | undefined;
  if (trlValue) {
    const normalized = parseTrl(trlValue);
    if (normalized === undefined) {
      issues.error(
        columns.trl,
        trlValue,
        'INVALID_INTEGER',
        { zh: '不是技术成熟度等级', en: 'is not a technology readiness level' },
        {
          zh: '请填写 1 至 9 的整数（也可写 七、7级、第七级 或 TRL7）',
          en: 'enter a whole number from 1 to 9 (七, 7级, 第七级 or TRL7 are read too)',
        },
      );
    } else if (Number(normalized) < 1 || Number(normalized) > 9) {
      issues.error(
        columns.trl,
        trlValue,
        'OUT_OF_RANGE',
        { zh: '超出 1 至 9 的范围', en: 'is outside 1 to 9' },
        { zh: '技术成熟度请填写 1 至 9 的整数', en: 'technology readiness levels run from 1 to 9' },
      );
    } else {
      trl = Number(normalized);
      if (!isExact(trlValue, normalized)) {
        issues.converted(
          columns.trl,
          trlValue,
          { zh: normalized, en: normalized },
          { zh: '1 至 9 的整数，如 7', en: 'a whole number from 1 to 9, e.g. 7' },
        );
      }
    }
  }
  const selfAssessedValue = enumCell(columns.selfAssessedValue, selfAssessedValueOptions);
  const applicationScenarios = textCell(columns.applicationScenarios);
  const industrializationProspect = textCell(columns.industrializationProspect);
  const productsAndAdvantages = textCell(columns.productsAndAdvantages);
  const abstract = textCell(columns.abstract);

  // ---- classifications
  const classificationValue = cell(columns.classifications);
  let classifications: string[] = [];
  if (classificationValue) {
    classifications = validateClassifications(classificationValue, effectiveType, issues);
  }

  // ---- industries
  const industryValue = typedCell(columns.industryCode);
  let industryCode: string | undefined;
  if (industryValue) {
    const resolved = resolveIndustry(industryValue);
    if (!resolved) {
      issues.error(
        columns.industryCode,
        industryValue,
        'UNKNOWN_INDUSTRY',
        {
          zh: '不是 GB/T 4754-2017 国民经济行业代码或名称',
          en: 'is not a GB/T 4754-2017 industry code or name',
        },
        {
          zh: '请填写门类字母加代码，如 C3911（计算机整机制造），或留空',
          en: 'enter a code such as C3911 (计算机整机制造) or leave the cell empty',
        },
      );
    } else {
      industryCode = resolved.industry.code;
      // Given by its name, or without its section letter: the code was looked up.
      if (
        !foldExact(industryValue)
          .replace(/^[a-t](?=\d)/, '')
          .startsWith(industryCode.toLowerCase())
      ) {
        issues.converted(
          columns.industryCode,
          industryValue,
          {
            zh: `${industryCode}（${resolved.industry.name}）`,
            en: `${industryCode} (${resolved.industry.name})`,
          },
          { zh: '门类字母加代码，如 C3911', en: 'the section letter and code, e.g. C3911' },
        );
      }
      if (resolved.nameMismatch) {
        issues.warn(
          columns.industryCode,
          industryValue,
          'INDUSTRY_NAME_MISMATCH',
          {
            zh: `中的名称与代码 ${industryCode}（${resolved.industry.name}）不符`,
            en: `names something other than code ${industryCode} (${resolved.industry.name})`,
          },
          { zh: '已按代码保存，请核对', en: 'stored by its code; please check' },
        );
      }
    }
  }

  const strategicValue = typedCell(columns.strategicIndustries);
  const strategicIndustries: StrategicIndustryAssignment[] = [];
  if (strategicValue) {
    const parts = splitStrategic(strategicValue);
    for (const part of parts) {
      const resolved = resolveStrategicIndustry(part);
      if (!resolved) {
        const single = parts.length === 1;
        issues.error(
          columns.strategicIndustries,
          strategicValue,
          'UNKNOWN_STRATEGIC_INDUSTRY',
          {
            zh: `${single ? '' : `中的「${part}」`}不是战略性新兴产业分类（2018）的代码或名称`,
            en: `${single ? 'is' : `holds "${part}", which is`} not a code or name of the 2018 strategic emerging industry classification`,
          },
          {
            zh: '请填写如 1.5 或「人工智能」的代码或名称（1 至 9 大类、1.1 至 9.2 小类），或留空由系统按 IPC 推断',
            en: 'enter a code or name such as 1.5 or 人工智能 (categories 1-9, 1.1-9.2), or leave it empty to infer it from the IPC codes',
          },
        );
        continue;
      }
      if (resolved.fromThirdLevel) {
        issues.warn(
          columns.strategicIndustries,
          strategicValue,
          'STRATEGIC_THIRD_LEVEL',
          {
            zh: `中的三级代码 ${resolved.fromThirdLevel} 按其二级类 ${resolved.industry.code}（${resolved.industry.name}）保存`,
            en: `third-level code ${resolved.fromThirdLevel} is stored as its second-level category ${resolved.industry.code} (${resolved.industry.name})`,
          },
          { zh: '无需处理', en: 'nothing to do' },
        );
      }
      if (resolved.nameMismatch) {
        issues.warn(
          columns.strategicIndustries,
          strategicValue,
          'STRATEGIC_NAME_MISMATCH',
          {
            zh: `中的名称「${resolved.nameMismatch}」与代码 ${resolved.industry.code}（${resolved.industry.name}）不符`,
            en: `name "${resolved.nameMismatch}" does not match code ${resolved.industry.code} (${resolved.industry.name})`,
          },
          { zh: '已按代码保存，请核对', en: 'stored by its code; please check' },
        );
      }
      if (!strategicIndustries.some((entry) => entry.code === resolved.industry.code)) {
        strategicIndustries.push({
          code: resolved.industry.code,
          name: resolved.industry.name,
          inferred: false,
        });
      }
    }
  } else if (classifications.length > 0 && effectiveType !== 'design') {
    for (const inferred of inferStrategicIndustries(classifications)) {
      strategicIndustries.push({
        code: inferred.code,
        name: inferred.name,
        inferred: true,
        via: inferred.via,
      });
    }
  }

  // ---- contacts
  const intendedPartners = textCell(columns.intendedPartners);
  const contactName = textCell(columns.contactName);
  const contactInfo = textCell(columns.contactInfo);

  if (issues.errors.length > 0) return issues.sorted();

  const candidate = {
    applicationNumber: numberOk?.normalized,
    title,
    patentType,
    applicationDate,
    grantDate,
    grantPublicationNumber,
    legalStatus,
    maintenanceYears,
    annualFeeStatus,
    patentees: patentees.length > 0 ? patentees : undefined,
    coOwners: coOwners.some((name) => !own(name)) ? coOwners.filter((name) => !own(name)) : undefined,
    inventors,
    inventorShares,
    inventorStaffNumbers,
    department,
    publiclyFunded: funded === undefined ? undefined : funded === 'yes',
    fundedProjectName,
    fundedProjectNumber,
    fundingSource,
    implementationStatus,
    implementationAmountWan,
    conversionIntents,
    feeStandard,
    trl,
    selfAssessedValue,
    applicationScenarios,
    industrializationProspect,
    productsAndAdvantages,
    abstract,
    industryCode,
    strategicIndustries,
    classifications,
    intendedPartners,
    contactName,
    contactInfo,
    incrementalStock: grantDate !== undefined && grantDate > stockCutoffDate,
  };
  const parsed = inventoryRecordSchema.safeParse(
    Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== undefined)),
  );
  if (!parsed.success) {
    // Unreachable when the checks above are complete; reported rather than thrown so no row is lost.
    for (const problem of parsed.error.issues) {
      const column = columnByKey(String(problem.path[0])) ?? columns.applicationNumber;
      issues.error(
        column,
        cells.get(column.key) ?? '',
        'INVALID_VALUE',
        { zh: `无法保存（${problem.message}）`, en: `cannot be stored (${problem.message})` },
        { zh: '请核对该值', en: 'check the value' },
      );
    }
    return issues.sorted();
  }
  return { patent: parsed.data, ...issues.sorted() };
}

/**
 * An inventor as written in the 发明人 cell, with the contribution share that may follow the name:
 * 张三（60%）, 张三(60), 张三：60%, 张三 60%. A number is a share only in brackets, after a colon, or
 * with a percent sign, so names are never cut.
 */
export function parseInventorShare(text: string): { name: string; sharePercent?: number } {
  const match =
    /^(.+?)\s*(?:[（(]\s*(\d+(?:\.\d+)?)\s*[%％]?\s*[)）]|[:：]\s*(\d+(?:\.\d+)?)\s*[%％]?|\s+(\d+(?:\.\d+)?)\s*[%％])$/.exec(
      text.trim(),
    );
  if (!match) return { name: text.trim() };
  const share = Number(match[2] ?? match[3] ?? match[4]);
  return { name: match[1]!.trim(), sharePercent: share };
}

/**
 * The kind codes of CNIPA's grant publications, per patent type: B (invention), U (utility model), S
 * (design) under CNIPA's kind codes in force since 1 April 2010 (中国专利文献种类标识代码); C, Y, D in
 * the publications of 1993-2010. A is the application's publication (公开号), never a grant.
 */
const grantKinds: Readonly<Record<PatentTypeCode, readonly string[]>> = {
  invention: ['B', 'C'],
  'utility-model': ['U', 'Y'],
  design: ['S', 'D'],
};

/** `CN112345678B`, `CN 112345678 B`, `112345678B`, `ＣＮ１１２３４５６７８Ｂ`: normalized, with its kind. */
export function parseGrantPublicationNumber(value: string): { normalized: string; kind: string } | undefined {
  const text = halfWidth(value.normalize('NFKC'))
    .toUpperCase()
    .replace(/[\s.\-－_]/g, '');
  const match = /^(?:CN)?(\d{6,9})([ABCUYSD])$/.exec(text);
  if (!match) return undefined;
  return { normalized: `CN${match[1]}${match[2]}`, kind: match[2]! };
}

/**
 * The years of a term as written: 6, 6.0, 6年, 6 年, 第6年, 六, 六年, 第六年, 十二年, 二十. Undefined when
 * it is not a whole number of years.
 */
export function parseYears(value: string): number | undefined {
  const text = value.normalize('NFKC').replace(/\s+/g, '');
  const match = /^第?(\d+(?:\.0+)?|[一二两三四五六七八九十]{1,3})(?:个)?(?:年度?|年)?$/.exec(text);
  if (!match) return undefined;
  const number = match[1]!;
  if (/^\d/.test(number)) return Number.parseInt(number, 10);
  const digit = (ch: string | undefined) =>
    ch === undefined || ch === '' ? undefined : Number(chineseDigits[ch]);
  const ten = number.indexOf('十');
  if (ten < 0) return number.length === 1 ? digit(number) : undefined;
  const tens = ten === 0 ? 1 : digit(number.slice(0, ten));
  const ones = number.slice(ten + 1);
  const onesValue = ones === '' ? 0 : digit(ones);
  if (tens === undefined || onesValue === undefined || ones.length > 1) return undefined;
  const years = tens * 10 + onesValue;
  return Number.isInteger(years) ? years : undefined;
}

/** Whether a name is the given organization's: width, case, spaces and bracket forms do not matter. */
function sameOrganization(name: string): (other: string) => boolean {
  const key = organizationKey(name);
  return (other) => organizationKey(other) === key;
}

const chineseDigits: Readonly<Record<string, string>> = {
  零: '0',
  〇: '0',
  一: '1',
  二: '2',
  两: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
  十: '10',
};

/**
 * A technology readiness level as people write it: 7, 7.0, 七, 七级, 7级, 第七级, 第7级, TRL7, TRL-7,
 * TRL 7, TRL七级. The number as a string of digits ('' ranges are the caller's), or undefined.
 */
export function parseTrl(value: string): string | undefined {
  let text = value.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  text = text
    .replace(/^TRL[-:_.]?/, '')
    .replace(/^第/, '')
    .replace(/[级層层]$/, '');
  text = text.replace(/^[零〇一二两三四五六七八九十]$/, (digit) => chineseDigits[digit]!);
  const match = /^(\d+)(?:\.0+)?$/.exec(text);
  return match ? String(Number(match[1])) : undefined;
}

/**
 * An amount in units of 10,000 CNY (万元) as people write it: 50, 12.5, 1,200, 50万元, 50万, ¥500,000元,
 * 人民币50万元, 1.2亿元. A bare number is in 万元 unless the header says 元 (实施金额（元）).
 */
export function parseAmountWan(value: string, header = ''): number | undefined {
  const text = value
    .normalize('NFKC')
    .replace(/[,\s]/g, '')
    .replace(/^(人民币|RMB|CNY|¥|￥)/i, '')
    .replace(/(人民币|RMB|CNY)$/i, '');
  const match = /^(\d+(?:\.\d+)?)(万元|万|元|亿元|亿)?$/.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const headerUnit = /\((元|人民币元)\)|(?<!万)元$/.test(header.normalize('NFKC')) ? '元' : '万元';
  const unit = match[2] ?? headerUnit;
  const wan = unit.startsWith('亿') ? amount * 10_000 : unit === '元' ? amount / 10_000 : amount;
  return Math.round(wan * 1e6) / 1e6;
}

/** 已实施 with the manner in the same cell (已实施（许可）, 已实施-转让): that manner; else undefined. */
function implementedManner(value: string): ImplementationStatus | undefined {
  const text = value.normalize('NFKC').trim();
  const match = /^已?实施\s*[(:：\-—,，、/]\s*([^()]+?)\s*\)?$/.exec(text);
  if (!match) return undefined;
  const option = findOption(implementationStatusOptions, match[1]!);
  return option && option.value !== 'implemented' && option.value !== 'not-implemented'
    ? option.value
    : undefined;
}

/**
 * A 12- or 8-digit number without its check character whose check character is 0: what Excel
 * makes of `202010123456.0` typed as a number. Any other missing check character stays an error
 * (the digits could be mistyped, and no spreadsheet drops a 2).
 */
function restoreLostCheckZero(value: string) {
  const digits = value.normalize('NFKC').replace(/\s+/g, '');
  if (!/^(\d{12}|\d{8})$/.test(digits) || applicationCheckCharacter(digits) !== '0') return undefined;
  const restored = checkApplicationNumber(`${digits}.0`);
  return restored.ok ? restored : undefined;
}

/** Strategic industry names contain 、 (互联网与云计算、大数据服务), so 、 splits only when that resolves. */
function splitStrategic(value: string): string[] {
  const parts: string[] = [];
  for (const part of splitList(halfWidth(value), /[;,\n\r]+/)) {
    if (resolveStrategicIndustry(part) || !part.includes('、')) parts.push(part);
    else parts.push(...splitList(part, /、/));
  }
  return parts;
}

function validateClassifications(
  value: string,
  patentType: PatentTypeCode | undefined,
  issues: RowIssues,
): string[] {
  const column = columns.classifications;
  const looksLocarno = /LOC|^\s*\d{1,2}\s*[-.－]\s*\d{2}\b/i.test(halfWidth(value));
  const wantsLocarno = patentType === 'design' || (patentType === undefined && looksLocarno);
  if (wantsLocarno) {
    const locarno = parseLocarnoList(value);
    if (locarno.invalid.length === 0 && locarno.codes.length > 0) return locarno.codes;
    const ipc = parseIpcList(value);
    if (ipc.invalid.length === 0 && ipc.codes.length > 0) {
      issues.error(
        column,
        value,
        'WRONG_CLASSIFICATION_SCHEME',
        {
          zh: '是 IPC 分类号，而外观设计使用洛迦诺分类',
          en: 'holds IPC codes, but designs are classified by Locarno',
        },
        { zh: '请填写洛迦诺分类号，如 06-04', en: 'enter Locarno classes such as 06-04' },
      );
      return [];
    }
    issues.error(
      column,
      value,
      'INVALID_LOCARNO',
      {
        zh: `中有无效的洛迦诺分类号：${locarno.invalid.map((item) => item.reasonZh).join('；')}`,
        en: `holds invalid Locarno classes: ${locarno.invalid.map((item) => item.reason).join('; ')}`,
      },
      {
        zh: '请填写如 06-04 或 LOC(14) Cl.06-04 的洛迦诺分类号（大类 01 至 32），多个用“；”分隔',
        en: 'enter Locarno classes such as 06-04 or LOC(14) Cl.06-04 (classes 01 to 32), several separated by ；',
      },
    );
    return [];
  }
  const ipc = parseIpcList(value);
  if (ipc.invalid.length === 0 && ipc.codes.length > 0) return ipc.codes;
  const locarno = parseLocarnoList(value);
  if (locarno.invalid.length === 0 && locarno.codes.length > 0) {
    issues.error(
      column,
      value,
      'WRONG_CLASSIFICATION_SCHEME',
      {
        zh: '是洛迦诺分类号，而发明和实用新型使用 IPC 分类',
        en: 'holds Locarno classes, but inventions and utility models are classified by IPC',
      },
      { zh: '请填写 IPC 分类号，如 H01S 3/00', en: 'enter IPC codes such as H01S 3/00' },
    );
    return [];
  }
  issues.error(
    column,
    value,
    'INVALID_IPC',
    {
      zh: `中有无效的 IPC 分类号：${ipc.invalid.map((item) => item.reasonZh).join('；')}`,
      en: `holds invalid IPC codes: ${ipc.invalid.map((item) => item.reason).join('; ')}`,
    },
    {
      zh: '请填写如 H01S 3/00、G06F 16/27 的 IPC 分类号（A 至 H 部），多个用“；”分隔',
      en: 'enter IPC codes such as H01S 3/00 or G06F 16/27 (sections A to H), several separated by ；',
    },
  );
  return [];
}

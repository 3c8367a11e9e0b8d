/**
 * THE standard inventory template (专利盘点模板), declared once, and `defineTemplate`, the header helpers
 * over any template's columns (the market templates of schemas/market-templates/ use it too). Its ordered columns drive header mapping
 * for CSV/XLSX uploads, row validation (patent-row.ts), the downloadable templates (with data-validation
 * lists for the enumerations) and the OpenAPI document. Headers may be given in Chinese or as the English
 * alias; allowed values in Chinese or English.
 */
import { toHalfWidth } from '../codes/uscc.ts';

/** toHalfWidth, skipped for the common case of a string without full-width characters. */
const halfWidth = (value: string) => (/[\u3000\uff01-\uff5e]/.test(value) ? toHalfWidth(value) : value);

export type ColumnType =
  | 'text'
  | 'date'
  | 'enum'
  | 'enumList'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'applicationNumber'
  | 'classification'
  | 'industry'
  | 'strategicIndustry'
  | 'uscc'
  | 'ipcPrefix';

/** One allowed value: what is stored (`value`), its Chinese form and English alias, other spellings. */
export interface EnumOption<V extends string = string> {
  value: V;
  zh: string;
  en: string;
  synonyms?: readonly string[];
}

export interface TemplateColumn {
  /** camelCase key of the stored record field the column fills. */
  key: string;
  /** Chinese header, as printed in the template. */
  zh: string;
  /** English alias header. */
  en: string;
  /** Other header spellings met in university spreadsheets (e.g. 专利号, 部门, 战新分类). */
  aliases?: readonly string[];
  type: ColumnType;
  /** The header must be present and the cell filled (授权日 may stay empty while 法律状态 is 审中). */
  required: boolean;
  /** Allowed Chinese values (English aliases and synonyms are accepted too, see `options`). */
  allowed?: readonly string[];
  options?: readonly EnumOption[];
  /** The cell holds several values separated by ； ; 、 , ， or line breaks. */
  multiple?: boolean;
  min?: number;
  max?: number;
  maxLength: number;
  example: string;
  help: { zh: string; en: string };
}

// ------------------------------------------------------------------------------------ enumerations

export const patentTypeValues = ['invention', 'utility-model', 'design'] as const;
export type PatentType = (typeof patentTypeValues)[number];
export const patentTypeOptions: readonly EnumOption<PatentType>[] = [
  { value: 'invention', zh: '发明', en: 'invention', synonyms: ['发明专利'] },
  {
    value: 'utility-model',
    zh: '实用新型',
    en: 'utility model',
    synonyms: ['实用新型专利', 'utility-model'],
  },
  { value: 'design', zh: '外观设计', en: 'design', synonyms: ['外观设计专利', '外观'] },
];

export const legalStatusValues = [
  'valid',
  'pending',
  'terminated',
  'abandoned',
  'invalidated',
  'expired',
  'lapsed',
] as const;
export type LegalStatus = (typeof legalStatusValues)[number];
export const legalStatusOptions: readonly EnumOption<LegalStatus>[] = [
  { value: 'valid', zh: '有效', en: 'valid', synonyms: ['有权', '授权', '专利权维持', 'in force'] },
  { value: 'pending', zh: '审中', en: 'pending', synonyms: ['在审', '实审', '审查中'] },
  { value: 'terminated', zh: '权利终止', en: 'terminated', synonyms: ['未缴年费专利权终止', '专利权终止'] },
  { value: 'abandoned', zh: '放弃', en: 'abandoned', synonyms: ['主动放弃'] },
  { value: 'invalidated', zh: '无效', en: 'invalidated', synonyms: ['被宣告无效', '宣告无效'] },
  { value: 'expired', zh: '届满', en: 'expired', synonyms: ['期限届满', '专利权届满'] },
  { value: 'lapsed', zh: '失效', en: 'lapsed', synonyms: ['其他失效'] },
];

export const implementationStatusValues = [
  'not-implemented',
  'self-implemented',
  'licensed',
  'assigned',
  'equity',
  'industrialized',
] as const;
export type ImplementationStatus = (typeof implementationStatusValues)[number];
export const implementationStatusOptions: readonly EnumOption<ImplementationStatus>[] = [
  { value: 'not-implemented', zh: '未实施', en: 'not implemented', synonyms: ['not-implemented'] },
  { value: 'self-implemented', zh: '自行实施', en: 'self-implemented', synonyms: ['self implemented'] },
  { value: 'licensed', zh: '许可实施', en: 'licensed', synonyms: ['已许可'] },
  { value: 'assigned', zh: '转让实施', en: 'assigned', synonyms: ['已转让'] },
  { value: 'equity', zh: '作价入股', en: 'equity', synonyms: ['作价投资', '已作价入股'] },
  { value: 'industrialized', zh: '产业化', en: 'industrialized', synonyms: ['已产业化', '产业化实施'] },
];

export const conversionIntentValues = [
  'assignment',
  'license',
  'equity',
  'self-application',
  'industrialization',
  'none',
] as const;
export type ConversionIntent = (typeof conversionIntentValues)[number];
export const conversionIntentOptions: readonly EnumOption<ConversionIntent>[] = [
  { value: 'assignment', zh: '转让', en: 'assignment', synonyms: ['assign'] },
  {
    value: 'license',
    zh: '许可',
    en: 'license',
    synonyms: ['licence', '普通许可', '独占许可', '排他许可', '开放许可'],
  },
  { value: 'equity', zh: '作价入股', en: 'equity', synonyms: ['作价投资'] },
  {
    value: 'self-application',
    zh: '自行应用',
    en: 'self-application',
    synonyms: ['self application', '自行实施'],
  },
  { value: 'industrialization', zh: '产业化', en: 'industrialization', synonyms: [] },
  { value: 'none', zh: '暂无', en: 'none', synonyms: ['无', '暂无意向', '暂不转化'] },
];

export const selfAssessedValueValues = ['high', 'fairly-high', 'medium', 'low'] as const;
export type SelfAssessedValue = (typeof selfAssessedValueValues)[number];
export const selfAssessedValueOptions: readonly EnumOption<SelfAssessedValue>[] = [
  { value: 'high', zh: '高', en: 'high', synonyms: ['高价值'] },
  { value: 'fairly-high', zh: '较高', en: 'fairly high', synonyms: ['fairly-high', '较高价值'] },
  { value: 'medium', zh: '一般', en: 'medium', synonyms: ['中', '中等'] },
  { value: 'low', zh: '较低', en: 'low', synonyms: ['低'] },
];

export const yesNoOptions: readonly EnumOption<'yes' | 'no'>[] = [
  { value: 'yes', zh: '是', en: 'yes', synonyms: ['y', 'true', '1', '√'] },
  { value: 'no', zh: '否', en: 'no', synonyms: ['n', 'false', '0', '×'] },
];

const allowed = (options: readonly EnumOption[]) => options.map((option) => option.zh);

// ----------------------------------------------------------------------------------------- columns

const longText = 2000;

export const inventoryColumns: readonly TemplateColumn[] = [
  {
    key: 'applicationNumber',
    zh: '申请号',
    en: 'application_number',
    aliases: ['专利号', '申请号/专利号', 'applicationNumber', 'patent_number'],
    type: 'applicationNumber',
    required: true,
    maxLength: 40,
    example: '202010123456.2',
    help: {
      zh: '12 位数字加“.”和校验位，2003 年 10 月前的申请为 8 位；可带 CN 或 ZL 前缀。请将该列设为文本格式',
      en: '12 digits, a dot and the check character (8 digits before October 2003); a CN or ZL prefix is fine. Format the column as text',
    },
  },
  {
    key: 'title',
    zh: '专利名称',
    en: 'title',
    aliases: ['名称', '发明名称', '专利题名'],
    type: 'text',
    required: true,
    maxLength: 300,
    example: '一种基于深度学习的图像去噪方法',
    help: { zh: '与专利证书一致', en: 'As on the patent certificate' },
  },
  {
    key: 'patentType',
    zh: '专利类型',
    en: 'patent_type',
    aliases: ['类型', 'patentType'],
    type: 'enum',
    required: true,
    allowed: allowed(patentTypeOptions),
    options: patentTypeOptions,
    maxLength: 20,
    example: '发明',
    help: {
      zh: '发明、实用新型或外观设计，须与申请号第 5 位（类型位）一致',
      en: 'invention, utility model or design; must agree with the type digit of the application number',
    },
  },
  {
    key: 'applicationDate',
    zh: '申请日',
    en: 'application_date',
    aliases: ['申请日期', 'applicationDate'],
    type: 'date',
    required: true,
    maxLength: 30,
    example: '2020-03-18',
    help: {
      zh: '日期，如 2020-03-18、2020/3/18 或 2020年3月18日',
      en: 'A date such as 2020-03-18, 2020/3/18 or 2020年3月18日',
    },
  },
  {
    key: 'grantDate',
    zh: '授权日',
    en: 'grant_date',
    aliases: ['授权公告日', '授权日期', 'grantDate'],
    type: 'date',
    required: true,
    maxLength: 30,
    example: '2022-06-07',
    help: {
      zh: '不晚于今天、不早于申请日；2023 年 12 月 31 日之后授权的专利记为增量专利。法律状态为审中时留空',
      en: 'Not after today and not before the application date; grants after 2023-12-31 are marked incremental stock. Leave empty while the status is 审中 (pending)',
    },
  },
  {
    key: 'legalStatus',
    zh: '法律状态',
    en: 'legal_status',
    aliases: ['专利状态', 'legalStatus'],
    type: 'enum',
    required: true,
    allowed: allowed(legalStatusOptions),
    options: legalStatusOptions,
    maxLength: 20,
    example: '有效',
    help: {
      zh: '有效、审中、权利终止、放弃、无效、届满或失效',
      en: 'valid, pending, terminated, abandoned, invalidated, expired or lapsed',
    },
  },
  {
    key: 'inventors',
    zh: '发明人',
    en: 'inventors',
    aliases: ['发明人（设计人）', '设计人'],
    type: 'text',
    multiple: true,
    required: true,
    maxLength: 1000,
    example: '张三；李四',
    help: { zh: '多人用“；”或“、”分隔', en: 'Several names separated by ； or 、' },
  },
  {
    key: 'department',
    zh: '所属院系',
    en: 'department',
    aliases: ['部门', '院系', '所属单位', '所属部门', '学院'],
    type: 'text',
    required: true,
    maxLength: 200,
    example: '计算机科学与技术学院',
    help: { zh: '专利所属的学院或部门', en: 'The school or department the patent belongs to' },
  },
  {
    key: 'publiclyFunded',
    zh: '是否属于财政资助科研项目形成专利',
    en: 'publicly_funded',
    aliases: ['是否财政资助', '财政资助', 'publiclyFunded'],
    type: 'boolean',
    required: true,
    allowed: allowed(yesNoOptions),
    options: yesNoOptions,
    maxLength: 10,
    example: '是',
    help: {
      zh: '是或否。财政资助项目形成、授权满 5 年且无正当理由未实施的专利，国家可无偿实施',
      en: 'yes or no. Publicly funded patents granted over 5 years ago and never implemented without good reason may be implemented by the state free of charge',
    },
  },
  {
    key: 'implementationStatus',
    zh: '实施状态',
    en: 'implementation_status',
    aliases: ['实施情况', '是否实施', 'implementationStatus'],
    type: 'enum',
    required: true,
    allowed: allowed(implementationStatusOptions),
    options: implementationStatusOptions,
    maxLength: 20,
    example: '许可实施',
    help: {
      zh: '未实施、自行实施、许可实施、转让实施、作价入股或产业化',
      en: 'not implemented, self-implemented, licensed, assigned, equity or industrialized',
    },
  },
  {
    key: 'implementationAmountWan',
    zh: '实施金额（万元）',
    en: 'implementation_amount_10k_cny',
    aliases: ['实施金额', '转化金额（万元）', '合同金额（万元）'],
    type: 'decimal',
    required: false,
    min: 0,
    maxLength: 30,
    example: '50',
    help: {
      zh: '已实施时填写，单位万元，不小于 0',
      en: 'When implemented: the amount in units of 10,000 CNY, not negative',
    },
  },
  {
    key: 'conversionIntents',
    zh: '转化意愿',
    en: 'conversion_intent',
    aliases: ['转化方式', '可接受的转化方式', '转化意向', 'conversionIntents'],
    type: 'enumList',
    multiple: true,
    required: false,
    allowed: allowed(conversionIntentOptions),
    options: conversionIntentOptions,
    maxLength: 100,
    example: '转让；许可',
    help: {
      zh: '可多选（转让、许可、作价入股、自行应用、产业化），用“；”分隔；“暂无”不能与其他值同选',
      en: 'One or more of assignment, license, equity, self-application, industrialization, separated by ；; "暂无" (none) stands alone',
    },
  },
  {
    key: 'feeStandard',
    zh: '费用标准',
    en: 'fee_standard',
    aliases: ['价格', '转化价格', '许可费用标准', 'feeStandard'],
    type: 'text',
    required: false,
    maxLength: 500,
    example: '许可费 30 万元，另按销售额 1% 提成',
    help: {
      zh: '期望的转让价格或许可费用及支付方式',
      en: 'Expected price or license fee and how it is paid',
    },
  },
  {
    key: 'trl',
    zh: '技术成熟度',
    en: 'trl',
    aliases: ['技术成熟度（TRL）', '技术就绪度', 'TRL'],
    type: 'integer',
    required: false,
    min: 1,
    max: 9,
    maxLength: 10,
    example: '5',
    help: { zh: '1 至 9 的整数（TRL）', en: 'An integer from 1 to 9 (technology readiness level)' },
  },
  {
    key: 'selfAssessedValue',
    zh: '专利价值分级自评',
    en: 'self_assessed_value',
    aliases: ['价值分级', '专利价值自评', '价值自评', 'selfAssessedValue'],
    type: 'enum',
    required: false,
    allowed: allowed(selfAssessedValueOptions),
    options: selfAssessedValueOptions,
    maxLength: 20,
    example: '较高',
    help: { zh: '高、较高、一般或较低', en: 'high, fairly high, medium or low' },
  },
  {
    key: 'applicationScenarios',
    zh: '应用场景',
    en: 'application_scenarios',
    aliases: ['applicationScenarios'],
    type: 'text',
    required: false,
    maxLength: longText,
    example: '医学影像设备的图像增强',
    help: { zh: '可应用的产品、行业或场景', en: 'Products, industries or settings where it applies' },
  },
  {
    key: 'industrializationProspect',
    zh: '产业化前景',
    en: 'industrialization_prospect',
    aliases: ['产业化前景描述', 'industrializationProspect'],
    type: 'text',
    required: false,
    maxLength: longText,
    example: '已有两家企业试用，市场规模约 10 亿元',
    help: { zh: '市场、成本和产业化条件', en: 'Market, cost and conditions for industrialization' },
  },
  {
    key: 'productsAndAdvantages',
    zh: '对应产品与技术优势',
    en: 'products_and_advantages',
    aliases: ['对应产品/技术优势/性能指标', '对应产品', '技术优势', 'productsAndAdvantages'],
    type: 'text',
    required: false,
    maxLength: longText,
    example: '降噪后峰值信噪比提高 3 dB，处理速度为同类方法的 2 倍',
    help: {
      zh: '对应的产品、相对现有技术的优势和性能指标',
      en: 'Corresponding products, advantages over existing technology and performance figures',
    },
  },
  {
    key: 'industryCode',
    zh: '国民经济行业分类',
    en: 'industry_code',
    aliases: ['行业分类', '国民经济行业分类代码', 'industryCode'],
    type: 'industry',
    required: false,
    maxLength: 100,
    example: 'C3911',
    help: {
      zh: 'GB/T 4754-2017 代码（门类字母可省略），如 C3911 或 3911，可附名称',
      en: 'A GB/T 4754-2017 code (section letter optional) such as C3911 or 3911, optionally followed by its name',
    },
  },
  {
    key: 'strategicIndustries',
    zh: '战略性新兴产业分类',
    en: 'strategic_industry',
    aliases: ['战新分类', '战略性新兴产业', 'strategicIndustry', 'strategicIndustries'],
    type: 'strategicIndustry',
    multiple: true,
    required: false,
    maxLength: 200,
    example: '1.5 人工智能',
    help: {
      zh: '战略性新兴产业分类（2018）代码或名称，如 1.5 或 人工智能；留空时按 IPC 分类号推断',
      en: 'Code or name from the 2018 strategic emerging industry classification, e.g. 1.5 or 人工智能; inferred from the IPC codes when empty',
    },
  },
  {
    key: 'classifications',
    zh: 'IPC/洛迦诺分类',
    en: 'classification',
    aliases: [
      'IPC',
      'IPC分类号',
      'IPC分类',
      '分类号',
      '主分类号',
      '洛迦诺分类',
      'ipc_codes',
      'classifications',
    ],
    type: 'classification',
    multiple: true,
    required: true,
    maxLength: 500,
    example: 'G06T 5/00；G06N 3/08',
    help: {
      zh: '发明和实用新型填 IPC 分类号（如 H01S 3/00），外观设计填洛迦诺分类号（如 06-04）；多个用“；”分隔',
      en: 'IPC codes (e.g. H01S 3/00) for inventions and utility models, Locarno classes (e.g. 06-04) for designs; several separated by ；',
    },
  },
  {
    key: 'intendedPartners',
    zh: '意向合作企业',
    en: 'intended_partners',
    aliases: ['意向企业', 'intendedPartners'],
    type: 'text',
    required: false,
    maxLength: 500,
    example: '某某医疗科技有限公司',
    help: { zh: '已有合作意向的企业', en: 'Enterprises already interested in cooperating' },
  },
  {
    key: 'contactName',
    zh: '联系人',
    en: 'contact_name',
    aliases: ['contactName'],
    type: 'text',
    required: false,
    maxLength: 100,
    example: '王老师',
    help: { zh: '转化联系人', en: 'Contact person for the transfer' },
  },
  {
    key: 'contactInfo',
    zh: '联系方式',
    en: 'contact_info',
    aliases: ['联系电话', '电话', '邮箱', 'contactInfo'],
    type: 'text',
    required: false,
    maxLength: 200,
    example: '010-62780000',
    help: { zh: '电话或电子邮箱', en: 'Phone number or e-mail address' },
  },
];

// ---------------------------------------------------------------------------------- header lookup

/** Trimmed, lower case, ASCII (full-width folded), no spaces, no BOM, no '*' required markers. */
/** A message part in both languages. */
export interface Wording {
  zh: string;
  en: string;
}

/** The options of an enumerated column, listed for a message. */
export const allowedWording = (options: readonly EnumOption[]): Wording => ({
  zh: options.map((option) => option.zh).join('、'),
  en: options.map((option) => `${option.zh} (${option.en})`).join(', '),
});

const reportValueLength = 200;
const messageValueLength = 60;
const cut = (value: string, max: number) => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);

/**
 * One problem of one cell as the error report shows it, for every template: row, column, the value
 * (cut), a code, and a message in zh and en saying what is wrong and what to do.
 */
export function describeCellIssue<C extends string>(
  row: number,
  column: TemplateColumn,
  value: string,
  code: C,
  problem: Wording,
  fix: Wording,
) {
  const shown = cut(value, messageValueLength);
  // TOO_LONG states the length itself.
  const noted = value.length > messageValueLength && code !== 'TOO_LONG';
  const lengthNote = noted ? `（共 ${value.length} 字）` : '';
  const lengthNoteEn = noted ? ` (${value.length} characters)` : '';
  const zhSubject = value === '' ? `「${column.zh}」` : `「${column.zh}」的值「${shown}」${lengthNote}`;
  const enSubject = value === '' ? '' : ` value "${shown}"${lengthNoteEn}`;
  return {
    row,
    column: column.zh,
    value: cut(value, reportValueLength),
    code,
    messageZh: `第 ${row} 行${zhSubject}${problem.zh}：${fix.zh}`,
    messageEn: `Row ${row}, column ${column.zh} (${column.en}):${enSubject} ${problem.en}; ${fix.en}`,
  };
}

/** The two checks every template cell gets, worded once: too long, and required but empty (zh + en). */
export const cellChecks = {
  tooLong: (column: TemplateColumn, value: string) =>
    [
      'TOO_LONG',
      {
        zh: `过长（${value.length} 字，上限 ${column.maxLength} 字）`,
        en: `is too long (${value.length} characters, the limit is ${column.maxLength})`,
      },
      {
        zh: `请缩短到 ${column.maxLength} 字以内`,
        en: `shorten it to at most ${column.maxLength} characters`,
      },
    ] as const,
  required: (column: TemplateColumn) =>
    [
      'REQUIRED',
      { zh: '未填写', en: 'is empty' },
      {
        zh: `此列为必填项，请填写（${column.help.zh}）`,
        en: `this column is required (${column.help.en})`,
      },
    ] as const,
};

export function normalizeHeader(header: string): string {
  return halfWidth(header)
    .replace(/[\s\u00a0\u200b\ufeff]+/g, '')
    .replace(/^\*+|\*+$/g, '')
    .toLowerCase();
}

export interface HeaderIssue {
  code: 'MISSING_HEADERS' | 'UNKNOWN_HEADERS' | 'DUPLICATE_HEADERS';
  /** The headers concerned: Chinese template headers for missing ones, the file's own for the others. */
  headers: string[];
  messageZh: string;
  messageEn: string;
}

/** A template's header helpers over its own columns (see `defineTemplate`). */
export interface Template {
  /** How messages name it: 标准盘点模板 / the standard inventory template. */
  name: { zh: string; en: string };
  columns: readonly TemplateColumn[];
  /** The column a header names: Chinese header, English alias, key or another accepted spelling. */
  columnByHeader(header: string): TemplateColumn | undefined;
  columnByKey(key: string): TemplateColumn | undefined;
  /** Required template columns that no header of the file names. */
  missingRequiredHeaders(headers: readonly string[]): HeaderIssue | undefined;
  /** Headers of the file that are not template columns (blank headers are ignored). */
  unknownHeaders(headers: readonly string[]): HeaderIssue | undefined;
  /** Template columns named by more than one header of the file (e.g. both 申请号 and application_number). */
  duplicateHeaders(headers: readonly string[]): HeaderIssue | undefined;
  /** Maps a file's headers to template columns, with every header problem found. */
  mapHeaders(headers: readonly string[]): {
    columns: Array<TemplateColumn | undefined>;
    issues: HeaderIssue[];
  };
}

const expectedList = (columns: readonly TemplateColumn[]) =>
  columns.map((column) => `${column.zh} (${column.en})`).join(', ');
const expectedListZh = (columns: readonly TemplateColumn[]) => columns.map((column) => column.zh).join('、');

/**
 * The header helpers of one template (inventory, enterprises, evaluations), over its ordered columns.
 * Throws at load time when two columns claim the same header spelling.
 */
export function defineTemplate(
  name: { zh: string; en: string },
  columns: readonly TemplateColumn[],
): Template {
  const columnsByHeader = new Map<string, TemplateColumn>();
  for (const column of columns) {
    for (const header of [column.zh, column.en, column.key, ...(column.aliases ?? [])]) {
      const normalized = normalizeHeader(header);
      const existing = columnsByHeader.get(normalized);
      if (existing && existing !== column) {
        throw new Error(`template header "${header}" is claimed by ${existing.key} and ${column.key}`);
      }
      columnsByHeader.set(normalized, column);
    }
  }

  /** Files repeat their headers on every row: remember the answers (bounded, headers are few). */
  const headerCache = new Map<string, TemplateColumn | null>();

  function columnByHeader(header: string): TemplateColumn | undefined {
    const cached = headerCache.get(header);
    if (cached !== undefined) return cached ?? undefined;
    const column = columnsByHeader.get(normalizeHeader(header));
    if (headerCache.size < 1000) headerCache.set(header, column ?? null);
    return column;
  }

  const byKey = new Map(columns.map((column) => [column.key, column]));
  const requiredColumns = columns.filter((column) => column.required);

  function missingRequiredHeaders(headers: readonly string[]): HeaderIssue | undefined {
    const present = new Set(headers.map(columnByHeader));
    const missing = requiredColumns.filter((column) => !present.has(column));
    if (missing.length === 0) return undefined;
    return {
      code: 'MISSING_HEADERS',
      headers: missing.map((column) => column.zh),
      messageZh: `缺少必填列：${expectedListZh(missing)}。必填列为：${expectedListZh(requiredColumns)}；全部列为：${expectedListZh(columns)}。请下载${name.zh}核对表头`,
      messageEn: `Missing required columns: ${expectedList(missing)}. Required columns: ${expectedList(requiredColumns)}; all columns: ${expectedList(columns)}. Download the ${name.en} and compare the headers`,
    };
  }

  function unknownHeaders(headers: readonly string[]): HeaderIssue | undefined {
    const unknown = headers.filter((header) => normalizeHeader(header) !== '' && !columnByHeader(header));
    if (unknown.length === 0) return undefined;
    const listed = boundedList(unknown);
    return {
      code: 'UNKNOWN_HEADERS',
      headers: unknown.slice(0, maxListedHeaders),
      messageZh: `无法识别的列：${listed.zh}。可用的列为：${expectedListZh(columns)}（也可使用英文列名）`,
      messageEn: `Unknown columns: ${listed.en}. Expected columns: ${expectedList(columns)} (Chinese header or English alias)`,
    };
  }

  function duplicateHeaders(headers: readonly string[]): HeaderIssue | undefined {
    const seen = new Map<TemplateColumn, string[]>();
    for (const header of headers) {
      const column = columnByHeader(header);
      if (column) seen.set(column, [...(seen.get(column) ?? []), header]);
    }
    const duplicates = [...seen.entries()].filter(([, names]) => names.length > 1);
    if (duplicates.length === 0) return undefined;
    const listed = boundedList(
      duplicates.map(([column, names]) => `${column.zh}: ${boundedList(names, ' / ', ' / ').en}`),
      '；',
      '; ',
    );
    return {
      code: 'DUPLICATE_HEADERS',
      headers: duplicates.flatMap(([, names]) => names).slice(0, maxListedHeaders),
      messageZh: `以下列出现了多次：${listed.zh}。每列只能出现一次，请删除重复的列`,
      messageEn: `These columns appear more than once: ${listed.en}. Keep each column once`,
    };
  }

  return {
    name,
    columns,
    columnByHeader,
    columnByKey: (key) => byKey.get(key),
    missingRequiredHeaders,
    unknownHeaders,
    duplicateHeaders,
    mapHeaders(headers) {
      const issues = [
        missingRequiredHeaders(headers),
        unknownHeaders(headers),
        duplicateHeaders(headers),
      ].filter((issue): issue is HeaderIssue => issue !== undefined);
      return { columns: headers.map(columnByHeader), issues };
    },
  };
}

/** The inventory template's header helpers. */
export const inventoryTemplate = defineTemplate(
  { zh: '标准盘点模板', en: 'standard inventory template' },
  inventoryColumns,
);
export const {
  columnByHeader,
  columnByKey,
  missingRequiredHeaders,
  unknownHeaders,
  duplicateHeaders,
  mapHeaders,
} = inventoryTemplate;

// ---------------------------------------------------------------------------------- value lookup

const foldValue = (value: string) => halfWidth(value).replace(/\s+/g, ' ').trim().toLowerCase();

const optionIndex = new WeakMap<readonly EnumOption[], Map<string, EnumOption>>();

/** The option a cell value names: its Chinese form, English alias or a synonym (case-insensitive). */
export function findOption<V extends string>(
  options: readonly EnumOption<V>[],
  value: string,
): EnumOption<V> | undefined {
  let index = optionIndex.get(options);
  if (!index) {
    index = new Map();
    for (const option of options) {
      for (const name of [option.zh, option.en, option.value, ...(option.synonyms ?? [])]) {
        index.set(foldValue(name), option);
      }
    }
    optionIndex.set(options, index);
  }
  return index.get(foldValue(value)) as EnumOption<V> | undefined;
}

/**
 * A hostile header row (a million columns, or a header of a megabyte) must not produce a message
 * that no job item (DynamoDB: 400 KB) or response can hold: name the first few, cut long ones, and
 * say how many more there are.
 */
export const maxListedHeaders = 20;
const maxHeaderChars = 40;
export function boundedList(items: readonly string[], separatorZh = '、', separatorEn = ', ') {
  const shown = items
    .slice(0, maxListedHeaders)
    .map((item) => (item.length > maxHeaderChars ? `${item.slice(0, maxHeaderChars)}…` : item));
  const more = items.length - shown.length;
  return {
    zh: `${shown.join(separatorZh)}${more > 0 ? `${separatorZh}……（另有 ${more} 个未列出）` : ''}`,
    en: `${shown.join(separatorEn)}${more > 0 ? `${separatorEn}… (and ${more} more not listed)` : ''}`,
  };
}

/**
 * The legal-status template (法律状态导入模板), declared once like the other templates: a province
 * administrator (for the patents of its province's institutions) or a national administrator imports
 * the legal status of registered patents as CNIPA's register gives it (application number, legal
 * status, the day it was announced), through the same intake as the inventory
 * (functions/intake/legal-status-kind.ts). Each valid row becomes the change of legal status the
 * inventory upload makes (functions/patents/legal-status.ts): the lapse or expiry exit, the
 * re-screening, or the field alone.
 *
 * The values are those of the inventory's 法律状态 column (schemas/inventory/template.ts), read with the
 * same folding (full-width letters, spaces and case do not matter), plus a few wordings of CNIPA's
 * register (中国及多国专利审查信息查询): 未缴年费专利权终止，等恢复 is terminated (the right ended for the
 * unpaid annual fee; restoration may still be asked for, which a later row with 有效 records).
 */
import type { ErrorRow } from '../batch-job.ts';
import { parseTemplateDate } from '../inventory/patent-row.ts';
import {
  allowedWording,
  defineTemplate,
  type EnumOption,
  findOption,
  type LegalStatus,
  legalStatusOptions,
  type TemplateColumn,
} from '../inventory/template.ts';
import { RowCells } from './cells.ts';

/** Register wordings not in the inventory's synonyms, per status. */
const registerWordings: Partial<Record<LegalStatus, readonly string[]>> = {
  valid: ['专利权有效', '授权有效', '恢复', '权利恢复', '专利权恢复'],
  terminated: [
    // Folded (NFKC) like every value: the full-width comma of the register reads as this one.
    '未缴年费专利权终止,等恢复',
    '等年费滞纳金',
    '专利权的终止',
    '年费终止',
  ],
  abandoned: ['避免重复授权放弃', '专利权人放弃', '放弃专利权利'],
  invalidated: ['专利权全部无效', '全部无效宣告'],
  expired: ['专利权期限届满', '期满终止', '届满终止'],
};

export const legalStatusImportOptions: readonly EnumOption<LegalStatus>[] = legalStatusOptions.map(
  (option) => ({
    ...option,
    synonyms: [...(option.synonyms ?? []), ...(registerWordings[option.value] ?? [])],
  }),
);

export const legalStatusColumns: readonly TemplateColumn[] = [
  {
    key: 'applicationNumber',
    zh: '申请号',
    en: 'application_number',
    aliases: ['专利号', '申请号/专利号', '专利申请号', 'ZL号', 'applicationNumber', 'patent_number'],
    type: 'applicationNumber',
    required: true,
    maxLength: 40,
    example: '202010123456.2',
    help: {
      zh: '已登记专利的申请号，可带 CN 或 ZL 前缀。请将该列设为文本格式',
      en: 'Application number of a registered patent; CN or ZL prefixes are fine. Format the column as text',
    },
  },
  {
    key: 'legalStatus',
    zh: '法律状态',
    en: 'legal_status',
    aliases: [
      '当前法律状态',
      '法律状态信息',
      '法律状态名称',
      '案件状态',
      '专利状态',
      'legalStatus',
      'status',
    ],
    type: 'enum',
    required: true,
    options: legalStatusImportOptions,
    maxLength: 40,
    example: '权利终止',
    help: {
      zh: '有效、审中、权利终止（含未缴年费终止）、放弃、无效（全部无效）、届满或失效',
      en: 'valid, pending, terminated (annual fee not paid included), abandoned, invalidated, expired or lapsed',
    },
  },
  {
    key: 'date',
    zh: '法律状态公告日',
    en: 'legal_status_date',
    aliases: ['法律状态日期', '法律状态公告日期', '公告日', '生效日', '法律状态生效日', '变更日期', 'date'],
    type: 'date',
    required: true,
    maxLength: 30,
    example: '2025-09-12',
    help: {
      zh: '法律状态的公告日（或生效日），写作 2025-09-12（2025/9/12、2025年9月12日 也可）；不能晚于今天',
      en: 'The day the status was announced (or took effect), written 2025-09-12 (2025/9/12 or 2025年9月12日 too); not after today',
    },
  },
];

export const legalStatusTemplate = defineTemplate(
  { zh: '法律状态导入模板', en: 'legal-status template' },
  legalStatusColumns,
);

export interface LegalStatusRecord {
  applicationNumber: string;
  legalStatus: LegalStatus;
  /** The day the status was announced (YYYY-MM-DD). */
  date: string;
}

export interface LegalStatusRowResult {
  record?: LegalStatusRecord;
  errors: ErrorRow[];
  warnings: ErrorRow[];
}

/**
 * The status cell read as people type it: any spelling of the options (full-width, case, spaces around
 * or between the characters: 权利 终止, 未缴年费　终止), else an error listing the values.
 */
function statusCell(cells: RowCells): LegalStatus | undefined {
  const value = cells.cell('legalStatus');
  if (!value) return undefined;
  const option =
    findOption(legalStatusImportOptions, value) ??
    findOption(legalStatusImportOptions, value.normalize('NFKC').replace(/\s+/g, ''));
  if (option) return option.value;
  const list = allowedWording(legalStatusImportOptions);
  cells.error(
    'legalStatus',
    value,
    'UNKNOWN_STATUS',
    { zh: '不是可识别的法律状态', en: 'is not a legal status this import knows' },
    {
      zh: `请填写以下之一：${list.zh}（如 未缴年费终止、全部无效、授权 也可）`,
      en: `use one of: ${list.en} (wordings such as 未缴年费终止, 全部无效 or 授权 are read too)`,
    },
  );
  return undefined;
}

/** Validates one legal-status row; `today` (YYYY-MM-DD, China) bounds the date. */
export function validateLegalStatusRow(
  raw: Readonly<Record<string, string>>,
  rowNumber: number,
  today: string,
): LegalStatusRowResult {
  const cells = new RowCells(legalStatusTemplate, raw, rowNumber);
  const applicationNumber = cells.applicationNumber('applicationNumber');
  const legalStatus = statusCell(cells);
  const dateValue = cells.cell('date');
  let date: string | undefined;
  if (dateValue) {
    date = parseTemplateDate(dateValue);
    if (!date) {
      cells.error(
        'date',
        dateValue,
        'INVALID_DATE',
        { zh: '不是有效日期', en: 'is not a valid date' },
        {
          zh: '请填写真实存在的日期，如 2025-09-12、2025/9/12 或 2025年9月12日',
          en: 'enter a real calendar date such as 2025-09-12, 2025/9/12 or 2025年9月12日',
        },
      );
    } else if (date > today) {
      cells.error(
        'date',
        dateValue,
        'DATE_IN_FUTURE',
        { zh: `（${date}）晚于今天（${today}）`, en: `(${date}) is after today (${today})` },
        {
          zh: '法律状态只能记录已公告的状态：请核对日期，到期后再导入',
          en: 'only a status already announced is recorded: check the date, and import the row once it has come',
        },
      );
      date = undefined;
    }
  }
  if (cells.errors.length || !applicationNumber || !legalStatus || !date)
    return { errors: cells.errors, warnings: cells.warnings };
  return { record: { applicationNumber, legalStatus, date }, errors: [], warnings: cells.warnings };
}

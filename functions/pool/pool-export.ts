import { chinaDate } from '../../schemas/china-date.ts';
import { industryByCode } from '../../schemas/codes/industries.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import { cooperationIntentLabels, improvementCategoryLabels } from '../../schemas/evaluation.ts';
import { inventoryColumns } from '../../schemas/inventory/template.ts';
import { type PublicPatent, storedPublicFields } from '../../schemas/patent.ts';
import type { PoolExportQuery, PoolPatent } from '../../schemas/pool.ts';
import type { Caller } from '../../schemas/roles.ts';
import { PayloadTooLargeError } from '../shared/errors.ts';
import { neutralizeFormula } from '../shared/formula.ts';
import { workbookInMemory } from '../shared/xlsx-writer.ts';
import { type PoolStore, poolProvince, removal, type StoreKey, toPoolPatent } from './pool-feed.ts';

export const poolSheetName = '专利转化资源库';

/**
 * 4.4 MB of XLSX is 5.9 MB of base64: just under Lambda's 6 MB response. A pool row takes ~170 bytes
 * compressed (measured on the demo data; longer texts take more), so 20,000 rows fit with room to
 * spare; maxBytes catches files of unusually long texts. The province partition holds the base pool
 * too, so reading it is bounded in time as well: API Gateway waits 30 s at most. Beyond either, a
 * spreadsheet of the whole pool would be written to S3 and linked; the feed serves that need today.
 */
export const exportLimits = { maxRows: 20_000, maxBytes: 4_400_000, readLimit: 1000, maxMs: 24_000 };

type Cell = string | number | null;
interface ExportColumn {
  zh: string;
  en: string;
  width: number;
  value: (patent: PoolPatent) => Cell;
}

const join = (values: readonly string[]) => (values.length ? values.join('；') : null);

/** Stored values in the words of the template (发明, 许可, 是 ...), so the file reads like the inventory. */
function templateValue(key: string, value: unknown): Cell {
  if (value === undefined || value === null) return null;
  const column = inventoryColumns.find((c) => c.key === key);
  const label = (raw: string) => column?.options?.find((option) => option.value === raw)?.zh ?? raw;
  if (typeof value === 'boolean') return label(value ? 'yes' : 'no');
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) {
    return join(
      value.map((entry) =>
        entry && typeof entry === 'object' && 'code' in entry
          ? `${String((entry as { code: unknown }).code)} ${String((entry as { name?: unknown }).name ?? '')}`.trim()
          : label(String(entry)),
      ),
    );
  }
  if (key === 'industryCode') {
    const industry = industryByCode(String(value));
    return industry ? `${industry.code} ${industry.name}` : String(value);
  }
  return label(String(value));
}

const widthOf = (key: string) =>
  ({ applicationNumber: 18, title: 40, inventors: 20, industryCode: 28, strategicIndustries: 28 })[key] ?? 16;

/** The template's own columns that are public, in template order, then the pool's. */
const templateColumns: ExportColumn[] = inventoryColumns
  .filter((column) => (storedPublicFields as readonly string[]).includes(column.key))
  .map((column) => ({
    zh: column.zh,
    en: column.en,
    width: widthOf(column.key),
    value: (patent) => templateValue(column.key, patent[column.key as keyof PublicPatent]),
  }));

const yesNo = (value: boolean | undefined) => (value === undefined ? null : value ? '是' : '否');
const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
/** `许可 2；转让 1`: the non-zero counts, in the order of the labels (the evaluation form's order). */
const counts = (value: unknown, labels: Readonly<Record<string, string>>) =>
  value && typeof value === 'object'
    ? join(
        Object.keys(labels)
          .map((key) => [key, (value as Record<string, unknown>)[key]] as const)
          .filter(([, n]) => typeof n === 'number' && n > 0)
          .map(([key, n]) => `${labels[key]} ${String(n)}`),
      )
    : null;
const evaluationLabels = { none: '未开始', open: '评价中', closed: '已完成' } as const;

export const exportColumns: readonly ExportColumn[] = [
  ...templateColumns,
  {
    zh: '增量专利',
    en: 'incremental_stock',
    width: 10,
    value: (p) => yesNo(p.incrementalStock),
  },
  { zh: '权利人统一社会信用代码', en: 'institution_uscc', width: 22, value: (p) => p.institutionUscc },
  {
    zh: '省份',
    en: 'province',
    width: 16,
    value: (p) => `${p.provinceCode} ${provinceNames.get(p.provinceCode) ?? ''}`.trim(),
  },
  {
    zh: '市场评价状态',
    en: 'evaluation_status',
    width: 12,
    value: (p) => `${evaluationLabels[p.evaluationStatus]} ${p.evaluationStatus}`,
  },
  { zh: '评价截止时间', en: 'evaluation_deadline', width: 22, value: (p) => p.evaluationDeadline ?? null },
  {
    zh: '评价数量',
    en: 'evaluation_count',
    width: 10,
    value: (p) => number(p.evaluationAggregate?.count),
  },
  {
    zh: '产业化前景均分',
    en: 'prospect_mean',
    width: 12,
    value: (p) => number(p.evaluationAggregate?.prospect?.mean),
  },
  {
    zh: '合作意向（评价）',
    en: 'cooperation_intents',
    width: 24,
    value: (p) => counts(p.evaluationAggregate?.cooperationIntents, cooperationIntentLabels),
  },
  {
    zh: '技术改进需求',
    en: 'improvement_needs',
    width: 24,
    value: (p) => counts(p.evaluationAggregate?.improvementNeeds, improvementCategoryLabels),
  },
  { zh: '更新时间', en: 'updated_at', width: 22, value: (p) => p.updatedAt },
];

/** Text that a spreadsheet program could read as a formula gets a leading apostrophe. */
const safe = (cell: Cell): Cell => (typeof cell === 'string' ? neutralizeFormula(cell) : cell);

export interface PoolExportDeps {
  pool: PoolStore;
  now: () => Date;
  /** Overrides exportLimits (tests). */
  limits?: { maxRows: number; maxBytes: number; readLimit: number; maxMs: number };
}

export interface PoolExport {
  fileName: string;
  asciiFileName: string;
  xlsx: Buffer;
  rows: number;
}

const tooLarge = (what: string, province: string) =>
  new PayloadTooLargeError(
    `The conversion pool of province ${province} is too large for one spreadsheet (${what}). Fetch it through the feed instead: GET /v1/pool?province=${province}, following nextCursor.`,
  );

/**
 * Reads the province's conversion pool in index order (institution, application number) straight into
 * the workbook. A Chinese header row, then an English one (the template's aliases), then one row per
 * patent; the header rows are frozen.
 */
export async function exportPool(
  deps: PoolExportDeps,
  caller: Caller,
  query: PoolExportQuery,
): Promise<PoolExport> {
  const province = poolProvince(caller, query.province);
  const limits = deps.limits ?? exportLimits;
  const started = deps.now().getTime();
  const { workbook, bytes, done } = workbookInMemory();
  workbook.creator = 'patent-revitalization';
  workbook.created = deps.now();
  const sheet = workbook.addWorksheet(poolSheetName, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.columns = exportColumns.map((column, i) => ({ key: `c${i}`, width: column.width }));
  const bold = { bold: true };
  const zh = sheet.addRow(exportColumns.map((column) => column.zh));
  zh.font = bold;
  zh.commit();
  const en = sheet.addRow(exportColumns.map((column) => column.en));
  en.font = { italic: true, color: { argb: 'FF666666' } };
  en.commit();

  let rows = 0;
  let startKey: StoreKey | undefined;
  const today = chinaDate(deps.now());
  do {
    const page = await deps.pool.readPage(province, undefined, startKey, limits.readLimit);
    for (const { patent } of page.items) {
      // A patent that left the pool (withdrawn, lapsed, transferred ...) is not in the spreadsheet.
      if (removal(patent, today)) continue;
      rows += 1;
      if (rows > limits.maxRows) throw tooLarge(`more than ${limits.maxRows} patents`, province);
      const view = toPoolPatent(patent);
      sheet.addRow(exportColumns.map((column) => safe(column.value(view)))).commit();
    }
    // Compressed bytes arrive as the zip fills: stop early rather than build what cannot be sent.
    if (bytes() > limits.maxBytes) throw tooLarge(`over ${limits.maxBytes} bytes of XLSX`, province);
    startKey = page.lastKey;
    if (startKey && deps.now().getTime() - started > limits.maxMs)
      throw tooLarge(`not read within ${limits.maxMs / 1000} s`, province);
  } while (startKey);
  sheet.commit();
  const xlsx = await done();
  if (bytes() > limits.maxBytes) throw tooLarge(`over ${limits.maxBytes} bytes of XLSX`, province);

  const date = chinaDate(deps.now());
  const provinceName = provinceNames.get(province) ?? province;
  return {
    fileName: `专利转化资源库-${provinceName}-${date}.xlsx`,
    asciiFileName: `conversion-pool-${province}-${date}.xlsx`,
    xlsx,
    rows,
  };
}

/**
 * Quarterly monitoring metrics (Work Plan, 监测评价): the quarter type, the metric definitions (one
 * place: docs/metrics.md is generated from `metricDefinitions` and a unit test fails when it is stale)
 * and the computed figures of one quarter for one scope, which the quarterly report renders.
 *
 * Quarters are calendar quarters in China time (Asia/Shanghai, UTC+8 all year): `2025Q4` runs from
 * 2025-10-01 00:00 to 2025-12-31 24:00 China time.
 */
import * as z from 'zod';
import { chinaDate, chinaOffsetMs } from './china-date.ts';

// ------------------------------------------------------------------------------------------ quarter

export type Quarter = `${number}Q${1 | 2 | 3 | 4}`;
export const quarterPattern = /^(\d{4})Q([1-4])$/;

/** The quarter of an instant (ISO date-time or Date) in China; a bare YYYY-MM-DD is taken as a China date. */
export function quarterOf(at: Date | string): Quarter {
  const date = typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : chinaDate(at);
  const month = Number(date.slice(5, 7));
  return `${Number(date.slice(0, 4))}Q${Math.ceil(month / 3) as 1 | 2 | 3 | 4}` as Quarter;
}

export function quarterParts(quarter: Quarter): { year: number; q: 1 | 2 | 3 | 4 } {
  const match = quarterPattern.exec(quarter);
  if (!match) throw new Error(`not a quarter: ${quarter}`);
  return { year: Number(match[1]), q: Number(match[2]) as 1 | 2 | 3 | 4 };
}

/** Quarters since year 0 (a total order): 2025Q1 -> 8100. */
export const quarterIndex = (quarter: Quarter) => {
  const { year, q } = quarterParts(quarter);
  return year * 4 + (q - 1);
};
export const quarterFromIndex = (index: number): Quarter =>
  `${Math.floor(index / 4)}Q${((index % 4) + 1) as 1 | 2 | 3 | 4}` as Quarter;
export const addQuarters = (quarter: Quarter, n: number): Quarter =>
  quarterFromIndex(quarterIndex(quarter) + n);
export const previousQuarter = (quarter: Quarter): Quarter => addQuarters(quarter, -1);
export const sameQuarterLastYear = (quarter: Quarter): Quarter => addQuarters(quarter, -4);
export const compareQuarters = (a: Quarter, b: Quarter) => quarterIndex(a) - quarterIndex(b);
/** The quarters from `from` to `to`, both included (empty when from > to). */
export function quartersBetween(from: Quarter, to: Quarter): Quarter[] {
  const out: Quarter[] = [];
  for (let i = quarterIndex(from); i <= quarterIndex(to); i++) out.push(quarterFromIndex(i));
  return out;
}

/**
 * The first and last China date of a quarter, and the UTC instants it spans (start included, end
 * excluded).
 */
export function quarterBounds(quarter: Quarter): {
  firstDay: string;
  lastDay: string;
  start: string;
  endExclusive: string;
} {
  const { year, q } = quarterParts(quarter);
  const startMonth = (q - 1) * 3;
  const startUtc = Date.UTC(year, startMonth, 1) - chinaOffsetMs;
  const endUtc = Date.UTC(year, startMonth + 3, 1) - chinaOffsetMs;
  return {
    firstDay: new Date(Date.UTC(year, startMonth, 1)).toISOString().slice(0, 10),
    lastDay: new Date(Date.UTC(year, startMonth + 3, 0)).toISOString().slice(0, 10),
    start: new Date(startUtc).toISOString(),
    endExclusive: new Date(endUtc).toISOString(),
  };
}

/** The last quarter that has ended at `now` (what the quarterly schedule reports on). */
export const lastEndedQuarter = (now: Date): Quarter => previousQuarter(quarterOf(now));

/**
 * Checks a quarter string: the form YYYYQn with n 1-4, and not in the future (the current quarter is
 * accepted, with the figures so far). The messages say what to send instead, in Chinese and English.
 */
export function checkQuarter(
  value: string,
  now: Date = new Date(),
): { ok: true; quarter: Quarter } | { ok: false; message: string } {
  const text = value.trim().toUpperCase();
  const match = quarterPattern.exec(text);
  if (!match) {
    const loose = /^(\d{4})Q(\d+)$/.exec(text);
    const hint = loose
      ? `a year has quarters 1-4 only (${loose[1]}Q${loose[2]} does not exist)`
      : 'use the form YYYYQn, e.g. 2025Q4';
    return {
      ok: false,
      message: `季度 "${value}" 无效：请使用 YYYYQn 格式（n 为 1-4），如 2025Q4 / "${value}" is not a quarter: ${hint}; send e.g. 2025Q4.`,
    };
  }
  const quarter = text as Quarter;
  const current = quarterOf(now);
  if (compareQuarters(quarter, current) > 0) {
    return {
      ok: false,
      message: `季度 ${quarter} 尚未开始（当前为 ${current}）/ ${quarter} has not started yet (China time it is ${current}): ask for ${current} or an earlier quarter.`,
    };
  }
  return { ok: true, quarter };
}

/** A quarter in a request (path or query): the form and "not in the future" are checked (400). */
export const quarterSchema = z
  .string()
  .transform((value, context) => {
    const checked = checkQuarter(value);
    if (!checked.ok) {
      context.addIssue({ code: 'custom', message: checked.message });
      return z.NEVER;
    }
    return checked.quarter;
  })
  .meta({
    description: 'Calendar quarter in China time, YYYYQn (n 1-4); not in the future',
    example: '2025Q4',
  });

// ------------------------------------------------------------------------------------------- scope

/**
 * ministry: the institutions a supervising ministry supervises, in every province (Work Plan 二（一）2
 * 责任分工: 教育部、科技部、工业和信息化部、农业农村部、国家卫生健康委、中国科学院 "依职责做好所属高校和科研机构
 * ……督促指导工作"), or `unassigned`: the institutions with no supervising department recorded (they are
 * reported there, never dropped). Local institutions (地方所属) are reported by their province.
 */
export const metricScopeLevels = ['national', 'province', 'ministry', 'institution'] as const;
export type MetricScopeLevel = (typeof metricScopeLevels)[number];

export const metricScopeSchema = z.discriminatedUnion('level', [
  z.object({ level: z.literal('national') }),
  z.object({ level: z.literal('province'), provinceCode: z.string() }),
  z.object({
    level: z.literal('ministry'),
    ministry: z
      .string()
      .meta({ description: "A supervising ministry (schemas/supervision.ts) or 'unassigned'" }),
  }),
  z.object({ level: z.literal('institution'), provinceCode: z.string(), institutionUscc: z.string() }),
]);
export type MetricScope = z.infer<typeof metricScopeSchema>;

// -------------------------------------------------------------------------------------- definitions

/** Units: patents or events counted, 10,000 CNY (万元), a share 0-1, days. */
export const metricUnits = ['count', 'wan-cny', 'ratio', 'days'] as const;
export type MetricUnit = (typeof metricUnits)[number];
/**
 * flow: events in the quarter (by the China date of the event); stock: the state at the end of the
 * quarter; ratio: stock / stock at the end of the quarter; median: over the events of the quarter.
 */
export const metricKinds = ['flow', 'stock', 'ratio', 'median'] as const;
export type MetricKind = (typeof metricKinds)[number];

export interface MetricDefinition {
  id: string;
  zh: string;
  en: string;
  unit: MetricUnit;
  kind: MetricKind;
  scopes: readonly MetricScopeLevel[];
  /** How it is counted, precisely enough to recount it by hand. */
  counting: string;
}

const allScopes = metricScopeLevels;

/**
 * The metrics of the quarterly report, in report order. The rates follow CNIPA's 专利调查报告 (China
 * Patent Survey Report): 有效专利实施率 = 已实施的有效专利 / 有效专利, 有效专利产业化率 = 已产业化的有效专利 /
 * 有效专利, invention patents first (有效发明专利实施率 / 产业化率); declared statuses and recorded
 * transactions are counted apart (…Evidenced / …Declared). Coverage follows the Work Plan (国知发运字
 * 〔2024〕5号 二(一)1, 2023年底前授权的存量专利). "Valid" = legal status 有效, the patent neither withdrawn
 * nor expired in the pipeline and still the institution's (not assigned away). Flows are counted from the deal and product items of
 * functions/transfer (one per deal or product), its payment items (income received) and the pipeline
 * events of the patents, in the quarter of their date in China.
 */
export const metricDefinitions = [
  {
    id: 'assignmentRegistrations',
    zh: '转让登记',
    en: 'assignment registrations',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting:
      'deals of kind assignment or equity (the right passes to the company) whose registration was recorded (filingStatus filed), in the quarter of the filing date; one per deal',
  },
  {
    id: 'licenseFilings',
    zh: '许可合同备案',
    en: 'license-contract filings',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting:
      'license deals whose contract filing was recorded (filingStatus filed), in the quarter of the filing date; one per deal',
  },
  {
    id: 'licenseFilingsExclusive',
    zh: '许可合同备案（独占）',
    en: 'license-contract filings: exclusive',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting: 'licenseFilings of licenseType exclusive (独占许可)',
  },
  {
    id: 'licenseFilingsSole',
    zh: '许可合同备案（排他）',
    en: 'license-contract filings: sole',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting: 'licenseFilings of licenseType sole (排他许可)',
  },
  {
    id: 'licenseFilingsOrdinary',
    zh: '许可合同备案（普通）',
    en: 'license-contract filings: ordinary',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting: 'licenseFilings of licenseType ordinary (普通许可), or without a license type',
  },
  {
    id: 'licenseFilingsOpen',
    zh: '许可合同备案（开放许可）',
    en: 'license-contract filings: open license',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting: 'licenseFilings of licenseType open (licenses taken under an open license)',
  },
  {
    id: 'openLicenseDeclarations',
    zh: '开放许可声明',
    en: 'open-license declarations',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting: 'openLicenseDeclared pipeline events (one per patent declared)',
  },
  {
    id: 'openLicensesTaken',
    zh: '开放许可达成',
    en: 'open licenses taken',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting:
      'license deals taken under an open license (origin open-license or licenseType open), in the quarter recorded',
  },
  {
    id: 'equityDeals',
    zh: '作价入股',
    en: 'equity deals',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting: 'deals of kind equity (作价入股), in the quarter recorded',
  },
  {
    id: 'deals',
    zh: '转化交易数',
    en: 'deals',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting:
      'deal items (assignment, license, equity; one per deal whatever its number of patents), in the quarter recorded (createdAt)',
  },
  {
    id: 'dealValueWan',
    zh: '合同金额（万元）',
    en: 'contract value (10,000 CNY)',
    unit: 'wan-cny',
    kind: 'flow',
    scopes: allScopes,
    counting:
      "sum of the deals' fixed contract value (contractValueFen / 1,000,000), in the quarter recorded",
  },
  {
    id: 'incomeReceivedWan',
    zh: '到账收入（万元）',
    en: 'income received (10,000 CNY)',
    unit: 'wan-cny',
    kind: 'flow',
    scopes: allScopes,
    counting:
      "sum of the payments recorded against the deals (amountFen / 1,000,000), and of the payment an open license was taken with, in the quarter of their payment date (paidOn, China date): what arrived, where dealValueWan is what was agreed. 促进科技成果转化法 art. 44-45 ground the inventors' rewards on the net income (净收入) actually obtained from a transfer or license, hence counted from payments, not contract values; gross receipts as recorded (costs are not deducted here)",
  },
  {
    id: 'productFilings',
    zh: '专利密集型产品备案',
    en: 'patent-product filings',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting:
      'product items (专利密集型产品备案), in the quarter of their filing date; a product using patents of several institutions counts for each',
  },
  {
    id: 'newlyInventoried',
    zh: '新增盘点入库',
    en: 'newly inventoried',
    unit: 'count',
    kind: 'flow',
    scopes: allScopes,
    counting: 'patents whose inventory was approved (inventoriedAt) in the quarter',
  },
  {
    id: 'recordedPatents',
    zh: '存量专利（已登记）',
    en: 'patents recorded',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'patent items recorded by the institutions (any review or legal status), the stock to inventory',
  },
  {
    id: 'validPatents',
    zh: '有效专利',
    en: 'valid patents',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      "the institution's valid patents (CNIPA 专利调查报告: 有效专利 = patents in force at the survey date): legal status valid, neither withdrawn nor expired, and still the institution's: a recorded assignment or equity deal (作价入股) takes the patent out of the assignor's stock (as recorded today; from its registration date once that is recorded)",
  },
  {
    id: 'validInventionPatents',
    zh: '有效发明专利',
    en: 'valid invention patents',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'validPatents of type invention (发明; the type as recorded, else the type digit of the application number, ZC 0006-2003)',
  },
  {
    id: 'inventoriedPatents',
    zh: '已盘点入库',
    en: 'inventoried',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting: 'recorded patents whose inventory review is approved (any legal status)',
  },
  {
    id: 'conversionPool',
    zh: '转化资源库规模',
    en: 'conversion-pool size',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'patents screened into the conversion pool (poolStatus conversion), neither withdrawn nor expired',
  },
  {
    id: 'implementedPatents',
    zh: '已实施有效专利',
    en: 'implemented valid patents',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'implementedEvidenced + implementedDeclared: validPatents implemented by the institution or by others (self-implemented, licensed, industrialized) at the end of the quarter',
  },
  {
    id: 'implementedEvidenced',
    zh: '已实施（交易佐证）',
    en: 'implemented: evidenced',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'validPatents with a recorded transaction in force at the end of the quarter: a license (lifecycle licensed or filed) until its end date (exclusive and sole licenses carry it on the patent; an ordinary license, whose end date the patent does not carry yet, counts while the patent stays licensed), or a patent-product filing (lifecycle industrialized)',
  },
  {
    id: 'implementedDeclared',
    zh: '已实施（仅自报）',
    en: 'implemented: declared only',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'validPatents whose implementation status says implemented (已实施, self-implemented, licensed, assigned, equity, industrialized: declared by the institution in its inventory) without a recorded transaction in force',
  },
  {
    id: 'industrializedPatents',
    zh: '已产业化有效专利',
    en: 'industrialized valid patents',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting: 'industrializedEvidenced + industrializedDeclared',
  },
  {
    id: 'industrializedEvidenced',
    zh: '已产业化（产品备案佐证）',
    en: 'industrialized: evidenced',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting: 'validPatents with a patent-product filing (专利密集型产品备案; lifecycle industrialized)',
  },
  {
    id: 'industrializedDeclared',
    zh: '已产业化（仅自报）',
    en: 'industrialized: declared only',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'validPatents whose implementation status says industrialized (declared by the institution) without a product filing',
  },
  {
    id: 'evaluatedPoolPatents',
    zh: '已评价的转化资源库专利',
    en: 'pool patents evaluated',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting: 'conversionPool patents with at least one evaluation (an evaluation item exists)',
  },
  {
    id: 'fiveYearRulePatents',
    zh: '财政资助授权满五年未实施专利',
    en: 'publicly funded, granted over 5 years, never implemented',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'valid, publicly funded patents never implemented (no implemented status, no transaction) whose grant date is at least 5 years before the last day of the quarter (grant quarter <= quarter - 20)',
  },
  {
    id: 'inventionImplementationRate',
    zh: '有效发明专利实施率',
    en: 'implementation rate, invention patents',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting:
      "implemented valid invention patents / validInventionPatents: CNIPA's survey headline (专利调查报告: 有效发明专利实施率 = 已实施的有效发明专利 / 有效发明专利), evidenced and declared together (null while there is no valid invention patent)",
  },
  {
    id: 'utilityModelImplementationRate',
    zh: '有效实用新型专利实施率',
    en: 'implementation rate, utility models',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting:
      'implemented valid utility-model patents / valid utility-model patents (专利调查报告, by patent type; null while there is none)',
  },
  {
    id: 'designImplementationRate',
    zh: '有效外观设计专利实施率',
    en: 'implementation rate, designs',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting:
      'implemented valid design patents / valid design patents (专利调查报告, by patent type; null while there is none)',
  },
  {
    id: 'implementationRate',
    zh: '有效专利实施率',
    en: 'implementation rate, all types',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting:
      'implementedPatents / validPatents (专利调查报告: 有效专利实施率, all three types; null while there is no valid patent)',
  },
  {
    id: 'implementationRateEvidenced',
    zh: '有效专利实施率（交易佐证）',
    en: 'implementation rate: evidenced',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting: 'implementedEvidenced / validPatents',
  },
  {
    id: 'implementationRateDeclared',
    zh: '有效专利实施率（仅自报）',
    en: 'implementation rate: declared only',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting: 'implementedDeclared / validPatents (the two parts add up to implementationRate)',
  },
  {
    id: 'inventionIndustrializationRate',
    zh: '有效发明专利产业化率',
    en: 'industrialization rate, invention patents',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting:
      'industrialized valid invention patents / validInventionPatents (专利调查报告: 有效发明专利产业化率 = 已产业化的有效发明专利 / 有效发明专利; null while there is none)',
  },
  {
    id: 'utilityModelIndustrializationRate',
    zh: '有效实用新型专利产业化率',
    en: 'industrialization rate, utility models',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting:
      'industrialized valid utility-model patents / valid utility-model patents (null while there is none)',
  },
  {
    id: 'designIndustrializationRate',
    zh: '有效外观设计专利产业化率',
    en: 'industrialization rate, designs',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting: 'industrialized valid design patents / valid design patents (null while there is none)',
  },
  {
    id: 'industrializationRate',
    zh: '有效专利产业化率',
    en: 'industrialization rate, all types',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting:
      'industrializedPatents / validPatents (专利调查报告: 有效专利产业化率; null while there is no valid patent)',
  },
  {
    id: 'industrializationRateEvidenced',
    zh: '有效专利产业化率（产品备案佐证）',
    en: 'industrialization rate: evidenced',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting: 'industrializedEvidenced / validPatents',
  },
  {
    id: 'industrializationRateDeclared',
    zh: '有效专利产业化率（仅自报）',
    en: 'industrialization rate: declared only',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting: 'industrializedDeclared / validPatents (the two parts add up to industrializationRate)',
  },
  {
    id: 'stockPatents',
    zh: '盘点范围存量专利（2023年底前授权）',
    en: 'stock to inventory (granted by 2023-12-31)',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'validPatents granted by 2023-12-31 (Work Plan 二(一)1: 对本单位2023年底前授权的存量专利进行全面盘点; a patent without a grant date counts here)',
  },
  {
    id: 'stockInventoried',
    zh: '存量专利已盘点入库',
    en: 'stock inventoried',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting: 'stockPatents whose inventory review is approved',
  },
  {
    id: 'inventoryCoverage',
    zh: '盘点覆盖率',
    en: 'inventory coverage',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting:
      'stockInventoried / stockPatents: numerator and denominator over the valid stock granted by 2023-12-31 (Work Plan 一: 未转化有效专利盘点全覆盖); later grants are shown apart (incrementalCoverage); null while the stock is empty',
  },
  {
    id: 'incrementalPatents',
    zh: '增量专利（2024年起授权）',
    en: 'incremental patents (granted 2024 on)',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting:
      'validPatents granted on or after 2024-01-01 (Work Plan 二(一)1: 2024年及以后授权的专利，及时纳入盘点范围)',
  },
  {
    id: 'incrementalInventoried',
    zh: '增量专利已盘点',
    en: 'incremental inventoried',
    unit: 'count',
    kind: 'stock',
    scopes: allScopes,
    counting: 'incrementalPatents whose inventory review is approved',
  },
  {
    id: 'incrementalCoverage',
    zh: '增量专利盘点率',
    en: 'incremental coverage',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting: 'incrementalInventoried / incrementalPatents (no deadline: 及时纳入; null while there is none)',
  },
  {
    id: 'evaluationCoverage',
    zh: '评价覆盖率',
    en: 'evaluation coverage',
    unit: 'ratio',
    kind: 'ratio',
    scopes: allScopes,
    counting: 'evaluatedPoolPatents / conversionPool (null while the pool is empty)',
  },
  {
    id: 'medianDaysToFirstEvaluation',
    zh: '盘点至首次评价天数（中位数）',
    en: 'median days from inventory to first evaluation',
    unit: 'days',
    kind: 'median',
    scopes: allScopes,
    counting:
      'over the patents first evaluated in the quarter: China days from inventoriedAt to the first evaluation (histogram: exact to 60 days, then 7-day and 30-day buckets; the median is the lower bound of its bucket)',
  },
  {
    id: 'medianDaysToDeal',
    zh: '盘点至交易天数（中位数）',
    en: 'median days from inventory to deal',
    unit: 'days',
    kind: 'median',
    scopes: allScopes,
    counting:
      'over the patents with their first deal in the quarter: China days from inventoriedAt to the first dealRecorded event (same histogram)',
  },
] as const satisfies readonly MetricDefinition[];

export type MetricId = (typeof metricDefinitions)[number]['id'];
export const metricIds = metricDefinitions.map((definition) => definition.id) as MetricId[];
export const metricIdSchema = z.enum(metricIds as [MetricId, ...MetricId[]]);
export const metricById = new Map<MetricId, MetricDefinition>(
  metricDefinitions.map((definition) => [definition.id, definition]),
);

/**
 * The institution categories the Work Plan's deadlines name, from each institution's recorded
 * `pilotStatus` (schemas/supervision.ts): demonstration = 国家知识产权示范高校; pilot-demonstration =
 * 试点示范高校, pilot or demonstration; other = every other institution (status none or not recorded);
 * all. A figure computed without the statuses (a port that does not read them) shows every
 * institution of the scope for the first two and does not judge them.
 */
export const deadlineCategories = ['demonstration', 'pilot-demonstration', 'other', 'all'] as const;
export type DeadlineCategory = (typeof deadlineCategories)[number];
export const deadlineCategoryLabels: Record<DeadlineCategory, string> = {
  demonstration: '国家知识产权示范高校 national IP demonstration universities',
  'pilot-demonstration': '国家知识产权试点示范高校 national IP pilot and demonstration universities',
  other: '其他高校和科研机构 other universities and institutes',
  all: '全国高校和科研机构 all universities and institutes',
};
/** Categories judged only where the institutions' pilot / demonstration statuses are read. */
export const unrecordedCategories: readonly DeadlineCategory[] = ['demonstration', 'pilot-demonstration'];

export interface WorkPlanDeadline {
  id: string;
  date: string;
  category: DeadlineCategory;
  /** The figure the deadline is judged on. */
  measure: 'inventoryCoverage' | 'evaluationCoverage' | 'implementationRate';
  /** Percent the figure must reach; null where the Work Plan names no number (阶段性成效, 基本完成, 明显提高). */
  targetPercent: number | null;
  requirement: string;
  /** The clause of the Work Plan (国知发运字〔2024〕5号, /work/shared/reference/work-plan-zh.md), quoted. */
  clause: string;
}

/**
 * Every dated target of the Work Plan (国知发运字〔2024〕5号, 2024-01-26) the platform can measure, in date
 * order. Not measured here: the contact lists (2024-02-05) and provincial plans (2024年2月底前), the
 * expert pool (2024年4月底前) and the start of promotion (2024年6月底前, 全面启动推广): they are not
 * recorded on the platform.
 */
export const workPlanDeadlines: readonly WorkPlanDeadline[] = [
  {
    id: 'demonstration-staged',
    date: '2024-03-31',
    category: 'demonstration',
    measure: 'inventoryCoverage',
    targetPercent: null,
    requirement: '盘点入库取得阶段性成效 / staged results in inventory',
    clause: '二(一)3 进度安排：2024年3月底前，国家知识产权示范高校存量专利盘点入库工作应当取得阶段性成效',
  },
  {
    id: 'enterprise-evaluation-staged',
    date: '2024-04-30',
    category: 'all',
    measure: 'evaluationCoverage',
    targetPercent: null,
    requirement: '企业评价取得阶段性进展 / staged progress in enterprise evaluation',
    clause:
      '二(二)3 进度安排：2024年4月底前，完成专利评价专家库建设，各省（自治区、直辖市）可转化专利的企业评价工作取得阶段性进展',
  },
  {
    id: 'pilot-demonstration-complete',
    date: '2024-06-30',
    category: 'pilot-demonstration',
    measure: 'inventoryCoverage',
    targetPercent: 100,
    requirement: '完成全部存量专利盘点入库 / all stock inventoried',
    clause: '二(一)3 进度安排：2024年6月底前，国家知识产权试点示范高校完成全部存量专利盘点入库',
  },
  {
    id: 'others-30',
    date: '2024-06-30',
    category: 'other',
    measure: 'inventoryCoverage',
    targetPercent: 30,
    requirement: '完成30%以上存量专利盘点入库 / 30% of the stock inventoried',
    clause: '二(一)3 进度安排：2024年6月底前……其他高校和科研机构完成30%以上存量专利盘点入库',
  },
  {
    id: 'all-complete',
    date: '2024-12-31',
    category: 'all',
    measure: 'inventoryCoverage',
    targetPercent: 100,
    requirement: '完成全部存量专利盘点入库（未转化有效专利盘点全覆盖）/ all stock inventoried',
    clause:
      '二(一)3 进度安排：2024年底前，全国高校和科研机构完成全部存量专利盘点入库；一 总体要求：力争2024年底前，实现全国高校和科研机构未转化有效专利盘点全覆盖',
  },
  {
    id: 'enterprise-evaluation-complete',
    date: '2024-12-31',
    category: 'all',
    measure: 'evaluationCoverage',
    targetPercent: null,
    requirement: '可转化专利的企业评价工作基本完成 / enterprise evaluation basically complete',
    clause: '二(二)3 进度安排：2024年底，各地可转化专利的企业评价工作基本完成，并持续完善专利转化资源库',
  },
  {
    id: 'goal-2025',
    date: '2025-12-31',
    category: 'all',
    measure: 'implementationRate',
    targetPercent: null,
    requirement:
      '加速转化一批高价值专利，专利产业化率和实施率明显提高（与2023年底相比）/ rates clearly higher than at the end of 2023',
    clause: '一 总体要求：2025年底前，加速转化一批高价值专利……推动高校和科研机构专利产业化率和实施率明显提高',
  },
];

/**
 * The inventory deadlines that bind every institution (30% / 100%), for the coverage endpoint
 * (functions/patents/patent-queries.ts): the numeric inventory targets of the categories an
 * institution can be placed in today.
 */
export const inventoryDeadlines = workPlanDeadlines.flatMap((d) =>
  d.measure === 'inventoryCoverage' && d.targetPercent !== null && !unrecordedCategories.includes(d.category)
    ? [{ date: d.date, targetPercent: d.targetPercent, description: `${d.clause} / ${d.requirement}` }]
    : [],
);

/** The quarter whose end is the last quarter end on or before a date (a deadline is judged there). */
export function quarterEndingBy(date: string): Quarter {
  const quarter = quarterOf(date);
  return quarterBounds(quarter).lastDay === date ? quarter : previousQuarter(quarter);
}
/** The start the 2025 goal compares with: the end of 2023 (the stock date of the Work Plan). */
export const goalBaselineQuarter = '2023Q4' as Quarter;

/** Patents granted this many quarters (5 years) before the end of a quarter fall under the 5-year rule. */
export const fiveYearRuleQuarters = 20;

// ----------------------------------------------------------------------------------------- figures

export const figureSchema = z
  .object({
    value: z.number().nullable().meta({
      description: 'The value in the quarter; null where undefined (a ratio over 0, a median of no events)',
    }),
    previousQuarter: z.number().nullable().optional().meta({ description: 'The value one quarter earlier' }),
    previousYear: z.number().nullable().optional().meta({ description: 'The same quarter one year earlier' }),
    deltaQoQ: z.number().nullable().optional().meta({ description: 'value - previousQuarter' }),
    deltaYoY: z.number().nullable().optional().meta({ description: 'value - previousYear' }),
  })
  .meta({ id: 'MetricFigure' });
export type Figure = z.infer<typeof figureSchema>;

/** Every metric of one scope in one quarter. */
export const figuresSchema = z.record(metricIdSchema, figureSchema);
export type Figures = Record<MetricId, Figure>;

/** A row of the province or institution table: the values of the quarter only. */
export const figureRowSchema = z
  .object({
    code: z.string().meta({ description: 'Province code or institution USCC' }),
    name: z.string().optional().meta({ description: 'Province or institution name, when known' }),
    provinceCode: z.string().optional().meta({ description: 'Institution rows: its province' }),
    values: z.record(metricIdSchema, z.number().nullable()),
    previousQuarterValues: z.record(metricIdSchema, z.number().nullable()).optional(),
  })
  .meta({ id: 'MetricFigureRow' });
export type FigureRow = z.infer<typeof figureRowSchema>;

export const deadlineComplianceSchema = z
  .object({
    id: z.string(),
    date: z.iso.date(),
    category: z.enum(deadlineCategories),
    measure: metricIdSchema.meta({ description: 'The figure the deadline is judged on' }),
    target: z.number().min(0).max(1).nullable().meta({
      description:
        'The share to reach; null where the Work Plan names no number (阶段性成效, 基本完成, 明显提高)',
    }),
    description: z.string().meta({ description: 'The requirement, Chinese / English' }),
    clause: z.string().meta({ description: 'The Work Plan clause, quoted' }),
    passed: z.boolean().meta({ description: 'The deadline is on or before the last day of the quarter' }),
    at: z.iso.date().meta({
      description:
        'The date the value is taken at: the last quarter end on or before the deadline once it has passed, else the end of the report quarter (progress so far)',
    }),
    basis: z.enum(['snapshot', 'computed']).meta({
      description:
        'snapshot: read from the closed quarter of that date; computed: derived from the counters and their change log (no snapshot of that date)',
    }),
    coverage: z.number().nullable().meta({ description: 'The value of the measure at `at`' }),
    baseline: z.number().nullable().optional().meta({
      description: 'The 2025 goal: the same measure at the end of 2023, to compare with',
    }),
    met: z.boolean().nullable().meta({
      description:
        "Whether the category's institutions of the scope reach the target together at the deadline (their counters summed); null while not passed, without a numeric target, or when the statuses were not read",
    }),
    institutionsInCategory: z.number().int().nonnegative().optional().meta({
      description:
        "Institutions of the scope in the deadline's category (with counters), when the statuses were read; institutions without a recorded pilotStatus count as other",
    }),
    institutionsMeeting: z.number().int().nonnegative().meta({
      description: 'Institutions of the category (with stock) whose own value at `at` reaches the target',
    }),
    institutionsBehind: z.array(z.string()).meta({
      description: 'USCCs of institutions below the target at `at`, lowest first (at most 50)',
    }),
    institutionsBehindCount: z.number().int().nonnegative(),
    note: z
      .string()
      .optional()
      .meta({ description: 'How to read the row (basis, statuses not recorded, empty category)' }),
  })
  .meta({ id: 'DeadlineCompliance' });
export type DeadlineCompliance = z.infer<typeof deadlineComplianceSchema>;

export const anomalyCodes = [
  'NO_DATA',
  'BEHIND_DEADLINE',
  'DEALS_DROPPED',
  'STOCK_DECREASED',
  'FIVE_YEAR_RULE',
  'RECONCILIATION_DIFFERENCE',
  /** Spot-check correction requests open past their deadline (issue 14; functions/monitoring). */
  'CORRECTIONS_OVERDUE',
] as const;
export const anomalySchema = z
  .object({
    code: z.enum(anomalyCodes),
    scope: z.string().meta({ description: 'national, a province code or an institution USCC' }),
    metric: metricIdSchema.optional(),
    message: z.string().meta({ description: 'Chinese / English, for the report' }),
  })
  .meta({ id: 'MetricAnomaly' });
export type Anomaly = z.infer<typeof anomalySchema>;

export const quarterFiguresSchema = z
  .object({
    quarter: z.string().regex(quarterPattern),
    scope: metricScopeSchema,
    /** The quarter's first and last day in China. */
    period: z.object({ firstDay: z.iso.date(), lastDay: z.iso.date() }),
    complete: z.boolean().meta({ description: 'false while the quarter is still running (figures so far)' }),
    hasData: z.boolean().meta({
      description:
        'false when nothing was recorded in the scope by the end of the quarter: the report says so',
    }),
    figures: figuresSchema,
    provinces: z.array(figureRowSchema).optional().meta({
      description:
        "National and ministry scope: one row per province with data (the ministry's institutions there)",
    }),
    ministries: z.array(figureRowSchema).optional().meta({
      description:
        "National scope, when asked (the rankings): one row per supervising ministry with data, and 'unassigned' (institutions with no supervising department recorded); local institutions are in their province's row only",
    }),
    institutions: z
      .array(figureRowSchema)
      .optional()
      .meta({ description: 'National, province and ministry scope: one row per institution with data' }),
    deadlineCompliance: z.array(deadlineComplianceSchema),
    anomalies: z.array(anomalySchema),
    computedAt: z.iso.datetime(),
  })
  .meta({
    id: 'QuarterFigures',
    description: 'The figures of one quarter for one scope, with QoQ and YoY deltas',
  });
export type QuarterFigures = z.infer<typeof quarterFiguresSchema>;

// ---------------------------------------------------------------------------------- reconciliation

export const reconciliationSchema = z
  .object({
    runId: z.string(),
    at: z.iso.datetime(),
    quarter: z.string().meta({ description: 'The quarter in which gauge corrections are logged' }),
    patents: z.number().int().nonnegative(),
    items: z.number().int().nonnegative().meta({ description: 'Core items scanned' }),
    durationMs: z.number().nonnegative(),
    differenceCount: z.number().int().nonnegative(),
    provinces: z.array(z.string()).meta({ description: 'Provinces with a difference' }),
    differences: z
      .array(
        z.object({
          counterPartition: z
            .string()
            .meta({ description: 'The counter item: its partition (province, quarter ...)' }),
          counterKey: z.string().meta({ description: 'The counter item: its key within the partition' }),
          attribute: z.string(),
          stored: z.number(),
          recomputed: z.number(),
        }),
      )
      .meta({ description: 'The first 200 differences' }),
    corrected: z.boolean().meta({ description: 'The stored counters were set to the recomputed values' }),
  })
  .meta({ id: 'MetricsReconciliation' });
export const reconciliationListSchema = z
  .object({ items: z.array(reconciliationSchema) })
  .meta({ id: 'MetricsReconciliationList' });

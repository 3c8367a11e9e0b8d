/**
 * Rankings and assessment (issue 14, item 4): per province and per supervising ministry, the quarterly
 * indicators the Work Plan names for the assessment of each province's results, ranked, each with its
 * formula, and the anomalies worth a second look.
 *
 * Work Plan 三（四）加强监测评价: "国家知识产权局建立相关数据通报反馈机制，按季度统计专利转让登记、许可合同备案、
 * 专利实施率、专利产业化率、专利产品备案等数据，及时向国务院有关部门和各省级知识产权局反馈，并作为各省（自治区、
 * 直辖市）实施成效的重要评价指标"; 三（二）: the results are "专利转化运用专项行动绩效考核的重要内容，并作为中央
 * 财政资金支持的主要依据".
 *
 * The indicators use the evidenced figures (recorded transactions), never the self-declared ones:
 * schemas/metrics.ts defines implementedEvidenced as "validPatents with a recorded transaction in force
 * … a license … or a patent-product filing" and implementedDeclared as "implementation status says
 * implemented … declared by the institution in its inventory without a recorded transaction in force"
 * (industrializedEvidenced / industrializedDeclared likewise, on the 专利密集型产品备案). An assessment
 * that ranks provinces and steers central funds must rest on what a third party can check (the
 * registration, the filing, the product record), not on what the assessed institutions declare about
 * themselves; the declared share is shown beside it as an anomaly when it runs far ahead.
 */
import * as z from 'zod';
import { type MetricId, quarterPattern, quarterSchema } from './metrics.ts';

export const rankingKinds = ['province', 'ministry'] as const;
export type RankingKind = (typeof rankingKinds)[number];

export interface AssessmentIndicator {
  id: MetricId;
  zh: string;
  en: string;
  /** count: ranked by the number; ratio: numerator / denominator, not ranked over a zero denominator. */
  unit: 'count' | 'ratio';
  /** The formula as the tables print it (Chinese, English). */
  formula: string;
  /** Rates: the metric ids of the numerator and denominator (schemas/metrics.ts). */
  numerator?: MetricId;
  denominator?: MetricId;
  /** Where the indicator comes from. */
  source: string;
}

const clause = 'Work Plan 三（四）加强监测评价';

/**
 * The five indicators of 三（四）, in the Work Plan's order, each on its evidenced figure. Counts are
 * ranked as counted (the Work Plan states them as numbers: 按季度统计……数据); rates per valid patent as
 * CNIPA's 专利调查报告 defines them (有效专利实施率 / 产业化率).
 */
export const assessmentIndicators: readonly AssessmentIndicator[] = [
  {
    id: 'assignmentRegistrations',
    zh: '专利转让登记',
    en: 'assignment registrations',
    unit: 'count',
    formula:
      '本季度登记的转让（含作价入股）交易数 / deals of kind assignment or equity whose registration was recorded, by the quarter of the filing date',
    source: `${clause}: 专利转让登记; schemas/metrics.ts assignmentRegistrations`,
  },
  {
    id: 'licenseFilings',
    zh: '许可合同备案',
    en: 'license-contract filings',
    unit: 'count',
    formula:
      '本季度备案的许可合同数 / license deals whose contract filing was recorded, by the quarter of the filing date',
    source: `${clause}: 许可合同备案; schemas/metrics.ts licenseFilings`,
  },
  {
    id: 'implementationRateEvidenced',
    zh: '专利实施率（交易佐证）',
    en: 'implementation rate, evidenced',
    unit: 'ratio',
    formula:
      '季末有交易佐证的已实施有效专利 ÷ 季末有效专利 / implementedEvidenced ÷ validPatents at the end of the quarter (a license in force or a product filing)',
    numerator: 'implementedEvidenced',
    denominator: 'validPatents',
    source: `${clause}: 专利实施率; CNIPA 专利调查报告 有效专利实施率; schemas/metrics.ts implementationRateEvidenced`,
  },
  {
    id: 'industrializationRateEvidenced',
    zh: '专利产业化率（产品备案佐证）',
    en: 'industrialization rate, evidenced',
    unit: 'ratio',
    formula:
      '季末有专利密集型产品备案的有效专利 ÷ 季末有效专利 / industrializedEvidenced ÷ validPatents at the end of the quarter',
    numerator: 'industrializedEvidenced',
    denominator: 'validPatents',
    source: `${clause}: 专利产业化率; CNIPA 专利调查报告 有效专利产业化率; schemas/metrics.ts industrializationRateEvidenced`,
  },
  {
    id: 'productFilings',
    zh: '专利产品备案',
    en: 'patent-product filings',
    unit: 'count',
    formula:
      '本季度专利密集型产品备案数 / patent-intensive product filings, by the quarter of the filing date',
    source: `${clause}: 专利产品备案; schemas/metrics.ts productFilings`,
  },
];

/**
 * The anomaly rules (functions/metrics/rankings.ts applies them; docs/metrics.md "Rankings" explains
 * them). Thresholds are this project's choice, not the Work Plan's: they are here, in one place.
 */
export const anomalyRules = {
  /** A count at least this many times the previous quarter's … */
  jumpFactor: 2,
  /** … and at least this much above it (so 1 -> 3 does not flag). */
  jumpMinCountIncrease: 10,
  /** A rate up by at least this much (0.10 = 10 percentage points) … */
  jumpMinRateIncrease: 0.1,
  /** … with its numerator up by at least this many patents. */
  jumpMinNumeratorIncrease: 10,
  /** Declared-only patents at least this many times the evidenced ones … */
  declaredFactor: 3,
  /** … and at least this many patents. */
  declaredMinPatents: 20,
  /** Recorded transactions (the three counts together) in the previous quarter at least this many, none now. */
  gapMinPrevious: 5,
} as const;

export const rankingFlagCodes = ['SUDDEN_JUMP', 'DECLARED_WITHOUT_EVIDENCE', 'REPORTING_GAP'] as const;
export type RankingFlagCode = (typeof rankingFlagCodes)[number];

export const rankingFlagSchema = z
  .object({
    code: z.enum(rankingFlagCodes),
    indicator: z.string().optional().meta({ description: 'The indicator or metric the flag is about' }),
    reason: z.string().meta({ description: 'Why it is flagged and what to check, Chinese / English' }),
  })
  .meta({ id: 'RankingFlag' });
export type RankingFlag = z.infer<typeof rankingFlagSchema>;

export const rankingCellSchema = z
  .object({
    value: z.number().nullable().meta({ description: 'The value in the quarter; null when not ranked' }),
    previousQuarter: z.number().nullable(),
    rank: z
      .number()
      .int()
      .positive()
      .nullable()
      .meta({ description: 'Competition rank (1 2 2 4): equal values share a rank; null: not ranked' }),
    notRanked: z.string().optional().meta({ description: 'Why the scope is not ranked on this indicator' }),
  })
  .meta({ id: 'RankingCell' });
export type RankingCell = z.infer<typeof rankingCellSchema>;

const indicatorIds: ReadonlySet<string> = new Set(assessmentIndicators.map((indicator) => indicator.id));

export const rankingRowSchema = z
  .object({
    code: z.string().meta({ description: "Province code, a supervising ministry or 'unassigned'" }),
    name: z.string(),
    // Keyed by the indicators' ids only: a free string key could carry a storage attribute.
    cells: z
      .record(
        z.string().refine((key) => indicatorIds.has(key), 'an assessment indicator id'),
        rankingCellSchema,
      )
      .meta({ description: 'By indicator id' }),
    flags: z.array(rankingFlagSchema).meta({
      description:
        "The anomaly flags: every row's for national admins; only the caller's own row for province and ministry admins",
    }),
    own: z.boolean().optional().meta({ description: "The caller's own province or ministry" }),
  })
  .meta({ id: 'RankingRow' });
export type RankingRow = z.infer<typeof rankingRowSchema>;

export const rankingIndicatorSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    unit: z.enum(['count', 'ratio']),
    formula: z.string(),
    source: z.string(),
  })
  .meta({ id: 'RankingIndicator' });

export const rankingsSchema = z
  .object({
    quarter: z.string().regex(quarterPattern),
    by: z.enum(rankingKinds),
    complete: z.boolean().meta({ description: 'false while the quarter is still running (figures so far)' }),
    computedAt: z.iso.datetime(),
    basis: z.string().meta({ description: 'Why the evidenced figures, not the declared ones' }),
    indicators: z.array(rankingIndicatorSchema),
    rows: z.array(rankingRowSchema).meta({
      description:
        'One row per province (the 31 of the Work Plan; 台湾, 香港, 澳门 only with data) or per supervising ministry plus unassigned, in code order',
    }),
    rules: z.array(z.string()).meta({ description: 'The ranking and anomaly rules, as text' }),
  })
  .meta({ id: 'Rankings', description: 'The assessment indicators of a quarter, ranked' });
export type Rankings = z.infer<typeof rankingsSchema>;

export const rankingsQuerySchema = z.object({
  by: z.enum(rankingKinds).optional().meta({
    description:
      'province or ministry. Default: national admins province, province admins province, ministry admins ministry',
  }),
  scope: z.string().optional().meta({
    description:
      "Only this row (a province code, a ministry or 'unassigned'); province and ministry admins: their own only (another: 404)",
  }),
});
export const rankingsParamsSchema = z.object({ quarter: quarterSchema });

export const rankingBasis =
  '按交易佐证数据排名，不用自报数据 / Ranked on the evidenced figures (recorded registrations, filings and product records), never on the self-declared ones: schemas/metrics.ts counts implementedEvidenced as "a recorded transaction in force" and implementedDeclared as "declared by the institution in its inventory without a recorded transaction"; an assessment that steers central funds (Work Plan 三（二）) rests on what can be checked. The declared share is shown as a flag when it runs far ahead of the evidence.';

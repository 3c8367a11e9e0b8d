/**
 * Rankings and assessment (issue 14, item 4; schemas/rankings.ts says which indicators and why the
 * evidenced figures): pure functions over the national figures' province or ministry rows.
 *
 * Ranking: per indicator, highest value first; equal values share a rank (competition ranking, 1 2 2 4)
 * and are listed by code, so the same figures always give the same table. Not ranked (rank null, with
 * the reason): a scope with nothing recorded at the end of the quarter; on a rate, a scope with no valid
 * patent (a zero denominator is "not ranked", never 0 %); the `unassigned` group (institutions with no
 * supervising department: no body answers for them, they are shown for the national administrators to
 * assign). Flags (anomalyRules): a sudden jump quarter over quarter, declared far above the evidence,
 * a reporting gap.
 */
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { FigureRow, MetricId, QuarterFigures } from '../../schemas/metrics.ts';
import {
  anomalyRules,
  assessmentIndicators,
  type RankingCell,
  type RankingFlag,
  type RankingKind,
  type RankingRow,
  type Rankings,
  rankingBasis,
} from '../../schemas/rankings.ts';
import { ministryScopes, unassignedScope } from '../../schemas/report.ts';

type Values = Record<string, number | null | undefined>;

/** The scopes of a ranking, in code order: the GB/T 2260 provinces, or the ministries and unassigned. */
export function rankingScopes(by: RankingKind): string[] {
  return by === 'province' ? [...provinceNames.keys()].sort() : [...ministryScopes];
}

export function rankingScopeName(by: RankingKind, code: string): string {
  if (by === 'province') return provinceNames.get(code) ?? code;
  return code === unassignedScope ? '未指定主管部门 unassigned' : code;
}

const percent = (ratio: number) => `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`;
const show = (unit: 'count' | 'ratio', value: number) => (unit === 'ratio' ? percent(value) : String(value));
/** Ratios carry 4 decimals: compare them as integers of 1/10,000. */
const tenThousandths = (value: number) => Math.round(value * 10_000);

export const rankingRules: readonly string[] = [
  '排名：数值高者在前；数值相同者名次相同（1、2、2、4），按代码排列 / Rank: highest first; equal values share a rank (1 2 2 4), listed by code.',
  '不参与排名：季末无任何登记数据；比率指标分母（有效专利）为 0 时不计为 0%；“未指定主管部门”仅列示 / Not ranked: nothing recorded at the end of the quarter; on a rate, no valid patent (a zero denominator is not 0 %); "unassigned" is listed, not ranked.',
  `突增：计数指标不低于上季度的 ${anomalyRules.jumpFactor} 倍且增加不少于 ${anomalyRules.jumpMinCountIncrease}；比率指标上升不少于 ${anomalyRules.jumpMinRateIncrease * 100} 个百分点且分子增加不少于 ${anomalyRules.jumpMinNumeratorIncrease} 件 / Sudden jump: a count at least ${anomalyRules.jumpFactor}× the previous quarter's and up by ${anomalyRules.jumpMinCountIncrease} or more; a rate up by ${anomalyRules.jumpMinRateIncrease * 100} percentage points or more with its numerator up by ${anomalyRules.jumpMinNumeratorIncrease} patents or more.`,
  `自报无佐证：仅自报的已实施（已产业化）有效专利不少于 ${anomalyRules.declaredMinPatents} 件且不少于有佐证者的 ${anomalyRules.declaredFactor} 倍 / Declared without evidence: patents declared implemented (industrialized) without a recorded transaction number ${anomalyRules.declaredMinPatents} or more and at least ${anomalyRules.declaredFactor}× the evidenced ones.`,
  `填报中断：上季度转让登记、许可备案、产品备案合计不少于 ${anomalyRules.gapMinPrevious} 项，已结束的本季度为 0 / Reporting gap: ${anomalyRules.gapMinPrevious} or more registrations and filings in the previous quarter, none in this (ended) quarter.`,
];

/** The flags of one scope's row (values of the quarter and of the previous one). */
export function rankingFlags(
  values: Values,
  previous: Values,
  options: { quarter: string; complete: boolean },
): RankingFlag[] {
  const flags: RankingFlag[] = [];
  const now = (id: MetricId) => values[id] ?? null;
  const before = (id: MetricId) => previous[id] ?? null;
  for (const indicator of assessmentIndicators) {
    const value = now(indicator.id);
    if (value === null) continue;
    const label = `${indicator.zh} ${indicator.en}`;
    if (indicator.unit === 'count') {
      const was = before(indicator.id) ?? 0;
      if (value >= anomalyRules.jumpFactor * was && value - was >= anomalyRules.jumpMinCountIncrease)
        flags.push({
          code: 'SUDDEN_JUMP',
          indicator: indicator.id,
          reason: `${indicator.zh}由上季度 ${was} 增至 ${value}（+${value - was}）/ ${indicator.en} jumped from ${was} to ${value} in ${options.quarter} (+${value - was}: at least ${anomalyRules.jumpFactor}× and +${anomalyRules.jumpMinCountIncrease}): check for deals filed late in a batch or one deal split into many before relying on it.`,
        });
      continue;
    }
    // A rate: its rise and its numerator's (a previous zero denominator counts as 0 %).
    const was = before(indicator.id) ?? 0;
    const numerator = indicator.numerator!;
    const added = (now(numerator) ?? 0) - (before(numerator) ?? 0);
    if (
      tenThousandths(value) - tenThousandths(was) >= tenThousandths(anomalyRules.jumpMinRateIncrease) &&
      added >= anomalyRules.jumpMinNumeratorIncrease
    )
      flags.push({
        code: 'SUDDEN_JUMP',
        indicator: indicator.id,
        reason: `${indicator.zh}由上季度 ${percent(was)} 升至 ${percent(value)}（佐证专利 +${added} 件）/ ${label} rose from ${percent(was)} to ${percent(value)} in ${options.quarter} (+${added} evidenced patents): check the licenses and product filings recorded this quarter.`,
      });
  }
  for (const [declaredId, evidencedId, indicator, zh, en] of [
    ['implementedDeclared', 'implementedEvidenced', 'implementationRateEvidenced', '已实施', 'implemented'],
    [
      'industrializedDeclared',
      'industrializedEvidenced',
      'industrializationRateEvidenced',
      '已产业化',
      'industrialized',
    ],
  ] as const) {
    const declared = now(declaredId) ?? 0;
    const evidenced = now(evidencedId) ?? 0;
    if (declared >= anomalyRules.declaredMinPatents && declared >= anomalyRules.declaredFactor * evidenced)
      flags.push({
        code: 'DECLARED_WITHOUT_EVIDENCE',
        indicator,
        reason: `自报${zh}但无交易佐证的有效专利 ${declared} 件，有佐证者 ${evidenced} 件 / ${declared} valid patents declared ${en} without a recorded transaction, against ${evidenced} evidenced: ask the institutions to record the licenses, registrations or product filings, or to correct the implementation status in their inventory.`,
      });
  }
  const transactions = (read: (id: MetricId) => number | null) =>
    (read('assignmentRegistrations') ?? 0) + (read('licenseFilings') ?? 0) + (read('productFilings') ?? 0);
  const previousTransactions = transactions(before);
  if (options.complete && previousTransactions >= anomalyRules.gapMinPrevious && transactions(now) === 0)
    flags.push({
      code: 'REPORTING_GAP',
      reason: `上季度登记转让、许可备案和产品备案 ${previousTransactions} 项，本季度为 0 / ${previousTransactions} registrations and filings were recorded in the previous quarter, none in ${options.quarter}: check that the institutions still record their deals (Work Plan 三（一）: 及时准确填报相关数据).`,
    });
  return flags;
}

/** Why a scope is not ranked on an indicator, or undefined when it is. */
function notRankedReason(
  by: RankingKind,
  code: string,
  row: FigureRow | undefined,
  indicator: (typeof assessmentIndicators)[number],
): string | undefined {
  if (by === 'ministry' && code === unassignedScope)
    return '未指定主管部门，仅列示 / no supervising department recorded: listed, not ranked (assign one with PATCH /v1/institutions/{uscc})';
  if (!row || (row.values.recordedPatents ?? 0) === 0)
    return '季末无登记数据 / nothing recorded by the end of the quarter: not ranked';
  if (indicator.denominator && (row.values[indicator.denominator] ?? 0) === 0)
    return '无有效专利（分母为 0），不计为 0% / no valid patent (denominator 0): not ranked, not 0 %';
  return undefined;
}

/**
 * The ranking of a quarter by province or ministry, from the national figures (their `provinces` or
 * `ministries` rows; computeQuarterFigures with ministryRows for the latter).
 */
export function rankScopes(
  figures: Pick<QuarterFigures, 'quarter' | 'complete' | 'computedAt' | 'provinces' | 'ministries'>,
  by: RankingKind,
): Rankings {
  const source = (by === 'province' ? figures.provinces : figures.ministries) ?? [];
  const byCode = new Map(source.map((row) => [row.code, row]));
  // The Work Plan addresses the 31 provinces (各省、自治区、直辖市): 台湾, 香港, 澳门 (71/81/82) are listed
  // only when something is recorded there.
  const codes = rankingScopes(by).filter((code) => by === 'ministry' || code < '710000' || byCode.has(code));
  const cells = new Map<string, Record<string, RankingCell>>(codes.map((code) => [code, {}]));
  for (const indicator of assessmentIndicators) {
    const ranked: Array<{ code: string; value: number }> = [];
    for (const code of codes) {
      const row = byCode.get(code);
      const reason = notRankedReason(by, code, row, indicator);
      const value = row?.values[indicator.id] ?? null;
      const previousQuarter = row?.previousQuarterValues?.[indicator.id] ?? null;
      // `unassigned` is listed with its values (where they are defined), only not ranked.
      const listedOnly =
        by === 'ministry' &&
        code === unassignedScope &&
        (row?.values.recordedPatents ?? 0) > 0 &&
        !(indicator.denominator && (row?.values[indicator.denominator] ?? 0) === 0);
      if (reason !== undefined || value === null) {
        cells.get(code)![indicator.id] = {
          value: reason === undefined || listedOnly ? value : null,
          previousQuarter,
          rank: null,
          notRanked: reason ?? '无数值 / no value: not ranked',
        };
        continue;
      }
      ranked.push({ code, value });
      cells.get(code)![indicator.id] = { value, previousQuarter, rank: null };
    }
    const key = (v: number) => (indicator.unit === 'ratio' ? tenThousandths(v) : v);
    ranked.sort((a, b) => key(b.value) - key(a.value) || (a.code < b.code ? -1 : 1));
    ranked.forEach((entry, i) => {
      const first = ranked.findIndex((other) => key(other.value) === key(entry.value));
      cells.get(entry.code)![indicator.id]!.rank = (first === -1 ? i : first) + 1;
    });
  }
  const rows: RankingRow[] = codes.map((code) => {
    const row = byCode.get(code);
    return {
      code,
      name: rankingScopeName(by, code),
      cells: cells.get(code)!,
      flags: row
        ? rankingFlags(row.values, row.previousQuarterValues ?? {}, {
            quarter: figures.quarter,
            complete: figures.complete,
          })
        : [],
    };
  });
  return {
    quarter: figures.quarter,
    by,
    complete: figures.complete,
    computedAt: figures.computedAt,
    basis: rankingBasis,
    indicators: assessmentIndicators.map((i) => ({
      id: i.id,
      label: `${i.zh} ${i.en}`,
      unit: i.unit,
      formula: i.formula,
      source: i.source,
    })),
    rows,
    rules: [...rankingRules],
  };
}

/** A cell as the tables print it: "12 (#3)", "45.0% (#1)", or "—" with the reason elsewhere. */
export function cellText(unit: 'count' | 'ratio', cell: RankingCell | undefined): string {
  if (!cell || cell.value === null) return '—';
  const value = show(unit, cell.value);
  return cell.rank === null ? value : `${value} (#${cell.rank})`;
}

/**
 * From the computed figures of a scope (schemas/metrics.ts, QuarterFigures) to the report model the
 * renderers read: labels, formats, the headline figures with their deltas, deadline compliance, the
 * province and institution tables, the top and bottom institutions, anomalies and the chart series.
 */
import { provinceNames } from '../../schemas/codes/provinces.ts';
import {
  deadlineCategoryLabels,
  type FigureRow,
  type MetricId,
  type MetricUnit,
  metricDefinitions,
  type QuarterFigures,
} from '../../schemas/metrics.ts';
import {
  isMinistryScope,
  type MetricFormat,
  type ReportModel,
  type ReportRow,
  unassignedScope,
} from '../../schemas/report.ts';
import { rankScopes } from '../metrics/rankings.ts';

const formats: Record<MetricUnit, MetricFormat> = {
  count: 'count',
  'wan-cny': 'money',
  ratio: 'ratio',
  days: 'days',
};

/**
 * The figures of the email's first table, in this order: the Work Plan's quarterly figures first
 * (转让登记, 许可合同备案, 实施率, 产业化率, 专利产品备案: 三(四) 加强监测评价), the rates as CNIPA's survey
 * gives them (invention patents first), then coverage and the pipeline.
 */
export const headlineMetrics: readonly MetricId[] = [
  'assignmentRegistrations',
  'licenseFilings',
  'productFilings',
  'inventionImplementationRate',
  'implementationRate',
  'inventionIndustrializationRate',
  'industrializationRate',
  'validPatents',
  'validInventionPatents',
  'inventoryCoverage',
  'incrementalCoverage',
  'deals',
  'dealValueWan',
  'incomeReceivedWan',
  'openLicenseDeclarations',
  'openLicensesTaken',
  'equityDeals',
  'conversionPool',
  'evaluationCoverage',
  'medianDaysToFirstEvaluation',
  'medianDaysToDeal',
  'fiveYearRulePatents',
];

/**
 * What the two money figures rest on, said beside them: the contract value is what the contracts
 * agreed, the income what arrived (the payments recorded against the deals).
 */
export const headlineQualifiers: Partial<Record<MetricId, string>> = {
  dealValueWan: '合同约定 as agreed in the contracts',
  incomeReceivedWan: '以已登记的付款为据 evidenced by recorded payments',
};

/** The columns of the province and institution tables: what fits an A4 landscape page, readable. */
export const tableMetrics: readonly MetricId[] = [
  'validPatents',
  'inventionImplementationRate',
  'implementationRate',
  'implementationRateEvidenced',
  'implementationRateDeclared',
  'industrializationRate',
  'inventoryCoverage',
  'incrementalCoverage',
  'assignmentRegistrations',
  'licenseFilings',
  'productFilings',
  'deals',
];

/** Institutions are ranked by implementation rate (实施率), then deals; top and bottom five. */
export const rankingMetric: MetricId = 'implementationRate';
export const rankingSize = 5;
/** Province reports chart at most this many institutions (most deals and filings first). */
export const chartInstitutions = 15;

const definitionOf = (id: MetricId) => metricDefinitions.find((m) => m.id === id)!;
const label = (id: MetricId) => {
  const d = definitionOf(id);
  return `${d.zh} ${d.en}`;
};

export function scopeCode(figures: Pick<QuarterFigures, 'scope'>): string {
  const scope = figures.scope;
  return scope.level === 'national'
    ? 'national'
    : scope.level === 'ministry'
      ? scope.ministry
      : scope.provinceCode;
}

export function scopeName(scope: string): string {
  if (scope === 'national') return '全国 National';
  if (scope === unassignedScope) return '未指定主管部门 No supervising department recorded';
  if (isMinistryScope(scope)) return `${scope}所属单位 Institutions supervised by ${scope}`;
  return `${provinceNames.get(scope) ?? scope} ${scope}`;
}

const filings = (row: Pick<FigureRow, 'values'>) =>
  (row.values.assignmentRegistrations ?? 0) + (row.values.licenseFilings ?? 0);

function toRow(row: FigureRow, kind: 'province' | 'institution'): ReportRow {
  return {
    code: row.code,
    name: row.name ?? (kind === 'province' ? (provinceNames.get(row.code) ?? row.code) : row.code),
    ...(row.provinceCode ? { provinceCode: row.provinceCode } : {}),
    values: { ...row.values },
  };
}

export function buildReportModel(figures: QuarterFigures, generatedAt: string): ReportModel {
  const scope = scopeCode(figures);
  const provinces = (figures.provinces ?? []).map((r) => toRow(r, 'province'));
  const institutions = (figures.institutions ?? []).map((r) => toRow(r, 'institution'));

  const ranked = institutions
    .filter((r) => typeof r.values[rankingMetric] === 'number')
    .sort(
      (a, b) =>
        b.values[rankingMetric]! - a.values[rankingMetric]! ||
        (b.values.deals ?? 0) - (a.values.deals ?? 0) ||
        a.code.localeCompare(b.code),
    );
  const top = ranked.slice(0, rankingSize);
  const bottom = ranked.slice(Math.max(rankingSize, ranked.length - rankingSize)).reverse();

  const chartRows =
    scope === 'national'
      ? [...provinces].sort((a, b) => a.code.localeCompare(b.code))
      : [...institutions]
          .sort(
            (a, b) =>
              (b.values.deals ?? 0) + filings(b) - ((a.values.deals ?? 0) + filings(a)) ||
              a.code.localeCompare(b.code),
          )
          .slice(0, chartInstitutions);

  return {
    quarter: figures.quarter,
    scope,
    scopeName: scopeName(scope),
    generatedAt,
    period: figures.period,
    complete: figures.complete,
    cutOff: figures.computedAt,
    hasData: figures.hasData,
    columns: tableMetrics.map((id) => ({
      key: id,
      label: label(id),
      format: formats[definitionOf(id).unit],
    })),
    evidence: (
      [
        ['有效专利实施率 Implementation rate', 'implementationRate'],
        ['有效专利产业化率 Industrialization rate', 'industrializationRate'],
      ] as const
    ).map(([name, id]) => ({
      label: name,
      total: figures.figures[id]?.value ?? null,
      evidenced: figures.figures[`${id}Evidenced`]?.value ?? null,
      declared: figures.figures[`${id}Declared`]?.value ?? null,
    })),
    definitions: metricDefinitions.map((d) => ({ label: `${d.zh} ${d.en}`, counting: d.counting })),
    headline: headlineMetrics.map((id) => {
      const d = metricDefinitions.find((m) => m.id === id)!;
      const figure = figures.figures[id];
      const qualifier = headlineQualifiers[id];
      return {
        key: id,
        label: qualifier ? `${label(id)} · ${qualifier}` : label(id),
        format: formats[d.unit],
        value: figure?.value ?? null,
        qoq: figure?.deltaQoQ ?? null,
        yoy: figure?.deltaYoY ?? null,
      };
    }),
    compliance: figures.deadlineCompliance.map((c) => ({
      label: c.description,
      dueDate: c.date,
      category: deadlineCategoryLabels[c.category],
      measure: label(c.measure),
      clause: c.clause,
      target: c.target,
      actual: c.coverage,
      at: c.at,
      basis: c.basis,
      verdict: !c.passed ? 'not-due' : c.met === null ? 'not-judged' : c.met ? 'met' : 'behind',
      institutionsBehind: c.passed ? c.institutionsBehindCount : 0,
      ...(c.note ? { note: c.note } : {}),
    })),
    provinces,
    institutions,
    ranking: { key: rankingMetric, label: label(rankingMetric), top, bottom },
    anomalies: figures.anomalies.map((a) => a.message),
    // The assessment of 三（四）: the national report ranks the provinces, and the ministries when the
    // figures carry their rows (computed with ministryRows).
    ...(scope === 'national'
      ? {
          rankings: [
            rankScopes(figures, 'province'),
            ...(figures.ministries ? [rankScopes(figures, 'ministry')] : []),
          ],
        }
      : {}),
    chart: {
      title:
        scope === 'national'
          ? `各省交易与备案 Deals and filings per province ${figures.quarter}`
          : `各机构交易与备案 Deals and filings per institution ${figures.quarter}`,
      categories: chartRows.map((r) =>
        scope === 'national' ? (provinceNames.get(r.code) ?? r.name) : r.name,
      ),
      series: [
        { name: '交易 Deals', values: chartRows.map((r) => r.values.deals ?? 0) },
        { name: '转让与许可备案 Filings', values: chartRows.map(filings) },
      ],
    },
  };
}

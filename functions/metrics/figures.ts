/**
 * computeQuarterFigures: the figures of one quarter for one scope (national / province / institution),
 * with the previous quarter and the same quarter last year, read from the counter items only:
 * a province costs O(its institutions) items per quarter read, the nation O(provinces + institutions);
 * patents are never read. The quarterly report (functions/reports) renders the result.
 *
 * Stock at the end of quarter X = the gauges now - the gauge changes logged in the quarters after X,
 * so a report reads the NOW items and the quarter items from X - 4 up to the current quarter.
 */
import { provinceNames } from '../../schemas/codes/provinces.ts';
import {
  type Anomaly,
  addQuarters,
  compareQuarters,
  type DeadlineCompliance,
  type Figure,
  type FigureRow,
  fiveYearRuleQuarters,
  inventoryDeadlines,
  type MetricId,
  type MetricScope,
  metricIds,
  previousQuarter,
  type Quarter,
  type QuarterFigures,
  quarterBounds,
  quarterIndex,
  quarterOf,
  quartersBetween,
  sameQuarterLastYear,
} from '../../schemas/metrics.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { fundedGaugePrefix, histogramMedian } from './counters.ts';

// ------------------------------------------------------------------------------------------ ports

export interface CounterRow {
  provinceCode: string;
  institutionUscc: string;
  counters: Record<string, number>;
}

export interface ReconciliationSummary {
  at: string;
  differences: number;
  /** Province codes with a difference. */
  provinces: string[];
}

export interface MetricsReadPort {
  /** The counter items of one province: the gauges now ('now') or one quarter's item. */
  provinceItems(provinceCode: string, item: 'now' | Quarter): Promise<CounterRow[]>;
  /** One institution's item, if any. */
  institutionItem(provinceCode: string, uscc: string, item: 'now' | Quarter): Promise<CounterRow | undefined>;
  /** Institution names of a province (for the rows); optional. */
  institutionNames?(provinceCode: string): Promise<Map<string, string>>;
  /** The last reconciliation (recompute) and where it found differences; optional. */
  lastReconciliation?(): Promise<ReconciliationSummary | undefined>;
}

// ------------------------------------------------------------------------------------- raw figures

interface Raw {
  gauges: Record<string, number>;
  flows: Record<string, number>;
  histograms: { ttfe: Map<number, number>; ttd: Map<number, number> };
}
const emptyRaw = (): Raw => ({ gauges: {}, flows: {}, histograms: { ttfe: new Map(), ttd: new Map() } });

function addRaw(into: Raw, from: Raw) {
  for (const [k, v] of Object.entries(from.gauges)) into.gauges[k] = (into.gauges[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.flows)) into.flows[k] = (into.flows[k] ?? 0) + v;
  for (const name of ['ttfe', 'ttd'] as const)
    for (const [k, v] of from.histograms[name])
      into.histograms[name].set(k, (into.histograms[name].get(k) ?? 0) + v);
}

/** One institution at the end of quarter X (stock) and during X (flows, histograms). */
function rawAt(
  now: Record<string, number>,
  quarterItems: Map<Quarter, Record<string, number>>,
  x: Quarter,
  current: Quarter,
): Raw {
  const raw = emptyRaw();
  for (const [attribute, value] of Object.entries(now))
    if (attribute.startsWith('g.')) raw.gauges[attribute.slice(2)] = value;
  for (const q of quartersBetween(addQuarters(x, 1), current)) {
    for (const [attribute, value] of Object.entries(quarterItems.get(q) ?? {}))
      if (attribute.startsWith('g.'))
        raw.gauges[attribute.slice(2)] = (raw.gauges[attribute.slice(2)] ?? 0) - value;
  }
  for (const [attribute, value] of Object.entries(quarterItems.get(x) ?? {})) {
    if (attribute.startsWith('f.')) raw.flows[attribute.slice(2)] = value;
    else if (attribute.startsWith('h.')) {
      const [, name, bucket] = attribute.split('.');
      if (name === 'ttfe' || name === 'ttd') raw.histograms[name].set(Number(bucket), value);
    }
  }
  return raw;
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
const ratio = (numerator: number, denominator: number) =>
  denominator > 0 ? round4(numerator / denominator) : null;

/** Every metric's value from raw counters at the end of / during quarter X. */
export function metricValues(raw: Raw, x: Quarter): Record<MetricId, number | null> {
  const g = (name: string) => raw.gauges[name] ?? 0;
  const f = (name: string) => raw.flows[name] ?? 0;
  let fiveYear = 0;
  const limit = quarterIndex(x) - fiveYearRuleQuarters;
  for (const [name, value] of Object.entries(raw.gauges)) {
    if (!name.startsWith(fundedGaugePrefix)) continue;
    const grantQuarter = name.slice(fundedGaugePrefix.length) as Quarter;
    if (quarterIndex(grantQuarter) <= limit) fiveYear += value;
  }
  const values: Record<MetricId, number | null> = {
    assignmentRegistrations: f('assignmentRegistrations'),
    licenseFilings: f('licenseFilings'),
    licenseFilingsExclusive: f('licenseFilingsExclusive'),
    licenseFilingsSole: f('licenseFilingsSole'),
    licenseFilingsOrdinary: f('licenseFilingsOrdinary'),
    licenseFilingsOpen: f('licenseFilingsOpen'),
    openLicenseDeclarations: f('openLicenseDeclarations'),
    openLicensesTaken: f('openLicensesTaken'),
    equityDeals: f('equityDeals'),
    deals: f('deals'),
    dealValueWan: Math.round(f('dealValueWan') * 100) / 100,
    productFilings: f('productFilings'),
    newlyInventoried: f('newlyInventoried'),
    recordedPatents: g('recorded'),
    validPatents: g('valid'),
    inventoriedPatents: g('inventoried'),
    conversionPool: g('pool'),
    implementedPatents: g('implemented'),
    industrializedPatents: g('industrialized'),
    evaluatedPoolPatents: g('evaluated'),
    fiveYearRulePatents: fiveYear,
    implementationRate: ratio(g('implemented'), g('valid')),
    industrializationRate: ratio(g('industrialized'), g('valid')),
    inventoryCoverage: ratio(g('inventoried'), g('recorded')),
    evaluationCoverage: ratio(g('evaluated'), g('pool')),
    medianDaysToFirstEvaluation: histogramMedian(raw.histograms.ttfe),
    medianDaysToDeal: histogramMedian(raw.histograms.ttd),
  };
  return values;
}

const hasAnything = (raw: Raw) =>
  (raw.gauges.recorded ?? 0) > 0 || Object.values(raw.flows).some((value) => value !== 0);

function figure(value: number | null, previous: number | null, lastYear: number | null): Figure {
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : round4(a - b));
  return {
    value,
    previousQuarter: previous,
    previousYear: lastYear,
    deltaQoQ: delta(value, previous),
    deltaYoY: delta(value, lastYear),
  };
}

// ----------------------------------------------------------------------------------------- compute

export interface ComputeOptions {
  now?: Date;
  /** Parallel reads (default 16). */
  concurrency?: number;
  /** Leave out the per-institution rows (national scope of a large deployment). */
  institutionRows?: boolean;
}

async function pool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

interface InstitutionState {
  provinceCode: string;
  uscc: string;
  at: { q: Raw; prev: Raw; year: Raw };
}

/**
 * The figures of `quarter` for `scope`. Throws 400 for a future quarter; an institution or province
 * without counters gives figures with hasData false (a report that says there is nothing yet).
 */
export async function computeQuarterFigures(
  port: MetricsReadPort,
  quarter: Quarter,
  scope: MetricScope,
  options: ComputeOptions = {},
): Promise<QuarterFigures> {
  const now = options.now ?? new Date();
  const current = quarterOf(now);
  if (compareQuarters(quarter, current) > 0) {
    throw new ValidationError(
      `季度 ${quarter} 尚未开始（当前为 ${current}）/ ${quarter} has not started yet (China time it is ${current}): ask for ${current} or an earlier quarter.`,
      [{ in: 'path', field: 'quarter', message: 'future quarter' }],
    );
  }
  if (scope.level !== 'national' && !provinceNames.has(scope.provinceCode)) {
    throw new NotFoundError(
      `No province ${scope.provinceCode}: use a GB/T 2260 province code such as 110000.`,
    );
  }
  const prev = previousQuarter(quarter);
  const year = sameQuarterLastYear(quarter);
  const quarters = quartersBetween(year, current);
  const provinces = scope.level === 'national' ? [...provinceNames.keys()].sort() : [scope.provinceCode];

  // Reads: per province, the NOW items and one item set per quarter from year to current.
  const reads = provinces.flatMap((code) => (['now', ...quarters] as const).map((item) => ({ code, item })));
  const concurrency = options.concurrency ?? 16;
  const results = await pool(reads, concurrency, async ({ code, item }) => {
    if (scope.level === 'institution') {
      const row = await port.institutionItem(code, scope.institutionUscc, item);
      return { item, rows: row ? [row] : [] };
    }
    return { item, rows: await port.provinceItems(code, item) };
  });
  const byInstitution = new Map<
    string,
    { provinceCode: string; now: Record<string, number>; quarters: Map<Quarter, Record<string, number>> }
  >();
  for (const { item, rows } of results) {
    for (const row of rows) {
      const key = row.institutionUscc;
      const entry = byInstitution.get(key) ?? {
        provinceCode: row.provinceCode,
        now: {},
        quarters: new Map(),
      };
      if (item === 'now') entry.now = row.counters;
      else entry.quarters.set(item, row.counters);
      byInstitution.set(key, entry);
    }
  }
  const institutions: InstitutionState[] = [...byInstitution.entries()]
    .map(([uscc, entry]) => ({
      uscc,
      provinceCode: entry.provinceCode,
      at: {
        q: rawAt(entry.now, entry.quarters, quarter, current),
        prev: rawAt(entry.now, entry.quarters, prev, current),
        year: rawAt(entry.now, entry.quarters, year, current),
      },
    }))
    .filter((state) => hasAnything(state.at.q) || hasAnything(state.at.prev) || hasAnything(state.at.year))
    .sort((a, b) => (a.provinceCode + a.uscc < b.provinceCode + b.uscc ? -1 : 1));

  const total = { q: emptyRaw(), prev: emptyRaw(), year: emptyRaw() };
  const byProvince = new Map<string, { q: Raw; prev: Raw; year: Raw }>();
  for (const state of institutions) {
    const p = byProvince.get(state.provinceCode) ?? { q: emptyRaw(), prev: emptyRaw(), year: emptyRaw() };
    for (const when of ['q', 'prev', 'year'] as const) {
      addRaw(total[when], state.at[when]);
      addRaw(p[when], state.at[when]);
    }
    byProvince.set(state.provinceCode, p);
  }

  const values = metricValues(total.q, quarter);
  const previousValues = metricValues(total.prev, prev);
  const yearValues = metricValues(total.year, year);
  const figures = Object.fromEntries(
    metricIds.map((id) => [id, figure(values[id], previousValues[id], yearValues[id])]),
  ) as Record<MetricId, Figure>;

  const names = new Map<string, string>();
  if (port.institutionNames && scope.level !== 'institution' && options.institutionRows !== false) {
    const codes = [...new Set(institutions.map((state) => state.provinceCode))];
    for (const map of await pool(codes, concurrency, (code) => port.institutionNames!(code)))
      for (const [uscc, name] of map) names.set(uscc, name);
  }
  const institutionRows: FigureRow[] = institutions.map((state) => ({
    code: state.uscc,
    ...(names.has(state.uscc) ? { name: names.get(state.uscc) } : {}),
    provinceCode: state.provinceCode,
    values: metricValues(state.at.q, quarter),
    previousQuarterValues: metricValues(state.at.prev, prev),
  }));
  const provinceRows: FigureRow[] = [...byProvince.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, raws]) => ({
      code,
      name: provinceNames.get(code),
      values: metricValues(raws.q, quarter),
      previousQuarterValues: metricValues(raws.prev, prev),
    }));

  const scopeLabel =
    scope.level === 'national'
      ? 'national'
      : scope.level === 'province'
        ? scope.provinceCode
        : scope.institutionUscc;
  const bounds = quarterBounds(quarter);
  const hasData = hasAnything(total.q);
  const deadlineCompliance = compliance(values.inventoryCoverage, total.q, institutionRows, bounds.lastDay);
  const anomalies = hasData
    ? findAnomalies(
        scopeLabel,
        quarter,
        values,
        previousValues,
        deadlineCompliance,
        await port.lastReconciliation?.(),
        provinces,
      )
    : [
        {
          code: 'NO_DATA' as const,
          scope: scopeLabel,
          message: `${quarter} 本范围内尚无数据 / nothing was recorded in this scope by the end of ${quarter}.`,
        },
      ];

  return {
    quarter,
    scope,
    period: { firstDay: bounds.firstDay, lastDay: bounds.lastDay },
    complete: compareQuarters(quarter, current) < 0,
    hasData,
    figures,
    ...(scope.level === 'national' ? { provinces: provinceRows } : {}),
    ...(scope.level !== 'institution' && options.institutionRows !== false
      ? { institutions: institutionRows }
      : {}),
    deadlineCompliance,
    anomalies,
    computedAt: now.toISOString(),
  };
}

function compliance(
  coverage: number | null,
  raw: Raw,
  rows: FigureRow[],
  lastDay: string,
): DeadlineCompliance[] {
  return inventoryDeadlines.map((deadline) => {
    const recorded = raw.gauges.recorded ?? 0;
    const inventoried = raw.gauges.inventoried ?? 0;
    const withPatents = rows.filter((row) => (row.values.recordedPatents ?? 0) > 0);
    const meets = (row: FigureRow) =>
      (row.values.inventoriedPatents ?? 0) * 100 >=
      deadline.targetPercent * (row.values.recordedPatents ?? 0);
    const behind = withPatents
      .filter((row) => !meets(row))
      .sort(
        (a, b) =>
          (a.values.inventoryCoverage ?? 0) - (b.values.inventoryCoverage ?? 0) || (a.code < b.code ? -1 : 1),
      );
    return {
      date: deadline.date,
      target: deadline.targetPercent / 100,
      description: deadline.description,
      passed: deadline.date <= lastDay,
      coverage,
      // Integer comparison: 3 of 10 meets 30% exactly.
      met: recorded > 0 && inventoried * 100 >= deadline.targetPercent * recorded,
      institutionsMeeting: withPatents.length - behind.length,
      institutionsBehind: behind.slice(0, 50).map((row) => row.code),
      institutionsBehindCount: behind.length,
    };
  });
}

function findAnomalies(
  scope: string,
  quarter: Quarter,
  values: Record<MetricId, number | null>,
  previous: Record<MetricId, number | null>,
  deadlines: DeadlineCompliance[],
  reconciliation: ReconciliationSummary | undefined,
  provinces: string[],
): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const deadline of deadlines) {
    if (deadline.passed && deadline.institutionsBehindCount > 0) {
      anomalies.push({
        code: 'BEHIND_DEADLINE',
        scope,
        metric: 'inventoryCoverage',
        message: `${deadline.institutionsBehindCount} 家单位未达到 ${deadline.date} 盘点目标 ${deadline.target * 100}% / ${deadline.institutionsBehindCount} institution(s) below the ${deadline.target * 100}% inventory target of ${deadline.date}.`,
      });
    }
  }
  const deals = values.deals ?? 0;
  const dealsBefore = previous.deals ?? 0;
  if (dealsBefore >= 4 && deals * 2 <= dealsBefore) {
    anomalies.push({
      code: 'DEALS_DROPPED',
      scope,
      metric: 'deals',
      message: `交易数由上季度 ${dealsBefore} 降至 ${deals} / deals fell from ${dealsBefore} to ${deals} in ${quarter}.`,
    });
  }
  for (const metric of ['recordedPatents', 'inventoriedPatents'] as const) {
    const now = values[metric] ?? 0;
    const before = previous[metric] ?? 0;
    if (now < before) {
      anomalies.push({
        code: 'STOCK_DECREASED',
        scope,
        metric,
        message: `${metric} 较上季度减少 ${before - now} / ${metric} decreased by ${before - now} since the previous quarter.`,
      });
    }
  }
  if ((values.fiveYearRulePatents ?? 0) > 0) {
    anomalies.push({
      code: 'FIVE_YEAR_RULE',
      scope,
      metric: 'fiveYearRulePatents',
      message: `${values.fiveYearRulePatents} 件财政资助专利授权满五年未实施 / ${values.fiveYearRulePatents} publicly funded patent(s) granted over 5 years ago were never implemented (GET /v1/monitoring/unimplemented-funded).`,
    });
  }
  if (
    reconciliation &&
    reconciliation.differences > 0 &&
    reconciliation.provinces.some((p) => provinces.includes(p))
  ) {
    anomalies.push({
      code: 'RECONCILIATION_DIFFERENCE',
      scope,
      message: `最近一次重算（${reconciliation.at}）发现并更正了 ${reconciliation.differences} 处计数差异 / the last recompute (${reconciliation.at}) found and corrected ${reconciliation.differences} counter difference(s).`,
    });
  }
  return anomalies;
}

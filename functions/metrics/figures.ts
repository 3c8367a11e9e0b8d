/**
 * computeQuarterFigures: the figures of one quarter for one scope (national / province / institution),
 * with the previous quarter and the same quarter last year, read from the counter items only:
 * a province costs O(its institutions) items per quarter read, the nation O(provinces + institutions);
 * patents are never read. The quarterly report (functions/reports) renders the result.
 *
 * A closed quarter X (functions/metrics/quarter-close.ts) has one snapshot item per institution
 * (`S#<X>#PROV#<code>` / `INST#<USCC>`: stock at the end of X, flows of X, the institution's medians)
 * and one per province (`PROV`: the merged histograms of X): the report of Q reads exactly the snapshots
 * of Q, Q - 1 and Q - 4, a fixed number of bounded items per institution whatever the activity.
 * A quarter not closed yet (the current one, or a past one before its close ran) is derived from the
 * counters: stock at the end of X = the gauges now - the gauge changes logged in the quarters after X,
 * so it reads the NOW items and the quarter items from X up to the current quarter. Both give the same
 * figures (test/unit/metrics-property.test.ts).
 */
import { provinceNames } from '../../schemas/codes/provinces.ts';
import {
  type Anomaly,
  addQuarters,
  compareQuarters,
  type DeadlineCategory,
  type DeadlineCompliance,
  type Figure,
  type FigureRow,
  fiveYearRuleQuarters,
  goalBaselineQuarter,
  type MetricId,
  type MetricScope,
  metricIds,
  previousQuarter,
  type Quarter,
  type QuarterFigures,
  quarterBounds,
  quarterEndingBy,
  quarterIndex,
  quarterOf,
  quartersBetween,
  sameQuarterLastYear,
  unrecordedCategories,
  workPlanDeadlines,
} from '../../schemas/metrics.ts';
import type { PilotStatus, SupervisionGroup } from '../../schemas/supervision.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import {
  flows,
  fromMark,
  fundedGaugePrefix,
  gauges,
  histogramMedian,
  histograms,
  untilMark,
} from './counters.ts';

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

/** A quarter's snapshot items of one province (or one institution of it). */
export interface QuarterSnapshot {
  /** false: the quarter is not closed for this province (no `PROV` item): derive it from the counters. */
  closed: boolean;
  rows: CounterRow[];
  /** The province's merged histograms of the quarter (`h.<histogram>.<bucket>`). */
  histograms: Record<string, number>;
}

export interface MetricsReadPort {
  /** The snapshot items of a closed quarter (`S#<quarter>#PROV#<code>`); optional. */
  snapshotItems?(provinceCode: string, quarter: Quarter): Promise<QuarterSnapshot>;
  /** One institution's snapshot of a closed quarter (and whether the province's quarter is closed). */
  institutionSnapshot?(provinceCode: string, uscc: string, quarter: Quarter): Promise<QuarterSnapshot>;
  /** The counter items of one province: the gauges now ('now') or one quarter's item. */
  provinceItems(provinceCode: string, item: 'now' | Quarter): Promise<CounterRow[]>;
  /** One institution's item, if any. */
  institutionItem(provinceCode: string, uscc: string, item: 'now' | Quarter): Promise<CounterRow | undefined>;
  /** Institution names of a province (for the rows); optional. */
  institutionNames?(provinceCode: string): Promise<Map<string, string>>;
  /** The last reconciliation (recompute) and where it found differences; optional. */
  lastReconciliation?(): Promise<ReconciliationSummary | undefined>;
  /**
   * The supervision group of each institution of a province (a ministry's name, 'local' or
   * 'unassigned'; schemas/supervision.ts supervisionGroupOf): needed for a ministry scope only. An
   * institution with counters and no entry is 'unassigned'.
   */
  supervisionGroups?(provinceCode: string): Promise<Map<string, SupervisionGroup>>;
  /**
   * The pilot / demonstration status of each institution of a province that recorded one
   * (schemas/supervision.ts): the Work Plan deadlines of those categories are judged on their
   * institutions. Optional: without it those deadlines are shown for every institution, not judged.
   */
  pilotStatuses?(provinceCode: string): Promise<Map<string, PilotStatus>>;
}

/** Whether an institution of `status` is in a deadline category (absent or none: other). */
export function inDeadlineCategory(category: DeadlineCategory, status: PilotStatus | undefined): boolean {
  switch (category) {
    case 'demonstration':
      return status === 'demonstration';
    case 'pilot-demonstration':
      return status === 'pilot' || status === 'demonstration';
    case 'other':
      return status !== 'pilot' && status !== 'demonstration';
    case 'all':
      return true;
  }
}

// ------------------------------------------------------------------------------------- raw figures

export interface Raw {
  gauges: Record<string, number>;
  flows: Record<string, number>;
  histograms: { ttfe: Map<number, number>; ttd: Map<number, number> };
  /** From a snapshot: the 5-year-rule count at the end of the quarter (instead of the `fu.` gauges). */
  fiveYear?: number;
  /** From a snapshot: the institution's medians (its histograms are in the province item). */
  medians?: { ttfe: number | null; ttd: number | null };
}
export const emptyRaw = (): Raw => ({
  gauges: {},
  flows: {},
  histograms: { ttfe: new Map(), ttd: new Map() },
});

/** Sums gauges, flows and 5-year counts (histograms are merged separately: addHistograms). */
function addRaw(into: Raw, from: Raw) {
  for (const [k, v] of Object.entries(from.gauges)) into.gauges[k] = (into.gauges[k] ?? 0) + v;
  for (const [k, v] of Object.entries(from.flows)) into.flows[k] = (into.flows[k] ?? 0) + v;
  if (from.fiveYear !== undefined) into.fiveYear = (into.fiveYear ?? 0) + from.fiveYear;
}

function addHistograms(into: Raw, from: Raw['histograms']) {
  for (const name of ['ttfe', 'ttd'] as const)
    for (const [k, v] of from[name]) into.histograms[name].set(k, (into.histograms[name].get(k) ?? 0) + v);
}

/** `h.<histogram>.<bucket>` attributes -> histograms. */
export function histogramsOf(counters: Record<string, number>): Raw['histograms'] {
  const result: Raw['histograms'] = { ttfe: new Map(), ttd: new Map() };
  for (const [attribute, value] of Object.entries(counters)) {
    if (!attribute.startsWith('h.')) continue;
    const [, name, bucket] = attribute.split('.');
    if (name === 'ttfe' || name === 'ttd') result[name].set(Number(bucket), value);
  }
  return result;
}

/** A snapshot item's counters -> the institution's raw figures at the end of / during its quarter. */
export function rawFromSnapshot(counters: Record<string, number>): Raw {
  const raw = emptyRaw();
  raw.fiveYear = counters['s.fiveYear'] ?? 0;
  raw.medians = { ttfe: counters['m.ttfe'] ?? null, ttd: counters['m.ttd'] ?? null };
  for (const [attribute, value] of Object.entries(counters)) {
    if (attribute.startsWith('g.')) raw.gauges[attribute.slice(2)] = value;
    else if (attribute.startsWith('f.')) raw.flows[attribute.slice(2)] = value;
  }
  return raw;
}

/** Five-year-rule patents at the end of X from the `fu.<grant quarter>` gauges. */
function fiveYearOf(gauges: Record<string, number>, x: Quarter): number {
  let fiveYear = 0;
  const limit = quarterIndex(x) - fiveYearRuleQuarters;
  for (const [name, value] of Object.entries(gauges)) {
    if (!name.startsWith(fundedGaugePrefix)) continue;
    const grantQuarter = name.slice(fundedGaugePrefix.length) as Quarter;
    if (quarterIndex(grantQuarter) <= limit) fiveYear += value;
  }
  return fiveYear;
}

/**
 * The gauges at the end of X: a time-bounded gauge (`<gauge>@<Q>`: until Q, `<gauge>^<Q>`: from Q on;
 * counters.ts) is added to its gauge when it counts at the end of X. Resolved gauges resolve to
 * themselves (a snapshot holds resolved gauges).
 */
export function resolveGauges(raw: Record<string, number>, x: Quarter): Record<string, number> {
  const resolved: Record<string, number> = {};
  const add = (name: string, value: number) => {
    resolved[name] = (resolved[name] ?? 0) + value;
  };
  for (const [name, value] of Object.entries(raw)) {
    const until = name.indexOf(untilMark);
    const from = name.indexOf(fromMark);
    if (until > 0) {
      if (compareQuarters(x, name.slice(until + 1) as Quarter) < 0) add(name.slice(0, until), value);
    } else if (from > 0) {
      if (compareQuarters(x, name.slice(from + 1) as Quarter) >= 0) add(name.slice(0, from), value);
    } else add(name, value);
  }
  return resolved;
}

/**
 * A derived raw (rawAt) -> the attributes of its snapshot item: every gauge and flow (zeros included:
 * a fixed set), the 5-year count and the medians (left out while null).
 */
export function snapshotCounters(raw: Raw, x: Quarter): Record<string, number> {
  const counters: Record<string, number> = {};
  const resolved = resolveGauges(raw.gauges, x);
  for (const gauge of gauges) counters[`g.${gauge}`] = resolved[gauge] ?? 0;
  for (const flow of flows) counters[`f.${flow}`] = raw.flows[flow] ?? 0;
  for (const [name, value] of Object.entries(raw.flows)) counters[`f.${name}`] = value;
  counters['s.fiveYear'] = fiveYearOf(raw.gauges, x);
  for (const name of histograms) {
    const median = histogramMedian(raw.histograms[name]);
    if (median !== null) counters[`m.${name}`] = median;
  }
  return counters;
}

/** One institution at the end of quarter X (stock) and during X (flows, histograms). */
export function rawAt(
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
  const item = quarterItems.get(x) ?? {};
  for (const [attribute, value] of Object.entries(item))
    if (attribute.startsWith('f.')) raw.flows[attribute.slice(2)] = value;
  raw.histograms = histogramsOf(item);
  return raw;
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
const ratio = (numerator: number, denominator: number) =>
  denominator > 0 ? round4(numerator / denominator) : null;

/** Every metric's value from raw counters at the end of / during quarter X. */
export function metricValues(raw: Raw, x: Quarter): Record<MetricId, number | null> {
  const resolved = resolveGauges(raw.gauges, x);
  const g = (name: string) => resolved[name] ?? 0;
  const f = (name: string) => raw.flows[name] ?? 0;
  // Derived raws carry `fu.` gauges, snapshot raws the count: a sum of both kinds carries both.
  const fiveYear = fiveYearOf(raw.gauges, x) + (raw.fiveYear ?? 0);
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
    incomeReceivedWan: Math.round(f('incomeReceivedWan') * 100) / 100,
    productFilings: f('productFilings'),
    newlyInventoried: f('newlyInventoried'),
    recordedPatents: g('recorded'),
    validPatents: g('valid'),
    validInventionPatents: g('validInvention'),
    inventoriedPatents: g('inventoried'),
    conversionPool: g('pool'),
    implementedPatents: g('implemented'),
    implementedEvidenced: g('implementedEvidenced'),
    implementedDeclared: g('implementedDeclared'),
    industrializedPatents: g('industrialized'),
    industrializedEvidenced: g('industrializedEvidenced'),
    industrializedDeclared: g('industrializedDeclared'),
    evaluatedPoolPatents: g('evaluated'),
    fiveYearRulePatents: fiveYear,
    inventionImplementationRate: ratio(g('implementedInvention'), g('validInvention')),
    utilityModelImplementationRate: ratio(g('implementedUtilityModel'), g('validUtilityModel')),
    designImplementationRate: ratio(g('implementedDesign'), g('validDesign')),
    implementationRate: ratio(g('implemented'), g('valid')),
    implementationRateEvidenced: ratio(g('implementedEvidenced'), g('valid')),
    implementationRateDeclared: ratio(g('implementedDeclared'), g('valid')),
    inventionIndustrializationRate: ratio(g('industrializedInvention'), g('validInvention')),
    utilityModelIndustrializationRate: ratio(g('industrializedUtilityModel'), g('validUtilityModel')),
    designIndustrializationRate: ratio(g('industrializedDesign'), g('validDesign')),
    industrializationRate: ratio(g('industrialized'), g('valid')),
    industrializationRateEvidenced: ratio(g('industrializedEvidenced'), g('valid')),
    industrializationRateDeclared: ratio(g('industrializedDeclared'), g('valid')),
    stockPatents: g('base'),
    stockInventoried: g('baseInventoried'),
    inventoryCoverage: ratio(g('baseInventoried'), g('base')),
    incrementalPatents: g('incremental'),
    incrementalInventoried: g('incrementalInventoried'),
    incrementalCoverage: ratio(g('incrementalInventoried'), g('incremental')),
    evaluationCoverage: ratio(g('evaluated'), g('pool')),
    medianDaysToFirstEvaluation: raw.medians ? raw.medians.ttfe : histogramMedian(raw.histograms.ttfe),
    medianDaysToDeal: raw.medians ? raw.medians.ttd : histogramMedian(raw.histograms.ttd),
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
  /**
   * National scope: add one row per supervising ministry and `unassigned` (the rankings by ministry,
   * functions/metrics/rankings.ts); needs the supervisionGroups port. Local institutions (地方所属) are
   * in their province's row only.
   */
  ministryRows?: boolean;
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
  /** By when: q, prev, year, and `d:<quarter>` for the deadline dates. */
  at: Record<string, Raw>;
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
  if (scope.level !== 'national' && scope.level !== 'ministry' && !provinceNames.has(scope.provinceCode)) {
    throw new NotFoundError(
      `No province ${scope.provinceCode}: use a GB/T 2260 province code such as 110000.`,
    );
  }
  const prev = previousQuarter(quarter);
  const year = sameQuarterLastYear(quarter);
  // A ministry's institutions are in every province: it reads what the nation reads, then keeps its own.
  const provinces =
    scope.level === 'national' || scope.level === 'ministry'
      ? [...provinceNames.keys()].sort()
      : [scope.provinceCode];
  let member: ((uscc: string) => boolean) | undefined;
  if (scope.level === 'ministry') {
    if (!port.supervisionGroups) throw new Error('a ministry scope needs the supervisionGroups port');
    const groups = new Map<string, SupervisionGroup>();
    for (const map of await pool(provinces, options.concurrency ?? 16, (code) =>
      port.supervisionGroups!(code),
    ))
      for (const [uscc, group] of map) groups.set(uscc, group);
    // No supervision recorded, or no institution item at all: 'unassigned' (reported, never dropped).
    member = (uscc) => (groups.get(uscc) ?? 'unassigned') === scope.ministry;
  }

  const concurrency = options.concurrency ?? 16;
  // The deadlines passed by the end of the quarter are judged at their date (the last quarter end on
  // or before it): those quarters are read too, and the end of 2023 for the 2025 goal.
  const lastDay = quarterBounds(quarter).lastDay;
  const deadlineQuarters = new Set<Quarter>();
  for (const deadline of workPlanDeadlines) {
    if (deadline.date > lastDay) continue;
    deadlineQuarters.add(quarterEndingBy(deadline.date));
    if (deadline.id === 'goal-2025') deadlineQuarters.add(goalBaselineQuarter);
  }
  const targets: Record<string, Quarter> = { q: quarter, prev, year };
  const targetOf = (when: string): Quarter => targets[when] as Quarter;
  for (const x of deadlineQuarters) targets[`d:${x}`] = x;
  const whens = Object.keys(targets);
  type When = string;
  const emptyAt = () => Object.fromEntries(whens.map((when) => [when, emptyRaw()])) as Record<string, Raw>;

  // 1. The snapshots of the closed quarters (every quarter before the current one may be closed).
  const snapshotReads = provinces.flatMap((code) =>
    whens.filter((when) => compareQuarters(targetOf(when), current) < 0).map((when) => ({ code, when })),
  );
  const snapshotPort =
    scope.level === 'institution'
      ? port.institutionSnapshot &&
        ((code: string, x: Quarter) => port.institutionSnapshot!(code, scope.institutionUscc, x))
      : port.snapshotItems && ((code: string, x: Quarter) => port.snapshotItems!(code, x));
  const snapshots = snapshotPort
    ? await pool(snapshotReads, concurrency, async ({ code, when }) => ({
        code,
        when,
        snapshot: await snapshotPort(code, targetOf(when)),
      }))
    : [];
  const closed = new Map<string, QuarterSnapshot>();
  for (const { code, when, snapshot } of snapshots)
    if (snapshot.closed) closed.set(`${code}|${when}`, snapshot);

  // 2. The rest is derived from the counters: NOW and the quarter items from the earliest such X on.
  const derivedReads = provinces.flatMap((code) => {
    const open = whens.filter((when) => !closed.has(`${code}|${when}`)).map((when) => targetOf(when));
    if (!open.length) return [];
    const from = open.reduce((a, b) => (compareQuarters(a, b) <= 0 ? a : b));
    return (['now', ...quartersBetween(from, current)] as const).map((item) => ({ code, item }));
  });
  const results = await pool(derivedReads, concurrency, async ({ code, item }) => {
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
  const states = new Map<string, InstitutionState>();
  const stateOf = (uscc: string, provinceCode: string) => {
    const state = states.get(uscc) ?? { uscc, provinceCode, at: emptyAt() };
    states.set(uscc, state);
    return state;
  };
  // Histograms per province and quarter: of every institution (medians of the aggregates).
  const provinceHistograms = new Map<string, Raw['histograms']>();
  for (const [uscc, entry] of byInstitution) {
    if (member && !member(uscc)) continue;
    for (const when of whens) {
      if (closed.has(`${entry.provinceCode}|${when}`)) continue;
      const raw = rawAt(entry.now, entry.quarters, targetOf(when), current);
      stateOf(uscc, entry.provinceCode).at[when] = raw;
      const merged = provinceHistograms.get(`${entry.provinceCode}|${when}`) ?? {
        ttfe: new Map(),
        ttd: new Map(),
      };
      addHistograms({ ...emptyRaw(), histograms: merged }, raw.histograms);
      provinceHistograms.set(`${entry.provinceCode}|${when}`, merged);
    }
  }
  for (const [key, snapshot] of closed) {
    const when = key.slice(key.indexOf('|') + 1) as When;
    for (const row of snapshot.rows) {
      if (member && !member(row.institutionUscc)) continue;
      stateOf(row.institutionUscc, row.provinceCode).at[when] = rawFromSnapshot(row.counters);
    }
    // A snapshot keeps the province's merged histograms, not each institution's: a ministry scope has
    // no median for a closed quarter (null), rather than one that counts other institutions.
    if (!member) provinceHistograms.set(key, histogramsOf(snapshot.histograms));
  }
  const institutions: InstitutionState[] = [...states.values()]
    // Any quarter read: an institution with stock only at a deadline's date counts there too.
    .filter((state) => whens.some((when) => hasAnything(state.at[when]!)))
    .sort((a, b) => (a.provinceCode + a.uscc < b.provinceCode + b.uscc ? -1 : 1));

  const total = emptyAt();
  const byProvince = new Map<string, Record<string, Raw>>();
  for (const state of institutions) {
    const p = byProvince.get(state.provinceCode) ?? emptyAt();
    for (const when of whens) {
      addRaw(total[when]!, state.at[when]!);
      addRaw(p[when]!, state.at[when]!);
    }
    byProvince.set(state.provinceCode, p);
  }
  for (const [key, merged] of provinceHistograms) {
    const [code, when] = key.split('|') as [string, When];
    addHistograms(total[when]!, merged);
    const p = byProvince.get(code);
    if (p) addHistograms(p[when]!, merged);
  }
  if (scope.level === 'institution') {
    // A closed quarter carries the institution's medians (its histograms are not in the snapshot).
    const state = states.get(scope.institutionUscc);
    for (const when of whens) if (state?.at[when]?.medians) total[when]!.medians = state.at[when]!.medians;
  }

  const values = metricValues(total.q!, quarter);
  const previousValues = metricValues(total.prev!, prev);
  const yearValues = metricValues(total.year!, year);
  const figures = Object.fromEntries(
    metricIds.map((id) => [id, figure(values[id], previousValues[id], yearValues[id])]),
  ) as Record<MetricId, Figure>;

  let ministryRows: FigureRow[] | undefined;
  if (scope.level === 'national' && options.ministryRows) {
    if (!port.supervisionGroups) throw new Error('ministry rows need the supervisionGroups port');
    const groups = new Map<string, SupervisionGroup>();
    for (const map of await pool(provinces, concurrency, (code) => port.supervisionGroups!(code)))
      for (const [uscc, group] of map) groups.set(uscc, group);
    const byMinistry = new Map<string, Record<string, Raw>>();
    for (const state of institutions) {
      // No supervision recorded, or no institution item at all: 'unassigned' (reported, never dropped).
      const group = groups.get(state.uscc) ?? 'unassigned';
      if (group === 'local') continue;
      const m = byMinistry.get(group) ?? emptyAt();
      for (const when of ['q', 'prev']) addRaw(m[when]!, state.at[when]!);
      byMinistry.set(group, m);
    }
    ministryRows = [...byMinistry.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, raws]) => ({
        code,
        values: metricValues(raws.q!, quarter),
        previousQuarterValues: metricValues(raws.prev!, prev),
      }));
  }

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
    values: metricValues(state.at.q!, quarter),
    previousQuarterValues: metricValues(state.at.prev!, prev),
  }));
  const provinceRows: FigureRow[] = [...byProvince.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, raws]) => ({
      code,
      name: provinceNames.get(code),
      values: metricValues(raws.q!, quarter),
      previousQuarterValues: metricValues(raws.prev!, prev),
    }));

  const scopeLabel =
    scope.level === 'national'
      ? 'national'
      : scope.level === 'ministry'
        ? scope.ministry
        : scope.level === 'province'
          ? scope.provinceCode
          : scope.institutionUscc;
  const bounds = quarterBounds(quarter);
  const hasData = hasAnything(total.q!);
  // A deadline's basis: the snapshot when the quarter of its date is closed for every province read.
  const basisOf = (x: Quarter): 'snapshot' | 'computed' =>
    provinces.every((code) => closed.has(`${code}|${x === quarter ? 'q' : `d:${x}`}`))
      ? 'snapshot'
      : 'computed';
  // The pilot / demonstration statuses, for the deadlines of those categories (one query a province).
  let statuses: Map<string, PilotStatus> | undefined;
  if (port.pilotStatuses) {
    statuses = new Map();
    const codes = [...new Set(institutions.map((state) => state.provinceCode))];
    for (const map of await pool(codes, concurrency, (code) => port.pilotStatuses!(code)))
      for (const [uscc, status] of map) statuses.set(uscc, status);
  }
  const categories = statuses && {
    members: (category: DeadlineCategory, uscc: string) => inDeadlineCategory(category, statuses.get(uscc)),
    count: (category: DeadlineCategory) =>
      institutions.filter((state) => inDeadlineCategory(category, statuses.get(state.uscc))).length,
    unrecorded: institutions.filter((state) => !statuses.has(state.uscc)).length,
    valuesAt: (category: DeadlineCategory, x: Quarter | undefined) => {
      const when = x === undefined ? 'q' : `d:${x}`;
      const sum = emptyRaw();
      for (const state of institutions)
        if (inDeadlineCategory(category, statuses.get(state.uscc))) addRaw(sum, state.at[when]!);
      return metricValues(sum, x ?? quarter);
    },
  };
  const deadlineCompliance = compliance({
    quarter,
    lastDay: bounds.lastDay,
    ...(categories ? { categories } : {}),
    values,
    valuesAt: (x) => metricValues(total[`d:${x}`]!, x),
    institutionsAt: (x) =>
      institutions.map((state) => ({ code: state.uscc, values: metricValues(state.at[`d:${x}`]!, x) })),
    institutionsNow: institutionRows,
    basisOf,
  });
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
    ...(scope.level === 'national' || scope.level === 'ministry' ? { provinces: provinceRows } : {}),
    ...(ministryRows ? { ministries: ministryRows } : {}),
    ...(scope.level !== 'institution' && options.institutionRows !== false
      ? { institutions: institutionRows }
      : {}),
    deadlineCompliance,
    anomalies,
    computedAt: now.toISOString(),
  };
}

interface ComplianceInput {
  quarter: Quarter;
  lastDay: string;
  values: Record<MetricId, number | null>;
  valuesAt: (x: Quarter) => Record<MetricId, number | null>;
  institutionsAt: (x: Quarter) => Array<Pick<FigureRow, 'code' | 'values'>>;
  institutionsNow: Array<Pick<FigureRow, 'code' | 'values'>>;
  basisOf: (x: Quarter) => 'snapshot' | 'computed';
  /** The deadline categories' institutions and summed figures, when the statuses were read. */
  categories?: {
    members: (category: DeadlineCategory, uscc: string) => boolean;
    count: (category: DeadlineCategory) => number;
    /** Institutions with counters and no recorded status (counted as other). */
    unrecorded: number;
    /** The category's figures at a deadline's quarter, or at the report quarter (undefined). */
    valuesAt: (category: DeadlineCategory, x: Quarter | undefined) => Record<MetricId, number | null>;
  };
}

/** The stock a measure is a share of, for an institution row: it is judged only when it has one. */
const denominators = {
  inventoryCoverage: 'stockPatents',
  evaluationCoverage: 'conversionPool',
  implementationRate: 'validPatents',
} as const satisfies Record<string, MetricId>;

/**
 * Every Work Plan deadline (schemas/metrics.ts workPlanDeadlines): a passed one is judged at its date
 * (the last quarter end on or before it: the closed quarter's snapshot, else computed from the
 * counters, said in `basis`); one still ahead shows the progress at the end of the report quarter.
 */
function compliance(input: ComplianceInput): DeadlineCompliance[] {
  return workPlanDeadlines.map((deadline) => {
    const passed = deadline.date <= input.lastDay;
    const x = passed ? quarterEndingBy(deadline.date) : input.quarter;
    // A category's deadline is judged on its institutions alone, their counters summed (the statuses read).
    const categories = deadline.category === 'all' ? undefined : input.categories;
    const values = categories
      ? categories.valuesAt(deadline.category, passed ? x : undefined)
      : passed
        ? input.valuesAt(x)
        : input.values;
    const rows = (passed ? input.institutionsAt(x) : input.institutionsNow).filter(
      (row) => !categories || categories.members(deadline.category, row.code),
    );
    const inCategory = input.categories?.count(deadline.category);
    const value = values[deadline.measure];
    const target = deadline.targetPercent === null ? null : deadline.targetPercent / 100;
    const unrecorded = unrecordedCategories.includes(deadline.category) && !input.categories;
    // A category without institutions in the scope has nothing to judge (a province without 示范高校).
    const judged = target !== null && !unrecorded && !(categories && inCategory === 0);
    const withStock = rows.filter((row) => (row.values[denominators[deadline.measure]] ?? 0) > 0);
    // Integer-safe comparison: ratios carry 4 decimals, targets whole percents.
    const meets = (v: number | null | undefined) =>
      target !== null && v !== null && v !== undefined && Math.round(v * 10_000) >= target * 10_000;
    const behind = judged
      ? withStock
          .filter((row) => !meets(row.values[deadline.measure]))
          .sort(
            (a, b) =>
              (a.values[deadline.measure] ?? 0) - (b.values[deadline.measure] ?? 0) ||
              (a.code < b.code ? -1 : 1),
          )
      : [];
    const at = passed ? quarterBounds(x).lastDay : input.lastDay;
    const basis = input.basisOf(x);
    const notes: string[] = [];
    if (passed && at !== deadline.date)
      notes.push(
        `按 ${at}（期限前最后一个季末）计 / taken at ${at}, the last quarter end before ${deadline.date}`,
      );
    if (!passed) notes.push(`期限未到，为截至 ${at} 的进度 / not due yet: progress at ${at}`);
    if (passed && basis === 'computed')
      notes.push(
        `无该日快照，按计数器变更记录推算 / no snapshot of ${at}: computed from the counters' change log`,
      );
    if (passed && value === null)
      notes.push(`${at} 本范围尚无可计的存量 / nothing to measure in the scope at ${at}: not met`);
    if (unrecorded)
      notes.push(
        "未读取机构试点示范类别：显示全部机构，不作判定 / the institutions' pilot / demonstration statuses were not read: all institutions shown, not judged",
      );
    if (categories && inCategory === 0)
      notes.push(
        '本范围内无该类别机构 / no institution of this category in the scope (PATCH /v1/institutions/{uscc} records pilotStatus)',
      );
    if (deadline.category === 'other' && input.categories && input.categories.unrecorded > 0)
      notes.push(
        `${input.categories.unrecorded} 家机构未登记试点示范类别，按其他机构计 / ${input.categories.unrecorded} institution(s) without a recorded pilotStatus are counted as other`,
      );
    if (target === null) notes.push('方案未给出数值目标 / the Work Plan names no number: not judged');
    const baseline =
      deadline.id === 'goal-2025' && passed
        ? input.valuesAt(goalBaselineQuarter)[deadline.measure]
        : undefined;
    return {
      id: deadline.id,
      date: deadline.date,
      category: deadline.category,
      measure: deadline.measure,
      target,
      description: deadline.requirement,
      clause: deadline.clause,
      passed,
      at,
      basis,
      coverage: value,
      ...(baseline !== undefined ? { baseline } : {}),
      met: passed && judged ? meets(value) : null,
      ...(inCategory !== undefined ? { institutionsInCategory: inCategory } : {}),
      institutionsMeeting: judged ? withStock.length - behind.length : 0,
      institutionsBehind: behind.slice(0, 50).map((row) => row.code),
      institutionsBehindCount: behind.length,
      ...(notes.length ? { note: notes.join('; ') } : {}),
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
    if (deadline.passed && deadline.target !== null && deadline.institutionsBehindCount > 0) {
      const percent = Math.round(deadline.target * 100);
      anomalies.push({
        code: 'BEHIND_DEADLINE',
        scope,
        metric: deadline.measure,
        message: `${deadline.institutionsBehindCount} 家单位在 ${deadline.at} 未达到 ${deadline.date} 目标 ${percent}% / ${deadline.institutionsBehindCount} institution(s) were below the ${percent}% target of ${deadline.date} at ${deadline.at}: ask them to complete their inventory (institutionsBehind lists them).`,
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

/**
 * The counter model of the quarterly metrics, pure: what one core item contributes to the counters,
 * and the increments between two contributions (the delta function). The stream consumer
 * (stream-apply.ts) and the full recompute (recompute.ts) both count through these functions, so the
 * two can only disagree when a stream record was lost or applied twice, which is what reconciliation
 * looks for. docs/metrics.md and docs/data-model.md ("Metrics") describe the layout.
 *
 * Counter items (metrics table), one per institution:
 * - `NOW#PROV#<code>` / `INST#<USCC>`: the stock gauges now (`g.<gauge>`);
 * - `Q#<quarter>#PROV#<code>` / `INST#<USCC>`: what happened in the quarter: flows (`f.<metric>`),
 *   histogram buckets of day counts (`h.<histogram>.<bucket>`) and the net change of every gauge in the
 *   quarter (`g.<gauge>`), so the stock at the end of quarter Q is NOW - the changes of later quarters.
 */
import type { LifecycleState } from '../../schemas/lifecycle.ts';
import { chinaDate, type Quarter, quarterOf } from '../../schemas/metrics.ts';

// ------------------------------------------------------------------------------------------ keys

export const nowKey = (provinceCode: string, uscc: string) => ({
  pk: `NOW#PROV#${provinceCode}`,
  sk: `INST#${uscc}`,
});
export const quarterKey = (quarter: Quarter, provinceCode: string, uscc: string) => ({
  pk: `Q#${quarter}#PROV#${provinceCode}`,
  sk: `INST#${uscc}`,
});
export const nowPartition = (provinceCode: string) => `NOW#PROV#${provinceCode}`;
export const quarterPartition = (quarter: Quarter, provinceCode: string) =>
  `Q#${quarter}#PROV#${provinceCode}`;
/** The metrics consumer's copy of what it last counted for a patent (and the markers of its events). */
export const shadowKey = (applicationNumber: string) => ({ pk: `PAT#${applicationNumber}`, sk: 'SHADOW' });
export const eventMarkerKey = (applicationNumber: string, eventSk: string) => ({
  pk: `PAT#${applicationNumber}`,
  sk: `SEEN#${eventSk}`,
});
/** The 5-year-rule list: one item per institution partition and one per province partition. */
export const fundedListKeys = (entry: {
  provinceCode: string;
  institutionUscc: string;
  grantDate: string;
  applicationNumber: string;
}) => [
  { pk: `FU#INST#${entry.institutionUscc}`, sk: `${entry.grantDate}#${entry.applicationNumber}` },
  {
    pk: `FU#PROV#${entry.provinceCode}`,
    sk: `${entry.grantDate}#${entry.institutionUscc}#${entry.applicationNumber}`,
  },
];

// --------------------------------------------------------------------------------------- gauges

export const gauges = [
  'recorded',
  'valid',
  'inventoried',
  'pool',
  'implemented',
  'industrialized',
  'evaluated',
] as const;
export type Gauge = (typeof gauges)[number];
/** Valid, publicly funded, not implemented: counted by grant quarter (the 5-year rule reads them). */
export const fundedGaugePrefix = 'fu.';

export const histograms = ['ttfe', 'ttd'] as const;
export type Histogram = (typeof histograms)[number];

/** Flow counters of pipeline events and of patents. */
export const flows = [
  'assignmentRegistrations',
  'licenseFilings',
  'licenseFilingsExclusive',
  'licenseFilingsSole',
  'licenseFilingsOrdinary',
  'licenseFilingsOpen',
  'openLicenseDeclarations',
  'openLicensesTaken',
  'equityDeals',
  'deals',
  'dealValueWan',
  'productFilings',
  'newlyInventoried',
] as const;
export type Flow = (typeof flows)[number];

export const gaugeAttribute = (gauge: Gauge | `${typeof fundedGaugePrefix}${string}`) => `g.${gauge}`;
export const flowAttribute = (flow: Flow) => `f.${flow}`;
export const histogramAttribute = (histogram: Histogram, bucket: number) => `h.${histogram}.${bucket}`;

// ------------------------------------------------------------------------------------ histograms

/**
 * Bounded histogram of day counts: exact up to 60 days, then 7-day buckets up to a year, 30-day
 * buckets up to three years, and one bucket beyond. A bucket is named by its lower bound.
 */
export function dayBucket(days: number): number {
  const d = Math.max(0, Math.floor(days));
  if (d <= 60) return d;
  if (d < 365) return 61 + Math.floor((d - 61) / 7) * 7;
  if (d < 1095) return 365 + Math.floor((d - 365) / 30) * 30;
  return 1095;
}

/** The lower median of a histogram (bucket lower bound -> count): the bucket of the ceil(n/2)-th day count. */
export function histogramMedian(
  histogram: ReadonlyMap<number, number> | Record<number, number>,
): number | null {
  const entries = (
    histogram instanceof Map ? [...histogram] : Object.entries(histogram).map(([k, v]) => [Number(k), v])
  )
    .filter(([, count]) => (count as number) > 0)
    .sort(([a], [b]) => (a as number) - (b as number)) as Array<[number, number]>;
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const middle = Math.ceil(total / 2);
  let seen = 0;
  for (const [bucket, count] of entries) {
    seen += count;
    if (seen >= middle) return bucket;
  }
  return null;
}

/** Whole days between two instants, as China calendar dates. */
export function chinaDaysBetween(from: string, to: string): number {
  const day = (at: string) => Date.parse(`${at.length === 10 ? at : chinaDate(at)}T00:00:00Z`) / 86_400_000;
  return Math.round(day(to) - day(from));
}

// ------------------------------------------------------------------------------------ projection

/** What the metrics read of a patent: its fields from the patent item, and two dates from other items. */
export interface PatentProjection {
  applicationNumber: string;
  institutionUscc: string;
  provinceCode: string;
  title?: string;
  legalStatus?: string;
  lifecycle?: string;
  reviewStatus?: string;
  poolStatus?: string;
  implementationStatus?: string;
  publiclyFunded?: boolean;
  grantDate?: string;
  inventoriedAt?: string;
  /** The earliest evaluation item's createdAt. */
  firstEvaluatedAt?: string;
  /** The earliest dealRecorded pipeline event's time. */
  firstDealAt?: string;
}

const patentFields = [
  'applicationNumber',
  'institutionUscc',
  'provinceCode',
  'title',
  'legalStatus',
  'lifecycle',
  'reviewStatus',
  'poolStatus',
  'implementationStatus',
  'publiclyFunded',
  'grantDate',
  'inventoriedAt',
] as const;

export const isPatentItem = (item: Record<string, unknown> | undefined) =>
  !!item && item.sk === 'PATENT' && typeof item.pk === 'string' && item.pk.startsWith('PAT#');
export const isEvaluationItem = (item: Record<string, unknown> | undefined) =>
  !!item && item.entity === 'evaluation' && typeof item.sk === 'string' && item.sk.startsWith('EVAL#');
export const isPipelineEventItem = (item: Record<string, unknown> | undefined) =>
  !!item && item.entity === 'pipeline-event' && typeof item.sk === 'string' && item.sk.startsWith('EVENT#');

/** The patent fields of a patent item image (the dates from other items are the caller's). */
export function projectPatent(
  image: Record<string, unknown>,
  dates: Pick<PatentProjection, 'firstEvaluatedAt' | 'firstDealAt'> = {},
): PatentProjection {
  const projection: Record<string, unknown> = {};
  for (const field of patentFields) if (image[field] !== undefined) projection[field] = image[field];
  if (dates.firstEvaluatedAt) projection.firstEvaluatedAt = dates.firstEvaluatedAt;
  if (dates.firstDealAt) projection.firstDealAt = dates.firstDealAt;
  return projection as unknown as PatentProjection;
}

const gone: readonly string[] = ['withdrawn', 'expired'] satisfies LifecycleState[];
const transferredStates: readonly string[] = [
  'assigned',
  'licensed',
  'equity',
  'filed',
  'industrialized',
] satisfies LifecycleState[];

export function isValid(p: PatentProjection) {
  return p.legalStatus === 'valid' && !gone.includes(p.lifecycle ?? '');
}
export function isImplemented(p: PatentProjection) {
  return (
    isValid(p) &&
    ((p.implementationStatus !== undefined && p.implementationStatus !== 'not-implemented') ||
      transferredStates.includes(p.lifecycle ?? ''))
  );
}
export function isInPool(p: PatentProjection) {
  return p.poolStatus === 'conversion' && !gone.includes(p.lifecycle ?? '');
}
/** Publicly funded, valid, granted and never implemented: on the 5-year-rule watch list once 5 years pass. */
export function isFundedUnimplemented(p: PatentProjection) {
  return isValid(p) && p.publiclyFunded === true && !!p.grantDate && !isImplemented(p);
}

// ---------------------------------------------------------------------------------- contributions

export interface Scope {
  provinceCode: string;
  institutionUscc: string;
}
/** What one item adds to the counters: gauges now, and flow-like counters of given quarters. */
export interface Contribution {
  scope: Scope;
  gauges: Record<string, number>;
  /** quarter -> attribute -> amount */
  quarters: Record<string, Record<string, number>>;
}

const addTo = (into: Record<string, number>, attribute: string, amount: number) => {
  if (amount !== 0) into[attribute] = (into[attribute] ?? 0) + amount;
};
const addQuarter = (contribution: Contribution, quarter: Quarter, attribute: string, amount: number) => {
  contribution.quarters[quarter] ??= {};
  addTo(contribution.quarters[quarter], attribute, amount);
};

/** The gauges and dated counters of a patent (its projection). */
export function patentContribution(p: PatentProjection): Contribution {
  const contribution: Contribution = {
    scope: { provinceCode: p.provinceCode, institutionUscc: p.institutionUscc },
    gauges: {},
    quarters: {},
  };
  const g = contribution.gauges;
  addTo(g, gaugeAttribute('recorded'), 1);
  if (isValid(p)) addTo(g, gaugeAttribute('valid'), 1);
  const inventoried = p.reviewStatus === 'approved';
  if (inventoried) addTo(g, gaugeAttribute('inventoried'), 1);
  if (isInPool(p)) addTo(g, gaugeAttribute('pool'), 1);
  if (isImplemented(p)) addTo(g, gaugeAttribute('implemented'), 1);
  if (isValid(p) && (p.implementationStatus === 'industrialized' || p.lifecycle === 'industrialized'))
    addTo(g, gaugeAttribute('industrialized'), 1);
  if (isInPool(p) && p.firstEvaluatedAt) addTo(g, gaugeAttribute('evaluated'), 1);
  if (isFundedUnimplemented(p)) addTo(g, `g.${fundedGaugePrefix}${quarterOf(p.grantDate!)}`, 1);
  if (inventoried && p.inventoriedAt) {
    addQuarter(contribution, quarterOf(p.inventoriedAt), flowAttribute('newlyInventoried'), 1);
    if (p.firstEvaluatedAt) {
      const days = chinaDaysBetween(p.inventoriedAt, p.firstEvaluatedAt);
      addQuarter(contribution, quarterOf(p.firstEvaluatedAt), histogramAttribute('ttfe', dayBucket(days)), 1);
    }
    if (p.firstDealAt) {
      const days = chinaDaysBetween(p.inventoriedAt, p.firstDealAt);
      addQuarter(contribution, quarterOf(p.firstDealAt), histogramAttribute('ttd', dayBucket(days)), 1);
    }
  }
  return contribution;
}

/** Reads a field of a pipeline event: on the item (transition details) or in its `context`. */
function eventField(event: Record<string, unknown>, field: string): unknown {
  if (event[field] !== undefined) return event[field];
  const context = event.context as Record<string, unknown> | undefined;
  return context?.[field];
}

const dealKindOf = (event: Record<string, unknown>): string | undefined => {
  const kind = eventField(event, 'dealKind') ?? eventField(event, 'kind');
  if (typeof kind === 'string') return kind;
  const to = event.to;
  if (event.type === 'dealRecorded' && to !== event.from) {
    if (to === 'assigned') return 'assignment';
    if (to === 'licensed') return 'license';
    if (to === 'equity') return 'equity';
  }
  if (event.type === 'filingConfirmed') {
    if (event.from === 'assigned') return 'assignment';
    if (event.from === 'equity') return 'equity';
    return 'license';
  }
  return event.type === 'dealRecorded' ? 'license' : undefined;
};

/** The contract value of a deal event in 10,000 CNY (0 when none is recorded). */
function dealValueWan(event: Record<string, unknown>): number {
  for (const field of ['amountWan', 'contractValueWan', 'valueWan']) {
    const value = eventField(event, field);
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  }
  return 0;
}

const licenseTypeFlow = {
  exclusive: 'licenseFilingsExclusive',
  sole: 'licenseFilingsSole',
  ordinary: 'licenseFilingsOrdinary',
  open: 'licenseFilingsOpen',
} as const satisfies Record<string, Flow>;

/** The flows of one pipeline event (an immutable item), in the quarter of its time. */
export function eventFlows(
  event: Record<string, unknown>,
): { quarter: Quarter; counters: Record<string, number> } | undefined {
  const at = event.at;
  if (typeof at !== 'string') return undefined;
  const counters: Record<string, number> = {};
  const count = (flow: Flow, amount = 1) => addTo(counters, flowAttribute(flow), amount);
  switch (event.type) {
    case 'dealRecorded': {
      const kind = dealKindOf(event);
      count('deals');
      count('dealValueWan', dealValueWan(event));
      if (kind === 'equity') count('equityDeals');
      const licenseType = eventField(event, 'licenseType');
      if (
        kind === 'license' &&
        (licenseType === 'open' || eventField(event, 'openLicense') === true || event.from === 'open-license')
      )
        count('openLicensesTaken');
      break;
    }
    case 'filingConfirmed': {
      const kind = dealKindOf(event);
      if (kind === 'assignment' || kind === 'equity') count('assignmentRegistrations');
      else {
        count('licenseFilings');
        const licenseType = eventField(event, 'licenseType');
        count(
          licenseTypeFlow[(licenseType as keyof typeof licenseTypeFlow) ?? 'ordinary'] ??
            'licenseFilingsOrdinary',
        );
      }
      break;
    }
    case 'openLicenseDeclared':
      count('openLicenseDeclarations');
      break;
    case 'productFiled':
      count('productFilings');
      break;
    default:
      return undefined;
  }
  return { quarter: quarterOf(at), counters };
}

// ---------------------------------------------------------------------------------------- deltas

/** Counter increments: item key (`pk` + '|' + `sk`) -> attribute -> amount (never 0). */
export type CounterDelta = Record<string, Record<string, number>>;
export const itemId = (key: { pk: string; sk: string }) => `${key.pk}|${key.sk}`;
export const keyOfItemId = (id: string) => {
  const [pk, sk] = id.split('|') as [string, string];
  return { pk, sk };
};

function addContribution(delta: CounterDelta, c: Contribution, sign: 1 | -1, changeQuarter: Quarter) {
  const { provinceCode, institutionUscc } = c.scope;
  const now = itemId(nowKey(provinceCode, institutionUscc));
  const changes = itemId(quarterKey(changeQuarter, provinceCode, institutionUscc));
  for (const [attribute, amount] of Object.entries(c.gauges)) {
    delta[now] ??= {};
    addTo(delta[now], attribute, sign * amount);
    delta[changes] ??= {};
    addTo(delta[changes], attribute, sign * amount);
  }
  for (const [quarter, counters] of Object.entries(c.quarters)) {
    const id = itemId(quarterKey(quarter as Quarter, provinceCode, institutionUscc));
    for (const [attribute, amount] of Object.entries(counters)) {
      delta[id] ??= {};
      addTo(delta[id], attribute, sign * amount);
    }
  }
}

/**
 * The delta function: the counter increments that turn the counters of `before` into those of
 * `after` (undefined: the item does not exist). Gauge changes are recorded in the quarter of the
 * change (`changeQuarter`) as well as in NOW. Pure; zero increments are left out.
 */
export function contributionDelta(
  before: Contribution | undefined,
  after: Contribution | undefined,
  changeQuarter: Quarter,
): CounterDelta {
  const delta: CounterDelta = {};
  if (before) addContribution(delta, before, -1, changeQuarter);
  if (after) addContribution(delta, after, 1, changeQuarter);
  for (const [id, counters] of Object.entries(delta)) {
    for (const [attribute, amount] of Object.entries(counters)) {
      // Sums of contract values are decimals: round away binary noise.
      const rounded = Math.round(amount * 1e6) / 1e6;
      if (rounded === 0) delete counters[attribute];
      else counters[attribute] = rounded;
    }
    if (Object.keys(counters).length === 0) delete delta[id];
  }
  return delta;
}

/**
 * NEW vs OLD image of a patent item -> counter increments (dates from other items as recorded in the
 * shadow). The change is dated by the new image's updatedAt (the old one's for a removal).
 */
export function patentDelta(
  oldImage: Record<string, unknown> | undefined,
  newImage: Record<string, unknown> | undefined,
  dates: Pick<PatentProjection, 'firstEvaluatedAt' | 'firstDealAt'> = {},
  now: Date = new Date(),
): CounterDelta {
  const at = (newImage?.updatedAt ?? oldImage?.updatedAt) as string | undefined;
  return contributionDelta(
    oldImage ? patentContribution(projectPatent(oldImage, dates)) : undefined,
    newImage ? patentContribution(projectPatent(newImage, dates)) : undefined,
    quarterOf(at ?? now),
  );
}

/** Adds a delta into a counter map (in-memory counters: tests, the recompute). */
export function applyDelta(counters: Map<string, Record<string, number>>, delta: CounterDelta): void {
  for (const [id, increments] of Object.entries(delta)) {
    const item = counters.get(id) ?? {};
    for (const [attribute, amount] of Object.entries(increments)) {
      const value = Math.round(((item[attribute] ?? 0) + amount) * 1e6) / 1e6;
      if (value === 0) delete item[attribute];
      else item[attribute] = value;
    }
    if (Object.keys(item).length) counters.set(id, item);
    else counters.delete(id);
  }
}

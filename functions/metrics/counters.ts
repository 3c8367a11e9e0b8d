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

import { chinaDate } from '../../schemas/china-date.ts';
import { implementedStatuses } from '../../schemas/inventory/template.ts';
import { type LifecycleState, terminalStates } from '../../schemas/lifecycle.ts';
import { type Quarter, quarterOf } from '../../schemas/metrics.ts';
import { keys, prefixes } from '../shared/dynamo/keys.ts';

// ------------------------------------------------------------------------------------------ keys

export const nowKey = (provinceCode: string, uscc: string) => ({
  pk: `NOW#PROV#${provinceCode}`,
  sk: keys.institutionPk(uscc),
});
export const quarterKey = (quarter: Quarter, provinceCode: string, uscc: string) => ({
  pk: `Q#${quarter}#PROV#${provinceCode}`,
  sk: keys.institutionPk(uscc),
});
export const nowPartition = (provinceCode: string) => `NOW#PROV#${provinceCode}`;
export const quarterPartition = (quarter: Quarter, provinceCode: string) =>
  `Q#${quarter}#PROV#${provinceCode}`;
/**
 * The metrics consumer's copy of what it last counted for a patent (an application number) or for a
 * deal or product (`DEAL#<id>`, `PRODUCT#<id>`) or a payment (`DEAL#<id>#PAYMENT#<paymentId>`);
 * patents' event markers share their partition.
 */
export const shadowKey = (subject: string) => ({
  pk: subject.includes('#') ? subject : keys.patentPk(subject),
  sk: 'SHADOW',
});
export const eventMarkerKey = (applicationNumber: string, eventSk: string) => ({
  pk: keys.patentPk(applicationNumber),
  sk: `SEEN#${eventSk}`,
});
/** The 5-year-rule list: one item per institution partition and one per province partition. */
export const fundedListKeys = (entry: {
  provinceCode: string;
  institutionUscc: string;
  grantDate: string;
  applicationNumber: string;
}) => [
  {
    pk: `FU#${keys.institutionPk(entry.institutionUscc)}`,
    sk: `${entry.grantDate}#${entry.applicationNumber}`,
  },
  {
    pk: `FU#PROV#${entry.provinceCode}`,
    sk: `${entry.grantDate}#${entry.institutionUscc}#${entry.applicationNumber}`,
  },
];

// --------------------------------------------------------------------------------------- gauges

/**
 * The gauges of an institution. A snapshot stores them by position (metrics-store.ts encodeSnapshot):
 * new gauges are appended, never inserted (snapshotAttributes in quarter-close.ts keeps the first seven
 * where older snapshots have them). The definitions are in schemas/metrics.ts (metricDefinitions).
 */
export const legacyGauges = [
  'recorded',
  'valid',
  'inventoried',
  'pool',
  'implemented',
  'industrialized',
  'evaluated',
] as const;
export const definitionGauges = [
  'validInvention',
  'implementedInvention',
  'industrializedInvention',
  'implementedEvidenced',
  'implementedEvidencedInvention',
  'implementedDeclared',
  'implementedDeclaredInvention',
  'industrializedEvidenced',
  'industrializedEvidencedInvention',
  'industrializedDeclared',
  'industrializedDeclaredInvention',
  'base',
  'baseInventoried',
  'incremental',
  'incrementalInventoried',
  'validUtilityModel',
  'implementedUtilityModel',
  'industrializedUtilityModel',
  'validDesign',
  'implementedDesign',
  'industrializedDesign',
] as const;
export const gauges = [...legacyGauges, ...definitionGauges] as const;
export type Gauge = (typeof gauges)[number];
/**
 * A gauge that counts only for part of the time (a license in force until its end date): `<gauge>@<Q>`
 * counts at the end of a quarter X while X is before Q (Q: the quarter of the first day the license
 * is no longer in force), `<gauge>^<Q>` from the end of Q on. resolveGauges (figures.ts) folds them
 * into the plain gauge for a quarter.
 */
export const untilMark = '@';
export const fromMark = '^';
/** Valid, publicly funded, not implemented: counted by grant quarter (the 5-year rule reads them). */
export const fundedGaugePrefix = 'fu.';

export const histograms = ['ttfe', 'ttd'] as const;
export type Histogram = (typeof histograms)[number];

/** Flow counters of pipeline events and of patents, in their snapshot order (quarter-close.ts). */
export const legacyFlows = [
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
/**
 * Flows added after the definition gauges: a snapshot stores them after those (quarter-close.ts
 * snapshotAttributes), so that older snapshots still decode (the flow reads 0 there).
 */
export const laterFlows = ['incomeReceivedWan'] as const;
export const flows = [...legacyFlows, ...laterFlows] as const;
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
  /** 发明 / 实用新型 / 外观设计, as recorded (else read from the application number: patentTypeOf). */
  patentType?: string;
  /**
   * The date the patentee changed by an assignment or equity deal: its registration date (转让登记,
   * patenteeChange.registeredOn; 专利法 art. 10: the assignment takes effect on registration). For a
   * change recorded before registrations were tracked, the contract's effective date.
   */
  patenteeChangedOn?: string;
  /** An assignment or equity contract recorded, its registration not yet: still the institution's. */
  patenteeChangePending?: boolean;
  /** The last day of a recorded exclusive or sole license (the patent item's exclusiveGrant.endDate). */
  licenseEndDate?: string;
  /**
   * The funded project of a publicly funded patent (Work Plan 二、（四）1, 专利声明制度): shown on the
   * 5-year-rule list so an administrator sees which project and funder it concerns.
   */
  fundedProjectName?: string;
  fundedProjectNumber?: string;
  fundingSource?: string;
  /**
   * The status of a justification (正当理由) filed for the 5-year rule (functions/monitoring/
   * five-year-justification.ts): an accepted one takes the patent off the list and the figure.
   */
  fiveYearJustification?: 'filed' | 'accepted' | 'rejected';
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
  'patentType',
] as const;

/** Kept on the projection of publicly funded patents only (the 5-year-rule list shows them). */
const fundedProjectFields = ['fundedProjectName', 'fundedProjectNumber', 'fundingSource'] as const;

export const isPatentItem = (item: Record<string, unknown> | undefined) =>
  !!item && item.sk === 'PATENT' && typeof item.pk === 'string' && item.pk.startsWith(prefixes.patent);
export const isEvaluationItem = (item: Record<string, unknown> | undefined) =>
  !!item &&
  item.entity === 'evaluation' &&
  typeof item.sk === 'string' &&
  item.sk.startsWith(prefixes.evaluation);
export const isPipelineEventItem = (item: Record<string, unknown> | undefined) =>
  !!item &&
  item.entity === 'pipeline-event' &&
  typeof item.sk === 'string' &&
  item.sk.startsWith(prefixes.pipelineEvent);

/** The patent fields of a patent item image (the dates from other items are the caller's). */
export function projectPatent(
  image: Record<string, unknown>,
  dates: Pick<PatentProjection, 'firstEvaluatedAt' | 'firstDealAt'> = {},
): PatentProjection {
  const projection: Record<string, unknown> = {};
  for (const field of patentFields) if (image[field] !== undefined) projection[field] = image[field];
  if (image.publiclyFunded === true)
    for (const field of fundedProjectFields) if (image[field] !== undefined) projection[field] = image[field];
  const change = image.patenteeChange as
    | { effectiveDate?: unknown; registration?: unknown; registeredOn?: unknown }
    | undefined;
  if (change && typeof change === 'object') {
    if (typeof change.registeredOn === 'string') projection.patenteeChangedOn = change.registeredOn;
    else if (change.registration === 'pending') projection.patenteeChangePending = true;
    else
      projection.patenteeChangedOn =
        typeof change.effectiveDate === 'string' ? change.effectiveDate : String(image.updatedAt ?? '');
  }
  const justification = image.fiveYearJustification as { status?: unknown } | undefined;
  if (justification && typeof justification.status === 'string')
    projection.fiveYearJustification = justification.status;
  const grant = image.exclusiveGrant as { endDate?: unknown } | undefined;
  if (grant && typeof grant.endDate === 'string') projection.licenseEndDate = grant.endDate;
  if (dates.firstEvaluatedAt) projection.firstEvaluatedAt = dates.firstEvaluatedAt;
  if (dates.firstDealAt) projection.firstDealAt = dates.firstDealAt;
  return projection as unknown as PatentProjection;
}

const gone: readonly string[] = terminalStates;
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
    ((implementedStatuses as readonly string[]).includes(p.implementationStatus ?? '') ||
      transferredStates.includes(p.lifecycle ?? ''))
  );
}
export function isInPool(p: PatentProjection) {
  return p.poolStatus === 'conversion' && !gone.includes(p.lifecycle ?? '');
}
/**
 * Publicly funded, valid, granted, never implemented and without an accepted justification: on the
 * 5-year-rule watch list once 5 years pass (Work Plan 二、（四）1: "授权超过5年没有实施且无正当理由").
 */
export function isFundedUnimplemented(p: PatentProjection) {
  return (
    isValid(p) &&
    p.publiclyFunded === true &&
    !!p.grantDate &&
    !isImplemented(p) &&
    p.fiveYearJustification !== 'accepted'
  );
}

/**
 * The patent's type: as recorded, else from the application number (ZC 0006-2003: the digit after the
 * 4-digit year, or the third digit of a pre-2004 8-digit number: 1 / 8 invention, 2 / 9 utility model,
 * 3 design).
 */
export function patentTypeOf(
  p: Pick<PatentProjection, 'patentType' | 'applicationNumber'>,
): string | undefined {
  if (p.patentType) return p.patentType;
  const digits = p.applicationNumber.replace(/^(CN|ZL)/i, '').split('.')[0] ?? '';
  const digit = digits.length >= 12 ? digits[4] : digits.length === 8 ? digits[2] : undefined;
  return digit === '1' || digit === '8'
    ? 'invention'
    : digit === '2' || digit === '9'
      ? 'utility-model'
      : digit === '3'
        ? 'design'
        : undefined;
}

/**
 * The day the patent left the institution's stock, if it did: an assignment or equity deal (作价入股
 * transfers the right too) moves the patentee to the company on its registration (转让登记, 专利法
 * art. 10: 专利权的转让自登记之日起生效), so from that day the patent is no longer the institution's
 * valid patent. A contract recorded but not registered leaves it in the stock. Patents without a
 * recorded change but a lifecycle still `assigned` / `equity` (recorded before changes were kept on the
 * patent) count as gone.
 */
export function leftStockOn(p: PatentProjection): string | undefined {
  if (p.patenteeChangedOn) return p.patenteeChangedOn;
  if (p.patenteeChangePending) return undefined;
  if (p.lifecycle === 'assigned' || p.lifecycle === 'equity') return 'recorded';
  return undefined;
}

/** 有效专利 of the institution: valid (legal status 有效, neither withdrawn nor expired) and still its own. */
export function isInStock(p: PatentProjection) {
  return isValid(p) && leftStockOn(p) === undefined;
}

/** Granted by 2023-12-31 (Work Plan 二(一)1: 对本单位2023年底前授权的存量专利进行全面盘点); no grant date: counted there. */
export const stockGrantedBy = '2023-12-31';
export const isBaseStock = (p: PatentProjection) =>
  !p.grantDate || p.grantDate.slice(0, 10) <= stockGrantedBy;

const licensedStates: readonly string[] = ['licensed', 'filed'] satisfies LifecycleState[];

/** The quarter of the day after a date: the first quarter at whose end a license ending that day no longer counts. */
function quarterAfter(date: string): Quarter {
  const next = new Date(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return quarterOf(next);
}

/**
 * The evidence of implementation a recorded transaction gives (the patent stays the institution's):
 * a product filing (lifecycle industrialized: permanent), or a license (lifecycle licensed / filed)
 * in force: until the quarter after its end date when the patent carries it (exclusive and sole
 * licenses), else open-ended (the patent item does not carry an ordinary license's end date yet).
 */
export function transactionEvidence(p: PatentProjection): { until?: Quarter } | undefined {
  if (p.lifecycle === 'industrialized') return {};
  if (licensedStates.includes(p.lifecycle ?? ''))
    return p.licenseEndDate ? { until: quarterAfter(p.licenseEndDate) } : {};
  return undefined;
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

const typeNames: Record<string, string> = {
  invention: 'Invention',
  'utility-model': 'UtilityModel',
  design: 'Design',
};

/**
 * The gauges of the rates (schemas/metrics.ts): the valid stock after assignments, by type (invention
 * apart), implementation and industrialization split into evidenced (a recorded transaction) and
 * declared only (the self-declared status, no transaction in force), and the stock granted by
 * 2023-12-31 apart from later grants (coverage).
 */
function addDefinitionGauges(g: Record<string, number>, p: PatentProjection) {
  if (!isInStock(p)) return;
  const type = patentTypeOf(p);
  const typeName = type ? typeNames[type] : undefined;
  // Every gauge apart for inventions; the totals apart for utility models and designs too.
  const add = (gauge: Gauge, suffix = '') => {
    addTo(g, `${gaugeAttribute(gauge)}${suffix}`, 1);
    if (typeName === 'Invention' || (typeName && (gauge === 'implemented' || gauge === 'industrialized')))
      addTo(g, `${gaugeAttribute(`${gauge}${typeName}` as Gauge)}${suffix}`, 1);
  };
  const inventoried = p.reviewStatus === 'approved';
  if (isBaseStock(p)) {
    addTo(g, gaugeAttribute('base'), 1);
    if (inventoried) addTo(g, gaugeAttribute('baseInventoried'), 1);
  } else {
    addTo(g, gaugeAttribute('incremental'), 1);
    if (inventoried) addTo(g, gaugeAttribute('incrementalInventoried'), 1);
  }
  if (typeName) addTo(g, gaugeAttribute(`valid${typeName}` as Gauge), 1);
  const declared = (implementedStatuses as readonly string[]).includes(p.implementationStatus ?? '');
  const evidence = transactionEvidence(p);
  if (evidence) {
    const until = evidence.until ? `${untilMark}${evidence.until}` : '';
    add('implementedEvidenced', until);
    // After the license ended, a declared status still counts (declared only).
    if (declared && evidence.until) add('implementedDeclared', `${fromMark}${evidence.until}`);
    add('implemented', declared ? '' : until);
  } else if (declared) {
    add('implementedDeclared');
    add('implemented');
  }
  const productFiled = p.lifecycle === 'industrialized';
  if (productFiled) add('industrializedEvidenced');
  else if (p.implementationStatus === 'industrialized') add('industrializedDeclared');
  if (productFiled || p.implementationStatus === 'industrialized') add('industrialized');
}

/** The gauges and dated counters of a patent (its projection). */
export function patentContribution(p: PatentProjection): Contribution {
  const contribution: Contribution = {
    scope: { provinceCode: p.provinceCode, institutionUscc: p.institutionUscc },
    gauges: {},
    quarters: {},
  };
  const g = contribution.gauges;
  addTo(g, gaugeAttribute('recorded'), 1);
  if (isInStock(p)) addTo(g, gaugeAttribute('valid'), 1);
  const inventoried = p.reviewStatus === 'approved';
  if (inventoried) addTo(g, gaugeAttribute('inventoried'), 1);
  if (isInPool(p)) addTo(g, gaugeAttribute('pool'), 1);
  addDefinitionGauges(g, p);
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

export const isDealItem = (item: Record<string, unknown> | undefined) =>
  !!item && item.entity === 'deal' && item.sk === 'DEAL' && String(item.pk).startsWith(prefixes.deal);
export const isProductItem = (item: Record<string, unknown> | undefined) =>
  !!item &&
  item.entity === 'product' &&
  item.sk === 'PRODUCT' &&
  String(item.pk).startsWith(prefixes.product);

const licenseTypeFlow = {
  exclusive: 'licenseFilingsExclusive',
  sole: 'licenseFilingsSole',
  ordinary: 'licenseFilingsOrdinary',
  open: 'licenseFilingsOpen',
} as const satisfies Record<string, Flow>;

/** Fen (1/100 CNY) to 10,000 CNY (万元). */
const fenToWan = (fen: number) => fen / 1_000_000;

/**
 * What a deal item (functions/transfer: one per deal, whatever the number of patents) counts: the deal
 * in the quarter it was recorded (count, contract value, equity, open license taken), its
 * registration / filing in the quarter of the filing date once filed, and the payment an open license
 * was taken with (income received, in the quarter of its payment date).
 */
export function dealContribution(deal: Record<string, unknown>): Contribution | undefined {
  if (typeof deal.provinceCode !== 'string' || typeof deal.institutionUscc !== 'string') return undefined;
  const contribution: Contribution = {
    scope: { provinceCode: deal.provinceCode, institutionUscc: deal.institutionUscc },
    gauges: {},
    quarters: {},
  };
  if (typeof deal.createdAt === 'string') {
    const q = quarterOf(deal.createdAt);
    addQuarter(contribution, q, flowAttribute('deals'), 1);
    const value = deal.contractValueFen;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0)
      addQuarter(contribution, q, flowAttribute('dealValueWan'), fenToWan(value));
    if (deal.kind === 'equity') addQuarter(contribution, q, flowAttribute('equityDeals'), 1);
    if (deal.kind === 'license' && (deal.origin === 'open-license' || deal.licenseType === 'open'))
      addQuarter(contribution, q, flowAttribute('openLicensesTaken'), 1);
  }
  // An open license taken carries the payment made on taking it (专利法 art. 51: notice + payment); the
  // ledger counts it as paid, so it is income received like a recorded payment, by its own date.
  const taken = deal.payment as { amountFen?: unknown; paidOn?: unknown } | undefined;
  if (
    taken &&
    typeof taken.amountFen === 'number' &&
    Number.isFinite(taken.amountFen) &&
    taken.amountFen > 0 &&
    typeof taken.paidOn === 'string'
  )
    addQuarter(
      contribution,
      quarterOf(taken.paidOn),
      flowAttribute('incomeReceivedWan'),
      fenToWan(taken.amountFen),
    );
  const filing = deal.filing as { date?: unknown } | undefined;
  if (deal.filingStatus === 'filed' && typeof filing?.date === 'string') {
    const q = quarterOf(filing.date);
    if (
      deal.filingKind === 'assignment-registration' ||
      deal.kind === 'assignment' ||
      deal.kind === 'equity'
    ) {
      addQuarter(contribution, q, flowAttribute('assignmentRegistrations'), 1);
    } else {
      addQuarter(contribution, q, flowAttribute('licenseFilings'), 1);
      const type = (deal.licenseType as keyof typeof licenseTypeFlow | undefined) ?? 'ordinary';
      addQuarter(contribution, q, flowAttribute(licenseTypeFlow[type] ?? 'licenseFilingsOrdinary'), 1);
    }
  }
  return contribution;
}

/**
 * What a product filing (专利密集型产品备案) counts: one filing, in the quarter of its filing date, for
 * each institution whose patents it uses (a product of two institutions counts for both).
 */
export function productContributions(product: Record<string, unknown>): Contribution[] {
  if (typeof product.provinceCode !== 'string') return [];
  const date = typeof product.filingDate === 'string' ? product.filingDate : product.createdAt;
  if (typeof date !== 'string') return [];
  const institutions = Array.isArray(product.institutionUsccs) ? (product.institutionUsccs as string[]) : [];
  return [...new Set(institutions)].map((uscc) => {
    const contribution: Contribution = {
      scope: { provinceCode: product.provinceCode as string, institutionUscc: uscc },
      gauges: {},
      quarters: {},
    };
    addQuarter(contribution, quarterOf(date), flowAttribute('productFilings'), 1);
    return contribution;
  });
}

export const isPaymentItem = (item: Record<string, unknown> | undefined) =>
  !!item &&
  item.entity === 'deal-payment' &&
  String(item.pk).startsWith(prefixes.deal) &&
  String(item.sk).startsWith(prefixes.dealPayment);

/**
 * What a payment item (functions/transfer/money-store.ts: `DEAL#<id>` / `PAYMENT#<paymentId>`, with
 * the deal's institution and province written on it) counts: its amount as income received, in the
 * quarter of its payment date (paidOn, a China date). 促进科技成果转化法 art. 44-45 ground the inventors'
 * rewards on the net income (净收入) actually obtained from a transfer or license, not on what a contract
 * promises: income is counted from the payments recorded, gross (no costs deducted here).
 */
export function paymentContribution(payment: Record<string, unknown>): Contribution | undefined {
  if (typeof payment.provinceCode !== 'string' || typeof payment.institutionUscc !== 'string')
    return undefined;
  // A reversed payment (recorded in error, functions/transfer/money.ts reversePayment) was not received:
  // its reversal takes it out of the quarter it was counted in.
  if (payment.reversal !== undefined) return undefined;
  const amount = payment.amountFen;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount === 0) return undefined;
  if (typeof payment.paidOn !== 'string') return undefined;
  const contribution: Contribution = {
    scope: { provinceCode: payment.provinceCode, institutionUscc: payment.institutionUscc },
    gauges: {},
    quarters: {},
  };
  addQuarter(contribution, quarterOf(payment.paidOn), flowAttribute('incomeReceivedWan'), fenToWan(amount));
  return contribution;
}

/** The contributions of a deal, payment or product item (empty for anything else). */
export function recordContributions(item: Record<string, unknown> | undefined): Contribution[] {
  if (!item) return [];
  if (isPaymentItem(item)) {
    const contribution = paymentContribution(item);
    return contribution ? [contribution] : [];
  }
  if (isDealItem(item)) {
    const contribution = dealContribution(item);
    return contribution ? [contribution] : [];
  }
  if (isProductItem(item)) return productContributions(item);
  return [];
}

/**
 * The flows of one pipeline event (an immutable item), in the quarter of its time: open-license
 * declarations (per patent). Deals, filings and products are counted from their own items (one per
 * deal or product, whatever the number of patents), not from the per-patent events.
 */
export function eventFlows(
  event: Record<string, unknown>,
): { quarter: Quarter; counters: Record<string, number> } | undefined {
  if (typeof event.at !== 'string') return undefined;
  if (event.type === 'openLicenseDeclared') {
    return { quarter: quarterOf(event.at), counters: { [flowAttribute('openLicenseDeclarations')]: 1 } };
  }
  return undefined;
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
  before: Contribution | readonly Contribution[] | undefined,
  after: Contribution | readonly Contribution[] | undefined,
  changeQuarter: Quarter,
): CounterDelta {
  const delta: CounterDelta = {};
  const list = (c: Contribution | readonly Contribution[] | undefined) =>
    c === undefined ? [] : Array.isArray(c) ? c : [c as Contribution];
  for (const c of list(before)) addContribution(delta, c, -1, changeQuarter);
  for (const c of list(after)) addContribution(delta, c, 1, changeQuarter);
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

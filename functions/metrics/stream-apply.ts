/**
 * The metrics stream consumer's use-case: one core stream record -> counter increments, applied
 * exactly once per patent version (see docs/data-model.md, "Metrics"):
 *
 * - a patent item record carries a position (its `version`, then the stream sequence number); the
 *   patent's shadow item in the metrics table keeps the position last applied, and the counter
 *   increments are written in the same transaction as the shadow, on the condition that the shadow is
 *   still the one read (`rev`). A redelivered or older record has a position <= the shadow's and
 *   changes nothing; a concurrent writer makes the condition fail and the record is read again.
 * - a deal or product item is counted the same way, by its own shadow (`DEAL#<id>` / `SHADOW`); so is
 *   a payment (`DEAL#<id>#PAYMENT#<paymentId>` / `SHADOW`: its position is the stream sequence number,
 *   a payment item carries no version), OLD -> NEW, so a corrected amount or date moves the income
 *   received from the old quarter / amount to the new one, and a removed payment takes it away;
 * - an evaluation item moves the patent's first-evaluation date (a minimum: applying it twice is
 *   applying it once); a pipeline event is counted with a marker item `SEEN#<event sk>` written on the
 *   condition that it does not exist, in the same transaction as its counters.
 */
import { type Quarter, quarterOf } from '../../schemas/metrics.ts';
import { applicationNumberOf } from '../shared/dynamo/keys.ts';
import {
  type Contribution,
  type CounterDelta,
  contributionDelta,
  eventFlows,
  isDealItem,
  isEvaluationItem,
  isFundedUnimplemented,
  isPatentItem,
  isPaymentItem,
  isPipelineEventItem,
  isProductItem,
  type PatentProjection,
  patentContribution,
  projectPatent,
  recordContributions,
} from './counters.ts';

export type PatentDates = Pick<PatentProjection, 'firstEvaluatedAt' | 'firstDealAt'>;

export interface Shadow {
  applicationNumber: string;
  /** The patent fields last applied (absent once the patent item was removed). */
  projection?: PatentProjection;
  dates: PatentDates;
  /** `<version, 10 digits>#<stream sequence number, 40 digits>` of the patent image last applied. */
  position: string;
  /** Incremented by every write of the shadow (optimistic lock). */
  rev: number;
}

/** An entry of the 5-year-rule watch list (valid, publicly funded, granted, not implemented). */
export interface FundedEntry {
  applicationNumber: string;
  institutionUscc: string;
  provinceCode: string;
  grantDate: string;
  title?: string;
  implementationStatus?: string;
  lifecycle?: string;
  fundedProjectName?: string;
  fundedProjectNumber?: string;
  fundingSource?: string;
  /** A justification filed (awaiting review) or rejected; accepted ones are not on the list. */
  justificationStatus?: 'filed' | 'rejected';
}

export interface MetricsCommit {
  applicationNumber: string;
  /** The shadow's rev as read; undefined: the shadow must not exist yet. */
  expectedRev: number | undefined;
  shadow: Shadow;
  delta: CounterDelta;
  funded: { put: FundedEntry[]; remove: FundedEntry[] };
  /** Sort key of a pipeline event counted by this commit (its marker must not exist). */
  eventSk?: string;
}

export interface MetricsWriteStore {
  getShadow(applicationNumber: string): Promise<Shadow | undefined>;
  /** The patent item in core (to start a shadow for a patent whose records came before the consumer). */
  getCorePatent(applicationNumber: string): Promise<Record<string, unknown> | undefined>;
  /** One transaction: shadow (conditional on rev), counter increments, list entries, event marker. */
  commit(change: MetricsCommit): Promise<'committed' | 'conflict' | 'duplicate'>;
}

export interface StreamRecordInput {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  sequenceNumber: string;
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

export type ApplyOutcome = 'applied' | 'unchanged' | 'stale' | 'duplicate' | 'ignored' | 'unknown-patent';

export const streamPosition = (version: unknown, sequenceNumber: string) =>
  `${String(typeof version === 'number' ? version : 0).padStart(10, '0')}#${sequenceNumber.padStart(40, '0')}`;

const numberOf = (item: Record<string, unknown>) =>
  typeof item.applicationNumber === 'string' ? item.applicationNumber : applicationNumberOf(String(item.pk));

const contributionOf = (
  projection: PatentProjection | undefined,
  dates: PatentDates,
): Contribution | undefined => (projection ? patentContribution({ ...projection, ...dates }) : undefined);

export function fundedEntry(
  projection: PatentProjection | undefined,
  dates: PatentDates,
): FundedEntry | undefined {
  if (!projection) return undefined;
  const p = { ...projection, ...dates };
  if (!isFundedUnimplemented(p)) return undefined;
  return {
    applicationNumber: p.applicationNumber,
    institutionUscc: p.institutionUscc,
    provinceCode: p.provinceCode,
    grantDate: p.grantDate!,
    ...(p.title !== undefined ? { title: p.title } : {}),
    ...(p.implementationStatus !== undefined ? { implementationStatus: p.implementationStatus } : {}),
    ...(p.lifecycle !== undefined ? { lifecycle: p.lifecycle } : {}),
    ...(p.fundedProjectName !== undefined ? { fundedProjectName: p.fundedProjectName } : {}),
    ...(p.fundedProjectNumber !== undefined ? { fundedProjectNumber: p.fundedProjectNumber } : {}),
    ...(p.fundingSource !== undefined ? { fundingSource: p.fundingSource } : {}),
    ...(p.fiveYearJustification === 'filed' || p.fiveYearJustification === 'rejected'
      ? { justificationStatus: p.fiveYearJustification }
      : {}),
  };
}

/** The list writes between two states of a patent: remove the old entry, put the new one (when they differ). */
export function fundedChanges(before: FundedEntry | undefined, after: FundedEntry | undefined) {
  const same = JSON.stringify(before) === JSON.stringify(after);
  if (same) return { put: [], remove: [] };
  const sameKey =
    before &&
    after &&
    before.grantDate === after.grantDate &&
    before.institutionUscc === after.institutionUscc &&
    before.provinceCode === after.provinceCode;
  return { put: after ? [after] : [], remove: before && !sameKey ? [before] : [] };
}

const maxAttempts = 8;

/** A shadow for a patent seen for the first time through another item: from its core item now. */
async function startShadow(store: MetricsWriteStore, applicationNumber: string): Promise<Shadow | undefined> {
  const patent = await store.getCorePatent(applicationNumber);
  if (!patent) return undefined;
  return {
    applicationNumber,
    projection: projectPatent(patent),
    dates: {},
    position: streamPosition(patent.version, '0'),
    rev: 0,
  };
}

async function applyPatentRecord(store: MetricsWriteStore, record: StreamRecordInput, now: Date) {
  const image = (record.newImage ?? record.oldImage)!;
  const applicationNumber = numberOf(image);
  const position = streamPosition(image.version, record.sequenceNumber);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const shadow = await store.getShadow(applicationNumber);
    if (shadow && shadow.position >= position) return 'stale' as const;
    const dates = shadow?.dates ?? {};
    const before = record.oldImage ? projectPatent(record.oldImage) : undefined;
    const after = record.newImage ? projectPatent(record.newImage) : undefined;
    const changedAt = (record.newImage?.updatedAt as string | undefined) ?? now.toISOString();
    const delta = contributionDelta(
      contributionOf(before, dates),
      contributionOf(after, dates),
      quarterOf(changedAt),
    );
    const outcome = await store.commit({
      applicationNumber,
      expectedRev: shadow?.rev,
      shadow: {
        applicationNumber,
        ...(after ? { projection: after } : {}),
        dates,
        position,
        rev: (shadow?.rev ?? 0) + 1,
      },
      delta,
      funded: fundedChanges(fundedEntry(before, dates), fundedEntry(after, dates)),
    });
    if (outcome === 'committed')
      return Object.keys(delta).length ? ('applied' as const) : ('unchanged' as const);
  }
  throw new Error(
    `metrics: patent ${applicationNumber} kept changing during ${maxAttempts} attempts; retry the record`,
  );
}

/** The shadow subject of a deal, product or payment item: its partition, a payment's with its sort key. */
export const itemSubject = (image: Record<string, unknown>) =>
  isPaymentItem(image) ? `${String(image.pk)}#${String(image.sk)}` : String(image.pk);

/**
 * A deal, product or payment item (`DEAL#<id>`, `PRODUCT#<id>`, `DEAL#<id>` / `PAYMENT#<id>`): OLD ->
 * NEW contributions, once per version.
 */
async function applyItemRecord(store: MetricsWriteStore, record: StreamRecordInput, now: Date) {
  const image = (record.newImage ?? record.oldImage)!;
  const subject = itemSubject(image);
  const position = streamPosition(image.version, record.sequenceNumber);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const shadow = await store.getShadow(subject);
    if (shadow && shadow.position >= position) return 'stale' as const;
    const delta = contributionDelta(
      recordContributions(record.oldImage),
      recordContributions(record.newImage),
      quarterOf(now),
    );
    const outcome = await store.commit({
      applicationNumber: subject,
      expectedRev: shadow?.rev,
      shadow: { applicationNumber: subject, dates: {}, position, rev: (shadow?.rev ?? 0) + 1 },
      delta,
      funded: { put: [], remove: [] },
    });
    if (outcome === 'committed')
      return Object.keys(delta).length ? ('applied' as const) : ('unchanged' as const);
  }
  throw new Error(`metrics: ${subject} kept changing during ${maxAttempts} attempts; retry the record`);
}

/** A new first-evaluation or first-deal date (a minimum), and/or the flows of a pipeline event. */
async function applyDatedRecord(
  store: MetricsWriteStore,
  applicationNumber: string,
  change: {
    date?: { field: keyof PatentDates; at: string };
    event?: { sk: string; quarter: Quarter; counters: Record<string, number> };
  },
) {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const shadow =
      (await store.getShadow(applicationNumber)) ?? (await startShadow(store, applicationNumber));
    if (!shadow) return 'unknown-patent' as const;
    const dates = { ...shadow.dates };
    const { date } = change;
    const moves = !!date && (dates[date.field] === undefined || date.at < dates[date.field]!);
    if (moves) dates[date.field] = date.at;
    if (!moves && !change.event) return 'unchanged' as const;
    const delta = moves
      ? contributionDelta(
          contributionOf(shadow.projection, shadow.dates),
          contributionOf(shadow.projection, dates),
          quarterOf(date.at),
        )
      : {};
    if (change.event && shadow.projection) {
      const scope = {
        provinceCode: shadow.projection.provinceCode,
        institutionUscc: shadow.projection.institutionUscc,
      };
      const flows = contributionDelta(
        undefined,
        { scope, gauges: {}, quarters: { [change.event.quarter]: change.event.counters } },
        change.event.quarter,
      );
      for (const [id, counters] of Object.entries(flows)) {
        delta[id] ??= {};
        for (const [attribute, amount] of Object.entries(counters))
          delta[id][attribute] = (delta[id][attribute] ?? 0) + amount;
      }
    }
    const outcome = await store.commit({
      applicationNumber,
      expectedRev: shadow.rev === 0 ? undefined : shadow.rev,
      shadow: { ...shadow, dates, rev: shadow.rev + 1 },
      delta,
      funded: fundedChanges(
        fundedEntry(shadow.projection, shadow.dates),
        fundedEntry(shadow.projection, dates),
      ),
      ...(change.event ? { eventSk: change.event.sk } : {}),
    });
    if (outcome === 'duplicate') return 'duplicate' as const;
    if (outcome === 'committed') return 'applied' as const;
  }
  throw new Error(
    `metrics: patent ${applicationNumber} kept changing during ${maxAttempts} attempts; retry the record`,
  );
}

/** Applies one core stream record to the counters. Records of other items are ignored. */
export async function applyStreamRecord(
  store: MetricsWriteStore,
  record: StreamRecordInput,
  now: Date = new Date(),
): Promise<ApplyOutcome> {
  const image = record.newImage ?? record.oldImage;
  if (!image) return 'ignored';
  if (isPatentItem(image)) return applyPatentRecord(store, record, now);
  if (isDealItem(image) || isProductItem(image) || isPaymentItem(image))
    return applyItemRecord(store, record, now);
  if (isEvaluationItem(image) && record.newImage && typeof image.createdAt === 'string') {
    return applyDatedRecord(store, numberOf(image), {
      date: { field: 'firstEvaluatedAt', at: image.createdAt },
    });
  }
  if (isPipelineEventItem(image) && record.eventName === 'INSERT') {
    const flows = eventFlows(image);
    const isDeal = image.type === 'dealRecorded' && typeof image.at === 'string';
    if (!flows && !isDeal) return 'ignored';
    return applyDatedRecord(store, numberOf(image), {
      ...(isDeal ? { date: { field: 'firstDealAt' as const, at: image.at as string } } : {}),
      ...(flows ? { event: { sk: String(image.sk), ...flows } } : {}),
    });
  }
  return 'ignored';
}

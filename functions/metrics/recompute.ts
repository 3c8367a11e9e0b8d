/**
 * Full recompute of the counters from the core items (reconciliation), pure: the items of each patent
 * partition (`PAT#<number>`: the patent, its evaluations, its pipeline events) go through the same
 * contribution functions as the stream consumer; the result is compared with the stored counters and
 * the differences become increments that bring the stored counters to the recomputed values.
 *
 * What a recompute can rebuild: the gauges now (NOW items) and the dated counters of every quarter
 * (flows and histograms of Q items). The net gauge changes per quarter (`g.*` of Q items) are a log of
 * when changes happened and cannot be rebuilt from the final items: a gauge correction is recorded as
 * a change in the quarter of the recompute, so the figures of past quarters stay as they were reported.
 */
import type { Quarter } from '../../schemas/metrics.ts';
import { prefixes } from '../shared/dynamo/keys.ts';
import {
  type CounterDelta,
  contributionDelta,
  eventFlows,
  isDealItem,
  isEvaluationItem,
  isPatentItem,
  isPaymentItem,
  isPipelineEventItem,
  isProductItem,
  itemId,
  keyOfItemId,
  patentContribution,
  projectPatent,
  quarterKey,
  recordContributions,
} from './counters.ts';
import { type FundedEntry, fundedEntry, type PatentDates } from './stream-apply.ts';

export type CounterMap = Map<string, Record<string, number>>;

/** Accumulates the counters of patent partitions; feed it every item of a partition together. */
export class RecomputeAccumulator {
  readonly counters: CounterMap = new Map();
  readonly funded: FundedEntry[] = [];
  patents = 0;
  items = 0;

  private add(delta: CounterDelta) {
    for (const [id, increments] of Object.entries(delta)) {
      const item = this.counters.get(id) ?? {};
      for (const [attribute, amount] of Object.entries(increments))
        item[attribute] = Math.round(((item[attribute] ?? 0) + amount) * 1e6) / 1e6;
      this.counters.set(id, item);
    }
  }

  /**
   * All core items of one partition: `PAT#<number>`, `DEAL#<id>` (the deal and its payments) or
   * `PRODUCT#<id>` (others are ignored).
   */
  addPartition(items: ReadonlyArray<Record<string, unknown>>): void {
    this.items += items.length;
    const records = items.filter((item) => isDealItem(item) || isProductItem(item) || isPaymentItem(item));
    if (records.length) {
      this.add(contributionDelta(undefined, records.flatMap(recordContributions), '0Q1' as Quarter));
      return;
    }
    const patent = items.find(isPatentItem);
    if (!patent) return;
    this.patents += 1;
    const dates: PatentDates = {};
    const flows: Array<NonNullable<ReturnType<typeof eventFlows>>> = [];
    for (const item of items) {
      if (isEvaluationItem(item) && typeof item.createdAt === 'string') {
        if (!dates.firstEvaluatedAt || item.createdAt < dates.firstEvaluatedAt)
          dates.firstEvaluatedAt = item.createdAt;
      } else if (isPipelineEventItem(item)) {
        if (item.type === 'dealRecorded' && typeof item.at === 'string') {
          if (!dates.firstDealAt || item.at < dates.firstDealAt) dates.firstDealAt = item.at;
        }
        const counted = eventFlows(item);
        if (counted) flows.push(counted);
      }
    }
    const projection = projectPatent(patent);
    const contribution = patentContribution({ ...projection, ...dates });
    for (const flow of flows) {
      contribution.quarters[flow.quarter] ??= {};
      const into = contribution.quarters[flow.quarter]!;
      for (const [attribute, amount] of Object.entries(flow.counters))
        into[attribute] = (into[attribute] ?? 0) + amount;
    }
    // Gauges go to NOW only: the quarter of change is not recomputable (see above).
    const { scope } = contribution;
    const delta = contributionDelta(undefined, contribution, '0Q1' as Quarter);
    delete delta[itemId(quarterKey('0Q1' as Quarter, scope.provinceCode, scope.institutionUscc))];
    this.add(delta);
    const entry = fundedEntry(projection, dates);
    if (entry) this.funded.push(entry);
  }
}

/** Groups scanned items by partition (a scan returns a partition's items together) into the accumulator. */
export class PartitionGrouper {
  private current: Record<string, unknown>[] = [];
  private currentPk: string | undefined;
  private readonly done = new Set<string>();
  constructor(private readonly accumulator: RecomputeAccumulator) {}

  push(item: Record<string, unknown>): void {
    const pk = String(item.pk);
    if (pk !== this.currentPk) {
      this.flush();
      if (this.done.has(pk)) {
        throw new Error(`recompute: the items of ${pk} were not returned together by the scan; run it again`);
      }
      this.currentPk = pk;
    }
    this.current.push(item);
  }

  flush(): void {
    if (this.currentPk !== undefined) {
      this.accumulator.addPartition(this.current);
      this.done.add(this.currentPk);
    }
    this.current = [];
    this.currentPk = undefined;
  }
}

/** Is this attribute of this counter item rebuilt by a recompute? */
export function isRecomputable(id: string, attribute: string): boolean {
  const { pk } = keyOfItemId(id);
  if (pk.startsWith('NOW#')) return attribute.startsWith('g.');
  if (pk.startsWith('Q#')) return attribute.startsWith('f.') || attribute.startsWith('h.');
  return false;
}

export interface CounterDifference {
  pk: string;
  sk: string;
  attribute: string;
  stored: number;
  recomputed: number;
}

/** The recomputable counters that differ (stored vs recomputed), in key order. */
export function compareCounters(stored: CounterMap, recomputed: CounterMap): CounterDifference[] {
  const differences: CounterDifference[] = [];
  const ids = new Set([...stored.keys(), ...recomputed.keys()]);
  for (const id of [...ids].sort()) {
    const a = stored.get(id) ?? {};
    const b = recomputed.get(id) ?? {};
    for (const attribute of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!isRecomputable(id, attribute)) continue;
      const s = a[attribute] ?? 0;
      const r = b[attribute] ?? 0;
      if (Math.abs(s - r) > 1e-6)
        differences.push({ ...keyOfItemId(id), attribute, stored: s, recomputed: r });
    }
  }
  return differences;
}

/**
 * The increments that correct the stored counters: the difference on the item itself and, for a gauge
 * of NOW, the same change logged in the quarter of the recompute.
 */
export function corrections(differences: CounterDifference[], currentQuarter: Quarter): CounterDelta {
  const delta: CounterDelta = {};
  const add = (id: string, attribute: string, amount: number) => {
    delta[id] ??= {};
    delta[id][attribute] = Math.round(((delta[id][attribute] ?? 0) + amount) * 1e6) / 1e6;
  };
  for (const d of differences) {
    const amount = d.recomputed - d.stored;
    add(itemId(d), d.attribute, amount);
    if (d.pk.startsWith('NOW#')) {
      const provinceCode = d.pk.slice('NOW#PROV#'.length);
      const uscc = d.sk.slice(prefixes.institution.length);
      add(itemId(quarterKey(currentQuarter, provinceCode, uscc)), d.attribute, amount);
    }
  }
  return delta;
}

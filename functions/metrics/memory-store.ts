/**
 * In-memory MetricsWriteStore with the DynamoDB adapter's semantics (conditional shadow, event marker,
 * all-or-nothing commit): unit and property tests run the stream use-case through it.
 */
import { applyDelta, fundedListKeys, itemId } from './counters.ts';
import type { CounterMap } from './recompute.ts';
import type { FundedEntry, MetricsCommit, MetricsWriteStore, Shadow } from './stream-apply.ts';

export class MemoryMetricsStore implements MetricsWriteStore {
  readonly counters: CounterMap = new Map();
  readonly shadows = new Map<string, Shadow>();
  readonly markers = new Set<string>();
  readonly funded = new Map<string, FundedEntry>();
  commits = 0;

  constructor(
    private readonly core: (applicationNumber: string) => Record<string, unknown> | undefined = () =>
      undefined,
  ) {}

  async getShadow(applicationNumber: string) {
    const shadow = this.shadows.get(applicationNumber);
    return shadow ? structuredClone(shadow) : undefined;
  }

  async getCorePatent(applicationNumber: string) {
    const patent = this.core(applicationNumber);
    return patent ? structuredClone(patent) : undefined;
  }

  async commit(change: MetricsCommit) {
    const current = this.shadows.get(change.applicationNumber);
    if (change.eventSk !== undefined && this.markers.has(`${change.applicationNumber}|${change.eventSk}`))
      return 'duplicate' as const;
    if ((current?.rev ?? undefined) !== change.expectedRev) return 'conflict' as const;
    this.shadows.set(change.applicationNumber, structuredClone(change.shadow));
    if (change.eventSk !== undefined) this.markers.add(`${change.applicationNumber}|${change.eventSk}`);
    applyDelta(this.counters, change.delta);
    for (const entry of change.funded.remove)
      for (const key of fundedListKeys(entry)) this.funded.delete(itemId(key));
    for (const entry of change.funded.put)
      for (const key of fundedListKeys(entry)) this.funded.set(itemId(key), entry);
    this.commits += 1;
    return 'committed' as const;
  }
}

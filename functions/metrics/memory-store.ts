/**
 * In-memory MetricsWriteStore with the DynamoDB adapter's semantics (conditional shadow, event marker,
 * all-or-nothing commit): unit and property tests run the stream use-case through it.
 */
import type { Quarter } from '../../schemas/metrics.ts';
import { keys, prefixes } from '../shared/dynamo/keys.ts';
import { applyDelta, fundedListKeys, itemId, keyOfItemId } from './counters.ts';
import type { CounterRow, MetricsReadPort, QuarterSnapshot } from './figures.ts';
import { type QuarterClosePorts, snapshotPartition, snapshotProvinceSk } from './quarter-close.ts';
import type { CounterMap } from './recompute.ts';
import type { FundedEntry, MetricsCommit, MetricsWriteStore, Shadow } from './stream-apply.ts';

export class MemoryMetricsStore implements MetricsWriteStore {
  readonly counters: CounterMap = new Map();
  readonly shadows = new Map<string, Shadow>();
  readonly markers = new Set<string>();
  readonly funded = new Map<string, FundedEntry>();
  /** Quarter-close snapshots (`S#<quarter>#PROV#<code>|<sk>`), apart from the counters. */
  readonly snapshots = new Map<string, Record<string, number>>();
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

const rowsOf = (items: Map<string, Record<string, number>>, pk: string): CounterRow[] =>
  [...items]
    .filter(([id]) => keyOfItemId(id).pk === pk && keyOfItemId(id).sk.startsWith(prefixes.institution))
    .map(([id, counters]) => ({
      provinceCode: pk.slice(pk.indexOf('PROV#') + 5),
      institutionUscc: keyOfItemId(id).sk.slice(5),
      counters: { ...counters },
    }));

function snapshotOf(store: MemoryMetricsStore, provinceCode: string, quarter: Quarter): QuarterSnapshot {
  const pk = snapshotPartition(quarter, provinceCode);
  const province = store.snapshots.get(`${pk}|${snapshotProvinceSk}`);
  return province
    ? { closed: true, rows: rowsOf(store.snapshots, pk), histograms: { ...province } }
    : { closed: false, rows: [], histograms: {} };
}

/** The figures' read port over a memory store (counters and snapshots). */
export function memoryMetricsReadPort(
  store: MemoryMetricsStore,
  extras: Pick<MetricsReadPort, 'institutionNames' | 'lastReconciliation' | 'supervisionGroups'> = {},
): MetricsReadPort {
  const pkOf = (province: string, item: 'now' | Quarter) =>
    item === 'now' ? `NOW#PROV#${province}` : `Q#${item}#PROV#${province}`;
  return {
    provinceItems: async (province, item) => rowsOf(store.counters, pkOf(province, item)),
    institutionItem: async (province, uscc, item) =>
      rowsOf(store.counters, pkOf(province, item)).find((r) => r.institutionUscc === uscc),
    snapshotItems: async (province, quarter) => snapshotOf(store, province, quarter),
    institutionSnapshot: async (province, uscc, quarter) => {
      const snapshot = snapshotOf(store, province, quarter);
      return { ...snapshot, rows: snapshot.rows.filter((r) => r.institutionUscc === uscc), histograms: {} };
    },
    ...extras,
  };
}

/** The quarter-close ports over a memory store (a close replaces the province's snapshot). */
export function memoryQuarterClosePorts(store: MemoryMetricsStore, now: () => Date): QuarterClosePorts {
  return {
    read: memoryMetricsReadPort(store),
    async writeSnapshot(quarter, provinceCode, institutions, province) {
      const pk = snapshotPartition(quarter, provinceCode);
      for (const id of [...store.snapshots.keys()]) if (keyOfItemId(id).pk === pk) store.snapshots.delete(id);
      for (const row of institutions)
        store.snapshots.set(`${pk}|${keys.institutionPk(row.institutionUscc)}`, { ...row.counters });
      store.snapshots.set(`${pk}|${snapshotProvinceSk}`, { ...province.histograms });
    },
    now,
  };
}

/**
 * The metrics-recompute job: rebuilds the counters from a parallel Scan of core (patent partitions
 * only), compares them with the stored counters, writes the corrections (the stored counters become
 * the recomputed ones) and records the reconciliation (differences included) for the administrators.
 * Run it when the stream is quiet (weekly, Sunday 03:00 China time): a change applied by the stream
 * between the scan and the correction would be corrected twice; the next run finds and undoes that.
 */
import { randomUUID } from 'node:crypto';
import { quarterOf } from '../../schemas/metrics.ts';
import type { CounterDelta } from './counters.ts';
import type { ReconciliationRecord } from './metrics-store.ts';
import {
  type CounterMap,
  compareCounters,
  corrections,
  PartitionGrouper,
  RecomputeAccumulator,
} from './recompute.ts';

export interface RecomputePorts {
  /** Scans one segment of core (patent partitions), page by page. */
  scanCore(
    segment: number,
    totalSegments: number,
    visit: (items: Record<string, unknown>[]) => void,
  ): Promise<void>;
  readCounters(): Promise<CounterMap>;
  applyCorrections(delta: CounterDelta): Promise<void>;
  saveReconciliation(record: ReconciliationRecord): Promise<void>;
  now(): Date;
}

export interface RecomputeOptions {
  totalSegments: number;
  /** false: report the differences only (dry run). */
  correct: boolean;
}

export async function recomputeMetrics(
  ports: RecomputePorts,
  options: RecomputeOptions,
): Promise<ReconciliationRecord> {
  const started = ports.now();
  const accumulator = new RecomputeAccumulator();
  await Promise.all(
    Array.from({ length: options.totalSegments }, async (_, segment) => {
      const grouper = new PartitionGrouper(accumulator);
      await ports.scanCore(segment, options.totalSegments, (items) => {
        for (const item of items) grouper.push(item);
      });
      grouper.flush();
    }),
  );
  const stored = await ports.readCounters();
  const differences = compareCounters(stored, accumulator.counters);
  const quarter = quarterOf(ports.now());
  if (options.correct && differences.length) await ports.applyCorrections(corrections(differences, quarter));
  const provinces = new Set<string>();
  for (const d of differences) {
    const match = /#PROV#(\d{6})$/.exec(d.pk);
    if (match) provinces.add(match[1]!);
  }
  const record: ReconciliationRecord = {
    runId: randomUUID(),
    at: started.toISOString(),
    quarter,
    patents: accumulator.patents,
    items: accumulator.items,
    durationMs: ports.now().getTime() - started.getTime(),
    differenceCount: differences.length,
    provinces: [...provinces].sort(),
    differences: differences.slice(0, 200),
    corrected: options.correct && differences.length > 0,
  };
  await ports.saveReconciliation(record);
  return record;
}

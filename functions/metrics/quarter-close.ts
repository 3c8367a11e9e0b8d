/**
 * Quarter close: the snapshot of a quarter X for every province, written once X has ended, so that a
 * report reads a fixed number of bounded items per institution (functions/metrics/figures.ts):
 * - `S#<X>#PROV#<code>` / `INST#<USCC>`: for every institution with a counter item (NOW or a quarter
 *   from X on), the stock at the end of X (`g.<gauge>`, every gauge, licenses in force resolved at X), the flows of X (`f.<flow>`, all),
 *   the 5-year-rule count at the end of X (`s.fiveYear`) and its medians of X (`m.ttfe`, `m.ttd`);
 * - `S#<X>#PROV#<code>` / `PROV`: the province's merged histograms of X (`h.<histogram>.<bucket>`, at
 *   most 131 buckets each) and `closedAt`; its presence says the quarter is closed for the province.
 * In DynamoDB both are stored compact (one string each, metrics-store.ts encodeSnapshot).
 * The snapshot is derived from the exactly-once counters the same way the report derives an open
 * quarter (rawAt), so a closed and an open quarter give the same figures. Closing again overwrites
 * (idempotent): the recompute closes the last five ended quarters after its corrections, so flows
 * recorded late (a filing dated in X, recorded after the close) reach the snapshot within a week.
 */
import { provinceNames } from '../../schemas/codes/provinces.ts';
import {
  addQuarters,
  compareQuarters,
  type Quarter,
  quarterOf,
  quartersBetween,
} from '../../schemas/metrics.ts';
import { definitionGauges, histograms, laterFlows, legacyFlows, legacyGauges } from './counters.ts';
import { type CounterRow, type MetricsReadPort, rawAt, snapshotCounters } from './figures.ts';

export const snapshotPartition = (quarter: Quarter, provinceCode: string) =>
  `S#${quarter}#PROV#${provinceCode}`;
export const snapshotProvinceSk = 'PROV';
/**
 * The fixed attributes of an institution's snapshot, in their stored order (metrics-store.ts): the
 * gauges of the rates' definitions (issue 14) and the flows added later (income received from payments)
 * come last, so that snapshots written before them still decode (their absent gauges and flows read as
 * 0 until the recompute closes the quarters again).
 */
export const snapshotAttributes: readonly string[] = [
  ...legacyGauges.map((gauge) => `g.${gauge}`),
  ...legacyFlows.map((flow) => `f.${flow}`),
  's.fiveYear',
  ...histograms.map((name) => `m.${name}`),
  ...definitionGauges.map((gauge) => `g.${gauge}`),
  ...laterFlows.map((flow) => `f.${flow}`),
];

export interface QuarterClosePorts {
  read: Pick<MetricsReadPort, 'provinceItems'>;
  /** Writes (overwrites) the snapshot items of one province and quarter. */
  writeSnapshot(
    quarter: Quarter,
    provinceCode: string,
    institutions: CounterRow[],
    province: { histograms: Record<string, number>; closedAt: string },
  ): Promise<void>;
  now(): Date;
}

/** The snapshot of one province for quarter X (X must have ended). */
export async function closeProvinceQuarter(
  ports: QuarterClosePorts,
  provinceCode: string,
  quarter: Quarter,
): Promise<number> {
  const current = quarterOf(ports.now());
  if (compareQuarters(quarter, current) >= 0)
    throw new Error(`metrics: ${quarter} has not ended (it is ${current}); only ended quarters are closed`);
  const entries = new Map<
    string,
    { now: Record<string, number>; quarters: Map<Quarter, Record<string, number>> }
  >();
  const entry = (uscc: string) => {
    const found = entries.get(uscc) ?? { now: {}, quarters: new Map() };
    entries.set(uscc, found);
    return found;
  };
  for (const row of await ports.read.provinceItems(provinceCode, 'now'))
    entry(row.institutionUscc).now = row.counters;
  for (const q of quartersBetween(quarter, current))
    for (const row of await ports.read.provinceItems(provinceCode, q))
      entry(row.institutionUscc).quarters.set(q, row.counters);
  const rows: CounterRow[] = [];
  const merged: Record<string, number> = {};
  for (const [uscc, { now, quarters }] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const raw = rawAt(now, quarters, quarter, current);
    rows.push({ provinceCode, institutionUscc: uscc, counters: snapshotCounters(raw, quarter) });
    for (const name of ['ttfe', 'ttd'] as const)
      for (const [bucket, count] of raw.histograms[name])
        merged[`h.${name}.${bucket}`] = (merged[`h.${name}.${bucket}`] ?? 0) + count;
  }
  for (const [attribute, count] of Object.entries(merged)) if (count === 0) delete merged[attribute];
  await ports.writeSnapshot(quarter, provinceCode, rows, {
    histograms: merged,
    closedAt: ports.now().toISOString(),
  });
  return rows.length;
}

/** Closes the given ended quarters (default: the last `count` ended quarters) for the given (default every) province. */
export async function closeQuarters(
  ports: QuarterClosePorts,
  options: { quarters?: Quarter[]; provinces?: string[]; count?: number; concurrency?: number } = {},
): Promise<{ quarters: Quarter[]; snapshots: number }> {
  const current = quarterOf(ports.now());
  const count = options.count ?? 5;
  const quarters =
    options.quarters ?? quartersBetween(addQuarters(current, -count), addQuarters(current, -1));
  const provinces = options.provinces ?? [...provinceNames.keys()];
  const work = quarters.flatMap((quarter) => provinces.map((code) => ({ quarter, code })));
  let snapshots = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 8, work.length) }, async () => {
      while (next < work.length) {
        const { quarter, code } = work[next++]!;
        const written = await closeProvinceQuarter(ports, code, quarter);
        snapshots += written;
      }
    }),
  );
  return { quarters, snapshots };
}

/**
 * Chaos: the ingest benchmark's 50,000-row file (bench/ingest.ts: same generator, same path: S3 object
 * -> receiveUpload -> batch-ingest workflow -> DynamoDB Local) ingested twice on one local cloud in
 * memory, side by side: without faults, then with 20 % of the functions' DynamoDB and S3 calls answered
 * with throttling (infra/local/faults.ts: ProvisionedThroughputExceeded / Throttling, unprocessed batch
 * items, S3 SlowDown). Each run goes to its own institution with its own application numbers; the rows
 * stored are counted in DynamoDB and must be every accepted row (0 lost), or the benchmark fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { demoInventoryRows, toCsv } from '../infra/local/demo-patents.ts';
import type { FaultCounts } from '../infra/local/faults.ts';
import { freePort } from '../infra/local/ports.ts';
import { withUsccCheck } from '../schemas/codes/uscc.ts';
import { countPatents, ingestFile, registerBenchInstitution, writeIngestFile } from './ingest-path.ts';

const rows = Number(process.env.BENCH_ROWS ?? 50_000);
const share = Number(process.env.BENCH_FAULT_SHARE ?? 0.2);
const seed = Number(process.env.BENCH_FAULT_SEED ?? 2026);

export async function benchChaos() {
  const scratch = mkdtempSync(join(tmpdir(), 'patents-bench-chaos-'));
  const cloud = await startLocalCloud({
    inMemory: true,
    port: await freePort(),
    log: process.env.BENCH_LOG ? (line) => console.log(line) : () => undefined,
  });
  try {
    // Warm the JVM's JIT and the handlers first (without faults): the first seconds of DynamoDB Local are slow.
    const warmUscc = withUsccCheck('12110000MB0009997');
    await registerBenchInstitution(cloud, warmUscc, '预热大学');
    const warmup = join(scratch, 'warmup.csv');
    writeFileSync(warmup, toCsv(demoInventoryRows(3000, { seed: 99, serialBase: 9_000_000 })));
    const warm = await ingestFile(cloud, warmUscc, 'warmup.csv', warmup);
    if (warm.job.status !== 'succeeded' || warm.job.rowsAccepted !== 3000)
      throw new Error(`warm-up ingest: ${JSON.stringify(warm.job)}`);

    const run = async (label: string, uscc: string, serialBase: number, faulted: boolean) => {
      await registerBenchInstitution(cloud, uscc, `${label}大学`);
      const file = join(scratch, `${label}.csv`);
      const { badRows } = writeIngestFile(file, rows, serialBase);
      if (faulted) cloud.faults.configure({ share, seed, kinds: ['throttle', 'unprocessed'] });
      let counts: FaultCounts | undefined;
      let result: Awaited<ReturnType<typeof ingestFile>>;
      try {
        result = await ingestFile(cloud, uscc, `${label}.csv`, file);
      } finally {
        if (faulted) counts = cloud.faults.disable().counts;
      }
      const { job, seconds } = result;
      const stored = await countPatents(cloud, uscc);
      const expected = rows - badRows;
      const lost = expected - stored;
      if (job.status !== 'succeeded' || job.rowsAccepted !== expected || lost !== 0)
        throw new Error(
          `${label}: ${lost} rows lost (${stored} stored of ${expected}); job ${JSON.stringify({ status: job.status, rowsAccepted: job.rowsAccepted, rowsRejected: job.rowsRejected, rowsUnchanged: job.rowsUnchanged, failure: job.failure })}`,
        );
      return {
        seconds: Number(seconds.toFixed(2)),
        rowsPerSecond: Math.round(rows / seconds),
        rowsStored: stored,
        rowsLost: lost,
        job: {
          status: job.status,
          rowsTotal: job.rowsTotal,
          rowsAccepted: job.rowsAccepted,
          rowsRejected: job.rowsRejected,
          rowsUnchanged: job.rowsUnchanged,
        },
        ...(counts
          ? {
              faults: {
                share,
                seed,
                eligibleCalls: counts.eligible,
                injected: counts.injected,
                injectedShare: Number((counts.injected / Math.max(1, counts.eligible)).toFixed(3)),
                byKind: counts.byKind,
                byOperation: counts.byOperation,
              },
            }
          : {}),
      };
    };
    const withoutFaults = await run('baseline', withUsccCheck('12110000MB0009998'), 100_000, false);
    const withFaults = await run('throttled', withUsccCheck('12110000MB0009996'), 4_000_000, true);
    if (!withFaults.faults?.injected) throw new Error('no fault was injected: the run proves nothing');
    return {
      rows,
      withoutFaults,
      withFaults,
      slowdown: Number((withFaults.seconds / withoutFaults.seconds).toFixed(2)),
      rowsLost: withoutFaults.rowsLost + withFaults.rowsLost,
      note: 'one cloud, the runs one after the other (baseline first, so the throttled run starts on the larger table); faults: throttling and unprocessed batch items on the functions\u2019 DynamoDB and S3 calls',
    };
  } finally {
    await cloud.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

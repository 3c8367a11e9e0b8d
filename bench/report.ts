/**
 * Report: the figures of the quarterly report (functions/metrics/figures.ts `computeQuarterFigures`,
 * national + each of the 31 provinces) read from counter state for 15,000 and for 1,500,000 patents of
 * the same 3,000 institutions in 31 provinces, on DynamoDB Local; and the full recompute
 * (functions/metrics/recompute-job.ts) against a raw parallel Scan of the same core-shaped table.
 *
 * Counter state. A report reads counter items, never patents, so the state is written directly: per
 * institution one NOW item (gauges) and one item per quarter from 2024Q1 to the current quarter (flows,
 * gauge changes, histogram buckets), in both states: every institution is active every quarter, so both
 * states have the same items and differ in their values and in the attributes that grow with the
 * patents up to a bound (histogram buckets, grant quarters of the 5-year-rule gauges). Institution sizes
 * are skewed (Zipf 0.8), provinces too. The two states live in two tables of one DynamoDB Local; the
 * report runs alternate between them (warm-up first), and the median of the runs is reported.
 * After loading, the quarter close (functions/metrics/quarter-close.ts, as the recompute job runs it)
 * writes the snapshots of the last five ended quarters; the report of the last ended quarter Q then reads
 * the snapshots of Q, Q - 1 and Q - 4 only (3 items per institution + 3 per province, in both states).
 *
 * Recompute. BENCH_RECOMPUTE_PATENTS (default 100,000) patents of ~1 KB with, for a third of them, an
 * evaluation and for some a pipeline event, plus deals: the recompute (dry run: no corrections, one
 * reconciliation record) and a raw Scan (same segments, nothing done with the items) of the same table,
 * each twice alternating; items per second = items scanned / wall time.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dayBucket } from '../functions/metrics/counters.ts';
import { computeQuarterFigures } from '../functions/metrics/figures.ts';
import {
  coreScanFilter,
  dynamoMetricsReadPort,
  dynamoQuarterClosePorts,
  encodeHistograms,
  encodeSnapshot,
  readAllCounters,
  saveReconciliation,
  scanSegment,
} from '../functions/metrics/metrics-store.ts';
import { closeQuarters } from '../functions/metrics/quarter-close.ts';
import { recomputeMetrics } from '../functions/metrics/recompute-job.ts';
import { random } from '../infra/local/demo-patents.ts';
import { createTables, startDynamoDbLocal, waitForDynamoDb } from '../infra/local/dynamodb-local.ts';
import { freePort } from '../infra/local/ports.ts';
import { tables } from '../infra/resources.ts';
import { withApplicationCheck } from '../schemas/codes/application-number.ts';
import { provinceNames } from '../schemas/codes/provinces.ts';
import { withUsccCheck } from '../schemas/codes/uscc.ts';
import {
  previousQuarter,
  type Quarter,
  quarterOf,
  quartersBetween,
  sameQuarterLastYear,
} from '../schemas/metrics.ts';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

const settings = {
  institutions: env('BENCH_INSTITUTIONS', 3_000),
  small: env('BENCH_PATENTS_SMALL', 15_000),
  large: env('BENCH_PATENTS_LARGE', 1_500_000),
  huge: env('BENCH_PATENTS_HUGE', 15_000_000),
  runs: env('BENCH_RUNS', 3),
  recomputePatents: env('BENCH_RECOMPUTE_PATENTS', 100_000),
  segments: env('BENCH_SEGMENTS', 8),
};

// ----------------------------------------------------------------------------------- generation

const mainland = [...provinceNames.keys()]
  .filter((code) => !['710000', '810000', '820000'].includes(code))
  .sort();

function world(institutionCount: number) {
  const next = random(2024);
  // Provinces skewed: weight 1/(rank+1)^0.7 over a shuffled order.
  const provinces = [...mainland].sort(() => next() - 0.5);
  const weights = provinces.map((_, i) => 1 / (i + 1) ** 0.7);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickProvince = () => {
    let target = next() * total;
    for (let i = 0; i < provinces.length; i++) {
      target -= weights[i]!;
      if (target <= 0) return provinces[i]!;
    }
    return provinces.at(-1)!;
  };
  const institutions = Array.from({ length: institutionCount }, (_, i) => {
    const provinceCode = i < provinces.length ? provinces[i]! : pickProvince();
    return { uscc: withUsccCheck(`12${provinceCode}${String(300_000_000 + i)}`), provinceCode };
  });
  // Institution sizes: Zipf 0.8 (a few universities with tens of thousands, a long tail).
  const shares = institutions.map((_, i) => 1 / (i + 1) ** 0.8);
  const shareTotal = shares.reduce((a, b) => a + b, 0);
  return { institutions, shares: shares.map((s) => s / shareTotal) };
}

/** The counter items of one institution with `n` patents: NOW and one item per quarter. */
function institutionItems(
  uscc: string,
  provinceCode: string,
  n: number,
  quarters: Quarter[],
  next: () => number,
): Array<Record<string, unknown>> {
  const share = (f: number) => Math.round(n * f * (0.8 + 0.4 * next()));
  const sk = `INST#${uscc}`;
  const targets: Record<string, number> = {
    'g.recorded': n,
    'g.valid': share(0.9),
    'g.inventoried': share(0.7),
    'g.pool': share(0.45),
    'g.implemented': share(0.15),
    'g.industrialized': share(0.03),
    'g.evaluated': share(0.3),
  };
  const funded = share(0.1);
  const grantQuarters = Math.min(40, funded);
  for (let g = 0; g < grantQuarters; g++) {
    const year = 2010 + Math.floor(g / 4);
    targets[`g.fu.${year}Q${(g % 4) + 1}`] = Math.max(1, Math.round(funded / grantQuarters));
  }
  /** An integer total spread at random over the quarters. */
  const spread = (total: number) => {
    const counts = quarters.map(() => 0);
    for (let k = 0; k < total; k++) counts[Math.floor(next() * quarters.length)]! += 1;
    return counts;
  };
  const quarterItems = quarters.map(
    (quarter) => ({ pk: `Q#${quarter}#PROV#${provinceCode}`, sk }) as Record<string, unknown>,
  );
  const put = (attribute: string, counts: number[]) =>
    counts.forEach((count, i) => {
      if (count !== 0) quarterItems[i]![attribute] = count;
    });
  // The gauges changed during the quarters since 2024Q1 by part of what they are now (the rest is older).
  for (const [attribute, fraction] of [
    ['g.recorded', 0.3],
    ['g.valid', 0.25],
    ['g.inventoried', 0.8],
    ['g.pool', 0.8],
    ['g.implemented', 0.3],
    ['g.evaluated', 0.9],
  ] as const) {
    const counts = spread(Math.round(targets[attribute]! * fraction));
    put(attribute, counts);
    if (attribute === 'g.inventoried') put('f.newlyInventoried', counts);
  }
  const flowsPerYear = (f: number) => spread(Math.round((n * f * quarters.length) / 4));
  const dealCounts = flowsPerYear(0.02);
  put('f.deals', dealCounts);
  put(
    'f.dealValueWan',
    dealCounts.map((count) => Math.round(count * 80 * next() * 100) / 100),
  );
  put('f.equityDeals', flowsPerYear(0.002));
  const exclusive = flowsPerYear(0.004);
  const ordinary = flowsPerYear(0.008);
  put('f.licenseFilingsExclusive', exclusive);
  put('f.licenseFilingsOrdinary', ordinary);
  put(
    'f.licenseFilings',
    exclusive.map((count, i) => count + ordinary[i]!),
  );
  put('f.assignmentRegistrations', flowsPerYear(0.006));
  put('f.openLicenseDeclarations', flowsPerYear(0.01));
  put('f.openLicensesTaken', flowsPerYear(0.002));
  put('f.productFilings', flowsPerYear(0.001));
  const items: Array<Record<string, unknown>> = [{ pk: `NOW#PROV#${provinceCode}`, sk, ...targets }];
  quarterItems.forEach((item, i) => {
    const firstEvaluations = (item['g.evaluated'] as number | undefined) ?? 0;
    const deals = dealCounts[i]!;
    for (const [histogram, count] of [
      ['ttfe', firstEvaluations],
      ['ttd', deals],
    ] as const) {
      // Bounded: at most as many buckets as there are (131), however many patents.
      for (let k = 0; k < Math.min(count, 60); k++) {
        const days = Math.floor(next() * (histogram === 'ttfe' ? 90 : 900));
        const attribute = `h.${histogram}.${dayBucket(days)}`;
        item[attribute] =
          ((item[attribute] as number | undefined) ?? 0) + Math.max(1, Math.round(count / 60));
      }
    }
    // A quarter without any change of the institution has no item.
    if (Object.keys(item).length > 2) items.push(item);
  });
  return items;
}

async function writeAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  items: Array<Record<string, unknown>>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const chunk = items.slice(next, next + 25);
      next += 25;
      let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const { UnprocessedItems } = await documents.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

// --------------------------------------------------------------------------------------- report

async function reportRun(documents: DynamoDBDocumentClient, tableName: string, quarter: Quarter, now: Date) {
  const port = dynamoMetricsReadPort(documents, tableName);
  const started = performance.now();
  const national = await computeQuarterFigures(port, quarter, { level: 'national' }, { now });
  const nationalMs = performance.now() - started;
  let institutions = 0;
  for (const provinceCode of mainland) {
    const figures = await computeQuarterFigures(port, quarter, { level: 'province', provinceCode }, { now });
    institutions += figures.institutions?.length ?? 0;
  }
  const totalMs = performance.now() - started;
  return {
    nationalMs,
    provincesMs: totalMs - nationalMs,
    totalMs,
    recorded: national.figures.recordedPatents.value,
    institutions,
  };
}

// ------------------------------------------------------------------------------------ recompute

function corePatentItems(count: number, institutions: Array<{ uscc: string; provinceCode: string }>) {
  const next = random(99);
  const filler = '一种用于高效处理的装置及其方法，包括基座、传动组件与控制单元；'.repeat(6);
  const items: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const institution = institutions[Math.floor(next() ** 2 * institutions.length)]!;
    const number = withApplicationCheck(`2019${next() < 0.7 ? '1' : '2'}${String(i).padStart(7, '0')}`);
    const approved = next() < 0.7;
    const pool = approved && next() < 0.6;
    const pk = `PAT#${number}`;
    items.push({
      pk,
      sk: 'PATENT',
      entity: 'patent',
      applicationNumber: number,
      institutionUscc: institution.uscc,
      provinceCode: institution.provinceCode,
      title: `基准专利${i}`,
      patentType: 'invention',
      applicationDate: '2019-03-01',
      grantDate: `20${15 + Math.floor(next() * 9)}-0${1 + Math.floor(next() * 9)}-15`,
      legalStatus: next() < 0.9 ? 'valid' : 'lapsed',
      inventors: ['张伟', '李娜', '王芳'],
      department: '机械工程学院',
      publiclyFunded: next() < 0.6,
      implementationStatus: next() < 0.8 ? 'not-implemented' : 'licensed',
      conversionIntents: ['license'],
      classifications: ['G06T 5/00', 'G06N 3/08'],
      strategicIndustries: [{ code: '1.5', name: '人工智能', inferred: true }],
      applicationScenarios: filler,
      reviewStatus: approved ? 'approved' : 'draft',
      poolStatus: pool ? 'conversion' : 'base',
      ...(approved
        ? { inventoriedAt: '2025-03-01T02:00:00.000Z', lifecycle: pool ? 'conversion-pool' : 'base-pool' }
        : {}),
      gsi1pk: `INST#${institution.uscc}#PAT`,
      gsi1sk: number,
      gsi2pk: `PROV#${institution.provinceCode}#PAT`,
      gsi2sk: `${institution.uscc}#${number}`,
      contentHash: 'x'.repeat(43),
      version: 3,
      createdAt: '2025-01-02T00:00:00.000Z',
      updatedAt: '2025-03-01T02:00:00.000Z',
    });
    if (pool && next() < 0.5)
      items.push({
        pk,
        sk: 'EVAL#expert#e1',
        entity: 'evaluation',
        applicationNumber: number,
        createdAt: '2025-03-20T00:00:00.000Z',
        prospect: 4,
      });
    if (pool && next() < 0.1)
      items.push({
        pk,
        sk: 'EVENT#000004#openLicenseDeclared',
        entity: 'pipeline-event',
        type: 'openLicenseDeclared',
        at: '2025-04-02T00:00:00.000Z',
      });
    if (next() < 0.02)
      items.push({
        pk: `DEAL#b${i}`,
        sk: 'DEAL',
        entity: 'deal',
        kind: 'license',
        licenseType: 'ordinary',
        institutionUscc: institution.uscc,
        provinceCode: institution.provinceCode,
        contractValueFen: 10_000_000,
        createdAt: '2025-05-01T00:00:00.000Z',
        filingStatus: 'pending',
        version: 1,
      });
  }
  return items;
}

// ------------------------------------------------------------------------------------------ run

export async function benchReport(): Promise<Record<string, unknown>> {
  const port = await freePort();
  const child = await startDynamoDbLocal({ port });
  const dynamodb = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  try {
    await waitForDynamoDb(dynamodb, undefined);
    const now = new Date();
    const current = quarterOf(now);
    const quarters = quartersBetween('2024Q1', current);
    const reportQuarter = quartersBetween('2024Q1', current).at(-2)!;
    const w = world(settings.institutions);
    const states = { small: settings.small, large: settings.large, huge: settings.huge } as const;
    const tableOf = (state: keyof typeof states) => `bench-metrics-${state}`;
    const load: Record<string, unknown> = {};
    for (const state of Object.keys(states) as Array<keyof typeof states>) {
      await createTables(dynamodb, { [tableOf(state)]: tables.metrics }, (t) => t);
      const next = random(states[state] % 100_003);
      const items = w.institutions.flatMap((institution, i) =>
        institutionItems(
          institution.uscc,
          institution.provinceCode,
          Math.max(1, Math.round(states[state] * w.shares[i]!)),
          quarters,
          next,
        ),
      );
      const started = performance.now();
      await writeAll(documents, tableOf(state), items);
      const bytes = items.reduce((sum, item) => sum + JSON.stringify(item).length, 0);
      const loadSeconds = round((performance.now() - started) / 1000);
      const closeStarted = performance.now();
      const closed = await closeQuarters({
        ...dynamoQuarterClosePorts(documents, tableOf(state)),
        now: () => now,
      });
      const closeSeconds = round((performance.now() - closeStarted) / 1000);
      // What the report of the last ended quarter reads: the snapshots of Q, Q - 1, Q - 4.
      const reader = dynamoMetricsReadPort(documents, tableOf(state));
      let snapshotItems = 0;
      let snapshotBytes = 0;
      for (const x of [reportQuarter, previousQuarter(reportQuarter), sameQuarterLastYear(reportQuarter)])
        for (const code of mainland) {
          const snapshot = await reader.snapshotItems!(code, x);
          snapshotItems += snapshot.rows.length + 1;
          // Stored size (key + compact value), as metrics-store.ts writes it.
          snapshotBytes +=
            snapshot.rows.reduce(
              (sum, row) =>
                sum +
                JSON.stringify({ pk: code, sk: row.institutionUscc, v: encodeSnapshot(row.counters) }).length,
              0,
            ) + JSON.stringify({ pk: code, sk: 'PROV', h: encodeHistograms(snapshot.histograms) }).length;
        }
      load[state] = {
        patents: states[state],
        counterItems: items.length,
        meanItemBytes: Math.round(bytes / items.length),
        loadSeconds,
        closedQuarters: closed.quarters,
        snapshotsWritten: closed.snapshots,
        closeSeconds,
        reportItemsRead: snapshotItems,
        reportMeanItemBytes: Math.round(snapshotBytes / snapshotItems),
      };
      console.log(`loaded ${state}: ${items.length} counter items`);
    }

    // Warm-up, then alternate.
    for (const state of Object.keys(states) as Array<keyof typeof states>)
      await reportRun(documents, tableOf(state), reportQuarter, now);
    type Run = Awaited<ReturnType<typeof reportRun>>;
    const runs: Record<keyof typeof states, Run[]> = { small: [], large: [], huge: [] };
    for (let r = 0; r < settings.runs; r++) {
      const order =
        r % 2 === 0 ? (['large', 'huge', 'small'] as const) : (['small', 'huge', 'large'] as const);
      for (const state of order)
        runs[state].push(await reportRun(documents, tableOf(state), reportQuarter, now));
    }
    const summary = (state: keyof typeof runs) => ({
      ...(load[state] as object),
      recordedPatentsReported: runs[state][0]!.recorded,
      institutionsReported: runs[state][0]!.institutions,
      nationalMs: round(median(runs[state].map((x) => x.nationalMs))),
      provincesMs: round(median(runs[state].map((x) => x.provincesMs))),
      totalMs: round(median(runs[state].map((x) => x.totalMs))),
    });
    const small = summary('small');
    const large = summary('large');
    const huge = summary('huge');

    // Recompute vs raw Scan of one core-shaped table.
    const coreTable = 'bench-core';
    const metricsTable = 'bench-recompute-metrics';
    await createTables(
      dynamodb,
      { [coreTable]: { ...tables.core, stream: undefined }, [metricsTable]: tables.metrics },
      (t) => t,
    );
    const coreItems = corePatentItems(settings.recomputePatents, w.institutions);
    let started = performance.now();
    await writeAll(documents, coreTable, coreItems);
    const coreLoadSeconds = round((performance.now() - started) / 1000);
    console.log(`loaded core: ${coreItems.length} items`);
    const recomputeTimes: number[] = [];
    const scanTimes: number[] = [];
    let scanned = 0;
    let patents = 0;
    for (let r = 0; r < 2; r++) {
      started = performance.now();
      scanned = 0;
      await Promise.all(
        Array.from({ length: settings.segments }, (_, segment) =>
          scanSegment(
            documents,
            { tableName: coreTable, segment, totalSegments: settings.segments },
            (items) => {
              scanned += items.length;
            },
          ),
        ),
      );
      scanTimes.push(performance.now() - started);
      started = performance.now();
      const record = await recomputeMetrics(
        {
          scanCore: (segment, totalSegments, visit) =>
            scanSegment(
              documents,
              { tableName: coreTable, segment, totalSegments, filter: coreScanFilter },
              visit,
            ),
          readCounters: () => readAllCounters(documents, metricsTable, 4),
          applyCorrections: async () => undefined,
          saveReconciliation: (x) => saveReconciliation(documents, metricsTable, x),
          now: () => new Date(),
        },
        { totalSegments: settings.segments, correct: false },
      );
      recomputeTimes.push(performance.now() - started);
      patents = record.patents;
    }
    const rawScanSeconds = Math.min(...scanTimes) / 1000;
    const recomputeSeconds = Math.min(...recomputeTimes) / 1000;
    return {
      institutions: settings.institutions,
      provinces: mainland.length,
      reportQuarter,
      runs: settings.runs,
      ratio: round(large.totalMs / small.totalMs, 3),
      nationalRatio: round(large.nationalMs / small.nationalMs, 3),
      ratio15MTo1500k: round(huge.totalMs / large.totalMs, 3),
      patents15k: small,
      patents1500k: large,
      patents15M: huge,
      recompute: {
        coreItems: coreItems.length,
        patents,
        segments: settings.segments,
        coreLoadSeconds,
        rawScanItemsPerSecond: Math.round(scanned / rawScanSeconds),
        recomputeItemsPerSecond: Math.round(scanned / recomputeSeconds),
        recomputeVsRawScan: round(recomputeSeconds / rawScanSeconds, 2),
        rawScanSeconds: round(rawScanSeconds, 2),
        recomputeSeconds: round(recomputeSeconds, 2),
      },
      note: `Counter items written directly: per institution NOW + one item per quarter 2024Q1-${current} (a quarter without change has no item), then the quarter close of the last five ended quarters (snapshots: what the report reads). computeQuarterFigures national + ${mainland.length} provinces, median of ${settings.runs} alternating runs after a warm-up, on DynamoDB Local (one JVM, 2 cores shared). Recompute: a ${settings.recomputePatents}-patent core table (about ${coreItems.length} items with evaluations, events and deals), recompute (dry run) vs raw parallel Scan, ${settings.segments} segments, best of 2.`,
    };
  } finally {
    child.kill();
  }
}

/**
 * Matching: a batch of conversion-pool patents matched and pushed (functions/market/push.ts
 * `matchAndPush` over the real DynamoDB push store) against 50,000 verified enterprises and 5,000
 * experts, and again against 5,000 enterprises, on DynamoDB Local (the local cloud, in memory).
 *
 * Data. Fields are drawn with a Zipf skew (a few popular fields, a long tail) from "topics": the IPC
 * subclasses and main groups of CNIPA's 2021 strategic-industry concordance, each tied to a GB/T 4754
 * industry class. An evaluator follows 1-2 topics and is indexed under 2-5 keys (IPC subclass or main
 * group, strategic industry, industry class); a patent has 1-3 IPC codes of its topics, the topic's
 * industry class (80%) and the strategic industries the concordance infers from its IPC codes. Provinces
 * are skewed too; experts work for the patents' institutions or for enterprises (conflicts happen).
 *
 * Two tables. The 5,000-enterprise set is the first 5,000 of the 50,000 (same generator, same seed), so
 * it is a subset; the experts and the patents are the same in both. Each set lives in its own table with
 * the core table's keys and indexes, in the same DynamoDB Local, so both runs share one JVM and one
 * warm-up; the tables have no stream, so the local stream poller does not compete for the two cores
 * (in AWS a stream costs the writer nothing). Only index items are loaded (IDX#<key> / ENT#|EXP#), not
 * profiles: matching reads nothing else.
 *
 * Measure. After a warm-up (other patents, another day), the patents are matched in chunks that
 * alternate between the two tables (50k first, then 5k, then the other way round), so JIT, GC and table
 * growth drift fall on both alike. Each patent is one matchAndPush call; BENCH_CONCURRENCY (default 1)
 * of them in flight. One at a time, a call's latency is the cost of one patent: DynamoDB Local
 * serializes transactions, so more in flight raise latency and barely throughput (measured: 4 or 16 in
 * flight gave the same patents per second). msPerPatent is the mean call latency, p99MsPerPatent its
 * 99th percentile, patentsPerSecond the patents over the wall time of that table's chunks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { interestKeys } from '../functions/market/matching.ts';
import { marketSettings, matchAndPush, type PushStore } from '../functions/market/push.ts';
import { dynamoPushStore, maxCandidatesPerKey } from '../functions/market/push-store.ts';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { random } from '../infra/local/demo-patents.ts';
import { createTables } from '../infra/local/dynamodb-local.ts';
import { freePort } from '../infra/local/ports.ts';
import { tables } from '../infra/resources.ts';
import { withApplicationCheck } from '../schemas/codes/application-number.ts';
import { allIndustries, inferStrategicIndustries, strategicIndustries } from '../schemas/codes/ipc.ts';
import { strategicPatterns } from '../schemas/codes/ipc-strategic.generated.ts';
import { provinceNames } from '../schemas/codes/provinces.ts';
import { withUsccCheck } from '../schemas/codes/uscc.ts';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

/** The issue's batch: 10,000 patents. It does not fit in ~10 minutes on DynamoDB Local (see `note`). */
const issueBatch = 10_000;
/**
 * DynamoDB Local runs ~8-10 matchAndPush calls per second per table on the 2-core machine (transactions
 * are serialized there; each patent makes up to 25 pushes): 1,500 patents on both tables, plus loading
 * and warm-up, take about 8 minutes. BENCH_PATENTS=10000 runs the issue's batch (about 40 minutes).
 */
const settings = {
  patents: env('BENCH_PATENTS', 1_500),
  enterprises: env('BENCH_ENTERPRISES', 50_000),
  enterprisesSmall: env('BENCH_ENTERPRISES_SMALL', 5_000),
  experts: env('BENCH_EXPERTS', 5_000),
  concurrency: env('BENCH_CONCURRENCY', 1),
  warmupPatents: env('BENCH_WARMUP_PATENTS', 200),
  chunk: env('BENCH_CHUNK', 250),
};

// ----------------------------------------------------------------------------------- generation

/** Draws indexes 0..n-1 with weight 1/(rank+1)^s: a few popular, a long tail. */
function zipf(n: number, s: number, next: () => number) {
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 0; rank < n; rank++) {
    sum += 1 / (rank + 1) ** s;
    cumulative.push(sum);
  }
  return () => {
    const target = next() * sum;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

function shuffled<T>(list: readonly T[], next: () => number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

interface Topic {
  subclass: string;
  mainGroup: number;
  industryClass: string;
}

function world() {
  const next = random(4754);
  const classes = shuffled(
    allIndustries()
      .filter((i) => i.level === 'class')
      .map((i) => i.code),
    next,
  );
  const pickClass = zipf(classes.length, 0.9, next);
  const seen = new Set<string>();
  const topicList: Topic[] = [];
  for (const [pattern] of strategicPatterns) {
    const text = pattern.replace(/\*$/, '').split('/')[0]!;
    if (text.length < 4) continue; // a whole IPC class: too broad to be one topic
    const subclass = text.slice(0, 4);
    const mainGroup = text.length > 4 ? Number(text.slice(4)) : 1 + Math.floor(next() * 40);
    const id = `${subclass}${mainGroup}`;
    if (seen.has(id)) continue;
    seen.add(id);
    topicList.push({ subclass, mainGroup, industryClass: classes[pickClass()]! });
  }
  const topics = shuffled(topicList, next);
  const provinces = [
    '440000',
    '320000',
    '330000',
    '110000',
    '310000',
    '370000',
    '420000',
    '510000',
    ...[...provinceNames.keys()]
      .sort()
      .filter(
        (c) => !['440000', '320000', '330000', '110000', '310000', '370000', '420000', '510000'].includes(c),
      ),
  ];
  const institutions = Array.from({ length: 300 }, (_, i) => {
    const province = provinces[Math.floor(next() * provinces.length)]!;
    return { uscc: withUsccCheck(`12${province}${String(400_000_000 + i)}`), province };
  });
  const level2 = strategicIndustries.filter((s) => s.level === 2).map((s) => s.code);
  return { topics, classes, provinces, institutions, level2 };
}
type World = ReturnType<typeof world>;

const pickers = (w: World, seed: number) => {
  const next = random(seed);
  return {
    next,
    topic: zipf(w.topics.length, 0.9, next),
    cls: zipf(w.classes.length, 0.9, next),
    province: zipf(w.provinces.length, 0.8, next),
    sei: zipf(w.level2.length, 0.7, next),
  };
};

interface IndexEntry {
  kind: 'enterprise' | 'expert';
  id: string;
  name: string;
  provinceCode: string;
  affiliationUscc?: string;
  keys: string[];
}

/** An evaluator's 2-5 index keys, around 1-2 topics. */
function evaluatorKeys(w: World, p: ReturnType<typeof pickers>): string[] {
  const wanted = 2 + Math.floor(p.next() * 4);
  const topics = [w.topics[p.topic()]!, ...(p.next() < 0.5 ? [w.topics[p.topic()]!] : [])];
  const options = new Set<string>();
  for (let guard = 0; options.size < wanted && guard < 50; guard++) {
    const topic = topics[Math.floor(p.next() * topics.length)]!;
    const facet = p.next();
    const interests =
      facet < 0.3
        ? {
            industryCodes: [p.next() < 0.8 ? topic.industryClass : w.classes[p.cls()]!],
            strategicIndustries: [],
            ipcInterests: [],
          }
        : facet < 0.55
          ? { industryCodes: [], strategicIndustries: [], ipcInterests: [topic.subclass] }
          : facet < 0.8
            ? {
                industryCodes: [],
                strategicIndustries: [],
                ipcInterests: [`${topic.subclass} ${topic.mainGroup}`],
              }
            : {
                industryCodes: [],
                strategicIndustries: [
                  inferStrategicIndustries([`${topic.subclass} ${topic.mainGroup}/00`])[0]?.code ??
                    w.level2[p.sei()]!,
                ],
                ipcInterests: [],
              };
    for (const key of interestKeys(interests)) options.add(key);
  }
  return [...options];
}

/** Enterprise i is the same in every set: the small set is the first N of the large one. */
function* enterprises(w: World, count: number): Generator<IndexEntry> {
  const p = pickers(w, 9_100);
  for (let i = 0; i < count; i++) {
    const province = w.provinces[p.province()]!;
    yield {
      kind: 'enterprise',
      id: withUsccCheck(`91${province}${String(500_000_000 + i)}`),
      name: `基准企业${i}有限公司`,
      provinceCode: province,
      keys: evaluatorKeys(w, p),
    };
  }
}

function* experts(w: World, count: number): Generator<IndexEntry> {
  const p = pickers(w, 9_200);
  for (let i = 0; i < count; i++) {
    const institution = w.institutions[Math.floor(p.next() * w.institutions.length)]!;
    const affiliation =
      p.next() < 0.7
        ? institution.uscc
        : withUsccCheck(`91110000${String(500_000_000 + Math.floor(p.next() * 5000))}`);
    yield {
      kind: 'expert',
      id: `bench-expert-${i}`,
      name: `专家${i}`,
      provinceCode: p.next() < 0.7 ? institution.province : w.provinces[p.province()]!,
      affiliationUscc: affiliation,
      keys: evaluatorKeys(w, p),
    };
  }
}

const types = ['invention', 'invention', 'invention', 'utility-model'] as const;
const intents = [['license'], ['assignment', 'license'], ['equity'], ['license', 'industrialization']];

/** A conversion-pool patent item as the intake and the review leave it (the fields matching reads, and text). */
function patents(w: World, count: number, serialBase: number, seed: number) {
  const p = pickers(w, seed);
  return Array.from({ length: count }, (_, i) => {
    const topic = w.topics[p.topic()]!;
    const institution = w.institutions[Math.floor(p.next() * w.institutions.length)]!;
    const codes = [
      `${topic.subclass} ${topic.mainGroup}/${String(Math.floor(p.next() * 20) * 2).padStart(2, '0')}`,
    ];
    if (p.next() < 0.4) {
      const other = p.next() < 0.6 ? topic : w.topics[p.topic()]!;
      codes.push(`${other.subclass} ${other.mainGroup}/${String(10 + Math.floor(p.next() * 80))}`);
    }
    const type = types[Math.floor(p.next() * types.length)]!;
    const number = withApplicationCheck(
      `${2015 + (i % 9)}${type === 'invention' ? '1' : '2'}${String(serialBase + i).padStart(7, '0')}`,
    );
    return {
      pk: `PAT#${number}`,
      sk: 'PATENT',
      entity: 'patent',
      gsi2pk: `PROV#${institution.province}#PAT`,
      gsi2sk: `${institution.uscc}#${number}`,
      applicationNumber: number,
      title: `一种${topic.subclass}领域的方法与装置（${i}）`,
      patentType: type,
      trl: 1 + Math.floor(p.next() * 9),
      conversionIntents: intents[Math.floor(p.next() * intents.length)]!,
      institutionUscc: institution.uscc,
      provinceCode: institution.province,
      industryCode: p.next() < 0.8 ? topic.industryClass : w.classes[p.cls()]!,
      strategicIndustries: inferStrategicIndustries(codes).map((s) => ({
        code: s.code,
        name: s.name,
        inferred: true,
        via: s.via,
      })),
      classifications: codes,
      poolStatus: 'conversion',
      reviewStatus: 'approved',
      lifecycle: 'conversion-pool',
      version: 1,
      applicationScenarios: '可应用于相关行业的产品升级与工艺改进，已在实验室完成验证。',
      productsAndAdvantages: '相对现有技术，能耗降低约 20%，良品率提高，成本可控。',
      inventors: ['张伟', '李娜', '王强'],
      department: '工程学院',
      updatedAt: '2024-06-30T00:00:00.000Z',
    };
  });
}

// -------------------------------------------------------------------------------------- loading

/** A table shaped like core (keys, indexes), without a stream: nothing consumes it here. */
async function createBenchTable(dynamodb: DynamoDBClient, name: string) {
  await createTables(dynamodb, { [name]: { ...tables.core, stream: undefined } }, (table) => table);
}

/** BatchWriteItem, 25 items per request, 8 requests in flight, unprocessed items retried. */
async function writeAll(
  documents: DynamoDBDocumentClient,
  table: string,
  items: Iterable<Record<string, unknown>>,
) {
  const iterator = items[Symbol.iterator]();
  let written = 0;
  const worker = async () => {
    for (;;) {
      const chunk: Record<string, unknown>[] = [];
      for (let result = iterator.next(); ; result = iterator.next()) {
        if (result.done) break;
        chunk.push(result.value);
        if (chunk.length === 25) break;
      }
      if (!chunk.length) return;
      let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length; attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        const { UnprocessedItems } = await documents.send(
          new BatchWriteCommand({ RequestItems: { [table]: requests } }),
        );
        requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
      }
      written += chunk.length;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return written;
}

function* indexItems(entries: Iterable<IndexEntry>, keyCounts: number[]) {
  for (const entry of entries) {
    keyCounts.push(entry.keys.length);
    for (const key of entry.keys) {
      yield {
        pk: `IDX#${key}`,
        sk: `${entry.kind === 'enterprise' ? 'ENT' : 'EXP'}#${entry.id}`,
        entity: 'match-index',
        kind: entry.kind,
        id: entry.id,
        name: entry.name,
        provinceCode: entry.provinceCode,
        ...(entry.affiliationUscc ? { affiliationUscc: entry.affiliationUscc } : {}),
      };
    }
  }
}

// -------------------------------------------------------------------------------------- measure

interface RunFigures {
  latencies: number[];
  candidateMs: number[];
  wallMs: number;
  candidates: number;
  matches: number;
  pushed: number;
  exists: number;
  capped: number;
  skipped: number;
}

const newFigures = (): RunFigures => ({
  latencies: [],
  candidateMs: [],
  wallMs: 0,
  candidates: 0,
  matches: 0,
  pushed: 0,
  exists: 0,
  capped: 0,
  skipped: 0,
});

/** The push store with the time of its candidate reads recorded (the part that grows with the index). */
function timedStore(store: PushStore, figures: RunFigures | undefined): PushStore {
  return {
    ...store,
    async candidates(keys) {
      const started = performance.now();
      const found = await store.candidates(keys);
      figures?.candidateMs.push(performance.now() - started);
      return found;
    },
  };
}

async function matchBatch(
  store: PushStore,
  numbers: readonly string[],
  now: Date,
  concurrency: number,
  figures?: RunFigures,
) {
  const deps = { store: timedStore(store, figures), now: () => now, settings: marketSettings({}) };
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < numbers.length) {
      const number = numbers[next++]!;
      const t0 = performance.now();
      const outcome = await matchAndPush(deps, number);
      const ms = performance.now() - t0;
      if (!figures) continue;
      figures.latencies.push(ms);
      if ('skipped' in outcome) {
        figures.skipped += 1;
        continue;
      }
      figures.candidates += outcome.candidates;
      figures.matches += outcome.matches;
      figures.pushed += outcome.pushed;
      figures.exists += outcome.exists;
      figures.capped += outcome.capped;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (figures) figures.wallMs += performance.now() - started;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
function percentile(values: readonly number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function summary(enterprises: number, figures: RunFigures, patentsCount: number) {
  return {
    enterprises,
    patentsPerSecond: round(patentsCount / (figures.wallMs / 1000)),
    msPerPatent: round(mean(figures.latencies), 2),
    p50MsPerPatent: round(percentile(figures.latencies, 50), 2),
    p99MsPerPatent: round(percentile(figures.latencies, 99), 2),
    candidateReadMsPerPatent: round(mean(figures.candidateMs), 2),
    candidatesPerPatent: round(figures.candidates / patentsCount),
    matchesPerPatent: round(figures.matches / patentsCount, 2),
    pushed: figures.pushed,
    capped: figures.capped,
    alreadyPushed: figures.exists,
    skipped: figures.skipped,
  };
}

/** Peak resident memory of DynamoDB Local's JVM (a child of this process), if it can be read. */
function javaPeakRssMb(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined; // not Linux
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid || !stat.includes('(java)')) continue;
      const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      return peak ? Math.round(Number(peak[1]) / 1024) : undefined;
    } catch {
      // that process is gone
    }
  }
  return undefined;
}

export async function benchMatching() {
  const s = settings;
  const started = performance.now();
  const log = (line: string) =>
    console.log(`  [${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`);
  const cloud = await startLocalCloud({ inMemory: true, port: await freePort(), log: () => undefined });
  try {
    const dynamodb = new DynamoDBClient({
      endpoint: cloud.endpoints.dynamodb,
      region: cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const documents = DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const w = world();
    const sizes = [s.enterprises, s.enterprisesSmall] as const;
    const tableOf = (n: number) => `${cloud.tableName('core')}-match-${n}`;

    // Load: experts and patents into both tables, enterprises 0..N-1 into each.
    const keyCounts: Record<number, number[]> = {};
    const loadStarted = performance.now();
    let loaded = 0;
    const batch = patents(w, s.patents, 100_000, 77);
    const warmup = patents(w, s.warmupPatents, 9_000_000, 78);
    for (const n of sizes) {
      await createBenchTable(dynamodb, tableOf(n));
      keyCounts[n] = [];
      loaded += await writeAll(documents, tableOf(n), indexItems(experts(w, s.experts), []));
      loaded += await writeAll(documents, tableOf(n), indexItems(enterprises(w, n), keyCounts[n]!));
      loaded += await writeAll(documents, tableOf(n), [...batch, ...warmup]);
      log(
        `loaded ${tableOf(n)}: ${n} enterprises, ${s.experts} experts, ${batch.length + warmup.length} patents`,
      );
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    // Warm up the JVM and the SDK on both tables (other patents, another day: the caps start afresh).
    const stores = Object.fromEntries(sizes.map((n) => [n, dynamoPushStore(documents, tableOf(n))]));
    const warmDay = new Date('2024-07-01T02:00:00.000Z');
    for (const n of sizes)
      await matchBatch(
        stores[n]!,
        warmup.map((p) => p.applicationNumber),
        warmDay,
        s.concurrency,
      );
    log('warmed up');

    const figures = Object.fromEntries(sizes.map((n) => [n, newFigures()]));
    const day = new Date('2024-07-02T02:00:00.000Z');
    const numbers = batch.map((p) => p.applicationNumber);
    for (let from = 0, chunk = 0; from < numbers.length; from += s.chunk, chunk++) {
      const slice = numbers.slice(from, from + s.chunk);
      for (const n of chunk % 2 ? [...sizes].reverse() : sizes)
        await matchBatch(stores[n]!, slice, day, s.concurrency, figures[n]);
      if (chunk % 8 === 7) log(`matched ${from + slice.length} of ${numbers.length}`);
    }

    const large = summary(s.enterprises, figures[s.enterprises]!, numbers.length);
    const small = summary(s.enterprisesSmall, figures[s.enterprisesSmall]!, numbers.length);
    const keys = (n: number) => round(mean(keyCounts[n]!), 2);
    const totalSeconds = (performance.now() - started) / 1000;
    return {
      patents: s.patents,
      experts: s.experts,
      concurrency: s.concurrency,
      patentsPerSecond: large.patentsPerSecond,
      p99MsPerPatent: large.p99MsPerPatent,
      msPerPatent: large.msPerPatent,
      ratio: round(large.msPerPatent / small.msPerPatent, 3),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      dynamoDbLocalPeakRssMb: javaPeakRssMb(),
      runs: { [`enterprises${s.enterprises}`]: large, [`enterprises${s.enterprisesSmall}`]: small },
      index: {
        itemsLoaded: loaded,
        loadSeconds: round(loadSeconds),
        itemsPerSecond: Math.round(loaded / loadSeconds),
        keysPerEnterprise: keys(s.enterprises),
        maxCandidatesPerKey,
      },
      settings: {
        ...marketSettings({}),
        warmupPatents: s.warmupPatents,
        chunk: s.chunk,
        cpus: availableParallelism(),
      },
      totalSeconds: round(totalSeconds),
      goals: { ratio: 1.5 },
      note: [
        s.patents < issueBatch
          ? `Measured with ${s.patents} patents, not the issue's ${issueBatch}: on DynamoDB Local (2 cores) a patent takes 0.1-0.15 s per table, most of it its up to ${large.matchesPerPatent.toFixed(0)} pushes (one TransactWriteItems each; DynamoDB Local serializes transactions, so more patents in flight add latency, not throughput). BENCH_PATENTS=${issueBatch} runs the full batch in ~${Math.round((issueBatch * (large.msPerPatent + small.msPerPatent)) / 60_000 + 3)} minutes.`
          : `The issue's batch of ${issueBatch} patents.`,
        `Per patent, reading the index candidates took ${large.candidateReadMsPerPatent} ms at ${s.enterprises} enterprises and ${small.candidateReadMsPerPatent} ms at ${s.enterprisesSmall} (${large.candidatesPerPatent} vs ${small.candidatesPerPatent} candidates: index partitions of the patent's own fields grow with the registry, capped at ${maxCandidatesPerKey} per key); the rest (patent read, scoring, ${large.matchesPerPatent} pushes, window) does not depend on the number of enterprises.`,
        'peakRssMb is the Node process (benchmark, local cloud, warm handlers); DynamoDB Local runs in its own JVM (dynamoDbLocalPeakRssMb).',
      ].join(' '),
    };
  } finally {
    await cloud.stop();
  }
}

/**
 * Ingest, in one run on the local cloud in memory (DynamoDB Local's JVM, s3rver, the functions in
 * worker threads of this process), like for like: after the warm-up nobody reads the streams, and
 * every measurement writes into the path's own core table (its stream on, unread), each with
 * application numbers of its own:
 *
 * (a) the whole path: a generated 50,000-row template file (3 bad rows) as an S3 object ->
 *     receiveUpload -> batch-ingest workflow -> ingestBatchFile -> DynamoDB Local, until the job says
 *     succeeded;
 * (b) the safe-write ceiling: exactly the write requests the patent writer issues for rows of the
 *     same contents with other numbers (recorded by running the writer over a recording client that
 *     answers every classification read "absent": TransactWriteItems of conditional creates with their
 *     audit entries), replayed straight at the core table with the same SDK client settings, at its
 *     best concurrency (swept over 1, 2, 4, 8, 16 and the path's own limit on 5,000 rows each, then
 *     run over as many rows as the file at the best, once before and once after the path);
 * (c) raw BatchWriteItem of the same items (no condition), 25 per request, swept the same way;
 * (d) a file of 50,000 junk rows (every row refused, 14 errors a row, a ~300 MB error report streamed
 *     to S3).
 *
 * Memory: the ingestBatchFile function runs in a child process of its own (the local cloud's
 * `processFunctions`), so its resident set is the ingest's alone, as a Lambda environment's is: its
 * peak RSS during (a) and (d) (the kernel's high-water mark, VmHWM, reset when the upload starts, and
 * samples every 100 ms) is what the 512 MB goals are held against. The other functions share this
 * process, whose RSS (API, s3rver, the workflow runner, every other worker) is reported beside it.
 */

import { randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchesInFlight, ingestTable } from '../functions/intake/ingest.ts';
import { readTableRows } from '../functions/intake/read-table.ts';
import { dynamoPatentWriter, writesInFlightPerBatch } from '../functions/patents/patent-store.ts';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { demoInventoryRows, templateHeaders, toCsv } from '../infra/local/demo-patents.ts';
import { processMemory, resetPeakRss } from '../infra/local/lambda-runtime.ts';
import { freePort } from '../infra/local/ports.ts';
import { withUsccCheck } from '../schemas/codes/uscc.ts';

const rows = Number(process.env.BENCH_ROWS ?? 50_000);
const junkRows = Number(process.env.BENCH_JUNK_ROWS ?? 50_000);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const benchStarted = performance.now();
/** Progress on stderr: the phase, the time so far and the process RSS. */
const phase = (what: string) =>
  console.error(
    `ingest bench: ${what} (${((performance.now() - benchStarted) / 1000).toFixed(0)} s, RSS ${mb(process.memoryUsage.rss())} MB)`,
  );

/** The largest value `read` answers while `during` runs, sampled every 100 ms. */
async function peakDuring<T>(
  read: () => Promise<number | undefined>,
  during: Promise<T>,
): Promise<{ result: T; peak: number }> {
  let peak = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, (await read()) ?? 0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    return { result: await during, peak };
  } finally {
    done = true;
    await sampler;
  }
}

/**
 * DynamoDB Local answers a write that waited too long for its lock with a 500 InternalServerError
 * ("This request will succeed in actual DynamoDB API"), and under load the SDK's retry quota runs out
 * on them: the ceilings' replays send such a write again (the wait counts in the ceiling's time).
 */
async function pastLocalLocks<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= 10 || !/waiting for a lock/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 100 * attempt));
    }
  }
}

/** The machine's CPU time so far (all cores, from /proc/stat): idle and total, in clock ticks. */
function cpuTimes() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const ticks = fields.map(Number);
  return { idle: ticks[3]! + (ticks[4] ?? 0), total: ticks.reduce((a, b) => a + b, 0) };
}

/**
 * Waits until the machine is quiet: three seconds in a row with at least 70 % of the CPU idle (the
 * idle local cloud keeps about 20 % busy: its stream pollers), at most `maxSeconds`. After an ingest the local cloud's stream consumers (search index, matching,
 * co-owners, metrics) work through its patents for a while, in this process and DynamoDB Local's JVM,
 * on the same cores: a replay measured meanwhile measures them too (the first 2,000-row run's
 * "ceilings" ran during the warm-up's aftermath and came out at a third of the path's speed).
 */
async function untilQuiet(
  maxSeconds = Number(process.env.BENCH_QUIET_MAX_SECONDS ?? 600),
): Promise<{ waitedSeconds: number; quiet: boolean }> {
  const started = performance.now();
  let quietSeconds = 0;
  let before = cpuTimes();
  while ((performance.now() - started) / 1000 < maxSeconds) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuTimes();
    const idle = (now.idle - before.idle) / Math.max(1, now.total - before.total);
    before = now;
    quietSeconds = idle >= 0.7 ? quietSeconds + 1 : 0;
    if (quietSeconds >= 3)
      return { waitedSeconds: Math.round((performance.now() - started) / 1000), quiet: true };
  }
  return { waitedSeconds: maxSeconds, quiet: false };
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 when it is gone. */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** DynamoDB Local's JVM: the `java` child of this process. */
function javaChild(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'java' && ppid === process.pid) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Runs `task` for every line of a file with `limit` in flight. */
async function replayLines(file: string, limit: number, task: (line: string) => Promise<void>) {
  const inFlight = new Set<Promise<void>>();
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    while (inFlight.size >= limit) await Promise.race(inFlight);
    const p: Promise<void> = task(line).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
}

export async function benchIngest() {
  const scratch = mkdtempSync(join(tmpdir(), 'patents-bench-ingest-'));
  const cloud = await startLocalCloud({
    inMemory: true,
    port: await freePort(),
    log: () => undefined,
    // The ingest's memory measured alone: its environment is a process of its own.
    processFunctions: ['ingestBatchFile'],
  });
  try {
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const dynamodb = new DynamoDBClient({
      endpoint: cloud.endpoints.dynamodb,
      region: cloud.region,
      credentials,
    });
    // The functions' client settings (functions/shared/clients/dynamodb.ts): the SDK's default agent.
    const documents = DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    const s3 = new S3Client({
      endpoint: cloud.endpoints.s3,
      region: cloud.region,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const table = cloud.tableName('core');
    const token = (
      (await (
        await fetch(`${cloud.controlUrl}/_local/token`, {
          method: 'POST',
          body: JSON.stringify({ role: 'national-admin' }),
        })
      ).json()) as { token: string }
    ).token;
    const owner = { uscc: withUsccCheck('12110000MB0009999'), provinceCode: '110000' };
    const uscc = owner.uscc;
    await fetch(`${cloud.apiUrl}/v1/institutions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ uscc, name: '基准测试大学', provinceCode: '110000', kind: 'university' }),
    });

    const ingest = async (name: string, file: string) => {
      const started = performance.now();
      const { size } = statSync(file);
      await s3.send(
        new PutObjectCommand({
          Bucket: cloud.bucketName('drop'),
          Key: `inbox/${uscc}/${name}`,
          Body: createReadStream(file),
          ContentLength: size,
        }),
      );
      for (;;) {
        const { Items = [] } = await documents.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': `INST#${uscc}#JOB` },
          }),
        );
        const job = Items.find((j) => j.fileName === name);
        if (job && (job.status === 'succeeded' || job.status === 'failed'))
          return { job, seconds: (performance.now() - started) / 1000 };
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    /**
     * The whole path with the peak RSS of the ingest function's own process (its environment, warm
     * from the warm-up: the high-water mark reset now, read at the end, and sampled meanwhile in case
     * the environment is replaced) and, beside it, the peak RSS of this process (everything else).
     */
    const measured = async (name: string, file: string) => {
      const pid = () => cloud.functionProcess('ingestBatchFile');
      const first = pid();
      const reset = first !== undefined && resetPeakRss(first);
      const ingestProcess = peakDuring(
        async () => {
          const id = pid();
          return id === undefined ? undefined : processMemory(id)?.rss;
        },
        ingest(name, file),
      );
      const before = process.memoryUsage.rss();
      const rss = await peakDuring(async () => process.memoryUsage.rss(), ingestProcess);
      const last = pid();
      const highWater = reset && last === first ? (processMemory(last!)?.peakRss ?? 0) : 0;
      return {
        ...rss.result.result,
        ingestPeakRss: Math.max(rss.result.peak, highWater),
        ingestPeakFrom: highWater ? 'VmHWM' : 'samples every 100 ms',
        processPeakRss: rss.peak,
        processRssGrowth: rss.peak - before,
      };
    };

    phase('local cloud started');
    // Warm the JVM's JIT and the handlers first: the first seconds of DynamoDB Local are slow.
    const warmup = join(scratch, 'warmup.csv');
    writeFileSync(warmup, toCsv(demoInventoryRows(3000, { seed: 99, serialBase: 9_000_000 })));
    const warm = await ingest('warmup.csv', warmup);
    if (warm.job.status !== 'succeeded' || warm.job.rowsAccepted !== 3000)
      throw new Error(`warm-up ingest: ${JSON.stringify(warm.job)}`);

    phase('warmed up');
    /** How long each measurement waited for a quiet machine (reported: a wait that ran out is said). */
    const quietWaits: Array<{ waitedSeconds: number; quiet: boolean }> = [];
    // Like for like: from here on, nobody reads the streams. The path, the ceilings and the junk file
    // all write into the path's own core table (its stream on, unread), with application numbers of
    // their own. Read, the stream slows DynamoDB Local's writes (bench dynamodb-local: p50 of a create
    // transaction 71 ms unread, 108 ms read) and its readers (search index, matching, co-owners) share
    // the two cores with the writer for minutes; on AWS neither touches the writer.
    quietWaits.push(await untilQuiet());
    await cloud.stopStreams();

    phase('streams stopped');
    const number = templateHeaders.indexOf('申请号');
    /**
     * Writes `count` template rows to `to` in slices of 5,000 (the benchmark's own data never sits in
     * memory): the same contents for every file, application serials from `serialBase`, `bad` rows
     * spoiled.
     */
    const writeRows = async (
      to: string,
      count: number,
      serialBase: number,
      bad = new Map<number, (row: string[]) => void>(),
    ) => {
      const out = createWriteStream(to);
      out.write(toCsv([]));
      for (let from = 0; from < count; from += 5000) {
        const slice = demoInventoryRows(Math.min(5000, count - from), {
          seed: 5 + from,
          serialBase: serialBase + from,
        });
        for (const [i, row] of slice.entries()) bad.get(from + i)?.(row);
        out.write(toCsv(slice).split('\r\n').slice(1).join('\r\n'));
      }
      await new Promise((r) => out.end(r));
    };
    const file = join(scratch, 'bench.csv');
    await writeRows(
      file,
      rows,
      100_000,
      new Map<number, (row: string[]) => void>([
        [10, (r) => (r[number] = `${r[number]!.slice(0, -1)}${r[number]!.endsWith('1') ? '2' : '1'}`)],
        [Math.floor(rows / 2), (r) => (r[templateHeaders.indexOf('技术成熟度')] = '12')],
        [rows - 5, (r) => (r[templateHeaders.indexOf('申请日')] = '2020-02-30')],
      ]),
    );

    phase('file written');
    /** Serials of the ceilings' rows: past the path's (100,000 + rows) and before the warm-up's (9,000,000). */
    let nextSerial = 1_000_000;
    let recordedRequests = 0;
    const recordedKinds = new Map<string, number>();
    /**
     * (b) What the patent writer sends for `count` rows of the path's contents with numbers of their
     * own, every number new: one request per line (JSON), to disk, so that a replay holds nothing but
     * the requests in flight.
     */
    const recordWrites = async (count: number) => {
      const csv = join(scratch, 'ceiling.csv');
      await writeRows(csv, count, nextSerial);
      nextSerial += count;
      const recorded = join(scratch, `writes-${nextSerial}.jsonl`);
      const out = createWriteStream(recorded);
      recordedRequests = 0;
      recordedKinds.clear();
      const recorder = {
        async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
          const kind = command.constructor.name;
          if (kind === 'BatchGetCommand') return { Responses: { [table]: [] } };
          if (kind !== 'PutCommand' && kind !== 'TransactWriteCommand')
            throw new Error(`the ceiling does not know how to replay ${kind}`);
          recordedRequests++;
          recordedKinds.set(kind, (recordedKinds.get(kind) ?? 0) + 1);
          out.write(`${JSON.stringify({ kind, input: command.input })}\n`);
          return {};
        },
      } as unknown as DynamoDBDocumentClient;
      const result = await ingestTable(
        { writer: dynamoPatentWriter(recorder, table), today: new Date().toISOString().slice(0, 10) },
        owner,
        { sub: 'upload:bench', roles: ['institution'] },
        readTableRows(createReadStream(csv)),
        'bench',
      );
      await new Promise((r) => out.end(r));
      rmSync(csv);
      if (result.rowsCreated !== count) throw new Error(`recording: ${JSON.stringify(result)}`);
      return recorded;
    };
    /** What the path allows in flight: batches at once, each with its create transactions in flight. */
    const pathInFlight = batchesInFlight * writesInFlightPerBatch;
    const sweepLevels = [...new Set([1, 2, 4, 8, 16, pathInFlight])].sort((a, b) => a - b);

    /** The rows a recorded request writes: its patent items (a create transaction carries 25 with their audit entries). */
    const rowsOf = (
      kind: string,
      input: { Item?: { sk?: string }; TransactItems?: Array<{ Put?: { Item: { sk?: string } } }> },
    ) =>
      kind === 'PutCommand'
        ? input.Item?.sk === 'PATENT'
          ? 1
          : 0
        : (input.TransactItems ?? []).filter((t) => t.Put?.Item.sk === 'PATENT').length;
    /** (b) The writer's own recorded requests replayed into the core table with `limit` in flight: rows per second. */
    const safeReplay = async (limit: number, recorded: string) => {
      quietWaits.push(await untilQuiet());
      let written = 0;
      const started = performance.now();
      await replayLines(recorded, limit, async (line) => {
        const { kind, input } = JSON.parse(line);
        // Each replay is a new request (the writer's token would make DynamoDB refuse it as a
        // different request under the same token, for 10 minutes).
        if (input.ClientRequestToken) input.ClientRequestToken = randomUUID();
        written += rowsOf(kind, input);
        await pastLocalLocks<unknown>(() =>
          kind === 'PutCommand'
            ? documents.send(new PutCommand(input))
            : documents.send(new TransactWriteCommand(input)),
        );
      });
      return written / ((performance.now() - started) / 1000);
    };
    /** (c) The same items as unconditional BatchWriteItems of 25 into the core table, `limit` requests in flight. */
    const rawReplay = async (limit: number, recorded: string) => {
      quietWaits.push(await untilQuiet());
      let written = 0;
      const started = performance.now();
      const chunk: Array<{ PutRequest: { Item: Record<string, unknown> } }> = [];
      const send = async (requests: typeof chunk) => {
        while (requests.length) {
          const { UnprocessedItems } = await pastLocalLocks(() =>
            documents.send(new BatchWriteCommand({ RequestItems: { [table]: requests } })),
          );
          requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      };
      const inFlight = new Set<Promise<void>>();
      /** Sends the first 25 requests (a transaction of creates records 50 items: two requests). */
      const flush = async () => {
        while (inFlight.size >= limit) await Promise.race(inFlight);
        const p: Promise<void> = send(chunk.splice(0, 25)).finally(() => inFlight.delete(p));
        inFlight.add(p);
      };
      for await (const line of createInterface({ input: createReadStream(recorded), crlfDelay: Infinity })) {
        if (!line) continue;
        const { kind, input } = JSON.parse(line);
        written += rowsOf(kind, input);
        const items =
          kind === 'PutCommand'
            ? [input.Item]
            : input.TransactItems.flatMap((t: { Put?: { Item: unknown } }) => (t.Put ? [t.Put.Item] : []));
        for (const Item of items) chunk.push({ PutRequest: { Item } });
        while (chunk.length >= 25) await flush();
      }
      while (chunk.length) await flush();
      await Promise.all(inFlight);
      return written / ((performance.now() - started) / 1000);
    };
    /** A replay of `count` rows of their own: recorded, replayed, the recording deleted. */
    const ceiling = async (
      replay: (limit: number, recorded: string) => Promise<number>,
      limit: number,
      count: number,
    ) => {
      const recorded = await recordWrites(count);
      try {
        return await replay(limit, recorded);
      } finally {
        rmSync(recorded);
      }
    };
    /**
     * The CPU seconds each process spends while `run` runs: DynamoDB Local's JVM, this process (the
     * local cloud: API, gates, s3rver, workflow runner, the other functions; and the replays'
     * client) and the ingest function's own process.
     */
    const java = javaChild();
    const cpuDuring = async <T>(run: () => Promise<T>) => {
      const ingestPid = () => cloud.functionProcess('ingestBatchFile');
      const before = {
        java: cpuSecondsOf(java),
        cloud: cpuSecondsOf(process.pid),
        ingest: cpuSecondsOf(ingestPid()),
      };
      const result = await run();
      const spent = (now: number, was: number) => Number((now - was).toFixed(1));
      return {
        result,
        cpuSeconds: {
          dynamodbLocal: spent(cpuSecondsOf(java), before.java),
          localCloudAndBench: spent(cpuSecondsOf(process.pid), before.cloud),
          ingestFunction: spent(cpuSecondsOf(ingestPid()), before.ingest),
        },
      };
    };
    /**
     * A ceiling is the best a replay reaches, not what it reaches at one guessed concurrency: DynamoDB
     * Local serializes writes behind table locks, so more in flight can be slower (at 64 in flight the
     * 2,000-row run's "ceiling" was a third of the path's speed). Each replay is swept over the levels
     * on as many rows as the sweep takes, then run over as many rows as the file at its best level.
     */
    const sweepRows = Math.min(rows, Number(process.env.BENCH_SWEEP_ROWS ?? 5000));
    const sweep = async (name: string, replay: (limit: number, recorded: string) => Promise<number>) => {
      const levels: Record<string, number> = {};
      for (const limit of sweepLevels) {
        levels[limit] = Math.round(await ceiling(replay, limit, sweepRows));
        phase(`${name} sweep: ${limit} in flight, ${levels[limit]} rows/s`);
      }
      const best = Number(Object.entries(levels).sort((a, b) => b[1] - a[1])[0]![0]);
      return { best, levels };
    };
    const safe = await sweep('safe ceiling', safeReplay);
    const raw = await sweep('raw ceiling', rawReplay);

    phase('sweeps done');
    // The full runs, each into the table as the earlier ones left it (it grows by `rows` each time):
    // raw first (favours the raw ceiling), then the safe ceiling before and after the path, whose
    // mean is the ratio's ceiling.
    const rawFull = await cpuDuring(() => ceiling(rawReplay, raw.best, rows));
    const rawRowsPerSecond = rawFull.result;
    phase(`raw ceiling: ${Math.round(rawRowsPerSecond)} rows/s`);
    const safeBeforeRun = await cpuDuring(() => ceiling(safeReplay, safe.best, rows));
    const safeBefore = safeBeforeRun.result;
    phase(`safe ceiling before the path: ${Math.round(safeBefore)} rows/s`);
    const safeRequests = recordedRequests;
    const safeKinds = new Map(recordedKinds);

    // (a) The whole path.
    quietWaits.push(await untilQuiet());
    const pathRun = await cpuDuring(() => measured('bench.csv', file));
    const path = pathRun.result;
    const rowsPerSecond = rows / path.seconds;
    phase(`whole path: ${Math.round(rowsPerSecond)} rows/s`);

    const safeAfterRun = await cpuDuring(() => ceiling(safeReplay, safe.best, rows));
    const safeAfter = safeAfterRun.result;
    phase(`safe ceiling after the path: ${Math.round(safeAfter)} rows/s`);
    const safeRowsPerSecond = (safeBefore + safeAfter) / 2;

    // (d) Junk rows: every row refused with an error per column.
    const junkFile = join(scratch, 'junk.csv');
    {
      const out = createWriteStream(junkFile);
      out.write(toCsv([]));
      for (let i = 0; i < junkRows; i++)
        out.write(`${templateHeaders.map((_h, c) => (c === 0 ? `junk${i}` : 'x')).join(',')}\r\n`);
      await new Promise((r) => out.end(r));
    }
    quietWaits.push(await untilQuiet());
    const junk = await measured('junk.csv', junkFile);

    phase('junk file done');
    const goals = { safeRatio: 0.8, rawRatio: 0.55, peakRssMb: 512, junkPeakRssMb: 512 };
    const safeRatio = rowsPerSecond / safeRowsPerSecond;
    const rawRatio = rowsPerSecond / rawRowsPerSecond;
    return {
      rows,
      fileMb: Number((statSync(file).size / 1024 / 1024).toFixed(1)),
      seconds: Number(path.seconds.toFixed(2)),
      rowsPerSecond: Math.round(rowsPerSecond),
      safeCeiling: {
        rowsPerSecond: Math.round(safeRowsPerSecond),
        beforeAndAfterThePath: [Math.round(safeBefore), Math.round(safeAfter)],
        requests: safeRequests,
        kinds: `the writer’s own requests: ${[...safeKinds].map(([kind, n]) => `${n} ${kind}`).join(', ')} (TransactWriteCommand: conditional creates with their audit entries)`,
        inFlight: safe.best,
        sweep: { rows: sweepRows, rowsPerSecondByInFlight: safe.levels },
        pathInFlight,
      },
      rawCeiling: {
        rowsPerSecond: Math.round(rawRowsPerSecond),
        itemsPerRequest: 25,
        requestsInFlight: raw.best,
        sweep: { rows: sweepRows, rowsPerSecondByInFlight: raw.levels },
      },
      cpuSeconds: {
        note: 'CPU (user + system) each process spent during the full runs, the replays from their quiet wait on (3 s of an idle cloud); the path from the upload to the job’s end',
        path: pathRun.cpuSeconds,
        safeBefore: safeBeforeRun.cpuSeconds,
        safeAfter: safeAfterRun.cpuSeconds,
        raw: rawFull.cpuSeconds,
      },
      safeRatio: Number(safeRatio.toFixed(3)),
      rawRatio: Number(rawRatio.toFixed(3)),
      peakRssMb: mb(path.ingestPeakRss),
      peakRssFrom: path.ingestPeakFrom,
      otherFunctionsProcess: { peakRssMb: mb(path.processPeakRss), rssGrowthMb: mb(path.processRssGrowth) },
      job: {
        status: path.job.status,
        rowsTotal: path.job.rowsTotal,
        rowsAccepted: path.job.rowsAccepted,
        rowsRejected: path.job.rowsRejected,
        rowsUnchanged: path.job.rowsUnchanged,
      },
      junk: {
        rows: junkRows,
        fileMb: Number((statSync(junkFile).size / 1024 / 1024).toFixed(1)),
        seconds: Number(junk.seconds.toFixed(2)),
        status: junk.job.status,
        rowsRejected: junk.job.rowsRejected,
        errorCount: junk.job.errorCount,
        peakRssMb: mb(junk.ingestPeakRss),
        peakRssFrom: junk.ingestPeakFrom,
        otherFunctionsProcess: { peakRssMb: mb(junk.processPeakRss), rssGrowthMb: mb(junk.processRssGrowth) },
      },
      processMaxRssMb: mb(process.resourceUsage().maxRSS * 1024),
      quietBeforeEachMeasurement: {
        rule: 'each replay, the path and the junk file start after 3 s in a row with ≥ 70 % of the CPU idle (at most 600 s)',
        waitedSeconds: quietWaits.map((w) => w.waitedSeconds),
        allQuiet: quietWaits.every((w) => w.quiet),
      },
      goals,
      met: {
        safeRatio: safeRatio >= goals.safeRatio,
        rawRatio: rawRatio >= goals.rawRatio,
        peakRssMb: path.ingestPeakRss / 1024 / 1024 <= goals.peakRssMb,
        junkPeakRssMb: junk.ingestPeakRss / 1024 / 1024 <= goals.junkPeakRssMb,
      },
      note: 'peakRssMb: the peak resident set of the ingestBatchFile function\u2019s own process during the ingest (a child process running only that function, as a Lambda environment: Node runtime, SDK, handler; its heap bounded by the declared memory), from the kernel\u2019s high-water mark (VmHWM, reset when the upload starts) or, where that cannot be reset, samples every 100 ms. otherFunctionsProcess: the local cloud\u2019s own process (API, s3rver, workflow runner, every other function\u2019s worker; DynamoDB Local is its own JVM), for context only. processMaxRssMb: that process\u2019s high-water mark over the whole run (includes the ceilings).',
    };
  } finally {
    await cloud.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

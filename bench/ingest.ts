/**
 * Ingest, in one run on the local cloud in memory (DynamoDB Local's JVM, s3rver, the functions in
 * worker threads of this process):
 *
 * (a) the whole path: a generated 50,000-row template file (3 bad rows) as an S3 object ->
 *     receiveUpload -> batch-ingest workflow -> ingestBatchFile -> DynamoDB Local, until the job says
 *     succeeded;
 * (b) the safe-write ceiling: exactly the write requests the patent writer issues for the rows of the
 *     same file (recorded by running the writer over a recording client that answers every
 *     classification read "absent": conditional PutItems today, TransactWriteItems if creates become
 *     transactions), replayed straight at a fresh same-shaped table of the same DynamoDB Local with the
 *     same SDK client settings, at its best concurrency (swept over 1, 2, 4, 8, 16 and the path's own
 *     limit on the first rows, then run over the whole file at the best);
 * (c) raw BatchWriteItem of the same items (no condition), 25 per request, swept the same way;
 * (d) a file of 50,000 junk rows (every row refused, 14 errors a row, a ~300 MB error report streamed
 *     to S3).
 *
 * The ceilings run first into fresh tables that are deleted afterwards, so the path does not profit
 * from a JVM that has done less work. Memory: the ingestBatchFile function runs in a child process of
 * its own (the local cloud's `processFunctions`), so its resident set is the ingest's alone, as a
 * Lambda environment's is: its peak RSS during (a) and (d) (the kernel's high-water mark, VmHWM, reset
 * when the upload starts, and samples every 100 ms) is what the 512 MB goals are held against. The
 * other functions share this process, whose RSS (API, s3rver, the workflow runner, every other worker)
 * is reported beside it, not as the ingest's.
 */

import { randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
import { createTables } from '../infra/local/dynamodb-local.ts';
import { processMemory, resetPeakRss } from '../infra/local/lambda-runtime.ts';
import { freePort } from '../infra/local/ports.ts';
import { tables } from '../infra/resources.ts';
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
async function untilQuiet(maxSeconds = 600): Promise<{ waitedSeconds: number; quiet: boolean }> {
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
    // The file is generated to disk in slices, so the benchmark's own data does not sit in memory.
    const file = join(scratch, 'bench.csv');
    const number = templateHeaders.indexOf('申请号');
    const bad = new Map<number, (row: string[]) => void>([
      [10, (r) => (r[number] = `${r[number]!.slice(0, -1)}${r[number]!.endsWith('1') ? '2' : '1'}`)],
      [Math.floor(rows / 2), (r) => (r[templateHeaders.indexOf('技术成熟度')] = '12')],
      [rows - 5, (r) => (r[templateHeaders.indexOf('申请日')] = '2020-02-30')],
    ]);
    {
      const out = createWriteStream(file);
      out.write(toCsv([]));
      for (let from = 0; from < rows; from += 5000) {
        const slice = demoInventoryRows(Math.min(5000, rows - from), {
          seed: 5 + from,
          serialBase: 100_000 + from,
        });
        for (const [i, row] of slice.entries()) bad.get(from + i)?.(row);
        out.write(toCsv(slice).split('\r\n').slice(1).join('\r\n'));
      }
      await new Promise((r) => out.end(r));
    }

    phase('file written');
    // (b) Record what the patent writer sends for these rows when every number is new: one request
    // per line (JSON), to disk, so that the replay holds nothing but the requests in flight.
    const recorded = join(scratch, 'writes.jsonl');
    let recordedRequests = 0;
    const recordedKinds = new Map<string, number>();
    {
      const out = createWriteStream(recorded);
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
        readTableRows(createReadStream(file)),
        'bench',
      );
      await new Promise((r) => out.end(r));
      if (result.rowsCreated !== rows - 3) throw new Error(`recording: ${JSON.stringify(result)}`);
    }
    /** What the path allows in flight: batches at once, each with its create transactions in flight. */
    const pathInFlight = batchesInFlight * writesInFlightPerBatch;
    const sweepLevels = [...new Set([1, 2, 4, 8, 16, pathInFlight])].sort((a, b) => a - b);
    const freshTable = async (suffix: string) => {
      const name = `${table}-${suffix}`;
      // Without the stream: DynamoDB Local writes more slowly to a table with a stream (bench
      // dynamodb-local, p50 of a 25-row create transaction: 56 ms without, 71 ms with, 108 ms while
      // it is read; here each fresh stream table was slower than the last, 320-740 ms), which AWS
      // does not. The path's table has its stream, read by the local poller: the ratios are
      // pessimistic for the path.
      await createTables(dynamodb, { [name]: { ...tables.core, stream: undefined } }, (n) => n);
      return name;
    };
    const retarget = (line: string, to: string) =>
      line.replaceAll(`"TableName":"${table}"`, `"TableName":"${to}"`);

    phase('writes recorded');
    /** How long each measurement waited for a quiet machine (reported: a wait that ran out is said). */
    const quietWaits: Array<{ waitedSeconds: number; quiet: boolean }> = [];
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
    /** (b) The writer's own requests replayed into a fresh table with `limit` in flight, up to `maxRows` rows: rows per second. */
    const safeReplay = async (limit: number, maxRows: number) => {
      const target = await freshTable(`safe-${limit}-${maxRows}`);
      quietWaits.push(await untilQuiet());
      let written = 0;
      const started = performance.now();
      await replayLines(recorded, limit, async (line) => {
        if (written >= maxRows) return; // past the sweep's rows: not parsed (each line is ~70 KB)
        const { kind, input } = JSON.parse(retarget(line, target));
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
      const perSecond = written / ((performance.now() - started) / 1000);
      await dynamodb.send(new DeleteTableCommand({ TableName: target }));
      return perSecond;
    };
    /** (c) The same items as unconditional BatchWriteItems of 25, `limit` requests in flight, up to `maxRows` rows. */
    const rawReplay = async (limit: number, maxRows: number) => {
      const target = await freshTable(`raw-${limit}-${maxRows}`);
      quietWaits.push(await untilQuiet());
      let written = 0;
      const started = performance.now();
      const chunk: Array<{ PutRequest: { Item: Record<string, unknown> } }> = [];
      const send = async (requests: typeof chunk) => {
        while (requests.length) {
          const { UnprocessedItems } = await pastLocalLocks(() =>
            documents.send(new BatchWriteCommand({ RequestItems: { [target]: requests } })),
          );
          requests = (UnprocessedItems?.[target] ?? []) as typeof requests;
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
        if (written >= maxRows) break;
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
      const perSecond = written / ((performance.now() - started) / 1000);
      await dynamodb.send(new DeleteTableCommand({ TableName: target }));
      return perSecond;
    };
    /**
     * A ceiling is the best a replay reaches, not what it reaches at one guessed concurrency: DynamoDB
     * Local serializes writes behind table locks, so more in flight can be slower (at 64 in flight the
     * 2,000-row run's "ceiling" was a third of the path's speed). Each replay is swept over the levels
     * on the first rows of the file, then run over the whole file at its best level.
     */
    const sweepRows = Math.min(rows, Number(process.env.BENCH_SWEEP_ROWS ?? 5000));
    const sweep = async (name: string, replay: (limit: number, maxRows: number) => Promise<number>) => {
      const levels: Record<string, number> = {};
      for (const limit of sweepLevels) {
        levels[limit] = Math.round(await replay(limit, sweepRows));
        phase(`${name} sweep: ${limit} in flight, ${levels[limit]} rows/s`);
      }
      const best = Number(Object.entries(levels).sort((a, b) => b[1] - a[1])[0]![0]);
      const rowsPerSecond = await replay(best, Number.POSITIVE_INFINITY);
      return { rowsPerSecond, best, levels };
    };
    const safe = await sweep('safe ceiling', safeReplay);
    const safeRowsPerSecond = safe.rowsPerSecond;

    phase('safe ceiling done');
    const raw = await sweep('raw ceiling', rawReplay);
    const rawRowsPerSecond = raw.rowsPerSecond;

    phase('raw ceiling done');
    // (a) The whole path.
    quietWaits.push(await untilQuiet());
    const path = await measured('bench.csv', file);
    const rowsPerSecond = rows / path.seconds;

    phase('whole path done');
    // (d) Junk rows: every row refused with an error per column.
    const junkFile = join(scratch, 'junk.csv');
    {
      const out = createWriteStream(junkFile);
      out.write(toCsv([]));
      for (let i = 0; i < junkRows; i++)
        out.write(`${templateHeaders.map((_h, c) => (c === 0 ? `junk${i}` : 'x')).join(',')}\r\n`);
      await new Promise((r) => out.end(r));
    }
    // The path's own aftermath (its patents through the stream consumers) first.
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
        requests: recordedRequests,
        kinds: `the writer’s own requests: ${[...recordedKinds].map(([kind, n]) => `${n} ${kind}`).join(', ')} (TransactWriteCommand: conditional creates with their audit entries)`,
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

/**
 * Ingest: a generated 50,000-row template file (3 bad rows) through the whole path on the local cloud
 * in memory: S3 object -> receiveUpload -> batch-ingest workflow -> DynamoDB Local, until the job
 * says succeeded. Against it, the raw BatchWriteItem ceiling of the same store in the same run: items
 * of the same shape and size, 25 per request, 8 requests in flight.
 */

import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalCloud, startLocalCloud } from '../infra/local/cloud.ts';
import { demoInventoryRows, templateHeaders, toCsv } from '../infra/local/demo-patents.ts';
import { createTables } from '../infra/local/dynamodb-local.ts';
import { freePort } from '../infra/local/ports.ts';
import { tables } from '../infra/resources.ts';
import { withUsccCheck } from '../schemas/codes/uscc.ts';

const rows = Number(process.env.BENCH_ROWS ?? 50_000);

/** A clients' view of the local cloud as the benchmarks use it (not a function: never faulted). */
export function benchClients(cloud: LocalCloud) {
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const dynamodb = new DynamoDBClient({
    endpoint: cloud.endpoints.dynamodb,
    region: cloud.region,
    credentials,
  });
  return {
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb),
    s3: new S3Client({
      endpoint: cloud.endpoints.s3,
      region: cloud.region,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
  };
}

/** Registers a benchmark institution (province 110000) through the API. */
export async function registerBenchInstitution(cloud: LocalCloud, uscc: string, name: string) {
  const token = (
    (await (
      await fetch(`${cloud.controlUrl}/_local/token`, {
        method: 'POST',
        body: JSON.stringify({ role: 'national-admin' }),
      })
    ).json()) as { token: string }
  ).token;
  const response = await fetch(`${cloud.apiUrl}/v1/institutions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ uscc, name, provinceCode: '110000', kind: 'university' }),
  });
  if (response.status !== 201)
    throw new Error(`register ${uscc}: ${response.status} ${await response.text()}`);
}

/**
 * Drops a file into the institution's inbox (S3 object -> receiveUpload -> batch-ingest workflow) and
 * waits for its job to end: the job and the seconds from the drop to its end.
 */
export async function ingestFile(cloud: LocalCloud, uscc: string, name: string, file: string) {
  const { s3, documents } = benchClients(cloud);
  const started = performance.now();
  await s3.send(
    new PutObjectCommand({
      Bucket: cloud.bucketName('drop'),
      Key: `inbox/${uscc}/${name}`,
      Body: readFileSync(file),
    }),
  );
  for (;;) {
    const { Items = [] } = await documents.send(
      new QueryCommand({
        TableName: cloud.tableName('core'),
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
}

/**
 * The benchmark's template file of `rows` rows, 3 of them bad (a check character, a TRL of 12, a 30
 * February), generated to disk in slices so that its data does not sit in memory. `serialBase` keeps
 * the application numbers of two files apart.
 */
export function writeIngestFile(file: string, rows: number, serialBase = 100_000) {
  const number = templateHeaders.indexOf('申请号');
  const bad = new Map<number, (row: string[]) => void>([
    [10, (r) => (r[number] = `${r[number]!.slice(0, -1)}${r[number]!.endsWith('1') ? '2' : '1'}`)],
    [Math.floor(rows / 2), (r) => (r[templateHeaders.indexOf('技术成熟度')] = '12')],
    [rows - 5, (r) => (r[templateHeaders.indexOf('申请日')] = '2020-02-30')],
  ]);
  writeFileSync(file, toCsv([]));
  for (let from = 0; from < rows; from += 5000) {
    const slice = demoInventoryRows(Math.min(5000, rows - from), {
      seed: 5 + from,
      serialBase: serialBase + from,
    });
    for (const [i, row] of slice.entries()) bad.get(from + i)?.(row);
    appendFileSync(file, toCsv(slice).split('\r\n').slice(1).join('\r\n'));
  }
  return { badRows: bad.size };
}

/** The patents an institution has stored (its gsi1 partition, counted). */
export async function countPatents(cloud: LocalCloud, uscc: string): Promise<number> {
  const { documents } = benchClients(cloud);
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: cloud.tableName('core'),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `INST#${uscc}#PAT` },
        Select: 'COUNT',
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

export async function benchIngest() {
  const scratch = mkdtempSync(join(tmpdir(), 'patents-bench-ingest-'));
  const cloud = await startLocalCloud({ inMemory: true, port: await freePort(), log: () => undefined });
  try {
    const { dynamodb, documents } = benchClients(cloud);
    const table = cloud.tableName('core');
    const uscc = withUsccCheck('12110000MB0009999');
    await registerBenchInstitution(cloud, uscc, '基准测试大学');
    const ingest = (name: string, file: string) => ingestFile(cloud, uscc, name, file);

    // Warm the JVM's JIT and the handlers first: the first seconds of DynamoDB Local are slow.
    const warmup = join(scratch, 'warmup.csv');
    writeFileSync(warmup, toCsv(demoInventoryRows(3000, { seed: 99, serialBase: 9_000_000 })));
    const warm = await ingest('warmup.csv', warmup);
    if (warm.job.status !== 'succeeded' || warm.job.rowsAccepted !== 3000)
      throw new Error(`warm-up ingest: ${JSON.stringify(warm.job)}`);

    // The ceiling: raw BatchWriteItem of items shaped like the patents the ingest writes, into a fresh
    // table with the same keys and indexes in the same DynamoDB Local, so both start from the same state.
    const ceilingTable = `${table}-ceiling`;
    await createTables(dynamodb, { [ceilingTable]: tables.core }, (name) => name);
    const sample = (
      await documents.send(
        new GetCommand({
          TableName: table,
          Key: {
            pk: `PAT#${demoInventoryRows(1, { seed: 99, serialBase: 9_000_000 })[0]![0]}`,
            sk: 'PATENT',
          },
        }),
      )
    ).Item!;
    const ceilingStarted = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < rows) {
        const from = next;
        next += 25;
        let requests = Array.from({ length: Math.min(25, rows - from) }, (_, i) => ({
          PutRequest: {
            Item: {
              ...sample,
              pk: `BENCH#${from + i}`,
              gsi1pk: `BENCH#${from + i}`,
              gsi2pk: `BENCH#${from + i}`,
            },
          },
        }));
        while (requests.length) {
          const { UnprocessedItems } = await documents.send(
            new BatchWriteCommand({ RequestItems: { [table]: requests } }),
          );
          requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const ceilingRowsPerSecond = rows / ((performance.now() - ceilingStarted) / 1000);

    // The file is generated to disk in slices, so the benchmark's own data does not sit in memory.
    const file = join(scratch, 'bench.csv');
    writeIngestFile(file, rows);
    const { job, seconds } = await ingest('bench.csv', file);
    const rowsPerSecond = rows / seconds;
    return {
      rows,
      fileMb: Number((statSync(file).size / 1024 / 1024).toFixed(1)),
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(rowsPerSecond),
      ceilingRowsPerSecond: Math.round(ceilingRowsPerSecond),
      ratio: Number((rowsPerSecond / ceilingRowsPerSecond).toFixed(3)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      job: {
        status: job.status,
        rowsTotal: job.rowsTotal,
        rowsAccepted: job.rowsAccepted,
        rowsRejected: job.rowsRejected,
        rowsUnchanged: job.rowsUnchanged,
      },
      goals: { ratio: 0.8, peakRssMb: 512 },
      note: 'peakRssMb is the Node process (API, handlers, s3rver, workflow runner); DynamoDB Local runs in its own JVM',
    };
  } finally {
    await cloud.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The ingest path as the benchmarks drive it (npm run bench -- chaos): clients that are not functions
 * (never faulted), a benchmark institution, a generated template file, a drop and the wait for its job.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../infra/local/cloud.ts';
import { demoInventoryRows, templateHeaders, toCsv } from '../infra/local/demo-patents.ts';

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

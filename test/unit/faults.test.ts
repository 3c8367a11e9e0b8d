/**
 * The local fault injection (infra/local/faults.ts) answers each fault in the wire format AWS uses,
 * so that the real SDK parses it into the right error class (and retries what it retries), through the
 * real gates of infra/local/access.ts in front of a stand-in DynamoDB / S3 that records what reached it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoGate, createS3Gate, functionAccessKey } from '../../infra/local/access.ts';
import {
  FaultInjector,
  kindsFor,
  mergeUnprocessed,
  mulberry32,
  s3Operation,
  splitBatch,
} from '../../infra/local/faults.ts';

const logical = (physical: string) => physical.replace(/^patents-local-/, '') as never;
const table = 'patents-local-core';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A stand-in service: records each request's operation and body, answers `answer(operation, body)`. */
function standIn(answer: (operation: string, body: Record<string, unknown>) => unknown) {
  const seen: Array<{ operation: string; body: Record<string, unknown>; method?: string; url?: string }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const text = Buffer.concat(chunks).toString('utf8');
      const body = operation && text ? (JSON.parse(text) as Record<string, unknown>) : {};
      seen.push({ operation, body, method: req.method, url: req.url });
      if (!operation) {
        res.writeHead(200, { 'content-type': 'application/xml', etag: '"x"' });
        return res.end(req.method === 'GET' ? 'hello' : '');
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer(operation, body)));
    });
  });
  return { server, seen };
}

const key = (n: number) => ({ pk: { S: `PAT#${n}` }, sk: { S: 'PATENT' } });

describe('fault decisions', () => {
  it('a seeded PRNG: the same seed gives the same decisions; the share holds over many calls', () => {
    const run = (seed: number) => {
      const faults = new FaultInjector({ share: 0.2, seed });
      return Array.from({ length: 5000 }, () => faults.decide('dynamodb', 'PutItem') ?? '-');
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const injected = run(7).filter((d) => d !== '-').length;
    expect(injected / 5000).toBeGreaterThan(0.17);
    expect(injected / 5000).toBeLessThan(0.23);
    expect(mulberry32(1)()).toBeGreaterThanOrEqual(0);
  });

  it('selects by service, operation and kind, counts what it injected, and switches off', () => {
    const faults = new FaultInjector({
      share: 1,
      services: ['dynamodb'],
      operations: ['TransactWriteItems'],
    });
    expect(faults.decide('s3', 'GetObject')).toBeUndefined();
    expect(faults.decide('dynamodb', 'PutItem')).toBeUndefined();
    expect(['throttle', 'conflict', 'server', 'lost']).toContain(
      faults.decide('dynamodb', 'TransactWriteItems'),
    );
    faults.configure({ share: 1, kinds: ['conflict'] });
    expect(faults.decide('dynamodb', 'GetItem')).toBeUndefined(); // no conflict kind for a read
    expect(faults.decide('dynamodb', 'TransactWriteItems')).toBe('conflict');
    expect(faults.state().counts).toEqual({
      eligible: 1,
      injected: 1,
      byKind: { conflict: 1 },
      byOperation: { 'dynamodb:TransactWriteItems:conflict': 1 },
    });
    expect(faults.disable()).toMatchObject({ enabled: false, counts: { injected: 1 } });
    expect(faults.decide('dynamodb', 'TransactWriteItems')).toBeUndefined();
    expect(() => faults.configure({ share: 2 })).toThrow(/share/);
    expect(() => faults.configure({ share: 0.1, kinds: ['gone' as never] })).toThrow(/kinds/);
    expect(kindsFor('s3', 'PutObject')).toEqual(['throttle', 'server', 'lost']);
    expect(kindsFor('s3', 'GetObject')).toEqual(['throttle', 'server']);
    expect(kindsFor('dynamodb', 'UpdateItem')).toEqual(['throttle', 'conflict', 'server', 'lost']);
    expect(kindsFor('dynamodb', 'BatchWriteItem')).toEqual(['throttle', 'unprocessed', 'server', 'lost']);
    expect(kindsFor('dynamodb', 'Query')).toEqual(['throttle', 'server']);
    expect(s3Operation('GET', new URL('http://h/b/k/x.csv'))).toBe('GetObject');
    expect(s3Operation('PUT', new URL('http://h/b/errors/x.csv'))).toBe('PutObject');
  });

  it('a split batch loses nothing: what is forwarded and what is unprocessed are the request, once', () => {
    const random = mulberry32(3);
    for (let i = 0; i < 50; i++) {
      const requests = Array.from({ length: 25 }, (_, n) => ({ PutRequest: { Item: key(n) } }));
      const { forward, unprocessed } = splitBatch(
        'BatchWriteItem',
        { RequestItems: { [table]: requests } },
        random,
      );
      const sent = ((forward?.RequestItems as Record<string, unknown[]> | undefined)?.[table] ?? []).length;
      const left = (unprocessed[table] as unknown[]).length;
      expect(left).toBeGreaterThan(0);
      expect(sent + left).toBe(25);
      const merged = mergeUnprocessed('BatchWriteItem', { UnprocessedItems: {} }, unprocessed);
      expect((merged.UnprocessedItems as Record<string, unknown[]>)[table]).toHaveLength(left);
    }
  });
});

describe('faults on the wire, as the SDK reads them', () => {
  const faults = new FaultInjector();
  const dynamo = standIn((operation, body) => {
    if (operation === 'BatchGetItem')
      return {
        Responses: Object.fromEntries(
          Object.entries(body.RequestItems as Record<string, { Keys: unknown[] }>).map(([t, v]) => [
            t,
            v.Keys,
          ]),
        ),
      };
    return operation === 'BatchWriteItem' ? { UnprocessedItems: {} } : {};
  });
  const s3 = standIn(() => ({}));
  let ddbGate: Server;
  let s3Gate: Server;
  let client: DynamoDBClient;
  let s3Client: S3Client;
  let tests: DynamoDBClient;
  const credentials = { accessKeyId: functionAccessKey('ingestBatchFile'), secretAccessKey: 'S3RVER' };
  beforeAll(async () => {
    const ddbTarget = await listen(dynamo.server);
    const s3Target = await listen(s3.server);
    ddbGate = createDynamoGate({ target: ddbTarget, stage: 'local', logicalTable: logical, faults });
    s3Gate = createS3Gate({ target: s3Target, logicalBucket: logical, secretOf: () => 'S3RVER', faults });
    const ddb = await listen(ddbGate);
    // One attempt: the fault itself is seen, not the SDK's retry of it.
    client = new DynamoDBClient({ endpoint: ddb, region: 'us-east-1', credentials, maxAttempts: 1 });
    tests = new DynamoDBClient({
      endpoint: ddb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      maxAttempts: 1,
    });
    s3Client = new S3Client({
      endpoint: await listen(s3Gate),
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  });
  afterAll(() => {
    for (const server of [ddbGate, s3Gate, dynamo.server, s3.server]) server.close();
  });
  beforeEach(() => {
    dynamo.seen.length = 0;
    s3.seen.length = 0;
  });

  it('throttling: ProvisionedThroughputExceededException and ThrottlingException, nothing forwarded', async () => {
    faults.configure({ share: 1, seed: 1, kinds: ['throttle'] });
    const names = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const error = await client
        .send(new PutItemCommand({ TableName: table, Item: key(i) }))
        .catch((e: unknown) => e);
      expect(
        error instanceof ProvisionedThroughputExceededException || error instanceof ThrottlingException,
      ).toBe(true);
      expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
      names.add((error as Error).name);
    }
    expect(names).toEqual(new Set(['ProvisionedThroughputExceededException', 'ThrottlingException']));
    expect(dynamo.seen).toEqual([]);
    expect(faults.state().counts).toMatchObject({ eligible: 12, injected: 12, byKind: { throttle: 12 } });
  });

  it('the SDK retries an injected throttle itself (the fault is retryable on the wire)', async () => {
    faults.configure({ share: 1, kinds: ['throttle'] });
    const retrying = new DynamoDBClient({
      endpoint: await client.config.endpoint!().then((e) => `http://${e.hostname}:${e.port}`),
      region: 'us-east-1',
      credentials,
      maxAttempts: 3,
      retryStrategy: undefined,
    });
    const error = await retrying
      .send(new GetItemCommand({ TableName: table, Key: key(1) }))
      .catch((e: unknown) => e);
    expect((error as { $metadata: { attempts: number } }).$metadata.attempts).toBe(3);
    expect(faults.state().counts.injected).toBe(3);
  }, 20_000);

  it('a transaction conflict: TransactionCanceledException with a TransactionConflict reason, in item order', async () => {
    faults.configure({ share: 1, kinds: ['conflict'] });
    const error = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [1, 2, 3].map((n) => ({ Put: { TableName: table, Item: key(n) } })),
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons!;
    expect(reasons).toHaveLength(3);
    expect(reasons.filter((r) => r.Code === 'TransactionConflict')).toHaveLength(1);
    expect(reasons.filter((r) => r.Code === 'None')).toHaveLength(2);
    expect(dynamo.seen).toEqual([]);
  });

  it('BatchWriteItem: part is written, the rest comes back in UnprocessedItems', async () => {
    faults.configure({ share: 1, seed: 5, kinds: ['unprocessed'] });
    const requests = Array.from({ length: 25 }, (_, n) => ({ PutRequest: { Item: key(n) } }));
    const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
    const left = answer.UnprocessedItems?.[table] ?? [];
    expect(left.length).toBeGreaterThan(0);
    const written =
      (dynamo.seen[0]?.body.RequestItems as Record<string, unknown[]> | undefined)?.[table] ?? [];
    expect(written.length + left.length).toBe(25);
    expect(
      [...written, ...left]
        .map((r) => (r as { PutRequest: { Item: { pk: { S: string } } } }).PutRequest.Item.pk.S)
        .sort(),
    ).toEqual(requests.map((r) => r.PutRequest.Item.pk.S).sort());
  });

  it('BatchGetItem: part is read, the rest in UnprocessedKeys with its projection and consistency', async () => {
    faults.configure({ share: 1, seed: 9, kinds: ['unprocessed'] });
    const keys = Array.from({ length: 40 }, (_, n) => key(n));
    const answer = await client.send(
      new BatchGetItemCommand({
        RequestItems: { [table]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk, version' } },
      }),
    );
    const left = answer.UnprocessedKeys?.[table];
    expect(left).toMatchObject({ ConsistentRead: true, ProjectionExpression: 'pk, version' });
    expect((answer.Responses?.[table] ?? []).length + left!.Keys!.length).toBe(40);
  });

  it('a single-item write that meets a transaction: TransactionConflictException, nothing forwarded', async () => {
    faults.configure({ share: 1, kinds: ['conflict'] });
    for (const command of [
      new PutItemCommand({ TableName: table, Item: key(1) }),
      new UpdateItemCommand({
        TableName: table,
        Key: key(1),
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': { N: '1' } },
      }),
      new DeleteItemCommand({ TableName: table, Key: key(1) }),
    ]) {
      const error = await client.send(command as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionConflictException);
      expect((error as TransactionConflictException).$metadata.httpStatusCode).toBe(400);
    }
    expect(dynamo.seen).toEqual([]);
    expect(faults.state().counts.byOperation).toEqual({
      'dynamodb:PutItem:conflict': 1,
      'dynamodb:UpdateItem:conflict': 1,
      'dynamodb:DeleteItem:conflict': 1,
    });
  });

  it('server errors: DynamoDB 500 InternalServerError / 503, S3 500 InternalError / 503 ServiceUnavailable; nothing forwarded', async () => {
    faults.configure({ share: 1, seed: 3, kinds: ['server'] });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const error = await client
        .send(new GetItemCommand({ TableName: table, Key: key(i) }))
        .catch((e: unknown) => e);
      expect((error as { $fault: string }).$fault).toBe('server');
      seen.add(
        `${(error as Error).name} ${(error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode}`,
      );
    }
    expect(seen).toEqual(new Set(['InternalServerError 500', 'ServiceUnavailableException 503']));
    const s3Seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const error = await s3Client
        .send(new GetObjectCommand({ Bucket: 'patents-local-drop', Key: 'errors/a.csv' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3ServiceException);
      s3Seen.add(`${(error as Error).name} ${(error as S3ServiceException).$metadata.httpStatusCode}`);
    }
    expect(s3Seen).toEqual(new Set(['InternalError 500', 'ServiceUnavailable 503']));
    expect(dynamo.seen).toEqual([]);
    expect(s3.seen).toEqual([]);
  });

  it('lost answers: the write reaches DynamoDB / S3, the client gets a 500 or a reset connection (and the SDK sends it again)', async () => {
    faults.configure({ share: 1, seed: 4, kinds: ['lost'] });
    const outcomes = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const error = await client
        .send(new PutItemCommand({ TableName: table, Item: key(i) }))
        .catch((e: unknown) => e);
      const { name, code, $metadata } = error as {
        name: string;
        code?: string;
        $metadata?: { httpStatusCode?: number };
      };
      outcomes.add($metadata?.httpStatusCode === 500 ? `${name} 500` : (code ?? name));
    }
    expect(outcomes).toEqual(new Set(['InternalServerError 500', 'ECONNRESET']));
    // Every one was applied.
    expect(dynamo.seen.map((s) => (s.body.Item as { pk: { S: string } }).pk.S)).toEqual(
      Array.from({ length: 10 }, (_, i) => `PAT#${i}`),
    );
    // The SDK's standard strategy sends it again (here every attempt's answer is lost: 3 applied).
    dynamo.seen.length = 0;
    const retrying = new DynamoDBClient({
      endpoint: await client.config.endpoint!().then((e) => `http://${e.hostname}:${e.port}`),
      region: 'us-east-1',
      credentials,
      maxAttempts: 3,
    });
    const error = await retrying
      .send(new PutItemCommand({ TableName: table, Item: key(99) }))
      .catch((e: unknown) => e);
    expect((error as { $metadata: { attempts: number } }).$metadata.attempts).toBe(3);
    expect(dynamo.seen).toHaveLength(3);
    // Reads are never "lost" (nothing applied to lose), and S3 writes are.
    expect(kindsFor('dynamodb', 'GetItem')).not.toContain('lost');
    s3.seen.length = 0;
    const s3Error = await s3Client
      .send(new PutObjectCommand({ Bucket: 'patents-local-drop', Key: 'errors/b.csv', Body: 'x' }))
      .catch((e: unknown) => e);
    expect(s3Error).toBeInstanceOf(Error);
    expect(s3.seen.map((s) => s.method)).toEqual(['PUT']);
  }, 20_000);

  it('calls not signed by a function (tests, the demo loader) are never faulted', async () => {
    faults.configure({ share: 1 });
    await tests.send(new PutItemCommand({ TableName: table, Item: key(1) }));
    expect(dynamo.seen.map((s) => s.operation)).toEqual(['PutItem']);
    expect(faults.state().counts.eligible).toBe(0);
  });

  it('S3: SlowDown (503, XML) for GetObject and PutObject; presigned URLs are not faulted', async () => {
    faults.configure({ share: 1, kinds: ['throttle'] });
    for (const command of [
      new GetObjectCommand({ Bucket: 'patents-local-drop', Key: 'errors/a.csv' }),
      new PutObjectCommand({ Bucket: 'patents-local-drop', Key: 'errors/a.csv', Body: 'x'.repeat(100_000) }),
    ]) {
      const error = await s3Client.send(command as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3ServiceException);
      expect((error as S3ServiceException).name).toBe('SlowDown');
      expect((error as S3ServiceException).$metadata.httpStatusCode).toBe(503);
    }
    expect(s3.seen).toEqual([]);
    const credential = encodeURIComponent(
      `${functionAccessKey('ingestBatchFile')}/20261205/us-east-1/s3/aws4_request`,
    );
    const presigned = await fetch(
      `${await s3Client.config.endpoint!().then((e) => `http://${e.hostname}:${e.port}`)}/patents-local-drop/errors/a.csv?X-Amz-Credential=${credential}`,
    );
    expect(presigned.status).toBe(200);
    expect(faults.state().counts).toMatchObject({ injected: 2, byOperation: { 's3:GetObject:throttle': 1 } });
  });
});

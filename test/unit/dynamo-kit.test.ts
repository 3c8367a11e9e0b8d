/** The DynamoDB kit (functions/shared/dynamo/), with the document client mocked (aws-sdk-client-mock). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchGetAll, batchWriteAll } from '../../functions/shared/dynamo/batch.ts';
import { applicationNumberOf, indexes, keys } from '../../functions/shared/dynamo/keys.ts';
import { queryAll } from '../../functions/shared/dynamo/query.ts';
import { stripStorage } from '../../functions/shared/dynamo/strip.ts';
import { TransactionRefusedError, transact } from '../../functions/shared/dynamo/transact.ts';
import { ServiceUnavailableError } from '../../functions/shared/errors.ts';
import { cancelled, lostThenConflicted } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const waits: number[] = [];
const sleep = async (ms: number) => {
  waits.push(ms);
};
beforeEach(() => {
  ddb.reset();
  waits.length = 0;
});

const items = [
  { Put: { TableName: table, Item: { pk: 'A', sk: 'A' }, ConditionExpression: 'attribute_not_exists(pk)' } },
  { Put: { TableName: table, Item: { pk: 'B', sk: 'B' } } },
];
const run = (conditionFailed?: (failed: readonly number[]) => string | undefined, attempts = 4) =>
  transact(documents, items, { what: 'the test items', conditionFailed, attempts, sleep });

describe('transact', () => {
  it('committed when the transaction goes through, with the items as given', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(run()).resolves.toBe('committed');
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems).toEqual(items);
  });

  it('ConditionalCheckFailed: the caller answers for the failed item indexes, without a retry', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    const seen: number[][] = [];
    const answer = (failed: readonly number[]) => {
      seen.push([...failed]);
      return 'exists';
    };
    await expect(run(answer)).resolves.toBe('exists');
    expect(seen).toEqual([[1]]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('a ConditionalCheckFailed the caller does not explain is surfaced, naming the item', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    const refused = run((failed) => (failed.includes(0) ? 'exists' : undefined));
    await expect(refused).rejects.toBeInstanceOf(TransactionRefusedError);
    await expect(run()).rejects.toThrow(/item 1: ConditionalCheckFailed.*Report this/);
  });

  it.each([
    'TransactionConflict',
    'ThrottlingError',
    'ProvisionedThroughputExceeded',
    'RequestLimitExceeded',
  ])('%s is retried with growing backoff, then succeeds', async (code) => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', code))
      .rejectsOnce(cancelled(code, 'None'))
      .resolves({});
    await expect(run(() => 'exists')).resolves.toBe('committed');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('a retryable cancellation that persists surfaces as a 503 after the bounded attempts', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    const error = await run(() => 'exists', 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({
      statusCode: 503,
      retryable: true,
      message: expect.stringMatching(
        /the test items.*TransactionConflict.*3 attempts.*Send the request again/,
      ),
    });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it.each(['ValidationError', 'ItemCollectionSizeLimitExceeded'])('%s is surfaced at once', async (code) => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', code));
    await expect(run(() => 'exists')).rejects.toThrow(new RegExp(`item 1: ${code}`));
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('a lost answer: the attempts share one ClientRequestToken, so a re-send of an applied transaction is committed, not "exists"', async () => {
    // The first attempt was applied, its answer lost, the SDK's re-send conflicted: with a token per
    // attempt, the kit's next attempt met its own create and answered 'exists' (for patents: owned by
    // another institution / unchanged instead of created).
    const dynamo = lostThenConflicted();
    ddb.on(TransactWriteCommand).callsFake(dynamo.fake);
    await expect(run(() => 'exists')).resolves.toBe('committed');
    expect(dynamo.tokens).toHaveLength(2);
    expect(dynamo.tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(dynamo.tokens[1]).toBe(dynamo.tokens[0]);
    // Another transaction gets a token of its own.
    ddb.reset();
    ddb.on(TransactWriteCommand).resolves({});
    await run();
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.ClientRequestToken).not.toBe(
      dynamo.tokens[0],
    );
  });

  it('other errors pass through untouched (the SDK retried the call itself)', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('network down'));
    await expect(run(() => 'exists')).rejects.toThrow('network down');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

const key = (n: number) => ({ pk: `K#${n}`, sk: 'K' });

describe('queryAll', () => {
  const input = {
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'P' },
  };
  /** Three pages; the start key of each request as sent (the SDK's paginator reuses one input object). */
  const pages = () => {
    const starts: unknown[] = [];
    const answers = [
      { Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: { pk: 'P', sk: '2' } },
      { Items: [{ n: 3 }], LastEvaluatedKey: { pk: 'P', sk: '3' } },
      { Items: [{ n: 4 }] },
    ];
    ddb.on(QueryCommand).callsFake((sent: { ExclusiveStartKey?: unknown }) => {
      starts.push(sent.ExclusiveStartKey);
      return answers.shift();
    });
    return starts;
  };

  it("reads every page, each from where the last one stopped, and leaves the caller's input alone", async () => {
    const starts = pages();
    expect(await queryAll(documents, input)).toEqual({
      items: [1, 2, 3, 4].map((n) => ({ n })),
      complete: true,
    });
    expect(starts).toEqual([undefined, { pk: 'P', sk: '2' }, { pk: 'P', sk: '3' }]);
    expect(input).not.toHaveProperty('ExclusiveStartKey');
  });

  it('stops after the page that reaches max and says the partition was not read to its end', async () => {
    const starts = pages();
    expect(await queryAll(documents, input, 2)).toEqual({ items: [{ n: 1 }, { n: 2 }], complete: false });
    expect(starts).toHaveLength(1);
  });
});

describe('batchGetAll', () => {
  it('chunks at 100 keys and sends unprocessed keys again until none is left', async () => {
    ddb.on(BatchGetCommand).callsFake((input) => {
      const keys = input.RequestItems[table].Keys as Array<{ pk: string }>;
      // The first call of each chunk leaves its last key unprocessed.
      const unprocessed = keys.length > 1 ? keys.slice(-1) : [];
      return {
        Responses: { [table]: keys.slice(0, keys.length - unprocessed.length).map((k) => ({ ...k, v: 1 })) },
        UnprocessedKeys: unprocessed.length ? { [table]: { Keys: unprocessed } } : {},
      };
    });
    const found = await batchGetAll(
      documents,
      table,
      Array.from({ length: 150 }, (_, i) => key(i)),
      {
        consistentRead: true,
        sleep,
      },
    );
    expect(found).toHaveLength(150);
    const sizes = ddb
      .commandCalls(BatchGetCommand)
      .map((c) => c.args[0].input.RequestItems![table]!.Keys!.length);
    expect(sizes).toEqual([100, 1, 50, 1]);
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![table]!.ConsistentRead).toBe(
      true,
    );
    expect(waits).toHaveLength(2);
  });

  it('keys still unprocessed after the bounded attempts surface as a 503', async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { [table]: { Keys: [key(1)] } } });
    await expect(batchGetAll(documents, table, [key(1)], { attempts: 3, sleep })).rejects.toMatchObject({
      statusCode: 503,
      message: expect.stringMatching(/1 keys unprocessed through 3 attempts/),
    });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });
});

describe('batchWriteAll', () => {
  it('chunks at 25 requests and sends unprocessed items again', async () => {
    const puts = Array.from({ length: 30 }, (_, i) => ({ PutRequest: { Item: key(i) } }));
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [table]: puts.slice(0, 2) } })
      .resolves({});
    await batchWriteAll(documents, table, puts, { sleep });
    const sizes = ddb
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems![table]!.length);
    expect(sizes).toEqual([25, 2, 5]);
  });

  it('items still unprocessed after the bounded attempts surface as a 503', async () => {
    const put = { PutRequest: { Item: key(1) } };
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { [table]: [put] } });
    await expect(batchWriteAll(documents, table, [put], { attempts: 2, sleep })).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });
});

describe('stripStorage', () => {
  it('drops keys, index keys, entity, write tokens, content hashes and expiry; keeps the record', () => {
    expect(
      stripStorage({
        pk: 'PAT#1',
        sk: 'PATENT',
        gsi1pk: 'a',
        gsi1sk: 'b',
        gsi12pk: 'c',
        entity: 'patent',
        writeToken: 't',
        contentHash: 'h',
        expiresAt: 1,
        applicationNumber: '1',
        gsiNote: 'kept',
        version: 2,
      }),
    ).toEqual({ applicationNumber: '1', gsiNote: 'kept', version: 2 });
  });
});

describe('keys', () => {
  it('builds the stored key shapes (items already written depend on them)', () => {
    expect(keys.patent('2020101234562')).toEqual({ pk: 'PAT#2020101234562', sk: 'PATENT' });
    expect(keys.institution('U1')).toEqual({ pk: 'INST#U1', sk: 'PROFILE' });
    expect(keys.evaluatorProfile({ kind: 'expert', id: 'e1' })).toEqual({ pk: 'EXP#e1', sk: 'PROFILE' });
    expect(keys.evaluatorProfile({ kind: 'enterprise', id: 'U2' })).toEqual({ pk: 'ENT#U2', sk: 'PROFILE' });
    expect(keys.pipelineEventSk(8, 'evaluationClosed')).toBe('EVENT#000008#evaluationClosed');
    expect(keys.pushCounter({ kind: 'expert', id: 'e1' }, '2026-03-02')).toEqual({
      pk: 'PUSHES#expert#e1',
      sk: '2026-03-02',
    });
    expect(indexes.institutionPatents('U1')).toBe('INST#U1#PAT');
    expect(indexes.inbox({ kind: 'enterprise', id: 'U2' })).toBe('INBOX#enterprise#U2');
    expect(applicationNumberOf(keys.patent('123').pk)).toBe('123');
  });
});

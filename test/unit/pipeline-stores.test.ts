/** The DynamoDB adapters of the pipeline (failures, history, the matched window opening), document client mocked. */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PatentSummary } from '../../functions/market/push.ts';
import { dynamoPushStore } from '../../functions/market/push-store.ts';
import { dynamoFailureStore, failureKey } from '../../functions/pipeline/failure-store.ts';
import type { StoredFailure } from '../../functions/pipeline/failures.ts';
import { dynamoHistoryStore } from '../../functions/pipeline/history-store.ts';
import { cancelled } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const NUMBER = '202010123456.2';
beforeEach(() => ddb.reset());

const failure: StoredFailure = {
  eventId: `inventoried:${NUMBER}`,
  applicationNumber: NUMBER,
  institutionUscc: '12100000400000624D',
  provinceCode: '110000',
  eventType: 'inventoried',
  stage: 'MatchAndPush',
  status: 'failed',
  error: 'TypeError',
  cause: 'boom',
  failures: 1,
  executionArn: 'arn:exec:1',
  failedAt: '2026-11-25T10:00:00.000Z',
  retries: 0,
  event: {
    eventId: `inventoried:${NUMBER}`,
    type: 'inventoried',
    applicationNumber: NUMBER,
    version: 3,
    from: 'registered',
    to: 'conversion-pool',
    at: 'x',
    actor: 'r',
    details: {},
  },
};

describe('dynamoFailureStore', () => {
  const store = dynamoFailureStore(documents, table);

  it('record: one item per event, listed on gsi3 and the province gsi2, counted once per failed execution', async () => {
    ddb
      .on(UpdateCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    await expect(store.record(failure)).resolves.toBe(true);
    await expect(store.record(failure)).resolves.toBe(false);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input as UpdateCommandInput;
    expect(input.Key).toEqual(failureKey(failure.eventId));
    expect(input.ConditionExpression).toBe('attribute_not_exists(executionArn) OR executionArn <> :arn');
    expect(input.UpdateExpression).toContain('ADD failures :one');
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':g3': 'PIPELINE#failed',
      ':g2': 'PROV#110000#PIPELINE-FAILURE',
      ':listed': `2026-11-25T10:00:00.000Z#inventoried:${NUMBER}`,
      ':arn': 'arn:exec:1',
      ':event': failure.event,
    });
  });

  it('list: newest first from gsi3 (national) or gsi2 (a province), with an opaque cursor bound to the listing', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [{ ...failureKey(failure.eventId), entity: 'pipeline-failure', gsi3pk: 'x', ...failure }],
      LastEvaluatedKey: { pk: 'a', sk: 'b' },
    });
    const page = await store.list({ provinceCode: '110000' }, { limit: 10 });
    expect(page.items[0]).not.toHaveProperty('pk');
    expect(page.items[0]).not.toHaveProperty('gsi3pk');
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      IndexName: 'gsi2',
      ExpressionAttributeValues: { ':p': 'PROV#110000#PIPELINE-FAILURE' },
      ScanIndexForward: false,
      Limit: 10,
    });
    await store.list({ provinceCode: '110000' }, { limit: 10, cursor: page.nextCursor });
    expect(ddb.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'a', sk: 'b' });
    await store.list({}, { limit: 5 });
    expect(ddb.commandCalls(QueryCommand)[2]!.args[0].input).toMatchObject({
      IndexName: 'gsi3',
      ExpressionAttributeValues: { ':p': 'PIPELINE#failed' },
    });
    // A cursor of one listing is refused by another.
    await expect(store.list({}, { limit: 5, cursor: page.nextCursor })).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('claimRetry: failed -> retried only at the failure count read, leaving the lists', async () => {
    ddb
      .on(UpdateCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    // The second finds the first one's claim.
    ddb.on(GetCommand).resolves({ Item: { ...failure, status: 'retried', retryClaim: 'the first claim' } });
    await expect(store.claimRetry(failure.eventId, 1, 'admin', 'now')).resolves.toBe(true);
    await expect(store.claimRetry(failure.eventId, 1, 'admin', 'now')).resolves.toBe(false);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input as UpdateCommandInput;
    expect(input.ConditionExpression).toBe('#status = :failed AND failures = :failures');
    expect(input.UpdateExpression).toContain('REMOVE gsi2pk, gsi2sk, gsi3pk, gsi3sk');
  });

  it("claimRetry after a lost answer: the SDK's re-send fails the condition, the claim token tells it was this claim (its retry is started)", async () => {
    // Found by the `lost` faults: the claim was applied, its answer lost, the re-send failed the
    // condition and the claim was taken for someone else's: no retry started, the failure left both
    // lists as 'retried' for ever.
    let stored: Record<string, unknown> = { ...failureKey(failure.eventId), ...failure };
    ddb.on(UpdateCommand).callsFakeOnce((input: UpdateCommandInput) => {
      const values = input.ExpressionAttributeValues!;
      stored = { ...stored, status: 'retried', retryClaim: values[':claim'], retries: 1 };
      throw new ConditionalCheckFailedException({ message: 'the re-send', $metadata: {} });
    });
    ddb.on(GetCommand).callsFake(() => ({ Item: stored }));
    await expect(store.claimRetry(failure.eventId, 1, 'admin', 'now')).resolves.toBe(true);
    // Another claim's token: someone else's.
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    await expect(store.claimRetry(failure.eventId, 1, 'admin', 'now')).resolves.toBe(false);
    // The token stays in the store.
    await expect(store.get(failure.eventId)).resolves.not.toHaveProperty('retryClaim');
  });

  it('releaseRetry is conditioned on the claim read: a re-send after a lost answer does not count the retry back twice', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...failure, status: 'retried', retries: 1 } });
    ddb
      .on(UpdateCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    await store.releaseRetry(failure.eventId);
    await store.releaseRetry(failure.eventId);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input as UpdateCommandInput;
    expect(input.ConditionExpression).toBe('#status = :retried AND retries = :retries');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':retries': 1, ':minus': -1 });
  });
});

describe('dynamoHistoryStore', () => {
  const store = dynamoHistoryStore(documents, table);
  const audit = (i: number) => ({
    pk: `PAT#${NUMBER}`,
    sk: `AUDIT#2026-11-25T10:00:0${i}.000Z#${i}`,
    entity: 'audit',
    action: 'lifecycle.matched',
    actor: 'a',
    at: `2026-11-25T10:00:0${i}.000Z`,
    changes: { event: 'matched', eventId: `e${i}` },
  });

  it('reads lifecycle audit entries only, on until the page is full, with a cursor at the last entry returned', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [audit(1)], LastEvaluatedKey: { pk: 'x', sk: 'y' } })
      .resolvesOnce({ Items: [audit(2), audit(3)], LastEvaluatedKey: { pk: 'x', sk: 'z' } })
      .resolvesOnce({ Items: [{ eventId: 'e1', startedExecutionArn: 'arn:started' }, { eventId: 'e9' }] });
    const page = await store.transitions(NUMBER, { limit: 2 });
    expect(page.items.map((i) => i.at)).toEqual(['2026-11-25T10:00:01.000Z', '2026-11-25T10:00:02.000Z']);
    // The execution each transition's event started, from the event items.
    expect(page.items.map((i) => i.startedExecutionArn)).toEqual(['arn:started', undefined]);
    expect(ddb.commandCalls(QueryCommand)[2]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
      ExpressionAttributeValues: { ':pk': `PAT#${NUMBER}`, ':event': 'EVENT#' },
    });
    expect(page.items[0]).not.toHaveProperty('pk');
    const first = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(first).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      FilterExpression: 'begins_with(#action, :lifecycle)',
      ExpressionAttributeValues: { ':pk': `PAT#${NUMBER}`, ':audit': 'AUDIT#', ':lifecycle': 'lifecycle.' },
    });
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.transitions(NUMBER, { limit: 2, cursor: page.nextCursor });
    expect(ddb.commandCalls(QueryCommand).at(-1)!.args[0].input.ExclusiveStartKey).toEqual({
      pk: `PAT#${NUMBER}`,
      sk: audit(2).sk,
    });
  });

  it('owner: the institution and province of the patent', async () => {
    ddb.on(GetCommand).resolves({ Item: { institutionUscc: 'U', provinceCode: 'P' } });
    await expect(store.owner(NUMBER)).resolves.toEqual({ institutionUscc: 'U', provinceCode: 'P' });
  });
});

describe('dynamoPushStore.openWindow: the matched transition', () => {
  const store = dynamoPushStore(documents, table);
  const patent = { applicationNumber: NUMBER, version: 3, lifecycle: 'conversion-pool' } as PatentSummary;
  const trigger = {
    eventId: 'matched:e',
    actor: { sub: 'system:pipeline', roles: [] },
    executionArn: 'arn:e',
  };

  it('window fields and the due index set with the transition; duplicate and conflict told apart', async () => {
    ddb
      .on(TransactWriteCommand)
      .resolvesOnce({})
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None', 'ConditionalCheckFailed'))
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));
    const window = { openedAt: '2026-11-25T10:00:00.000Z', deadline: '2027-01-24T10:00:00.000Z' };
    await expect(store.openWindow(patent, window, trigger)).resolves.toBe('opened');
    await expect(store.openWindow(patent, window, trigger)).resolves.toBe('duplicate');
    await expect(store.openWindow(patent, window, trigger)).resolves.toBe('conflict');
    const items = (ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input as TransactWriteCommandInput)
      .TransactItems!;
    expect(items).toHaveLength(4);
    expect(Object.values(items[0]!.Update!.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining([
        'open',
        'DUE#evaluation-window',
        `2027-01-24T10:00:00.000Z#${NUMBER}`,
        'under-evaluation',
      ]),
    );
    expect(items[1]!.Put!.Item).toMatchObject({ action: 'lifecycle.matched', executionArn: 'arn:e' });
    expect(items[3]!.Put!.Item).toMatchObject({ sk: 'APPLIED#matched:e' });
  });
});

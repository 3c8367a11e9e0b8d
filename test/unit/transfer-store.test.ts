/** The DynamoDB adapter of the transfer use-cases, with the document client mocked (aws-sdk-client-mock). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ConflictError } from '../../functions/shared/errors.ts';
import { dynamoTransferStore } from '../../functions/transfer/transfer-store.ts';
import { cancelled } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const store = dynamoTransferStore(documents, table);
beforeEach(() => ddb.reset());

// deal Put, party link, audit, then one transition: patent update, audit, event, marker
const shape = { recordIndexes: [0], markerIndexes: [6], patentIndexes: [3] };
const none = 'None';
const failed = 'ConditionalCheckFailed';

describe('transfer store: transactions', () => {
  it('tells a replay (record or applied marker there) from a concurrent change (version)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.transact([], shape)).toBe('done');
    ddb.on(TransactWriteCommand).rejects(cancelled(failed, none, none, none, none, none, none));
    expect(await store.transact([], shape)).toBe('duplicate');
    ddb.on(TransactWriteCommand).rejects(cancelled(none, none, none, none, none, none, failed));
    expect(await store.transact([], shape)).toBe('duplicate');
    ddb.on(TransactWriteCommand).rejects(cancelled(none, none, none, failed, none, none, none));
    await expect(store.transact([], shape)).rejects.toBeInstanceOf(ConflictError);
    // A conflict on any item is sent again (functions/shared/dynamo/transact.ts), then surfaces as a 503.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ddb.on(TransactWriteCommand).rejects(cancelled(none, 'TransactionConflict', none));
    await expect(store.transact([], shape)).rejects.toMatchObject({ statusCode: 503 });
    vi.restoreAllMocks();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(none, 'TransactionConflict', none))
      .resolves({});
    expect(await store.transact([], shape)).toBe('done');
    ddb.on(TransactWriteCommand).rejects(new Error('network down'));
    await expect(store.transact([], shape)).rejects.toThrow('network down');
  });
});

describe('transfer store: reads', () => {
  it('reads patents consistently and retries unprocessed keys', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [table]: [{ pk: 'PAT#1', applicationNumber: '1', version: 2 }] },
        UnprocessedKeys: { [table]: { Keys: [{ pk: 'PAT#2', sk: 'PATENT' }] } },
      })
      .resolvesOnce({ Responses: { [table]: [{ pk: 'PAT#2', applicationNumber: '2', version: 1 }] } });
    const found = await store.patents(['1', '2', '3']);
    expect([...found.keys()]).toEqual(['1', '2']);
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args[0].input.RequestItems![table]!.ConsistentRead).toBe(true);
  });

  it('lists deals newest first with the filters, and an enterprise through its party links', async () => {
    ddb.on(QueryCommand).resolvesOnce({
      Items: [{ pk: 'DEAL#d-1', sk: 'DEAL', entity: 'deal', dealId: 'd-1', gsi1pk: 'x', kind: 'license' }],
      LastEvaluatedKey: { pk: 'DEAL#d-1' },
    });
    const page = await store.listDeals({ by: 'institution', uscc: 'U' }, { kind: 'license' }, 10);
    expect(page).toEqual({ items: [{ dealId: 'd-1', kind: 'license' }], lastKey: { pk: 'DEAL#d-1' } });
    const query = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({
      IndexName: 'gsi1',
      ScanIndexForward: false,
      Limit: 10,
      FilterExpression: '#kind = :kind',
      ExpressionAttributeValues: { ':pk': 'INST#U#DEAL', ':kind': 'license' },
    });

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [{ dealId: 'd-2' }, { dealId: 'd-3' }] });
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        [table]: [
          { pk: 'DEAL#d-3', sk: 'DEAL', dealId: 'd-3', kind: 'assignment' },
          { pk: 'DEAL#d-2', sk: 'DEAL', dealId: 'd-2', kind: 'license' },
        ],
      },
    });
    const mine = await store.listDeals({ by: 'enterprise', uscc: 'E' }, { kind: 'license' }, 10);
    expect(mine.items.map((d) => d.dealId)).toEqual(['d-2']);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.ExpressionAttributeValues).toEqual({
      ':pk': 'ENT#E#DEAL',
    });
  });

  it('due filings: gsi3 DUE#filing strictly before the day, each deal read again', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ dealId: 'd-9' }] });
    ddb
      .on(BatchGetCommand)
      .resolves({ Responses: { [table]: [{ pk: 'DEAL#d-9', dealId: 'd-9', filingStatus: 'pending' }] } });
    expect(await store.dueFilings('2026-06-02', 50)).toEqual([{ dealId: 'd-9', filingStatus: 'pending' }]);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
      ExpressionAttributeValues: { ':pk': 'DUE#filing', ':before': '2026-06-02' },
      Limit: 50,
    });
  });
});

/**
 * The DynamoDB adapters of the transfer use-cases, with the document client mocked (aws-sdk-client-mock):
 * what a cancelled transaction means to the use-cases, and the reads. What they write: transfer-writes.test.ts.
 */
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
import { dynamoMoneyStore } from '../../functions/transfer/money-store.ts';
import { dynamoTransferStore } from '../../functions/transfer/transfer-store.ts';
import { recordedDeal } from '../support/deals.ts';
import { cancelled } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const store = dynamoTransferStore(documents, table);
beforeEach(() => ddb.reset());

const none = 'None';
const failed = 'ConditionalCheckFailed';

const deal = recordedDeal(
  {
    applicationNumbers: ['1'],
    institutionUscc: 'I',
    provinceCode: '110000',
    enterprise: { uscc: 'E', name: 'E' },
  },
  { licenseType: 'ordinary', priceTerms: { type: 'free' }, contractValueFen: 0, filingDueDate: '2026-06-01' },
);
const actor = { sub: 'tto', roles: ['institution' as const] };
// deal Put, party link, audit, then one transition: patent update (3), audit, event, marker (6)
const recordDeal = () =>
  store.recordDeal({
    deal,
    actor,
    patents: [
      {
        patent: {
          applicationNumber: '1',
          institutionUscc: 'I',
          provinceCode: '110000',
          version: 2,
          lifecycle: 'listed',
        },
        transition: { event: 'dealRecorded', context: { dealKind: 'license' }, eventId: 'deal#d-1', actor },
      },
    ],
  });

describe('transfer store: transactions', () => {
  it('tells a replay (record or applied marker there) from a concurrent change (version)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await recordDeal()).toBe('recorded');
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems).toHaveLength(7);
    ddb.on(TransactWriteCommand).rejects(cancelled(failed, none, none, none, none, none, none));
    expect(await recordDeal()).toBe('duplicate');
    ddb.on(TransactWriteCommand).rejects(cancelled(none, none, none, none, none, none, failed));
    expect(await recordDeal()).toBe('duplicate');
    ddb.on(TransactWriteCommand).rejects(cancelled(none, none, none, failed, none, none, none));
    await expect(recordDeal()).rejects.toBeInstanceOf(ConflictError);
    // A conflict on any item is sent again (functions/shared/dynamo/transact.ts), then surfaces as a 503.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ddb.on(TransactWriteCommand).rejects(cancelled(none, 'TransactionConflict', none));
    await expect(recordDeal()).rejects.toMatchObject({ statusCode: 503 });
    vi.restoreAllMocks();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(none, 'TransactionConflict', none))
      .resolves({});
    expect(await recordDeal()).toBe('recorded');
    ddb.on(TransactWriteCommand).rejects(new Error('network down'));
    await expect(recordDeal()).rejects.toThrow('network down');
  });

  it('a deal no longer pending is not flagged: the sweep hears "changed"', async () => {
    const notice = { actor, dueOn: '2026-06-01', notified: [], now: new Date('2026-06-02T00:00:00Z') };
    ddb.on(TransactWriteCommand).rejects(cancelled(failed, none));
    expect(await store.flagOverdueFiling(deal, '2026-06-02T00:00:00Z', notice)).toBe('changed');
    expect(await store.remindRegistration(deal, '2026-06-02T00:00:00Z', notice)).toBe('changed');
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.flagOverdueFiling(deal, '2026-06-02T00:00:00Z', notice)).toBe('flagged');
  });
});

describe('money store: transactions', () => {
  const money = dynamoMoneyStore(documents, table);
  const ledger = {
    dealId: 'd-1',
    institutionUscc: 'I',
    provinceCode: '110000',
    obligations: [],
    overpaidFen: 0,
    version: 2,
  };
  const payment = {
    paymentId: 'p-1',
    dealId: 'd-1',
    amountFen: 100,
    paidOn: '2026-03-05',
    evidenceReference: '回单',
    allocations: [],
    overpaidFen: 100,
    flags: ['overpayment' as const],
    recordedAt: '2026-03-05T00:00:00.000Z',
    recordedBy: 'tto',
  };
  const record = () => money.recordPayment({ deal, payment, requestHash: 'h', ledger, actor });
  it('a payment there already is a duplicate; a ledger that moved on, a conflict', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await record()).toBe('recorded');
    ddb.on(TransactWriteCommand).rejects(cancelled(failed, none, none));
    expect(await record()).toBe('duplicate');
    ddb.on(TransactWriteCommand).rejects(cancelled(none, failed, none));
    expect(await record()).toBe('conflict');
    expect(await money.reindexLedger(ledger)).toBe('conflict');
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

/**
 * DynamoDB adapter of MoneyStore (money.ts). Items (core table; docs/data-model.md, "Transfer"):
 *
 *   ledger   pk DEAL#<id>  sk LEDGER              obligations, overpaidFen, version
 *                                                gsi3 DUE#payment / <next reminder date>#<id> while one is unpaid
 *   payment  pk DEAL#<id>  sk PAYMENT#<paymentId> (id from the Idempotency-Key when sent)
 *   audit    pk DEAL#<id>  sk AUDIT#...           deal.paymentRecorded / royaltyReported / amended / terminated
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deal } from '../../schemas/deal.ts';
import { batchGetAll } from '../shared/dynamo/batch.ts';
import { indexes, keys, prefixes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import { type GrantHolder, type MoneyStore, type StoredPayment, toPaymentView } from './money.ts';
import type { Ledger } from './obligations.ts';

const toLedger = (item: Record<string, unknown>): Ledger => {
  const { requestHash: _, ...rest } = stripStorage<Ledger & { requestHash?: string }>(item);
  return rest;
};

export function dynamoMoneyStore(documents: DynamoDBDocumentClient, tableName: string): MoneyStore {
  async function get(key: Record<string, string>) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }
  const batchGet = (list: Array<Record<string, string>>) =>
    batchGetAll(documents, tableName, list, { consistentRead: true });

  return {
    tableName,
    async deal(dealId) {
      const item = await get(keys.deal(dealId));
      if (!item) return undefined;
      // The request hash (idempotency of POST /v1/deals) is not part of the deal as answered.
      const { requestHash: _, ...deal } = stripStorage<Deal & { requestHash?: string }>(item);
      return deal;
    },
    async ledger(dealId) {
      const item = await get(keys.dealLedger(dealId));
      return item ? toLedger(item) : undefined;
    },
    async ledgers(dealIds) {
      if (dealIds.length === 0) return [];
      return (await batchGet(dealIds.map(keys.dealLedger))).map(toLedger);
    },
    async payment(dealId, paymentId) {
      const item = await get(keys.dealPayment(dealId, paymentId));
      return item ? stripStorage<StoredPayment>(item) : undefined;
    },
    async payments(dealId) {
      const items = (
        await queryAll(documents, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.deal(dealId).pk, ':prefix': prefixes.dealPayment },
          ConsistentRead: true,
        })
      ).items;
      return items.map((item) => toPaymentView(stripStorage<StoredPayment>(item)));
    },
    async institution(uscc) {
      const item = await get(keys.institution(uscc));
      return item
        ? {
            provinceCode: item.provinceCode as string | undefined,
            contactEmail: item.contactEmail as string | undefined,
            name: item.name as string | undefined,
          }
        : undefined;
    },
    async institutionDeals(uscc) {
      const items = (
        await queryAll(documents, {
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': indexes.institutionDeals(uscc) },
        })
      ).items;
      return items.map((item) => stripStorage<Deal>(item));
    },
    async patents(numbers) {
      const items = await batchGet(numbers.map(keys.patent));
      return items.map((item) => item as unknown as GrantHolder);
    },
    async dueLedgers(beforeDate, limit) {
      const response = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
          ExpressionAttributeValues: { ':pk': indexes.duePayment, ':before': beforeDate },
          Limit: limit,
        }),
      );
      // The index is eventually consistent: read each ledger again before acting on it.
      const ids = (response.Items ?? []).map((item) => item.dealId as string);
      return ids.length ? (await batchGet(ids.map(keys.dealLedger))).map(toLedger) : [];
    },
    async transact(items, recordIndex) {
      const outcome = await transact(documents, items, {
        what: "a deal's payments and obligations",
        conditionFailed: (failed) =>
          recordIndex !== undefined && failed.includes(recordIndex) ? 'duplicate' : 'conflict',
      });
      return outcome === 'committed' ? 'done' : (outcome as 'duplicate' | 'conflict');
    },
  };
}

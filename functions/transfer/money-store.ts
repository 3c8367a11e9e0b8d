/**
 * DynamoDB adapter of MoneyStore (money.ts). Items (core table; docs/data-model.md, "Transfer"):
 *
 *   ledger   pk DEAL#<id>  sk LEDGER              obligations, overpaidFen, version
 *                                                gsi3 DUE#payment / <next reminder date>#<id> while one is unpaid
 *   payment  pk DEAL#<id>  sk PAYMENT#<paymentId> (id from the Idempotency-Key when sent), `reversal` once reversed
 *   audit    pk DEAL#<id>  sk AUDIT#...           deal.paymentRecorded / paymentReversed / royaltyReported / amended / terminated
 *   own implementation  pk INST#<USCC>  sk IMPLPROFIT#<number>#<year>  (art. 45 (3), own-implementation.ts),
 *            `version`; its audit entries patent.implementationProfitRecorded / Corrected in PAT#<number>
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deal } from '../../schemas/deal.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import type { TransactItem } from '../pipeline/transitions.ts';
import { auditItem } from '../shared/audit.ts';
import { batchGetAll } from '../shared/dynamo/batch.ts';
import { indexes, keys, prefixes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { RewardRule } from './inventor-rewards.ts';
import { ledgerPut } from './ledger-item.ts';
import {
  type DealChange,
  type GrantHolder,
  type MoneyStore,
  type StoredImplementationProfit,
  type StoredPayment,
  toPaymentView,
} from './money.ts';
import type { Ledger } from './obligations.ts';

const withoutHash = ({ requestHash: _, ...record }: StoredImplementationProfit) => record;

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
  /** 'duplicate' when the item at `recordIndex` exists already, 'conflict' when a version moved on. */
  async function run(items: TransactItem[], recordIndex?: number) {
    return transact(documents, items, {
      what: "a deal's payments and obligations",
      conditionFailed: (failed) =>
        recordIndex !== undefined && failed.includes(recordIndex)
          ? ('duplicate' as const)
          : ('conflict' as const),
    });
  }
  const auditPut = (entry: Parameters<typeof auditItem>[0]): TransactItem => ({
    Put: { TableName: tableName, Item: auditItem(entry) },
  });
  /** The deal's update (on the version read), its ledger, its audit entry, the grants' end: an amendment or a termination. */
  async function changeDeal(
    { deal, ledger, grantsEnding, actor, at }: DealChange,
    set: Record<string, unknown>,
    action: string,
    after: object,
    reason: string,
  ) {
    const fields = Object.keys(set);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: tableName,
          Key: keys.deal(deal.dealId),
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}, version = :next, updatedAt = :at`,
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(fields.map((f, i) => [`:v${i}`, set[f]])),
            ':next': deal.version + 1,
            ':version': deal.version,
            ':at': at,
          },
        },
      },
      ledgerPut(tableName, ledger),
      auditPut({
        kind: 'updated',
        pk: keys.deal(deal.dealId).pk,
        action,
        caller: actor,
        at,
        before: deal,
        after,
        context: { reason },
        version: deal.version + 1,
      }),
      ...(grantsEnding?.applicationNumbers ?? []).map(
        (applicationNumber): TransactItem => ({
          Update: {
            TableName: tableName,
            Key: keys.patent(applicationNumber),
            UpdateExpression: 'SET exclusiveGrant.endDate = :end, version = version + :one, updatedAt = :at',
            ConditionExpression: 'exclusiveGrant.dealId = :dealId',
            ExpressionAttributeValues: {
              ':end': grantsEnding!.endDate,
              ':one': 1,
              ':at': at,
              ':dealId': deal.dealId,
            },
          },
        }),
      ),
    ];
    return (await run(items)) === 'committed' ? 'recorded' : 'conflict';
  }

  return {
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
            ...(item.inventorRewardRule ? { inventorRewardRule: item.inventorRewardRule as RewardRule } : {}),
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
    async implementationProfits(uscc, applicationNumber) {
      const items = (
        await queryAll(documents, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.institutionPk(uscc),
            ':prefix': `${prefixes.implementationProfit}${applicationNumber ? `${applicationNumber}#` : ''}`,
          },
          ConsistentRead: true,
        })
      ).items;
      return items.map((item) => stripStorage<StoredImplementationProfit>(item));
    },
    async putImplementationProfit({ before, after, actor }) {
      const outcome = await run([
        {
          Put: {
            TableName: tableName,
            Item: {
              ...keys.implementationProfit(after.institutionUscc, after.applicationNumber, after.year),
              entity: 'implementation-profit',
              ...after,
            },
            ...(before
              ? {
                  ConditionExpression: 'version = :version',
                  ExpressionAttributeValues: { ':version': before.version },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        },
        auditPut(
          before
            ? {
                kind: 'updated',
                pk: keys.patent(after.applicationNumber).pk,
                action: 'patent.implementationProfitCorrected',
                caller: actor,
                at: after.recordedAt,
                before: withoutHash(before),
                after: withoutHash(after),
                context: { year: after.year },
                version: after.version,
              }
            : {
                kind: 'created',
                pk: keys.patent(after.applicationNumber).pk,
                action: 'patent.implementationProfitRecorded',
                caller: actor,
                at: after.recordedAt,
                after: withoutHash(after),
                context: { year: after.year },
                version: after.version,
              },
        ),
      ]);
      return outcome === 'committed' ? 'recorded' : 'conflict';
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
    async recordPayment({ deal, payment, requestHash, ledger, actor }) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: {
              ...keys.dealPayment(deal.dealId, payment.paymentId),
              entity: 'deal-payment',
              ...payment,
              requestHash,
              institutionUscc: deal.institutionUscc,
              provinceCode: deal.provinceCode,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ledgerPut(tableName, ledger),
        auditPut({
          kind: 'created',
          pk: keys.deal(deal.dealId).pk,
          action: 'deal.paymentRecorded',
          caller: actor,
          at: payment.recordedAt,
          after: payment,
          version: ledger.version + 1,
        }),
      ];
      const outcome = await run(items, 0);
      return outcome === 'committed' ? 'recorded' : outcome;
    },
    async reversePayment({ deal, before, after, ledger, actor }) {
      const at = after.reversal!.reversedAt;
      const outcome = await run([
        {
          Update: {
            TableName: tableName,
            Key: keys.dealPayment(deal.dealId, before.paymentId),
            UpdateExpression: 'SET reversal = :reversal',
            // Reversed once: a second reversal (another request at the same moment) reads it again.
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(reversal)',
            ExpressionAttributeValues: { ':reversal': after.reversal },
          },
        },
        ledgerPut(tableName, ledger),
        auditPut({
          kind: 'updated',
          pk: keys.deal(deal.dealId).pk,
          action: 'deal.paymentReversed',
          caller: actor,
          at,
          before: toPaymentView(before),
          after: toPaymentView(after),
          context: { paymentId: before.paymentId, reason: after.reversal!.reason },
          version: ledger.version + 1,
        }),
      ]);
      return outcome === 'committed' ? 'recorded' : 'conflict';
    },
    async reportRoyalties({ dealId, ledger, before, after, actor, at }) {
      const outcome = await run([
        ledgerPut(tableName, ledger),
        auditPut({
          kind: 'updated',
          pk: keys.deal(dealId).pk,
          action: 'deal.royaltyReported',
          caller: actor,
          at,
          before: { obligation: before },
          after: { obligation: after },
          version: ledger.version + 1,
        }),
      ]);
      return outcome === 'committed' ? 'recorded' : 'conflict';
    },
    amendDeal: ({ set, changes, reason, ...change }) =>
      changeDeal(change, set, 'deal.amended', changes, reason),
    terminateDeal: ({ termination, ...change }) => {
      const set = { status: 'terminated', termination };
      return changeDeal(change, set, 'deal.terminated', set, termination.reason);
    },
    async remindPayments({ deal, ledger, reminded, notified, mail, actor, now }) {
      const at = now.toISOString();
      const items: TransactItem[] = [
        ledgerPut(tableName, ledger),
        auditPut({
          kind: 'updated',
          pk: keys.deal(deal.dealId).pk,
          action: 'deal.paymentOverdueReminded',
          caller: actor,
          at,
          before: {},
          after: { reminded },
          context: { notified },
        }),
      ];
      if (mail) items.push({ Put: { TableName: tableName, Item: mailOutboxItem(newMailItem(mail, now)) } });
      return (await run(items)) === 'committed' ? 'reminded' : 'conflict';
    },
    async reindexLedger(ledger) {
      return (await run([ledgerPut(tableName, ledger)])) === 'committed' ? 'reindexed' : 'conflict';
    },
  };
}

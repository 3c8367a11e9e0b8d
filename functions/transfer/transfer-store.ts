/** DynamoDB adapter of TransferStore (see ports.ts for the items and keys). */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deal } from '../../schemas/deal.ts';
import type { Product } from '../../schemas/product.ts';
import { transitionCause } from '../pipeline/transitions.ts';
import { batchGetAll } from '../shared/dynamo/batch.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact as transactWrite } from '../shared/dynamo/transact.ts';
import { ConflictError } from '../shared/errors.ts';
import { enterpriseParty, institutionParty } from './party-items.ts';
import type { DealLink, TransferPatent, TransferStore } from './ports.ts';

export const dealKey = keys.deal;
export const productKey = keys.product;

export function dynamoTransferStore(documents: DynamoDBDocumentClient, tableName: string): TransferStore {
  const batchGet = (keys: Array<Record<string, string>>) =>
    batchGetAll(documents, tableName, keys, { consistentRead: true });
  async function get(key: Record<string, string>) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }
  async function query(input: {
    index: string;
    pk: string;
    limit: number;
    start?: Record<string, unknown>;
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  }) {
    const response = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: input.index,
        KeyConditionExpression: `${input.index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': input.pk, ...(input.filter?.values ?? {}) },
        ...(input.filter
          ? { FilterExpression: input.filter.expression, ExpressionAttributeNames: input.filter.names }
          : {}),
        ScanIndexForward: false,
        Limit: input.limit,
        ExclusiveStartKey: input.start,
      }),
    );
    return { items: response.Items ?? [], lastKey: response.LastEvaluatedKey };
  }

  return {
    tableName,
    async patents(numbers) {
      const items = await batchGet(numbers.map(keys.patent));
      return new Map(
        items.map((item) => [item.applicationNumber as string, item as unknown as TransferPatent]),
      );
    },
    async institution(uscc) {
      const item = await get(keys.institution(uscc));
      return item ? institutionParty(uscc, item) : undefined;
    },
    async enterprise(uscc) {
      const item = await get(keys.enterprise(uscc));
      return item ? enterpriseParty(uscc, item) : undefined;
    },
    async deal(dealId) {
      const item = await get(dealKey(dealId));
      return item ? stripStorage<Deal>(item) : undefined;
    },
    async deals(ids) {
      const items = await batchGet(ids.map(dealKey));
      const byId = new Map(items.map((item) => [item.dealId as string, stripStorage<Deal>(item)]));
      return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    },
    async listDeals(listing, filter, limit, start) {
      const conditions: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      if (filter.kind) {
        conditions.push('#kind = :kind');
        names['#kind'] = 'kind';
        values[':kind'] = filter.kind;
      }
      if (filter.filingStatus) {
        conditions.push('filingStatus = :filingStatus');
        values[':filingStatus'] = filter.filingStatus;
      }
      const filterExpression = conditions.length
        ? { expression: conditions.join(' AND '), names, values }
        : undefined;
      if (listing.by === 'enterprise') {
        const page = await query({ index: 'gsi1', pk: indexes.enterpriseDeals(listing.uscc), limit, start });
        let items = await this.deals(page.items.map((link) => link.dealId as string));
        if (filter.kind) items = items.filter((deal) => deal.kind === filter.kind);
        if (filter.filingStatus) items = items.filter((deal) => deal.filingStatus === filter.filingStatus);
        return { items, lastKey: page.lastKey };
      }
      const page = await query({
        index: listing.by === 'institution' ? 'gsi1' : 'gsi2',
        pk:
          listing.by === 'institution'
            ? indexes.institutionDeals(listing.uscc)
            : indexes.provinceDeals(listing.code),
        limit,
        start,
        filter: filterExpression,
      });
      return { items: page.items.map((item) => stripStorage<Deal>(item)), lastKey: page.lastKey };
    },
    async enterpriseLinks(uscc) {
      const links: DealLink[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await query({ index: 'gsi1', pk: indexes.enterpriseDeals(uscc), limit: 500, start });
        for (const item of page.items) {
          links.push({
            dealId: item.dealId as string,
            kind: item.kind as DealLink['kind'],
            applicationNumbers: item.applicationNumbers as string[],
          });
        }
        start = page.lastKey;
      } while (start);
      return links;
    },
    async product(productId) {
      const item = await get(productKey(productId));
      return item ? stripStorage<Product>(item) : undefined;
    },
    async listProducts(listing, limit, start) {
      const page = await query({
        index: listing.by === 'enterprise' ? 'gsi1' : 'gsi2',
        pk:
          listing.by === 'enterprise'
            ? indexes.enterpriseProducts(listing.uscc)
            : indexes.provinceProducts(listing.code),
        limit,
        start,
      });
      return { items: page.items.map((item) => stripStorage<Product>(item)), lastKey: page.lastKey };
    },
    async listOpenLicenses(provinceCode, limit, start) {
      const response = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: provinceCode
            ? 'gsi2pk = :pk AND begins_with(gsi2sk, :province)'
            : 'gsi2pk = :pk',
          ExpressionAttributeValues: {
            ':pk': indexes.openLicenses,
            ...(provinceCode ? { ':province': `${provinceCode}#` } : {}),
          },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      return {
        items: (response.Items ?? []).map((item) => stripStorage(item)),
        lastKey: response.LastEvaluatedKey,
      };
    },
    async dueFilings(beforeDate, limit) {
      const response = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :before',
          ExpressionAttributeValues: { ':pk': indexes.dueFiling, ':before': beforeDate },
          Limit: limit,
        }),
      );
      // The index is eventually consistent: read each deal again before acting on it.
      return this.deals((response.Items ?? []).map((item) => item.dealId as string));
    },
    async transact(items, shape) {
      const outcome = await transactWrite(documents, items, {
        what: 'the deal record and its patents',
        conditionFailed: (failed) =>
          transitionCause(failed, [...shape.recordIndexes, ...shape.markerIndexes], shape.patentIndexes) ??
          'record-changed',
      });
      if (outcome === 'committed') return 'done';
      if (outcome === 'duplicate') return 'duplicate';
      throw new ConflictError(
        outcome === 'conflict'
          ? 'A patent of this request was changed at the same moment by someone else: read it again and retry the request.'
          : 'The record changed since it was read (for example a filing recorded or a deal flagged at the same time): read it again and retry.',
      );
    },
  };
}

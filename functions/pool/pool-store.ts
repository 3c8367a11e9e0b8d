/**
 * DynamoDB adapter of PoolStore (core table, docs/data-model.md): a province's patents are gsi2
 * `PROV#<code>#PAT` sorted by `<USCC>#<application number>`; the pool and `since` are a FilterExpression.
 * Only the attributes a pool view shows are fetched (the read units are those of whole items all the
 * same: a projection saves transfer and memory, not cost).
 */

import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { storedPublicFields } from '../../schemas/patent.ts';
import { InvalidCursorError } from '../shared/cursor.ts';
import { indexes, prefixes } from '../shared/dynamo/keys.ts';
import type { PoolStore, StoredPoolPatent, StoreKey } from './pool-feed.ts';

const keyAttributes = ['pk', 'sk', 'gsi2pk', 'gsi2sk'] as const;
const viewAttributes = [
  ...storedPublicFields,
  // Shown while active (schemas/patent.ts toPublicPatent).
  'openLicense',
  'evaluationStatus',
  'evaluationDeadline',
  'evaluationAggregate',
  // What decides a tombstone (functions/pool/pool-feed.ts `removal`).
  'poolRemoval',
  'withdrawalReason',
  'exclusiveGrant',
  'patenteeChange',
] as const;

export const provincePartition = indexes.provincePatents;

/** Aliases for every attribute: several of them (name, status ...) are DynamoDB reserved words. */
const projection = (() => {
  const names: Record<string, string> = {};
  const aliases = [...new Set<string>([...keyAttributes, ...viewAttributes])].map((attribute, i) => {
    names[`#a${i}`] = attribute;
    return `#a${i}`;
  });
  return { expression: aliases.join(', '), names };
})();

/** A start key from a cursor must be a key of this very partition: anything else is a changed cursor. */
function checkStartKey(provinceCode: string, key: StoreKey): void {
  const ok =
    Object.keys(key).length === keyAttributes.length &&
    keyAttributes.every((attribute) => typeof key[attribute] === 'string') &&
    key.gsi2pk === provincePartition(provinceCode) &&
    key.sk === 'PATENT' &&
    String(key.pk).startsWith(prefixes.patent);
  if (!ok) {
    throw new InvalidCursorError('feed');
  }
}

/** The conversion pool, and the patents that left it by an exit (their tombstones), changed since `since`. */
export function poolFilter(since: string | undefined) {
  const pool = '(#pool = :pool OR attribute_exists(#removal))';
  return {
    expression: since === undefined ? pool : `${pool} AND #updated >= :since`,
    names: {
      '#pool': 'poolStatus',
      '#removal': 'poolRemoval',
      ...(since === undefined ? {} : { '#updated': 'updatedAt' }),
    },
    values: { ':pool': 'conversion', ...(since === undefined ? {} : { ':since': since }) },
  };
}

export function dynamoPoolStore(documents: DynamoDBDocumentClient, tableName: string): PoolStore {
  return {
    async readPage(provinceCode, since, startKey, readLimit) {
      if (startKey) checkStartKey(provinceCode, startKey);
      const filter = poolFilter(since);
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: filter.expression,
          ProjectionExpression: projection.expression,
          ExpressionAttributeNames: { '#pk': 'gsi2pk', ...filter.names, ...projection.names },
          ExpressionAttributeValues: { ':pk': provincePartition(provinceCode), ...filter.values },
          Limit: readLimit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      return {
        items: Items.map((item) => {
          const { pk, sk, gsi2pk, gsi2sk, ...patent } = item;
          return { patent: patent as StoredPoolPatent, key: { pk, sk, gsi2pk, gsi2sk } };
        }),
        ...(LastEvaluatedKey ? { lastKey: LastEvaluatedKey } : {}),
      };
    },
  };
}

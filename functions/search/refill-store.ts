/**
 * DynamoDB adapter of the refill's store (./refill.ts): a Scan of the core table keeping patents and
 * needs (`entity`), page by page. The cursor is the Scan's LastEvaluatedKey, base64url JSON: it only
 * travels between the runs of the `search-refill` workflow and only ever starts a Scan.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { RefillStore } from './refill.ts';

const encode = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
function decode(cursor: string): Record<string, unknown> {
  const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  if (!key || typeof key !== 'object' || Array.isArray(key))
    throw new Error('search refill: the cursor is not one this workflow answered: start again without one');
  return key as Record<string, unknown>;
}

export function dynamoRefillStore(documents: DynamoDBDocumentClient, tableName: string): RefillStore {
  return {
    async page(cursor, limit) {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'entity IN (:patent, :need)',
          ExpressionAttributeValues: { ':patent': 'patent', ':need': 'need' },
          Limit: limit,
          ...(cursor ? { ExclusiveStartKey: decode(cursor) } : {}),
        }),
      );
      return { items: Items, ...(LastEvaluatedKey ? { cursor: encode(LastEvaluatedKey) } : {}) };
    },
  };
}

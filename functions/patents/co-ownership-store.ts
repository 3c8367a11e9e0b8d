/** The co-owners' link items in the core table (functions/patents/co-ownership.ts). */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { keys, prefixes } from '../shared/dynamo/keys.ts';
import type { CoOwnership, CoOwnershipStore } from './co-ownership.ts';

export function dynamoCoOwnershipStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): CoOwnershipStore {
  return {
    async apply({ put, remove }) {
      // A patent names a handful of co-owners: one request each, idempotent (a put rewrites the same item).
      await Promise.all([
        ...put.map((link) =>
          documents.send(
            new PutCommand({
              TableName: tableName,
              Item: {
                ...keys.coOwnership(link.nameKey, link.applicationNumber),
                entity: 'co-ownership',
                ...link,
              },
            }),
          ),
        ),
        ...remove.map((link) =>
          documents.send(
            new DeleteCommand({
              TableName: tableName,
              Key: keys.coOwnership(link.nameKey, link.applicationNumber),
            }),
          ),
        ),
      ]);
    },
    async has(nameKey, applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.coOwnership(nameKey, applicationNumber),
          ProjectionExpression: 'pk',
        }),
      );
      return Item !== undefined;
    },
    async list(nameKey, limit, start) {
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :patent)',
          ExpressionAttributeValues: { ':pk': keys.coOwnerPk(nameKey), ':patent': prefixes.patent },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const items = (page.Items ?? []).map((item) => ({
        nameKey: String(item.nameKey),
        name: String(item.name),
        applicationNumber: String(item.applicationNumber),
        ownerUscc: String(item.ownerUscc),
      })) satisfies CoOwnership[];
      return { items, ...(page.LastEvaluatedKey ? { lastKey: page.LastEvaluatedKey } : {}) };
    },
  };
}

/** DynamoDB adapter of InstitutionStore (core table; see docs/data-model.md). */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Institution } from '../../schemas/institution.ts';
import { auditItem } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { InstitutionStore } from './institutions.ts';

export const institutionKey = keys.institution;

const stripKeys = (item: Record<string, unknown>) => stripStorage<Institution>(item);

export function dynamoInstitutionStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): InstitutionStore {
  return {
    async create(institution, caller) {
      const key = institutionKey(institution.uscc);
      return (
        (await transact(
          documents,
          [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...key,
                  entity: 'institution',
                  gsi2pk: indexes.provinceInstitutions(institution.provinceCode),
                  gsi2sk: institution.uscc,
                  ...institution,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: auditItem({
                  kind: 'created',
                  pk: key.pk,
                  action: 'institution.registered',
                  caller,
                  at: institution.createdAt,
                  after: institution,
                }),
              },
            },
          ],
          {
            what: `the institution ${institution.uscc}`,
            conditionFailed: (failed) => (failed.includes(0) ? 'exists' : undefined),
          },
        )) === 'committed'
      );
    },
    async get(uscc) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: institutionKey(uscc) }),
      );
      return Item ? stripKeys(Item) : undefined;
    },
    async listByProvince(provinceCode, page) {
      const listing = `institutions:${provinceCode}`;
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': indexes.provinceInstitutions(provinceCode) },
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(listing, page.cursor),
        }),
      );
      return { items: Items.map(stripKeys), nextCursor: encodeCursor(listing, LastEvaluatedKey) };
    },
  };
}

/** DynamoDB adapter of InstitutionStore (core table; see docs/data-model.md). */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Institution } from '../../schemas/institution.ts';
import type { SupervisionGroup } from '../../schemas/supervision.ts';
import { auditItem } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { InstitutionStore } from './institutions.ts';

export const institutionKey = keys.institution;

const stripKeys = (item: Record<string, unknown>) => stripStorage<Institution>(item);

/**
 * The stored item: gsi2 by province; gsi1 by supervising ministry, only when a ministry supervises it
 * (sparse: local and unassigned institutions have no gsi1 key).
 */
function institutionItem(institution: Institution) {
  const ministry =
    institution.supervision && institution.supervision.department !== 'local'
      ? institution.supervision.ministry
      : undefined;
  return {
    ...institutionKey(institution.uscc),
    entity: 'institution',
    gsi2pk: indexes.provinceInstitutions(institution.provinceCode),
    gsi2sk: institution.uscc,
    ...(ministry ? { gsi1pk: indexes.ministryInstitutions(ministry), gsi1sk: institution.uscc } : {}),
    ...institution,
  };
}

/** The FilterExpression of a supervision group (items registered before supervision existed have none). */
function supervisionFilter(group: SupervisionGroup) {
  if (group === 'unassigned') return { FilterExpression: 'attribute_not_exists(supervision)' };
  if (group === 'local')
    return {
      FilterExpression: 'supervision.department = :local',
      ExpressionAttributeValues: { ':local': 'local' },
    };
  return {
    FilterExpression: 'supervision.ministry = :ministry AND supervision.department <> :local',
    ExpressionAttributeValues: { ':ministry': group, ':local': 'local' },
  };
}

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
                Item: institutionItem(institution),
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
    async update(before, after, caller, action = 'institution.supervision-updated') {
      const key = institutionKey(after.uscc);
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: institutionItem(after),
              ConditionExpression: 'version = :version',
              ExpressionAttributeValues: { ':version': before.version },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'updated',
                pk: key.pk,
                action,
                caller,
                at: after.updatedAt,
                before,
                after,
                replaces: true,
                version: after.version,
              }),
            },
          },
        ],
        {
          what: `the institution ${after.uscc}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('conflict' as const) : undefined),
        },
      );
      return outcome === 'committed' ? 'updated' : 'conflict';
    },
    async listByProvince(provinceCode, page, filter) {
      const group = filter?.supervision;
      const listing = `institutions:${provinceCode}${group ? `:${group}` : ''}`;
      const where = group ? supervisionFilter(group) : undefined;
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ...(where?.FilterExpression ? { FilterExpression: where.FilterExpression } : {}),
          ExpressionAttributeValues: {
            ':pk': indexes.provinceInstitutions(provinceCode),
            ...where?.ExpressionAttributeValues,
          },
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(listing, page.cursor),
        }),
      );
      return { items: Items.map(stripKeys), nextCursor: encodeCursor(listing, LastEvaluatedKey) };
    },
    async listByMinistry(ministry, page, filter) {
      const listing = `institutions:ministry:${ministry}${filter?.provinceCode ? `:${filter.provinceCode}` : ''}`;
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ...(filter?.provinceCode ? { FilterExpression: 'provinceCode = :province' } : {}),
          ExpressionAttributeValues: {
            ':pk': indexes.ministryInstitutions(ministry),
            ...(filter?.provinceCode ? { ':province': filter.provinceCode } : {}),
          },
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(listing, page.cursor),
        }),
      );
      return { items: Items.map(stripKeys), nextCursor: encodeCursor(listing, LastEvaluatedKey) };
    },
  };
}

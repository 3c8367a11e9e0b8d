/**
 * DynamoDB adapter of EvaluatorStore. Profiles: ENT#<uscc> / EXP#<id>, sk PROFILE, listed per province
 * on gsi2 (PROV#<code>#ENT, <status>#<uscc>). The matching index: one partition per key
 * (IDX#IND#3911, IDX#IPC#H01M4 ...), one item per evaluator, carrying what scoring needs.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Enterprise, Expert } from '../../schemas/market.ts';
import { directoryWrites } from '../experts/directory.ts';
import { auditItem } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { batchWriteAll, type WriteRequest } from '../shared/dynamo/batch.ts';
import { indexes, keys as tableKeys } from '../shared/dynamo/keys.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { BulkEnterpriseStore, EvaluatorStore } from './evaluators.ts';

const enterpriseKey = tableKeys.enterprise;
const expertKey = tableKeys.expert;

/** What scoring reads of a verified enterprise, copied into each of its index entries. */
const enterpriseEntry = (enterprise: { uscc: string; name: string; provinceCode: string }) => ({
  kind: 'enterprise',
  id: enterprise.uscc,
  name: enterprise.name,
  provinceCode: enterprise.provinceCode,
});

/**
 * The matching-index writes of one evaluator (sort key `ENT#<uscc>` / `EXP#<id>`): deletes for the keys
 * it no longer has, puts for its keys. Writing an entry again is harmless, so a retry completes the index.
 */
function indexWrites(
  sk: string,
  entry: Record<string, unknown>,
  keys: string[],
  previousKeys: string[] = [],
) {
  return [
    ...previousKeys
      .filter((key) => !keys.includes(key))
      .map((key) => ({ DeleteRequest: { Key: { pk: tableKeys.matchIndexPk(key), sk } } })),
    ...keys.map((key) => ({
      PutRequest: { Item: { pk: tableKeys.matchIndexPk(key), sk, entity: 'match-index', ...entry } },
    })),
  ];
}

export function dynamoEvaluatorStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): EvaluatorStore & BulkEnterpriseStore {
  const writeAll = (requests: WriteRequest[]) => batchWriteAll(documents, tableName, requests);
  const enterpriseItem = (e: Enterprise) => ({
    ...enterpriseKey(e.uscc),
    entity: 'enterprise',
    gsi2pk: indexes.provinceEnterprises(e.provinceCode),
    gsi2sk: `${e.status}#${e.uscc}`,
    ...e,
  });

  /**
   * The profile (created, or replacing `previous`, conditioned on its version) and its audit entry, in
   * one transaction: `created` with the profile, or `updated` with before / after of the fields changed.
   */
  async function putEnterprise(
    enterprise: Enterprise,
    previous: Enterprise | undefined,
    action: string,
    caller: Parameters<EvaluatorStore['saveEnterprise']>[2],
    context?: Record<string, unknown>,
  ): Promise<boolean> {
    const outcome = await transact(
      documents,
      [
        {
          Put: {
            TableName: tableName,
            Item: enterpriseItem(enterprise),
            ConditionExpression: previous === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
            ...(previous === undefined ? {} : { ExpressionAttributeValues: { ':v': previous.version } }),
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: auditItem({
              ...(previous
                ? { kind: 'updated', before: previous, replaces: true }
                : { kind: 'created' as const }),
              pk: tableKeys.enterprisePk(enterprise.uscc),
              action,
              caller,
              at: enterprise.updatedAt,
              after: enterprise,
              version: enterprise.version,
              ...(context ? { context } : {}),
            }),
          },
        },
      ],
      {
        what: `the enterprise profile of ${enterprise.uscc}`,
        // Registered already, or changed since it was read (version).
        conditionFailed: (failed) => (failed.includes(0) ? 'changed' : undefined),
      },
    );
    return outcome === 'committed';
  }

  return {
    async getEnterprise(uscc) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: enterpriseKey(uscc), ConsistentRead: true }),
      );
      return Item ? stripStorage<Enterprise>(Item) : undefined;
    },
    async saveEnterprise(enterprise, previous, caller) {
      return putEnterprise(enterprise, previous, 'enterprise.registered', caller);
    },
    async decideEnterprise(enterprise, previous, indexKeys, caller) {
      const decided = await putEnterprise(enterprise, previous, `enterprise.${enterprise.status}`, caller);
      if (!decided) return false;
      // Index entries after the decision (an enterprise has up to ~150 keys: more than a transaction holds);
      // writing them again is harmless, so a retry of a failed verification completes the index.
      await writeAll(
        indexWrites(tableKeys.enterprisePk(enterprise.uscc), enterpriseEntry(enterprise), indexKeys),
      );
      return true;
    },
    async saveVerifiedEnterprise(enterprise, previous, previousKeys, keys, caller) {
      const saved = await putEnterprise(enterprise, previous, 'enterprise.bulk-verified', caller, {
        source: 'bulk registration by the province administrator',
      });
      if (!saved) return false;
      // As in decideEnterprise: the index after the profile (too many keys for the transaction);
      // writing them again is harmless, so a retried row completes the index.
      await writeAll(
        indexWrites(tableKeys.enterprisePk(enterprise.uscc), enterpriseEntry(enterprise), keys, previousKeys),
      );
      return true;
    },
    async listEnterprises(provinceCode, status, page) {
      const listing = `enterprises:${provinceCode}:${status}`;
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :status)',
          ExpressionAttributeValues: {
            ':pk': indexes.provinceEnterprises(provinceCode),
            ':status': `${status}#`,
          },
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(listing, page.cursor),
        }),
      );
      return {
        items: Items.map((i) => stripStorage<Enterprise>(i)),
        nextCursor: encodeCursor(listing, LastEvaluatedKey),
      };
    },
    async getExpert(expertId) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: expertKey(expertId), ConsistentRead: true }),
      );
      return Item ? stripStorage<Expert>(Item) : undefined;
    },
    async saveExpert(expert, previous, previousKeys, keys, caller) {
      const pk = tableKeys.expertPk(expert.expertId);
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...expertKey(expert.expertId),
                entity: 'expert',
                gsi2pk: indexes.provinceExperts(expert.provinceCode),
                gsi2sk: expert.expertId,
                ...expert,
              },
              ConditionExpression: previous === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
              ...(previous === undefined ? {} : { ExpressionAttributeValues: { ':v': previous.version } }),
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                ...(previous
                  ? { kind: 'updated', before: previous, replaces: true }
                  : { kind: 'created' as const }),
                pk,
                action: 'expert.saved',
                caller,
                at: expert.updatedAt,
                after: expert,
                version: expert.version,
              }),
            },
          },
        ],
        {
          what: `the expert profile of ${expert.expertId}`,
          conditionFailed: (failed) => (failed.includes(0) ? 'changed' : undefined),
        },
      );
      if (outcome !== 'committed') throw new Error('expert profile changed meanwhile');
      await writeAll(
        indexWrites(
          tableKeys.expertPk(expert.expertId),
          {
            kind: 'expert',
            id: expert.expertId,
            name: expert.name,
            provinceCode: expert.provinceCode,
            affiliationUscc: expert.affiliationUscc,
          },
          keys,
          previousKeys,
        ),
      );
      // The expert pool's directory (verified experts by field), as the profile now is.
      await writeAll(directoryWrites(previous, expert));
    },
  };
}

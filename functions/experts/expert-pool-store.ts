/**
 * DynamoDB adapter of the expert pool (pool.ts) and its commissions (commissions.ts). Items (core
 * table; docs/data-model.md, "Expert pool"):
 *
 *   expert profile        EXP#<id> / PROFILE, gsi2 PROV#<code>#EXP / <id>     (functions/market/evaluator-store.ts)
 *   directory entry       EXPDIR#<field key> / <expert id>                   (verified experts: directory.ts)
 *   commission            COMMISSION#<n>~<requester uscc>~<expert id> / COMMISSION
 *                         gsi1 EXP#<id>#COMMISSION / <createdAt>#<commissionId>            (the expert's list)
 *                         gsi2 ENT#<uscc>#COMMISSION or INST#<uscc>#COMMISSION / <createdAt>#<commissionId>
 *   its audit entries     COMMISSION#... / AUDIT#...   (commission.requested / .accepted / .declined)
 *   on accept             the expert's evaluation request PAT#<n> / REQ#expert#<id> (as a push writes it)
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Expert } from '../../schemas/market.ts';
import { queuedMailPuts } from '../mail/mail-store.ts';
import { evaluationRequestItem } from '../market/push-store.ts';
import { auditItem } from '../shared/audit.ts';
import { batchWriteAll } from '../shared/dynamo/batch.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { type TransactItem, transact } from '../shared/dynamo/transact.ts';
import type { CommissionPatent, CommissionStore, StoredCommission } from './commissions.ts';
import { directoryWrites } from './directory.ts';
import type { ExpertPoolStore } from './pool.ts';

type Key = Record<string, unknown>;

function commissionItem(c: StoredCommission) {
  return {
    ...keys.commission(c.commissionId),
    entity: 'commission',
    gsi1pk: indexes.expertCommissions(c.expert.expertId),
    gsi1sk: `${c.createdAt}#${c.commissionId}`,
    gsi2pk: indexes.requesterCommissions(c.requester.kind, c.requester.uscc),
    gsi2sk: `${c.createdAt}#${c.commissionId}`,
    ...c,
  };
}

export function dynamoExpertPoolStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): ExpertPoolStore & CommissionStore {
  async function get(key: Record<string, string>) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }
  /** Reads until the page is full or the partition ends (a filter applies after the read). */
  async function page<T>(
    input: {
      IndexName?: string;
      KeyConditionExpression: string;
      ExpressionAttributeValues: Key;
      FilterExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
      ScanIndexForward?: boolean;
    },
    limit: number,
    start: Key | undefined,
  ) {
    const items: T[] = [];
    let lastKey = start;
    do {
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          ...input,
          Limit: limit - items.length,
          ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
        }),
      );
      items.push(...(result.Items ?? []).map((item) => stripStorage<T>(item)));
      lastKey = result.LastEvaluatedKey;
    } while (lastKey && items.length < limit);
    return { items, ...(lastKey ? { lastKey } : {}) };
  }

  return {
    async expert(expertId) {
      const item = await get(keys.expert(expertId));
      return item ? stripStorage<Expert>(item) : undefined;
    },
    async decideExpert(after, previous, caller) {
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...keys.expert(after.expertId),
                entity: 'expert',
                gsi2pk: indexes.provinceExperts(after.provinceCode),
                gsi2sk: after.expertId,
                ...after,
              },
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': previous.version },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'updated',
                pk: keys.expertPk(after.expertId),
                action: `expert.${after.status}`,
                caller,
                at: after.updatedAt,
                before: previous,
                after,
                replaces: true,
                version: after.version,
              }),
            },
          },
        ],
        {
          what: `the verification of expert ${after.expertId}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('changed' as const) : undefined),
        },
      );
      if (outcome !== 'committed') return false;
      // The directory after the decision (an expert has up to ~150 keys: more than a transaction
      // holds); writing an entry again is harmless, so a retried verification completes it.
      await batchWriteAll(documents, tableName, directoryWrites(previous, after));
      return true;
    },
    async directory(fieldKey, limit, start) {
      return page(
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.expertDirectoryPk(fieldKey) },
        },
        limit,
        start,
      );
    },
    async provinceExperts(provinceCode, status, limit, start) {
      return page<Expert>(
        {
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          // Profiles saved before verification existed carry no status: pending.
          FilterExpression:
            status === 'pending' ? '#status = :status OR attribute_not_exists(#status)' : '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': indexes.provinceExperts(provinceCode), ':status': status },
        },
        limit,
        start,
      );
    },
    async patent(applicationNumber) {
      const item = await get(keys.patent(applicationNumber));
      return item ? (item as unknown as CommissionPatent) : undefined;
    },
    async enterprise(uscc) {
      const item = await get(keys.enterprise(uscc));
      if (!item) return undefined;
      return {
        status: item.status as string | undefined,
        name: item.name as string | undefined,
        contact: item.contact as { name: string; email?: string; phone?: string } | undefined,
      };
    },
    async institution(uscc) {
      const item = await get(keys.institution(uscc));
      if (!item) return undefined;
      return { name: item.name as string | undefined, contactEmail: item.contactEmail as string | undefined };
    },
    async commission(commissionId) {
      const item = await get(keys.commission(commissionId));
      return item?.entity === 'commission' ? stripStorage<StoredCommission>(item) : undefined;
    },
    async hasRequest(applicationNumber, expertId) {
      const item = await get(keys.evaluationRequest(applicationNumber, { kind: 'expert', id: expertId }));
      return item !== undefined;
    },
    async create(commission, caller, mail) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: commissionItem(commission),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: auditItem({
              kind: 'created',
              pk: keys.commission(commission.commissionId).pk,
              action: 'commission.requested',
              caller,
              at: commission.createdAt,
              after: commission,
              version: commission.version,
              context: { commissionId: commission.commissionId },
            }),
          },
        },
        ...queuedMailPuts(tableName, mail, new Date(commission.createdAt)),
      ];
      const outcome = await transact(documents, items, {
        what: `the commission ${commission.commissionId}`,
        conditionFailed: (failed) => (failed.includes(0) ? ('exists' as const) : undefined),
      });
      return outcome === 'committed' ? 'created' : outcome;
    },
    async decide(before, after, caller, mail, request) {
      const at = after.decidedAt ?? new Date().toISOString();
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: commissionItem(after),
            ConditionExpression: 'version = :version AND #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':version': before.version, ':pending': 'pending' },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: auditItem({
              kind: 'updated',
              pk: keys.commission(before.commissionId).pk,
              action: `commission.${after.status}`,
              caller,
              at,
              before,
              after,
              replaces: true,
              version: after.version,
              context: { commissionId: before.commissionId },
            }),
          },
        },
        ...queuedMailPuts(tableName, mail, new Date(at)),
      ];
      if (request) {
        const item = evaluationRequestItem(
          request.patent,
          {
            kind: 'expert',
            id: after.expert.expertId,
            score: 0,
            reasons: [],
            explanationZh: `受 ${after.requester.name ?? after.requester.uscc} 委托评价（专家库委托 ${after.commissionId}）`,
            explanationEn: `Commissioned by ${after.requester.name ?? after.requester.uscc} (expert pool commission ${after.commissionId})`,
          },
          at,
        );
        items.push(
          {
            Put: {
              TableName: tableName,
              Item: { ...item, commissionId: after.commissionId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName,
              // In the patent's partition, as a pushed request's entry; made by the expert's accept.
              Item: auditItem({
                kind: 'created',
                pk: item.pk,
                action: 'evaluation-request.created',
                caller,
                at,
                after: item,
                context: { commissionId: after.commissionId },
              }),
            },
          },
        );
      }
      const outcome = await transact(documents, items, {
        what: `the answer to commission ${before.commissionId}`,
        // The commission moved on, or a request appeared (a push at the same moment): re-read.
        conditionFailed: (failed) => (failed.length > 0 ? ('conflict' as const) : undefined),
      });
      return outcome === 'committed' ? 'saved' : outcome;
    },
    async list(listing, status, limit, start) {
      const index = listing.by === 'expert' ? 'gsi1' : 'gsi2';
      const pk =
        listing.by === 'expert'
          ? indexes.expertCommissions(listing.expertId)
          : indexes.requesterCommissions(listing.kind, listing.uscc);
      return page<StoredCommission>(
        {
          IndexName: index,
          KeyConditionExpression: `${index}pk = :pk`,
          ExpressionAttributeValues: { ':pk': pk, ...(status ? { ':status': status } : {}) },
          ...(status
            ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
            : {}),
          ScanIndexForward: false,
        },
        limit,
        start,
      );
    },
  };
}

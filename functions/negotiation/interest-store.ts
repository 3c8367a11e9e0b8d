/**
 * DynamoDB adapter of InterestStore (interests.ts). Items (core table; docs/data-model.md, "Negotiation"):
 *
 *   request to negotiate  pk PAT#<n>  sk INTEREST#<enterprise USCC>
 *                         gsi1 INST#<uscc>#INTEREST / <createdAt>#<n>#<enterprise>   (the institution's list)
 *                         gsi2 ENT#<uscc>#INTEREST / <createdAt>#<n>                 (the enterprise's list)
 *   its audit entries     pk PAT#<n>  sk AUDIT#...  (interest.requested / .accepted / .declined)
 *   on accept             the negotiationOpened transition of the patent (transitions.ts), same transaction
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queuedMailPuts } from '../mail/mail-store.ts';
import { transitionWrites } from '../pipeline/transitions.ts';
import { auditItem } from '../shared/audit.ts';
import { indexes, keys, prefixes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { type TransactItem, transact } from '../shared/dynamo/transact.ts';
import { enterpriseParty, institutionParty } from '../transfer/party-items.ts';
import type { InterestPatent, InterestStore, StoredInterest } from './interests.ts';

type Key = Record<string, unknown>;

function storedItem(interest: StoredInterest) {
  return {
    ...keys.interest(interest.applicationNumber, interest.enterprise.uscc),
    entity: 'interest',
    gsi1pk: indexes.institutionInterests(interest.institutionUscc),
    gsi1sk: `${interest.createdAt}#${interest.applicationNumber}#${interest.enterprise.uscc}`,
    gsi2pk: indexes.enterpriseInterests(interest.enterprise.uscc),
    gsi2sk: `${interest.createdAt}#${interest.applicationNumber}`,
    ...interest,
  };
}

export function dynamoInterestStore(documents: DynamoDBDocumentClient, tableName: string): InterestStore {
  async function get(key: Record<string, string>) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }
  async function count(
    pk: string,
    prefix: string,
    filter?: { expression: string; values: Key; names?: Record<string, string> },
  ) {
    let total = 0;
    let start: Key | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ...(filter?.values ?? {}) },
          ...(filter ? { FilterExpression: filter.expression } : {}),
          ...(filter?.names ? { ExpressionAttributeNames: filter.names } : {}),
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  }

  return {
    async patent(applicationNumber) {
      const item = await get(keys.patent(applicationNumber));
      // PAT#<n> / PATENT holds the patent only.
      return item ? (item as unknown as InterestPatent) : undefined;
    },
    async institution(uscc) {
      const item = await get(keys.institution(uscc));
      return item ? institutionParty(uscc, item) : undefined;
    },
    async enterprise(uscc) {
      const item = await get(keys.enterprise(uscc));
      return item
        ? {
            ...enterpriseParty(uscc, item),
            ...(item.contact
              ? { contact: item.contact as { name: string; email?: string; phone?: string } }
              : {}),
          }
        : undefined;
    },
    async interest(applicationNumber, enterpriseUscc) {
      const item = await get(keys.interest(applicationNumber, enterpriseUscc));
      return item?.entity === 'interest' ? stripStorage<StoredInterest>(item) : undefined;
    },
    async create(interest, caller, mail) {
      const { pk } = keys.interest(interest.applicationNumber, interest.enterprise.uscc);
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: storedItem(interest),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: auditItem({
              kind: 'created',
              pk,
              action: 'interest.requested',
              caller,
              at: interest.createdAt,
              after: interest,
              version: interest.version,
              context: { interestId: interest.interestId },
            }),
          },
        },
        ...queuedMailPuts(tableName, mail, new Date(interest.createdAt)),
      ];
      const outcome = await transact(documents, items, {
        what: `the request to negotiate for patent ${interest.applicationNumber}`,
        conditionFailed: (failed) => (failed.includes(0) ? ('exists' as const) : undefined),
      });
      return outcome === 'committed' ? 'created' : outcome;
    },
    async decide(before, after, caller, mail, transition) {
      const key = keys.interest(before.applicationNumber, before.enterprise.uscc);
      const at = after.decidedAt ?? new Date().toISOString();
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: storedItem(after),
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
              pk: key.pk,
              action: `interest.${after.status}`,
              caller,
              at,
              // The request as read: the write is conditioned on its version.
              before,
              after,
              replaces: true,
              version: after.version,
              context: { interestId: before.interestId },
            }),
          },
        },
        ...queuedMailPuts(tableName, mail, new Date(at)),
      ];
      const transitionStart = items.length;
      if (transition) {
        items.push(
          ...transitionWrites(
            tableName,
            transition.patent,
            {
              event: 'negotiationOpened',
              eventId: transition.eventId,
              actor: caller,
              details: transition.details,
            },
            at,
          ),
        );
      }
      const outcome = await transact(documents, items, {
        what: `the answer to request ${before.interestId}`,
        // The request moved on, the patent changed, or the marker exists (opened before): re-read.
        conditionFailed: (failed) =>
          failed.includes(0) || (transition && failed.some((i) => i >= transitionStart))
            ? ('conflict' as const)
            : undefined,
      });
      return outcome === 'committed' ? 'saved' : outcome;
    },
    async list(listing, status, limit, start) {
      const index = listing.by === 'institution' ? 'gsi1' : 'gsi2';
      const pk =
        listing.by === 'institution'
          ? indexes.institutionInterests(listing.uscc)
          : indexes.enterpriseInterests(listing.uscc);
      const conditions: string[] = [];
      const names: Record<string, string> = {};
      const values: Key = { ':pk': pk };
      if (status) {
        conditions.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = status;
      }
      if (listing.by === 'institution' && listing.department !== undefined) {
        conditions.push('department = :department');
        values[':department'] = listing.department;
      }
      // Reads until the page is full or the partition ends (the filters apply after the read).
      const items: StoredInterest[] = [];
      let lastKey = start;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: index,
            KeyConditionExpression: `${index}pk = :pk`,
            ExpressionAttributeValues: values,
            ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
            ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
            ScanIndexForward: false,
            Limit: limit - items.length,
            ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
          }),
        );
        items.push(...(page.Items ?? []).map((item) => stripStorage<StoredInterest>(item)));
        lastKey = page.LastEvaluatedKey;
      } while (lastKey && items.length < limit);
      return { items, ...(lastKey ? { lastKey } : {}) };
    },
    async patentCounts(applicationNumber) {
      const pk = keys.patentPk(applicationNumber);
      const [pushed, evaluated, interests, deals] = await Promise.all([
        count(pk, prefixes.evaluationRequest),
        count(pk, prefixes.evaluation),
        queryAll(documents, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefixes.interest },
          ProjectionExpression: '#status',
          ExpressionAttributeNames: { '#status': 'status' },
        }),
        count(pk, prefixes.pipelineEvent, {
          expression: '#type = :deal',
          names: { '#type': 'type' },
          values: { ':deal': 'dealRecorded' },
        }),
      ]);
      const byStatus = { pending: 0, accepted: 0, declined: 0 };
      for (const item of interests.items) {
        const s = item.status as keyof typeof byStatus;
        if (s in byStatus) byStatus[s]++;
      }
      return { pushed, evaluated, interests: byStatus, deals };
    },
    async institutionPatents(uscc, max) {
      const { items, complete } = await queryAll(
        documents,
        {
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': indexes.institutionPatents(uscc) },
          ProjectionExpression: 'applicationNumber, evaluationOpenedAt, evaluationAggregate.#count',
          ExpressionAttributeNames: { '#count': 'count' },
        },
        max,
      );
      return {
        patents: items.map((item) => ({
          applicationNumber: item.applicationNumber as string,
          ...(item.evaluationOpenedAt ? { evaluationOpenedAt: item.evaluationOpenedAt as string } : {}),
          evaluationCount: ((item.evaluationAggregate as { count?: number } | undefined)?.count ??
            0) as number,
        })),
        complete,
      };
    },
    async institutionDealPatents(uscc) {
      const { items } = await queryAll(documents, {
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': indexes.institutionDeals(uscc) },
        ProjectionExpression: 'applicationNumbers',
      });
      return items.flatMap((item) => (item.applicationNumbers as string[] | undefined) ?? []);
    },
    async institutionInterests(uscc) {
      const { items } = await queryAll(documents, {
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': indexes.institutionInterests(uscc) },
        ProjectionExpression: 'applicationNumber, #status',
        ExpressionAttributeNames: { '#status': 'status' },
      });
      return items.map((item) => ({
        applicationNumber: item.applicationNumber as string,
        status: item.status as StoredInterest['status'],
      }));
    },
  };
}

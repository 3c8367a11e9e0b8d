/**
 * DynamoDB adapter of NeedStore (needs.ts). Items (core table; docs/data-model.md, "Technology needs"):
 *
 *   need          pk NEED#<id>  sk NEED
 *   request hash  pk NEED#<id>  sk REQUEST  (POST /v1/needs with an Idempotency-Key: a replay compares it)
 *                 gsi1 ENT#<uscc>#NEED / <createdAt>#<id>             (the enterprise's needs)
 *                 gsi2 PROV#<code>#NEED / <status>#<createdAt>#<id>   (the province's, by status: the review queue)
 *                 gsi3 NEED#open / <deadline|9999-12-31>#<id>         (open needs only: sparse)
 *   proposal      pk NEED#<id>  sk PROPOSAL#<application number>      (one per need and patent)
 *                 gsi1 INST#<uscc>#PROPOSAL / <createdAt>#<id>#<n>    (an institution's proposals)
 *   match         pk NEED#<id>  sk MATCH#<application number>          (one per need and patent; need -> pool,
 *                 or pool -> need: `direction: pool-to-need`, no inbox entry, pushed in the enterprise's alert)
 *                 gsi1 INBOX#institution#<uscc> / <createdAt>#<n>     (the institution's; the digest reads it)
 *   push counter  PUSHES#institution#<uscc> / <day>: the per-day cap and the digest's marker (gsi3 DIGEST#<day>)
 *   funnel        reads the matches and proposals above, the enterprise's requests (gsi2 ENT#<uscc>#INTEREST)
 *                 and deals (gsi1 ENT#<uscc>#DEAL, party items) created since the need was posted
 *   audit entries pk NEED#<id>  sk AUDIT#...  (need.posted / .approved / .rejected / .closed / .fulfilled / .proposed / .matched)
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Enterprise } from '../../schemas/market.ts';
import type { Need, NeedMatch, Proposal } from '../../schemas/need.ts';
import { queuedMailPuts } from '../mail/mail-store.ts';
import { auditItem, systemActor } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { indexes, keys, prefixes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { NeedMatchStore } from './need-matching.ts';
import type { NeedPatent, NeedStore } from './needs.ts';
import type { PoolToNeedStore } from './pool-to-needs.ts';

type Key = Record<string, unknown>;

export function needItem(need: Need) {
  return {
    ...keys.need(need.needId),
    entity: 'need',
    gsi1pk: indexes.enterpriseNeeds(need.enterpriseUscc),
    gsi1sk: `${need.createdAt}#${need.needId}`,
    gsi2pk: indexes.provinceNeeds(need.provinceCode),
    gsi2sk: `${need.status}#${need.createdAt}#${need.needId}`,
    ...(need.status === 'open'
      ? { gsi3pk: indexes.openNeeds, gsi3sk: `${need.deadline ?? '9999-12-31'}#${need.needId}` }
      : {}),
    ...need,
  };
}

export function dynamoNeedStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): NeedStore & NeedMatchStore & PoolToNeedStore {
  async function get(key: Record<string, string>) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }
  async function page<T>(
    listing: string,
    input: {
      index?: string;
      condition: string;
      values: Key;
      filter?: string;
      names?: Record<string, string>;
    },
    request: { limit: number; cursor?: string },
  ) {
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        ...(input.index ? { IndexName: input.index } : {}),
        KeyConditionExpression: input.condition,
        ExpressionAttributeValues: input.values,
        ...(input.filter ? { FilterExpression: input.filter } : {}),
        ...(input.names ? { ExpressionAttributeNames: input.names } : {}),
        ScanIndexForward: input.index === 'gsi3',
        Limit: request.limit,
        ExclusiveStartKey: decodeCursor(listing, request.cursor),
      }),
    );
    return {
      items: Items.map((i) => stripStorage<T>(i)),
      nextCursor: encodeCursor(listing, LastEvaluatedKey),
    };
  }

  return {
    async enterprise(uscc) {
      const item = await get(keys.enterprise(uscc));
      return item ? stripStorage<Enterprise>(item) : undefined;
    },
    async need(needId) {
      const item = await get(keys.need(needId));
      return item?.entity === 'need' ? stripStorage<Need>(item) : undefined;
    },
    async posted(needId) {
      const item = await get(keys.need(needId));
      if (item?.entity !== 'need') return undefined;
      const request = await get(keys.needRequest(needId));
      return {
        need: stripStorage<Need>(item),
        ...(typeof request?.requestHash === 'string' ? { requestHash: request.requestHash } : {}),
      };
    },
    async create(need, caller, requestHash) {
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: needItem(need),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          // Kept beside the need (its updates replace the need item): a replay compares with it.
          ...(requestHash
            ? [
                {
                  Put: {
                    TableName: tableName,
                    Item: {
                      ...keys.needRequest(need.needId),
                      entity: 'need-request',
                      requestHash,
                      createdAt: need.createdAt,
                    },
                  },
                },
              ]
            : []),
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'created',
                pk: keys.needPk(need.needId),
                action: 'need.posted',
                caller,
                at: need.createdAt,
                after: need,
                version: need.version,
              }),
            },
          },
        ],
        {
          what: `the technology need ${need.title}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('exists' as const) : undefined),
        },
      );
      return outcome === 'committed' ? 'created' : outcome;
    },
    async update(need, previous, action, caller, mail) {
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: needItem(need),
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': previous.version },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'updated',
                before: previous,
                after: need,
                replaces: true,
                pk: keys.needPk(need.needId),
                action,
                caller,
                at: need.updatedAt,
                version: need.version,
              }),
            },
          },
          ...queuedMailPuts(tableName, mail, new Date(need.updatedAt)),
        ],
        {
          what: `the technology need ${need.needId}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('changed' as const) : undefined),
        },
      );
      return outcome === 'committed';
    },
    listOfEnterprise(uscc, status, request) {
      return page<Need>(
        `needs:enterprise:${uscc}:${status ?? ''}`,
        {
          index: 'gsi1',
          condition: 'gsi1pk = :pk',
          values: { ':pk': indexes.enterpriseNeeds(uscc), ...(status ? { ':status': status } : {}) },
          ...(status ? { filter: '#status = :status', names: { '#status': 'status' } } : {}),
        },
        request,
      );
    },
    listOfProvince(provinceCode, status, request) {
      return page<Need>(
        `needs:province:${provinceCode}:${status}`,
        {
          index: 'gsi2',
          condition: 'gsi2pk = :pk AND begins_with(gsi2sk, :status)',
          values: { ':pk': indexes.provinceNeeds(provinceCode), ':status': `${status}#` },
        },
        request,
      );
    },
    async listOpenDue(day, limit) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          // gsi3sk is <deadline>#<id>: "2026-12-05#x" < "2026-12-06"; no deadline sorts as 9999-12-31.
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :day',
          ExpressionAttributeValues: { ':pk': indexes.openNeeds, ':day': day },
          Limit: limit,
        }),
      );
      return Items.map((i) => stripStorage<Need>(i));
    },
    listOpen(request) {
      return page<Need>(
        'needs:open',
        { index: 'gsi3', condition: 'gsi3pk = :pk', values: { ':pk': indexes.openNeeds } },
        request,
      );
    },
    async patent(applicationNumber) {
      const item = await get(keys.patent(applicationNumber));
      return item ? (stripStorage(item) as NeedPatent) : undefined;
    },
    async institutionName(uscc) {
      const item = await get(keys.institution(uscc));
      return typeof item?.name === 'string' ? item.name : undefined;
    },
    async addProposal(proposal, caller) {
      const key = keys.needProposal(proposal.needId, proposal.applicationNumber);
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...key,
                entity: 'need-proposal',
                gsi1pk: indexes.institutionProposals(proposal.institutionUscc),
                gsi1sk: `${proposal.createdAt}#${proposal.needId}#${proposal.applicationNumber}`,
                ...proposal,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: keys.need(proposal.needId),
              UpdateExpression: 'ADD proposalCount :one, version :one',
              ConditionExpression: '#status = :open',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':one': 1, ':open': 'open' },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'created',
                pk: keys.needPk(proposal.needId),
                action: 'need.proposed',
                caller,
                at: proposal.createdAt,
                after: proposal,
                context: { applicationNumber: proposal.applicationNumber },
              }),
            },
          },
        ],
        {
          what: `the proposal of patent ${proposal.applicationNumber} for need ${proposal.needId}`,
          conditionFailed: (failed) =>
            failed.includes(0) ? ('exists' as const) : failed.includes(1) ? ('closed' as const) : undefined,
        },
      );
      return outcome === 'committed' ? 'created' : outcome;
    },
    async pushMatch(match: NeedMatch, day: string, capPerDay: number) {
      const institution = { kind: 'institution', id: match.institutionUscc };
      const item = {
        ...keys.needMatch(match.needId, match.applicationNumber),
        entity: 'need-match',
        gsi1pk: indexes.inbox(institution),
        gsi1sk: `${match.createdAt}#${match.applicationNumber}`,
        ...match,
      };
      const outcome = await transact(
        documents,
        [
          { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: tableName,
              Key: keys.pushCounter(institution, day),
              // As an evaluator's counter (functions/market/push-store.ts): the cap, and on gsi3 under
              // the day so that the daily digest finds the institution.
              UpdateExpression:
                'ADD pushes :one SET entity = :entity, expiresAt = :expires, gsi3pk = :digest, gsi3sk = :who, evaluatorKind = :kind, evaluatorId = :id',
              ConditionExpression: 'attribute_not_exists(pushes) OR pushes < :cap',
              ExpressionAttributeValues: {
                ':one': 1,
                ':cap': capPerDay,
                ':entity': 'push-counter',
                ':expires': Math.floor(Date.parse(match.createdAt) / 1000) + 7 * 86400,
                ':digest': indexes.digestDay(day),
                ':who': `institution#${match.institutionUscc}`,
                ':kind': 'institution',
                ':id': match.institutionUscc,
              },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'created',
                pk: keys.needPk(match.needId),
                action: 'need.matched',
                caller: systemActor('need-matching'),
                at: match.createdAt,
                after: match,
                context: { applicationNumber: match.applicationNumber },
              }),
            },
          },
        ],
        {
          what: `the match of patent ${match.applicationNumber} with need ${match.needId}`,
          conditionFailed: (failed) =>
            failed.includes(0) ? ('exists' as const) : failed.includes(1) ? ('capped' as const) : undefined,
        },
      );
      return outcome === 'committed' ? 'pushed' : outcome;
    },
    async proposalsOf(needId) {
      const { items } = await queryAll(
        documents,
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.needPk(needId), ':prefix': prefixes.needProposal },
        },
        1_000,
      );
      return items.map((item) => stripStorage<Proposal>(item));
    },
    async openNeeds() {
      const { items } = await queryAll(documents, {
        TableName: tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': indexes.openNeeds },
      });
      return items.map((item) => stripStorage<Need>(item));
    },
    async recordPoolMatch(match) {
      // No institution inbox entry nor counter: this push goes to the enterprise (its daily alert).
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...keys.needMatch(match.needId, match.applicationNumber),
                entity: 'need-match',
                ...match,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'created',
                pk: keys.needPk(match.needId),
                action: 'need.matched',
                caller: systemActor('need-matching'),
                at: match.createdAt,
                after: match,
                context: { applicationNumber: match.applicationNumber, direction: 'pool-to-need' },
              }),
            },
          },
        ],
        {
          what: `the match of new patent ${match.applicationNumber} with need ${match.needId}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('exists' as const) : undefined),
        },
      );
      return outcome === 'committed' ? 'created' : outcome;
    },
    listMatches(needId, institutionUscc, request) {
      return page<NeedMatch>(
        `needs:matches:${needId}:${institutionUscc ?? ''}`,
        {
          condition: 'pk = :pk AND begins_with(sk, :prefix)',
          values: {
            ':pk': keys.needPk(needId),
            ':prefix': prefixes.needMatch,
            ...(institutionUscc ? { ':inst': institutionUscc } : {}),
          },
          ...(institutionUscc ? { filter: 'institutionUscc = :inst' } : {}),
        },
        request,
      );
    },
    async funnelReads(need, since, max) {
      const partition = (prefix: string, projection: string) =>
        queryAll(
          documents,
          {
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.needPk(need.needId), ':prefix': prefix },
            ProjectionExpression: projection,
          },
          max,
        );
      // The enterprise's requests (gsi2) and deals (gsi1, the deal's party item) from `since` on: their
      // sort keys begin with the creation time.
      const ofEnterprise = (index: 'gsi1' | 'gsi2', pk: string, projection: string) =>
        queryAll(
          documents,
          {
            TableName: tableName,
            IndexName: index,
            KeyConditionExpression: `${index}pk = :pk AND ${index}sk >= :since`,
            ExpressionAttributeValues: { ':pk': pk, ':since': since },
            ProjectionExpression: projection,
            ExpressionAttributeNames: { '#status': 'status' },
          },
          max,
        );
      const [matches, proposals, interests, deals] = await Promise.all([
        partition(prefixes.needMatch, 'applicationNumber'),
        partition(prefixes.needProposal, 'applicationNumber, institutionUscc'),
        ofEnterprise('gsi2', indexes.enterpriseInterests(need.enterpriseUscc), 'applicationNumber, #status'),
        ofEnterprise('gsi1', indexes.enterpriseDeals(need.enterpriseUscc), 'applicationNumbers, #status'),
      ]);
      return {
        matched: matches.items.map((item) => String(item.applicationNumber)),
        proposals: proposals.items.map((item) => ({
          applicationNumber: String(item.applicationNumber),
          institutionUscc: String(item.institutionUscc),
        })),
        interests: interests.items.map((item) => ({
          applicationNumber: String(item.applicationNumber),
          status: String(item.status),
        })),
        dealPatents: deals.items.flatMap((item) => (item.applicationNumbers as string[] | undefined) ?? []),
        complete: [matches, proposals, interests, deals].every((read) => read.complete),
      };
    },
    listProposals(needId, institutionUscc, request) {
      return page<Proposal>(
        `needs:proposals:${needId}:${institutionUscc ?? ''}`,
        {
          condition: 'pk = :pk AND begins_with(sk, :prefix)',
          values: {
            ':pk': keys.needPk(needId),
            ':prefix': prefixes.needProposal,
            ...(institutionUscc ? { ':inst': institutionUscc } : {}),
          },
          ...(institutionUscc ? { filter: 'institutionUscc = :inst' } : {}),
        },
        request,
      );
    },
  };
}

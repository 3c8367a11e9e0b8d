/** DynamoDB adapter of PushStore: index lookups, requests with the per-day cap, the evaluation window. */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Expert } from '../../schemas/market.ts';
import { expertStatusOf } from '../experts/directory.ts';
import { patentKey } from '../patents/patent-store.ts';
import { transitionCause, transitionWrites } from '../pipeline/transitions.ts';
import { auditItem, systemActor } from '../shared/audit.ts';
import { batchGetAll } from '../shared/dynamo/batch.ts';
import { indexes, keys as tableKeys } from '../shared/dynamo/keys.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { Candidate, Match } from './matching.ts';
import type { PatentSummary, PushStore } from './push.ts';

/** Evaluators read per index key at most: a broad key (IPC class, industry section) is capped. */
export const maxCandidatesPerKey = 5000;

/**
 * An evaluation request in an evaluator's inbox (`PAT#<n>` / `REQ#<kind>#<id>`, gsi1 its inbox): what a
 * push writes, and what an accepted commission of the expert pool writes (functions/experts), so that
 * the evaluation is delivered through the same route (PUT /v1/patents/{n}/evaluations/mine).
 */
export function evaluationRequestItem(
  patent: Pick<
    PatentSummary,
    | 'applicationNumber'
    | 'title'
    | 'patentType'
    | 'provinceCode'
    | 'industryCode'
    | 'strategicIndustries'
    | 'classifications'
    | 'trl'
    | 'conversionIntents'
  >,
  match: Pick<Match, 'kind' | 'id' | 'score' | 'reasons' | 'explanationZh' | 'explanationEn'>,
  at: string,
) {
  return {
    ...tableKeys.evaluationRequest(patent.applicationNumber, match),
    entity: 'evaluation-request',
    gsi1pk: indexes.inbox(match),
    gsi1sk: `${at}#${patent.applicationNumber}`,
    applicationNumber: patent.applicationNumber,
    evaluatorKind: match.kind,
    evaluatorId: match.id,
    status: 'pending',
    score: match.score,
    reasons: match.reasons,
    explanationZh: match.explanationZh,
    explanationEn: match.explanationEn,
    // The public fields an inbox shows, copied at push time.
    patent: {
      title: patent.title,
      patentType: patent.patentType,
      provinceCode: patent.provinceCode,
      industryCode: patent.industryCode,
      strategicIndustries: patent.strategicIndustries,
      classifications: patent.classifications,
      trl: patent.trl,
      conversionIntents: patent.conversionIntents,
    },
    createdAt: at,
  };
}

export function dynamoPushStore(documents: DynamoDBDocumentClient, tableName: string): PushStore {
  return {
    async patent(applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: patentKey(applicationNumber) }),
      );
      return Item as PatentSummary | undefined;
    },
    async candidates(keys) {
      const lists = await Promise.all(
        keys.map(async (key) => {
          const found: Candidate[] = [];
          let start: Record<string, unknown> | undefined;
          do {
            const page = await documents.send(
              new QueryCommand({
                TableName: tableName,
                KeyConditionExpression: 'pk = :pk',
                ExpressionAttributeValues: { ':pk': tableKeys.matchIndexPk(key) },
                ProjectionExpression: 'kind, id, #n, provinceCode, affiliationUscc',
                ExpressionAttributeNames: { '#n': 'name' },
                ExclusiveStartKey: start,
              }),
            );
            for (const item of page.Items ?? []) found.push({ ...(item as Omit<Candidate, 'key'>), key });
            start = page.LastEvaluatedKey;
          } while (start && found.length < maxCandidatesPerKey);
          return found;
        }),
      );
      const found = lists.flat();
      // The index entries carry no verification (an expert's profile does): read it for the experts found.
      const experts = [...new Set(found.filter((c) => c.kind === 'expert').map((c) => c.id))];
      if (!experts.length) return found;
      const profiles = await batchGetAll(
        documents,
        tableName,
        experts.map((id) => tableKeys.expert(id)),
        { projection: 'expertId, #s', names: { '#s': 'status' } },
      );
      const verified = new Set(
        profiles
          .filter((p) => expertStatusOf(p as Pick<Expert, 'status'>) === 'verified')
          .map((p) => p.expertId),
      );
      return found.map((c) => (c.kind === 'expert' ? { ...c, verified: verified.has(c.id) } : c));
    },
    async push(patent, match, day, capPerDay, at) {
      const request = { ...evaluationRequestItem(patent, match, at), pushDay: day };
      const outcome = await transact(
        documents,
        [
          { Put: { TableName: tableName, Item: request, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: tableName,
              Key: tableKeys.pushCounter(match, day),
              // Also listed on gsi3 under the day, so the daily digest finds who got new requests.
              UpdateExpression:
                'ADD pushes :one SET entity = :entity, expiresAt = :expires, gsi3pk = :digest, gsi3sk = :evaluator, evaluatorKind = :kind, evaluatorId = :id',
              ConditionExpression: 'attribute_not_exists(pushes) OR pushes < :cap',
              ExpressionAttributeValues: {
                ':one': 1,
                ':cap': capPerDay,
                ':entity': 'push-counter',
                ':expires': Math.floor(Date.parse(at) / 1000) + 7 * 86400,
                ':digest': indexes.digestDay(day),
                ':evaluator': `${match.kind}#${match.id}`,
                ':kind': match.kind,
                ':id': match.id,
              },
            },
          },
          {
            Put: {
              TableName: tableName,
              // In the patent's partition, as the request: made by the matching, not by a person.
              Item: auditItem({
                kind: 'created',
                pk: request.pk,
                action: 'evaluation-request.created',
                caller: systemActor('matching'),
                at,
                after: request,
              }),
            },
          },
        ],
        {
          what: `the evaluation request of ${match.kind} ${match.id} for patent ${patent.applicationNumber}`,
          // The request exists already (item 0), or the evaluator's day is full (item 1, the counter).
          conditionFailed: (failed) =>
            failed.includes(0) ? 'exists' : failed.includes(1) ? 'capped' : undefined,
        },
      );
      return outcome === 'committed' ? 'pushed' : outcome;
    },
    async openWindow(patent, window, trigger) {
      const items = transitionWrites(
        tableName,
        patent,
        {
          event: 'matched',
          eventId: trigger.eventId,
          actor: trigger.actor,
          ...(trigger.executionArn ? { executionArn: trigger.executionArn } : {}),
          set: {
            evaluationOpenedAt: window.openedAt,
            evaluationDeadline: window.deadline,
            evaluationStatus: 'open',
            gsi3pk: indexes.dueEvaluationWindow,
            gsi3sk: `${window.deadline}#${patent.applicationNumber}`,
          },
          details: { deadline: window.deadline },
        },
        window.openedAt,
      );
      const outcome = await transact(documents, items, {
        what: `the evaluation window of patent ${patent.applicationNumber}`,
        conditionFailed: (failed) => transitionCause(failed, [3], [0]),
      });
      return outcome === 'committed' ? 'opened' : outcome;
    },
  };
}

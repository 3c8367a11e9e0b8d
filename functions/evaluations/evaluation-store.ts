/**
 * DynamoDB adapter of EvaluationStore (core table). Evaluations and requests live in the patent's
 * partition; every change is one transaction with its audit entry (and, for a closing window, its
 * pipeline event), conditioned on what was read. Enterprise and expert profiles are read through the
 * market's evaluator store.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../../schemas/roles.ts';
import { dynamoEvaluatorStore } from '../market/evaluator-store.ts';
import { patentKey } from '../patents/patent-store.ts';
import { type TransitionRequest, transitionWrites } from '../pipeline/transitions.ts';
import { auditItem } from '../shared/audit.ts';
import { indexes, keys, prefixes } from '../shared/dynamo/keys.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { type TransactItem, transact } from '../shared/dynamo/transact.ts';
import {
  type EvaluatedPatent,
  type EvaluationRequest,
  type EvaluationStore,
  type SaveEvaluation,
  type StoredEvaluation,
  windowActor,
} from './ports.ts';

export const evaluationKey = keys.evaluation;
export const requestKey = keys.evaluationRequest;
export const dueWindowPartition = indexes.dueEvaluationWindow;
/** The sort key of a pipeline event: one per patent version, so a replayed transition cannot add a second. */
export const eventSortKey = keys.pipelineEventSk;

export function evaluationItem(evaluation: StoredEvaluation) {
  return {
    ...evaluationKey(evaluation.applicationNumber, {
      kind: evaluation.evaluatorKind,
      id: evaluation.evaluatorId,
    }),
    entity: 'evaluation',
    // By owner: an institution's feedback in time order (e.g. a weekly summary of new evaluations).
    gsi1pk: indexes.institutionEvaluations(evaluation.institutionUscc),
    gsi1sk: `${evaluation.updatedAt}#${evaluation.applicationNumber}#${evaluation.evaluatorKind}#${evaluation.evaluatorId}`,
    ...evaluation,
  };
}

/** The evaluation (conditioned on the version read, or new) and its audit entry: items 0 and 1. */
function evaluationWrites(
  tableName: string,
  evaluation: StoredEvaluation,
  write: Pick<SaveEvaluation, 'previous' | 'audit'>,
  caller: Pick<Caller, 'sub' | 'roles'>,
  at: string,
): TransactItem[] {
  const number = evaluation.applicationNumber;
  return [
    {
      Put: {
        TableName: tableName,
        Item: evaluationItem(evaluation),
        ...(write.previous === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :previous',
              ExpressionAttributeValues: { ':previous': write.previous.version },
            }),
      },
    },
    {
      Put: {
        TableName: tableName,
        // In the patent's partition, as the evaluation item: the patent's history is one Query.
        Item: auditItem({
          ...(write.previous
            ? { kind: 'updated', before: write.previous, replaces: true }
            : { kind: 'created' as const }),
          pk: keys.patentPk(number),
          action: write.audit.action,
          caller,
          at,
          after: evaluation,
          version: evaluation.version,
          context: write.audit.context,
        }),
      },
    },
  ];
}

/** The evaluator's request (it exists) set to evaluated. */
function requestEvaluatedWrite(
  tableName: string,
  applicationNumber: string,
  evaluator: { kind: string; id: string },
  at: string,
): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: requestKey(applicationNumber, evaluator),
      UpdateExpression: 'SET #status = :evaluated, evaluatedAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':evaluated': 'evaluated', ':at': at },
    },
  };
}

/** The day's re-tier marker: once a day, a second re-tier the same day fails here (re-read as deferred). */
const retierDayPutOf =
  (tableName: string) =>
  (number: string, day: string, transition: TransitionRequest, at: string): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: {
        ...keys.retierDay(number, day),
        entity: 'retier-marker',
        applicationNumber: number,
        day,
        at,
        eventId: transition.eventId,
        ...(transition.context?.tier ? { tier: transition.context.tier } : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });

/** A deferred re-tier's entry on gsi3 DUE#retier (replaced by a later deferral: the latest day counts). */
const retierDuePutOf =
  (tableName: string) =>
  (number: string, retierFrom: string, at: string): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: {
        ...keys.retierDue(number),
        entity: 'retier-due',
        applicationNumber: number,
        retierFrom,
        at,
        gsi3pk: indexes.dueRetier,
        gsi3sk: `${retierFrom}#${number}`,
      },
    },
  });

export function dynamoEvaluationStore(documents: DynamoDBDocumentClient, tableName: string): EvaluationStore {
  const evaluators = dynamoEvaluatorStore(documents, tableName);
  const get = async (Key: Record<string, string>) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }))).Item;
  const requestEvaluated = (n: string, evaluator: { kind: string; id: string }, at: string) =>
    requestEvaluatedWrite(tableName, n, evaluator, at);
  /**
   * The reevaluated / retiered transition (patent update on the version read, audit, event, applied
   * marker), with the window still closed and the patent still in the conversion pool.
   */
  const lateTransition = (patent: EvaluatedPatent, transition: TransitionRequest, at: string) => {
    const writes = transitionWrites(tableName, patent, transition, at);
    const update = writes[0]!.Update!;
    update.ConditionExpression = `${update.ConditionExpression} AND evaluationStatus = :closed AND poolStatus = :conversion`;
    update.ExpressionAttributeValues = {
      ...update.ExpressionAttributeValues,
      ':closed': 'closed',
      ':conversion': 'conversion',
    };
    return writes;
  };
  /**
   * A page (100) of a gsi3 due partition up to `until`: gsi3sk is <date or day>#<applicationNumber>, so
   * every entry due by `until` sorts before `until#~`.
   */
  const dueEntries = (
    partition: string,
    until: string,
    projection: string,
    cursor: Record<string, unknown> | undefined,
  ) =>
    documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :due AND gsi3sk <= :bound',
        ExpressionAttributeValues: { ':due': partition, ':bound': `${until}#~` },
        ProjectionExpression: projection,
        Limit: 100,
        ExclusiveStartKey: cursor,
      }),
    );
  const retierDayPut = retierDayPutOf(tableName);
  const retierDuePut = retierDuePutOf(tableName);

  return {
    async patent(applicationNumber) {
      const { Item } = await documents.send(
        // The whole item (a projection costs the same read units): the window's transitions are
        // conditioned on this version and take the `before` of their audit entries from it.
        new GetCommand({ TableName: tableName, Key: patentKey(applicationNumber), ConsistentRead: true }),
      );
      return Item as EvaluatedPatent | undefined;
    },
    async enterprise(uscc) {
      return evaluators.getEnterprise(uscc);
    },
    async expert(expertId) {
      return evaluators.getExpert(expertId);
    },
    async request(applicationNumber, evaluator) {
      const item = await get(requestKey(applicationNumber, evaluator));
      return item ? stripStorage<EvaluationRequest>(item) : undefined;
    },
    async evaluation(applicationNumber, evaluator) {
      const item = await get(evaluationKey(applicationNumber, evaluator));
      return item ? stripStorage<StoredEvaluation>(item) : undefined;
    },
    async evaluations(applicationNumber) {
      const found: StoredEvaluation[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :eval)',
            ExpressionAttributeValues: {
              ':pk': keys.patentPk(applicationNumber),
              ':eval': prefixes.evaluation,
            },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) found.push(stripStorage<StoredEvaluation>(item));
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    },
    async saveEvaluation(evaluation, write, caller, at) {
      const number = evaluation.applicationNumber;
      const evaluator = { kind: evaluation.evaluatorKind, id: evaluation.evaluatorId };
      // The first evaluation opens the window when nothing was pushed: the `matched` transition (by the
      // system, so that the history does not name the evaluator), conditioned on the version read.
      const patentItems: TransactItem[] = write.openWindow
        ? transitionWrites(
            tableName,
            write.openWindow.patent,
            {
              event: 'matched',
              eventId: `matched:${number}:first-evaluation`,
              actor: windowActor,
              set: {
                evaluationOpenedAt: write.openWindow.openedAt,
                evaluationDeadline: write.openWindow.deadline,
                evaluationStatus: 'open',
                gsi3pk: dueWindowPartition,
                gsi3sk: `${write.openWindow.deadline}#${number}`,
              },
              details: { deadline: write.openWindow.deadline, openedBy: 'first-evaluation' },
            },
            at,
          ).map((item, i) =>
            // The patent must still be in the conversion pool without a window (as before the transition).
            i === 0 && item.Update
              ? {
                  Update: {
                    ...item.Update,
                    ConditionExpression: `${item.Update.ConditionExpression} AND poolStatus = :conversion AND attribute_not_exists(evaluationStatus)`,
                    ExpressionAttributeValues: {
                      ...item.Update.ExpressionAttributeValues,
                      ':conversion': 'conversion',
                    },
                  },
                }
              : item,
          )
        : [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: patentKey(number),
                ConditionExpression:
                  'poolStatus = :conversion AND evaluationStatus = :open AND evaluationDeadline > :now',
                ExpressionAttributeValues: { ':conversion': 'conversion', ':open': 'open', ':now': at },
              },
            },
          ];
      const items: TransactItem[] = [
        ...evaluationWrites(tableName, evaluation, write, caller, at),
        ...patentItems,
      ];
      if (write.markRequestEvaluated) items.push(requestEvaluated(number, evaluator, at));
      const outcome = await transact(documents, items, {
        what: `the evaluation of patent ${number}`,
        // The evaluation itself changed (item 0), or the patent or the request moved on (re-read).
        conditionFailed: (failed) => (failed.includes(0) ? 'stale' : 'retry'),
      });
      return outcome === 'committed' ? 'saved' : outcome;
    },
    async saveLateEvaluation(evaluation, write, caller, at) {
      const number = evaluation.applicationNumber;
      const evaluator = { kind: evaluation.evaluatorKind, id: evaluation.evaluatorId };
      const items: TransactItem[] = [
        ...evaluationWrites(tableName, evaluation, write, caller, at),
        ...lateTransition(write.patent, write.transition, at),
      ];
      if (write.retierDay) items.push(retierDayPut(number, write.retierDay, write.transition, at));
      // Deferred: the sweep runs the re-tier from retierDueFrom (a later evaluation may do it first).
      if (write.retierDueFrom) items.push(retierDuePut(number, write.retierDueFrom, at));
      if (write.markRequestEvaluated) items.push(requestEvaluated(number, evaluator, at));
      const outcome = await transact(documents, items, {
        what: `the late evaluation of patent ${number}`,
        // The evaluation itself changed (item 0); otherwise the patent moved on (version, window), the
        // day's re-tier was used meanwhile (marker) or the request went: re-read and decide again.
        conditionFailed: (failed) => (failed.includes(0) ? 'stale' : 'retry'),
      });
      return outcome === 'committed' ? 'saved' : outcome;
    },
    async saveDeferredRetier(write, at) {
      const number = write.patent.applicationNumber;
      const items: TransactItem[] = [
        ...lateTransition(write.patent, write.transition, at),
        { Delete: { TableName: tableName, Key: keys.retierDue(number) } },
      ];
      if (write.retierDay) items.push(retierDayPut(number, write.retierDay, write.transition, at));
      const outcome = await transact(documents, items, {
        what: `the deferred re-tier of patent ${number}`,
        // The patent moved on (an evaluation, a deal ...) or the day's re-tier was used: the next sweep.
        conditionFailed: () => 'retry' as const,
      });
      return outcome === 'committed' ? 'saved' : 'retry';
    },
    async clearRetierDue(applicationNumber, retierFrom) {
      try {
        await documents.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.retierDue(applicationNumber),
            // A deferral written since the read (a later day) is not this one: it stays.
            ConditionExpression: 'retierFrom = :from',
            ExpressionAttributeValues: { ':from': retierFrom },
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },
    async dueRetiers(day, cursor) {
      const page = await dueEntries(indexes.dueRetier, day, 'applicationNumber, retierFrom', cursor);
      return {
        entries: (page.Items ?? []).map((i) => ({
          applicationNumber: i.applicationNumber as string,
          retierFrom: i.retierFrom as string,
        })),
        ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
      };
    },
    async retieredOn(applicationNumber, day) {
      return Boolean(await get(keys.retierDay(applicationNumber, day)));
    },
    async declineRequest(applicationNumber, evaluator, decline, caller) {
      const outcome = await transact(
        documents,
        [
          {
            Update: {
              TableName: tableName,
              Key: requestKey(applicationNumber, evaluator),
              UpdateExpression: `SET #status = :declined, declinedAt = :at${decline.reason ? ', declineReason = :reason' : ''}`,
              ConditionExpression: '#status = :pending',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':declined': 'declined',
                ':pending': 'pending',
                ':at': decline.at,
                ...(decline.reason ? { ':reason': decline.reason } : {}),
              },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'updated',
                pk: keys.patentPk(applicationNumber),
                action: 'evaluation-request.declined',
                caller,
                at: decline.at,
                // What the condition fixes: the request was pending (and a pending request was never declined).
                before: { status: 'pending' },
                after: {
                  status: 'declined',
                  declinedAt: decline.at,
                  ...(decline.reason ? { declineReason: decline.reason } : {}),
                },
                context: { evaluatorKind: evaluator.kind, evaluatorId: evaluator.id },
              }),
            },
          },
        ],
        {
          what: `the declined evaluation request of ${evaluator.kind} ${evaluator.id} for patent ${applicationNumber}`,
          // The request is no longer pending.
          conditionFailed: (failed) => (failed.includes(0) ? 'not-pending' : undefined),
        },
      );
      return outcome === 'committed';
    },
    async closeWindow(patent, close) {
      const items = transitionWrites(
        tableName,
        patent,
        {
          event: 'evaluationClosed',
          // One window per patent opening: closing it twice (quorum racing the sweep) closes once.
          eventId: `evaluationClosed:${patent.applicationNumber}:${patent.evaluationOpenedAt ?? 'window'}`,
          actor: windowActor,
          set: {
            evaluationStatus: 'closed',
            evaluationClosedAt: close.at,
            evaluationClosedReason: close.reason,
            evaluationAggregate: close.aggregate,
          },
          remove: ['gsi3pk', 'gsi3sk'],
          details: {
            reason: close.reason,
            ...(patent.evaluationOpenedAt ? { openedAt: patent.evaluationOpenedAt } : {}),
            ...(patent.evaluationDeadline ? { deadline: patent.evaluationDeadline } : {}),
            aggregate: close.aggregate,
          },
        },
        close.at,
      );
      // Still open at the version read (as before the transition).
      const update = items[0]!.Update!;
      update.ConditionExpression = `${update.ConditionExpression} AND evaluationStatus = :open`;
      update.ExpressionAttributeValues = { ...update.ExpressionAttributeValues, ':open': 'open' };
      const outcome = await transact(documents, items, {
        what: `the closed evaluation window of patent ${patent.applicationNumber}`,
        // Not open at that version any more (patent, next event), or closed before (applied marker).
        conditionFailed: () => 'closed-or-changed',
      });
      return outcome === 'committed';
    },
    async dueWindows(now, cursor) {
      const page = await dueEntries(dueWindowPartition, now, 'applicationNumber', cursor);
      return {
        applicationNumbers: (page.Items ?? []).map((i) => i.applicationNumber as string),
        ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
      };
    },
  };
}

/** The DynamoDB adapter of the evaluations, with the document client mocked (aws-sdk-client-mock). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { aggregateEvaluations } from '../../functions/evaluations/aggregate.ts';
import { dynamoEvaluationStore } from '../../functions/evaluations/evaluation-store.ts';
import type { EvaluatedPatent, StoredEvaluation } from '../../functions/evaluations/ports.ts';
import { cancelled } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const store = dynamoEvaluationStore(documents, table);
const NUMBER = '202010123456.2';
const ENT = '91110000802100433B';
const caller = { sub: 'ent-user', roles: ['enterprise' as const] };
const at = '2026-03-01T02:00:00.000Z';

beforeEach(() => ddb.reset());

const sentTransaction = (i = 0) =>
  ddb.commandCalls(TransactWriteCommand)[i]!.args[0].input as TransactWriteCommandInput;

const evaluation: StoredEvaluation = {
  evaluationId: 'e-1',
  applicationNumber: NUMBER,
  institutionUscc: '12100000400000624D',
  provinceCode: '110000',
  evaluatorKind: 'enterprise',
  evaluatorId: ENT,
  matched: true,
  industrializationProspect: 4,
  maturityTrl: 6,
  improvementNeeds: { categories: ['pilot-scale-up'] },
  cooperationIntents: ['license'],
  reasonCodes: [],
  consentToShareIdentity: false,
  createdAt: at,
  updatedAt: at,
  version: 1,
};
const audit = { action: 'evaluation.submitted', context: { evaluatorKind: 'enterprise', evaluatorId: ENT } };

describe('dynamoEvaluationStore.saveEvaluation', () => {
  it('one transaction: the evaluation (new: must not exist), its audit entry, the window check, the request set to evaluated', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(
      store.saveEvaluation(evaluation, { markRequestEvaluated: true, audit }, caller, at),
    ).resolves.toBe('saved');
    const [put, auditPut, check, request] = sentTransaction().TransactItems!;
    expect(put!.Put).toMatchObject({
      TableName: table,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `PAT#${NUMBER}`,
        sk: `EVAL#enterprise#${ENT}`,
        entity: 'evaluation',
        gsi1pk: 'INST#12100000400000624D#EVAL',
        gsi1sk: `${at}#${NUMBER}#enterprise#${ENT}`,
        version: 1,
        industrializationProspect: 4,
      },
    });
    expect(auditPut!.Put!.Item).toMatchObject({
      pk: `PAT#${NUMBER}`,
      entity: 'audit',
      action: 'evaluation.submitted',
      actor: 'ent-user',
    });
    expect(check!.ConditionCheck).toMatchObject({
      Key: { pk: `PAT#${NUMBER}`, sk: 'PATENT' },
      ConditionExpression:
        'poolStatus = :conversion AND evaluationStatus = :open AND evaluationDeadline > :now',
      ExpressionAttributeValues: { ':conversion': 'conversion', ':open': 'open', ':now': at },
    });
    expect(request!.Update).toMatchObject({
      Key: { pk: `PAT#${NUMBER}`, sk: `REQ#enterprise#${ENT}` },
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':evaluated': 'evaluated', ':at': at },
    });
  });

  it('an update is conditioned on the version read; a first evaluation without a window opens it (gsi3 due entry)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.saveEvaluation(
      { ...evaluation, version: 3 },
      {
        previous: { ...evaluation, version: 2, industrializationProspect: 3, comment: '再看看' },
        markRequestEvaluated: false,
        audit: { ...audit, action: 'evaluation.updated' },
      },
      caller,
      at,
    );
    expect(sentTransaction().TransactItems).toHaveLength(3);
    expect(sentTransaction().TransactItems![0]!.Put).toMatchObject({
      ConditionExpression: 'version = :previous',
      ExpressionAttributeValues: { ':previous': 2 },
    });
    // The update's audit entry: before (the evaluation read, whose version conditions the write) and
    // after, of exactly the fields that changed.
    expect(sentTransaction().TransactItems![1]!.Put!.Item).toMatchObject({
      kind: 'updated',
      action: 'evaluation.updated',
      version: 3,
      changes: { industrializationProspect: { before: 3, after: 4 }, comment: { before: '再看看' } },
    });
    expect(Object.keys(sentTransaction().TransactItems![1]!.Put!.Item!.changes)).toEqual([
      'industrializationProspect',
      'comment',
    ]);
    await store.saveEvaluation(
      evaluation,
      {
        markRequestEvaluated: false,
        openWindow: {
          openedAt: at,
          deadline: '2026-04-30T02:00:00.000Z',
          patent: {
            applicationNumber: NUMBER,
            institutionUscc: '12100000400000624D',
            provinceCode: '110000',
            poolStatus: 'conversion',
            version: 4,
            lifecycle: 'conversion-pool',
          },
        },
        audit,
      },
      caller,
      at,
    );
    // The evaluation, its audit entry, then the `matched` transition (patent, audit, event, marker).
    const items = sentTransaction(1).TransactItems!;
    expect(items).toHaveLength(6);
    expect(items[2]!.Update).toMatchObject({
      Key: { pk: `PAT#${NUMBER}`, sk: 'PATENT' },
      ConditionExpression:
        'version = :version AND poolStatus = :conversion AND attribute_not_exists(evaluationStatus)',
      ExpressionAttributeValues: {
        ':version': 4,
        ':next': 5,
        ':to': 'under-evaluation',
        ':conversion': 'conversion',
      },
    });
    expect(Object.values(items[2]!.Update!.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining(['open', 'DUE#evaluation-window', `2026-04-30T02:00:00.000Z#${NUMBER}`]),
    );
    expect(items[3]!.Put!.Item).toMatchObject({
      action: 'lifecycle.matched',
      actor: 'system:evaluation-window',
    });
    expect(items[4]!.Put!.Item).toMatchObject({ sk: 'EVENT#000005#matched', type: 'matched' });
    expect(items[5]!.Put!.Item).toMatchObject({ sk: `APPLIED#matched:${NUMBER}:first-evaluation` });
  });

  it('a failed condition on the evaluation is stale; on the patent (window closed meanwhile) a retry', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None'))
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed'))
      .rejectsOnce(new Error('network'));
    await expect(
      store.saveEvaluation(evaluation, { markRequestEvaluated: false, audit }, caller, at),
    ).resolves.toBe('stale');
    await expect(
      store.saveEvaluation(evaluation, { markRequestEvaluated: false, audit }, caller, at),
    ).resolves.toBe('retry');
    await expect(
      store.saveEvaluation(evaluation, { markRequestEvaluated: false, audit }, caller, at),
    ).rejects.toThrow('network');
  });
});

describe('dynamoEvaluationStore.closeWindow', () => {
  const patent: EvaluatedPatent = {
    applicationNumber: NUMBER,
    institutionUscc: '12100000400000624D',
    provinceCode: '110000',
    poolStatus: 'conversion',
    version: 7,
    lifecycle: 'under-evaluation',
    evaluationStatus: 'open',
    evaluationOpenedAt: '2026-01-01T00:00:00.000Z',
    evaluationDeadline: '2026-03-02T00:00:00.000Z',
  };
  const aggregate = aggregateEvaluations([evaluation]);

  it('open -> closed at the version read (the evaluationClosed transition): the aggregate stored, gsi3 removed, audit, event and marker in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(store.closeWindow(patent, { at, reason: 'deadline', aggregate })).resolves.toBe(true);
    const [update, auditPut, event, marker] = sentTransaction().TransactItems!;
    expect(update!.Update!.UpdateExpression).toMatch(/REMOVE #r0, #r1$/);
    expect(update!.Update!.ExpressionAttributeNames).toMatchObject({ '#r0': 'gsi3pk', '#r1': 'gsi3sk' });
    expect(update!.Update).toMatchObject({
      Key: { pk: `PAT#${NUMBER}`, sk: 'PATENT' },
      ConditionExpression: 'version = :version AND evaluationStatus = :open',
      ExpressionAttributeValues: { ':open': 'open', ':version': 7, ':next': 8, ':to': 'evaluated' },
    });
    expect(Object.values(update!.Update!.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining(['closed', 'deadline', aggregate]),
    );
    expect(auditPut!.Put!.Item).toMatchObject({
      action: 'lifecycle.evaluationClosed',
      actor: 'system:evaluation-window',
      changes: {
        lifecycle: { before: 'under-evaluation', after: 'evaluated' },
        evaluationStatus: { before: 'open', after: 'closed' },
        evaluationClosedReason: { after: 'deadline' },
      },
    });
    expect(event!.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `PAT#${NUMBER}`,
        sk: 'EVENT#000008#evaluationClosed',
        entity: 'pipeline-event',
        type: 'evaluationClosed',
        institutionUscc: '12100000400000624D',
        details: { reason: 'deadline', aggregate, deadline: '2026-03-02T00:00:00.000Z' },
      },
    });
    expect(marker!.Put!.Item).toMatchObject({
      sk: `APPLIED#evaluationClosed:${NUMBER}:2026-01-01T00:00:00.000Z`,
    });
  });

  it('false when the window is no longer open at that version (the use-case re-reads)', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    await expect(store.closeWindow(patent, { at, reason: 'quorum', aggregate })).resolves.toBe(false);
  });
});

describe('dynamoEvaluationStore.saveLateEvaluation', () => {
  const patent: EvaluatedPatent = {
    applicationNumber: NUMBER,
    institutionUscc: '12100000400000624D',
    provinceCode: '110000',
    poolStatus: 'conversion',
    version: 9,
    lifecycle: 'listed',
    tier: 'ordinary',
    evaluationStatus: 'closed',
  };
  const transition = {
    event: 'retiered' as const,
    context: { tier: 'high-value' as const },
    eventId: `retiered:${NUMBER}:9`,
    actor: { sub: 'system:late-evaluation', roles: ['system'] },
    set: { tier: 'high-value', tierVersion: 2, retieredAt: at },
    remove: ['tierDeferred'],
    details: { from: 'ordinary', to: 'high-value', evaluations: 4 },
  };

  it('a re-tier: the evaluation, its audit entry, the retiered transition (closed, in the pool, on the version read) and the day marker (absent) in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(
      store.saveLateEvaluation(
        evaluation,
        { markRequestEvaluated: true, audit, patent, transition, retierDay: '2026-03-01' },
        caller,
        at,
      ),
    ).resolves.toBe('saved');
    const [put, auditPut, update, transitionAudit, event, applied, marker, request] =
      sentTransaction().TransactItems!;
    expect(put!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)' });
    expect(auditPut!.Put!.Item).toMatchObject({ action: 'evaluation.submitted', actor: 'ent-user' });
    expect(update!.Update).toMatchObject({
      Key: { pk: `PAT#${NUMBER}`, sk: 'PATENT' },
      ConditionExpression: 'version = :version AND evaluationStatus = :closed AND poolStatus = :conversion',
      ExpressionAttributeValues: {
        ':version': 9,
        ':next': 10,
        ':to': 'high-value',
        ':event': 'retiered',
        ':closed': 'closed',
        ':conversion': 'conversion',
      },
    });
    expect(transitionAudit!.Put!.Item).toMatchObject({
      action: 'lifecycle.retiered',
      actor: 'system:late-evaluation',
      changes: {
        lifecycle: { before: 'listed', after: 'high-value' },
        tier: { before: 'ordinary', after: 'high-value' },
      },
      context: { details: { from: 'ordinary', to: 'high-value', evaluations: 4 } },
    });
    expect(event!.Put!.Item).toMatchObject({
      sk: 'EVENT#000010#retiered',
      type: 'retiered',
      to: 'high-value',
    });
    expect(applied!.Put!.Item).toMatchObject({ sk: `APPLIED#retiered:${NUMBER}:9` });
    expect(marker!.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `PAT#${NUMBER}`,
        sk: 'RETIERED#2026-03-01',
        entity: 'retier-marker',
        day: '2026-03-01',
        tier: 'high-value',
      },
    });
    expect(request!.Update).toMatchObject({ Key: { sk: `REQ#enterprise#${ENT}` } });
  });

  it('the evaluation changed: stale; the patent, the day marker or the applied marker failed: retry (re-read, decided again)', async () => {
    const write = { markRequestEvaluated: false, audit, patent, transition, retierDay: '2026-03-01' };
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None'))
      .rejectsOnce(cancelled('None', 'None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed'))
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed'));
    await expect(store.saveLateEvaluation(evaluation, write, caller, at)).resolves.toBe('stale');
    await expect(store.saveLateEvaluation(evaluation, write, caller, at)).resolves.toBe('retry');
    await expect(store.saveLateEvaluation(evaluation, write, caller, at)).resolves.toBe('retry');
  });

  it('no re-tier (reevaluated): no day marker; retieredOn reads the marker', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.saveLateEvaluation(
      evaluation,
      {
        markRequestEvaluated: false,
        audit,
        patent,
        transition: {
          event: 'reevaluated',
          eventId: `reevaluated:${NUMBER}:9`,
          actor: transition.actor,
          set: { evaluationAggregate: aggregateEvaluations([evaluation]) },
        },
      },
      caller,
      at,
    );
    expect(sentTransaction().TransactItems).toHaveLength(6);
    expect(sentTransaction().TransactItems![2]!.Update!.ExpressionAttributeValues).toMatchObject({
      ':to': 'listed',
      ':event': 'reevaluated',
    });
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { pk: `PAT#${NUMBER}`, sk: 'RETIERED#2026-03-01' } })
      .resolvesOnce({});
    await expect(store.retieredOn(NUMBER, '2026-03-01')).resolves.toBe(true);
    await expect(store.retieredOn(NUMBER, '2026-03-02')).resolves.toBe(false);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: `PAT#${NUMBER}`, sk: 'RETIERED#2026-03-01' },
      ConsistentRead: true,
    });
  });
});

describe('dynamoEvaluationStore reads', () => {
  it('dueWindows queries gsi3 DUE#evaluation-window up to now, a page at a time', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [{ applicationNumber: NUMBER }],
      LastEvaluatedKey: { pk: `PAT#${NUMBER}`, sk: 'PATENT', gsi3pk: 'DUE#evaluation-window', gsi3sk: 'x' },
    });
    const page = await store.dueWindows(at);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :due AND gsi3sk <= :bound',
      ExpressionAttributeValues: { ':due': 'DUE#evaluation-window', ':bound': `${at}#~` },
    });
    expect(page).toEqual({
      applicationNumbers: [NUMBER],
      next: { pk: `PAT#${NUMBER}`, sk: 'PATENT', gsi3pk: 'DUE#evaluation-window', gsi3sk: 'x' },
    });
    // Every deadline up to now (same instant included) sorts under the bound, later ones above it.
    expect(`${at}#${NUMBER}` <= `${at}#~`).toBe(true);
    expect(`2026-03-01T02:00:00.001Z#${NUMBER}` <= `${at}#~`).toBe(false);
  });

  it('evaluations: a consistent Query of EVAL# in the patent partition, every page, keys stripped', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          { pk: `PAT#${NUMBER}`, sk: `EVAL#enterprise#${ENT}`, gsi1pk: 'x', gsi1sk: 'y', ...evaluation },
        ],
        LastEvaluatedKey: { pk: `PAT#${NUMBER}`, sk: `EVAL#enterprise#${ENT}` },
      })
      .resolvesOnce({ Items: [{ ...evaluation, evaluatorKind: 'expert', evaluatorId: 'exp-1' }] });
    const found = await store.evaluations(NUMBER);
    expect(found).toHaveLength(2);
    expect(found[0]).toEqual(evaluation);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :eval)',
      ExpressionAttributeValues: { ':pk': `PAT#${NUMBER}`, ':eval': 'EVAL#' },
      ConsistentRead: true,
    });
  });

  it('patent: a consistent read of the whole item (the `before` of its transitions)', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { applicationNumber: NUMBER, poolStatus: 'conversion', version: 2 } });
    await expect(store.patent(NUMBER)).resolves.toMatchObject({ poolStatus: 'conversion' });
    const input = ddb.commandCalls(GetCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ Key: { pk: `PAT#${NUMBER}`, sk: 'PATENT' }, ConsistentRead: true });
    expect(input).not.toHaveProperty('ProjectionExpression');
  });
});

describe('dynamoEvaluationStore.declineRequest', () => {
  it('pending -> declined with the reason and an audit entry; false when not pending', async () => {
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejectsOnce(cancelled('ConditionalCheckFailed', 'None'));
    await expect(
      store.declineRequest(NUMBER, { kind: 'expert', id: 'exp-1' }, { reason: '不熟悉', at }, caller),
    ).resolves.toBe(true);
    const [update, auditPut] = sentTransaction().TransactItems!;
    expect(update!.Update).toMatchObject({
      Key: { pk: `PAT#${NUMBER}`, sk: 'REQ#expert#exp-1' },
      ConditionExpression: '#status = :pending',
      ExpressionAttributeValues: { ':declined': 'declined', ':reason': '不熟悉' },
    });
    expect(auditPut!.Put!.Item).toMatchObject({ action: 'evaluation-request.declined' });
    await expect(store.declineRequest(NUMBER, { kind: 'expert', id: 'exp-1' }, { at }, caller)).resolves.toBe(
      false,
    );
  });
});

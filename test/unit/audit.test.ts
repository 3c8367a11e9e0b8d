/**
 * Audit entries (functions/shared/audit.ts): the one helper's three shapes, and for each kind of store
 * write that an update's entry holds before / after of exactly the changed fields, taken from the item
 * the write is conditioned on, in the same transaction as the write. DynamoDB is mocked
 * (aws-sdk-client-mock).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PatentToWrite } from '../../functions/intake/ingest.ts';
import { dynamoEvaluatorStore } from '../../functions/market/evaluator-store.ts';
import { dynamoSpotCheckStore } from '../../functions/monitoring/monitoring-store.ts';
import type { ReviewedPatent } from '../../functions/patents/inventory-review.ts';
import { dynamoPatentWriter } from '../../functions/patents/patent-store.ts';
import { dynamoReviewStore } from '../../functions/patents/review-store.ts';
import { dynamoReportStore } from '../../functions/reports/report-store.ts';
import { auditItem } from '../../functions/shared/audit.ts';
import type { Enterprise } from '../../schemas/market.ts';
import { beijingAdmin, institutionUser } from '../support/callers.ts';
import { cancelled } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const at = '2026-12-05T02:00:00.000Z';
const USCC = '12100000400000624D';
const NUMBER = '202010123456.2';
const inst = institutionUser(USCC);

beforeEach(() => ddb.reset());

const transactions = () =>
  ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input as TransactWriteCommandInput);
const auditsOf = (input: TransactWriteCommandInput) =>
  (input.TransactItems ?? []).flatMap((i) => (i.Put?.Item?.entity === 'audit' ? [i.Put.Item] : []));

describe('auditItem', () => {
  it('created: the record without its storage attributes, who (account, roles, organization) and when', () => {
    const entry = auditItem({
      kind: 'created',
      pk: 'INST#X',
      action: 'institution.registered',
      caller: beijingAdmin,
      at,
      after: { pk: 'INST#X', sk: 'PROFILE', gsi2pk: 'PROV#110000#INST', name: '某大学', note: undefined },
    });
    expect(entry).toEqual({
      pk: 'INST#X',
      sk: expect.stringMatching(/^AUDIT#2026-12-05T02:00:00.000Z#[0-9a-f-]{36}$/),
      entity: 'audit',
      kind: 'created',
      action: 'institution.registered',
      at,
      actor: 'bj-admin',
      actorRoles: ['province-admin'],
      actorProvince: '110000',
      after: { name: '某大学' },
    });
  });

  it('updated: exactly the changed fields as { before, after }; absent before = new field, absent after = removed; bookkeeping and storage attributes left out', () => {
    const entry = auditItem({
      kind: 'updated',
      pk: 'P',
      action: 'x.updated',
      caller: inst,
      at,
      before: { a: 1, b: [1, 2], c: 'gone', same: { deep: true }, version: 3, gsi3pk: 'DUE#x' },
      after: { a: 2, b: [1, 2], d: 'new', same: { deep: true }, version: 4, updatedAt: at, gsi3pk: 'Y' },
      removed: ['c', 'never'],
    });
    expect(entry.changes).toEqual({ a: { before: 1, after: 2 }, d: { after: 'new' }, c: { before: 'gone' } });
    expect(entry).toMatchObject({ actor: inst.sub, actorOrg: USCC, actorRoles: ['institution'] });
    // A replacing write: what the new record lacks was removed.
    const replaced = auditItem({
      kind: 'updated',
      pk: 'P',
      action: 'x.saved',
      caller: inst,
      at,
      before: { a: 1, comment: 'old', pk: 'P' },
      after: { a: 1 },
      replaces: true,
    });
    expect(replaced.changes).toEqual({ comment: { before: 'old' } });
  });

  it('transition: the lifecycle and the fields set, as { before, after }', () => {
    const entry = auditItem({
      kind: 'transition',
      pk: 'P',
      action: 'lifecycle.matched',
      caller: { sub: 'system:pipeline', roles: [] },
      at,
      from: 'conversion-pool',
      to: 'under-evaluation',
      before: { evaluationStatus: undefined },
      after: { evaluationStatus: 'open' },
      context: { event: 'matched', eventId: 'e' },
      version: 5,
    });
    expect(entry).toMatchObject({
      kind: 'transition',
      version: 5,
      context: { event: 'matched', eventId: 'e' },
      changes: {
        lifecycle: { before: 'conversion-pool', after: 'under-evaluation' },
        evaluationStatus: { after: 'open' },
      },
    });
  });
});

describe('patents written from rows (dynamoPatentWriter)', () => {
  const writer = dynamoPatentWriter(documents, table, () => new Date(at));
  const owner = { uscc: USCC, provinceCode: '110000' };
  const row = (record: Record<string, unknown>, hash: string): PatentToWrite => ({
    row: 2,
    record: { applicationNumber: NUMBER, ...record } as PatentToWrite['record'],
    contentHash: hash,
  });

  it('a new patent is created with its patent.registered entry, in one transaction (conditioned on being absent)', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [table]: [] } });
    ddb.on(TransactWriteCommand).resolves({});
    const outcomes = await writer.writeBatch([row({ title: '一种电池' }, 'h1')], owner, inst, 'job-1');
    expect(outcomes).toEqual([{ row: 2, outcome: 'created' }]);
    const [sent] = transactions();
    expect(sent!.TransactItems).toHaveLength(2);
    expect(sent!.TransactItems![0]!.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `PAT#${NUMBER}`, sk: 'PATENT', title: '一种电池', version: 1 },
    });
    expect(auditsOf(sent!)).toEqual([
      expect.objectContaining({
        pk: `PAT#${NUMBER}`,
        kind: 'created',
        action: 'patent.registered',
        actor: inst.sub,
        actorOrg: USCC,
        version: 1,
        context: { jobId: 'job-1' },
        after: expect.objectContaining({
          applicationNumber: NUMBER,
          title: '一种电池',
          reviewStatus: 'draft',
        }),
      }),
    ]);
    expect(auditsOf(sent!)[0]!.after).not.toHaveProperty('gsi1pk');
  });

  it('a patent another upload created meanwhile cancels the creating transaction: read again and classified, never counted as created', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [table]: [] } })
      .resolves({
        Responses: {
          [table]: [{ pk: `PAT#${NUMBER}`, institutionUscc: 'OTHER', contentHash: 'x', version: 1 }],
        },
      });
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    const outcomes = await writer.writeBatch([row({ title: '一种电池' }, 'h1')], owner, inst, undefined);
    expect(outcomes).toEqual([{ row: 2, outcome: 'owned-by-another' }]);
  });

  it('an update: before from the item read (the version the update is conditioned on), after from the row', async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        [table]: [
          {
            pk: `PAT#${NUMBER}`,
            sk: 'PATENT',
            applicationNumber: NUMBER,
            institutionUscc: USCC,
            contentHash: 'h1',
            version: 4,
            reviewStatus: 'draft',
            title: '一种电池',
            inventors: ['张三'],
          },
        ],
      },
    });
    ddb.on(TransactWriteCommand).resolves({});
    const outcomes = await writer.writeBatch(
      [row({ title: '一种固态电池', inventors: ['张三'] }, 'h2')],
      owner,
      inst,
      'job-2',
    );
    expect(outcomes).toEqual([{ row: 2, outcome: 'updated' }]);
    const [sent] = transactions();
    expect(sent!.TransactItems![0]!.Update).toMatchObject({
      ExpressionAttributeValues: expect.objectContaining({ ':version': 4, ':next': 5 }),
    });
    const [entry] = auditsOf(sent!);
    expect(entry).toMatchObject({ kind: 'updated', action: 'patent.updated-from-inventory', version: 5 });
    expect(entry!.changes).toEqual({ title: { before: '一种电池', after: '一种固态电池' } });
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![table]).not.toHaveProperty(
      'ProjectionExpression',
    );
  });
});

describe('a versioned update (dynamoReviewStore): before from the patent read', () => {
  it('submit: reviewStatus draft -> submitted, in the transaction of the update conditioned on the version read', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const patent = {
      applicationNumber: NUMBER,
      institutionUscc: USCC,
      reviewStatus: 'draft',
      poolStatus: 'base',
      legalStatus: 'valid',
      conversionIntents: ['license'],
      version: 2,
    } as ReviewedPatent;
    await dynamoReviewStore(documents, table).apply(
      patent,
      { set: { reviewStatus: 'submitted' }, audit: { action: 'patent.review.submit' } },
      { ...inst, department: '材料学院' },
      at,
    );
    const [sent] = transactions();
    expect(sent!.TransactItems![0]!.Update!.ConditionExpression).toBe('version = :version');
    expect(auditsOf(sent!)).toEqual([
      expect.objectContaining({
        kind: 'updated',
        action: 'patent.review.submit',
        version: 3,
        changes: { reviewStatus: { before: 'draft', after: 'submitted' } },
      }),
    ]);
  });
});

describe('a replacing write (dynamoEvaluatorStore): before from the profile read', () => {
  const enterprise: Enterprise = {
    uscc: '91110000802100433B',
    name: '北京某某科技有限公司',
    provinceCode: '110000',
    types: ['high-tech'],
    industryCodes: ['3911'],
    strategicIndustries: [],
    ipcInterests: [],
    contact: { name: '李四' },
    status: 'pending',
    usccChecksumValid: true,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };

  it('the decision: status and reason, conditioned on the version read', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(BatchGetCommand).resolves({});
    const decided = { ...enterprise, status: 'rejected' as const, rejectionReason: '材料不全', version: 2 };
    await dynamoEvaluatorStore(documents, table).decideEnterprise(decided, enterprise, [], beijingAdmin);
    const [sent] = transactions();
    expect(sent!.TransactItems![0]!.Put).toMatchObject({
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': 1 },
    });
    expect(auditsOf(sent!)[0]).toMatchObject({
      kind: 'updated',
      action: 'enterprise.rejected',
      actorProvince: '110000',
      changes: { status: { before: 'pending', after: 'rejected' }, rejectionReason: { after: '材料不全' } },
    });
    expect(Object.keys(auditsOf(sent!)[0]!.changes)).toEqual(['status', 'rejectionReason']);
  });

  it('a registration: created with the profile', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await dynamoEvaluatorStore(documents, table).saveEnterprise(enterprise, undefined, beijingAdmin);
    expect(auditsOf(transactions()[0]!)[0]).toMatchObject({
      kind: 'created',
      action: 'enterprise.registered',
      after: expect.objectContaining({ name: '北京某某科技有限公司', status: 'pending' }),
    });
  });
});

describe('a settings item without a version of its own: read, then written conditioned on what was read', () => {
  it('spot-check sample settings: before is the value replaced; a write in between is read again', async () => {
    const read = (rate: number, version?: number) => ({
      Item: {
        pk: `INST#${USCC}`,
        sk: 'MONITORING',
        spotCheckSample: { rate, min: 1, max: 20 },
        ...(version ? { version } : {}),
      },
    });
    ddb.on(GetCommand).resolvesOnce(read(0.02)).resolves(read(0.03, 1));
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed', 'None')).resolves({});
    await dynamoSpotCheckStore(documents, table).saveSampleSettings(
      USCC,
      { rate: 0.05, min: 1, max: 20 },
      beijingAdmin,
      at,
    );
    const [first, second] = transactions();
    // Items written before they had a version: conditioned on having none.
    expect(first!.TransactItems![0]!.Put!.ConditionExpression).toBe(
      'attribute_exists(pk) AND attribute_not_exists(version)',
    );
    expect(second!.TransactItems![0]!.Put).toMatchObject({
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': 1 },
      Item: { version: 2 },
    });
    expect(auditsOf(second!)[0]).toMatchObject({
      kind: 'updated',
      action: 'monitoring.spotCheckSample',
      changes: {
        spotCheckSample: { before: { rate: 0.03, min: 1, max: 20 }, after: { rate: 0.05, min: 1, max: 20 } },
      },
    });
  });

  it('report preferences: created the first time, then updated with before / after', async () => {
    const store = dynamoReportStore(documents, table);
    ddb.on(TransactWriteCommand).resolves({});
    ddb
      .on(GetCommand)
      .resolvesOnce({})
      .resolves({
        Item: { pk: 'ADMIN#bj-admin', sk: 'REPORT_PREFERENCES', reportsOptOut: true, version: 1 },
      });
    await store.putPreferences(beijingAdmin, true, at);
    await store.putPreferences(beijingAdmin, false, at);
    const [first, second] = transactions();
    expect(first!.TransactItems![0]!.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(auditsOf(first!)[0]).toMatchObject({ kind: 'created', after: { reportsOptOut: true } });
    expect(auditsOf(second!)[0]).toMatchObject({
      kind: 'updated',
      changes: { reportsOptOut: { before: true, after: false } },
    });
  });
});

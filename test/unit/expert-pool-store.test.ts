/** The DynamoDB adapter of the expert pool and its commissions, with the document client mocked (aws-sdk-client-mock). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CommissionPatent, StoredCommission } from '../../functions/experts/commissions.ts';
import { dynamoExpertPoolStore } from '../../functions/experts/expert-pool-store.ts';
import { evaluationRequestItem } from '../../functions/market/push-store.ts';
import type { Expert } from '../../schemas/market.ts';
import { cancelled } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const store = dynamoExpertPoolStore(documents, table);
const N = '202010123456.2';
const ENT = '91110000802100433B';
const at = '2026-03-01T02:00:00.000Z';
const expertCaller = { sub: 'x1', roles: ['expert' as const] };

beforeEach(() => ddb.reset());

const sentTransaction = (i = 0) =>
  ddb.commandCalls(TransactWriteCommand)[i]!.args[0].input as TransactWriteCommandInput;

const patent: CommissionPatent = {
  applicationNumber: N,
  institutionUscc: '12100000400000624D',
  provinceCode: '110000',
  title: '一种锂电池正极材料',
  patentType: 'invention',
  poolStatus: 'conversion',
  strategicIndustries: [],
  classifications: ['H01M 4/36'],
  conversionIntents: ['license'],
  version: 4,
};
const commission: StoredCommission = {
  commissionId: `${N}~${ENT}~x1`,
  applicationNumber: N,
  institutionUscc: patent.institutionUscc,
  expert: { expertId: 'x1', name: '林专家', title: '教授', affiliationUscc: '12100000400001186K' },
  requester: {
    kind: 'enterprise',
    uscc: ENT,
    name: '某电池企业',
    contact: { name: '王经理', email: 'w@example.com' },
  },
  message: '请评估',
  status: 'pending',
  createdAt: at,
  version: 1,
  requestHash: 'h',
};
const accepted: StoredCommission = {
  ...commission,
  status: 'accepted',
  decidedAt: at,
  expertContact: { email: 'x1@example.org' },
  version: 2,
};

describe('commissions', () => {
  it('created once: conditioned on absence, listed for the expert (gsi1) and the requester (gsi2), audited', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.create(commission, { sub: 'ent-user', roles: ['enterprise'] }, undefined)).toBe(
      'created',
    );
    const [put, audit] = sentTransaction().TransactItems!;
    expect(put?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `COMMISSION#${commission.commissionId}`,
        sk: 'COMMISSION',
        entity: 'commission',
        gsi1pk: 'EXP#x1#COMMISSION',
        gsi2pk: `ENT#${ENT}#COMMISSION`,
      },
    });
    expect(audit?.Put?.Item).toMatchObject({
      pk: `COMMISSION#${commission.commissionId}`,
      action: 'commission.requested',
    });
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await store.create(commission, { sub: 'ent-user', roles: ['enterprise'] }, undefined)).toBe(
      'exists',
    );
  });

  it("the accept writes the expert's evaluation request as a push would, in the same transaction", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.decide(commission, accepted, expertCaller, undefined, { patent })).toBe('saved');
    const items = sentTransaction().TransactItems!;
    expect(items[0]?.Put).toMatchObject({
      ConditionExpression: 'version = :version AND #status = :pending',
      ExpressionAttributeValues: { ':version': 1, ':pending': 'pending' },
    });
    const request = items.find((i) => i.Put?.Item?.entity === 'evaluation-request')?.Put;
    expect(request?.ConditionExpression).toBe('attribute_not_exists(pk)');
    const pushed = evaluationRequestItem(
      patent,
      { kind: 'expert', id: 'x1', score: 0, reasons: [], explanationZh: '', explanationEn: '' },
      at,
    );
    expect(request?.Item).toMatchObject({
      pk: pushed.pk,
      sk: pushed.sk,
      gsi1pk: pushed.gsi1pk,
      gsi1sk: pushed.gsi1sk,
      status: 'pending',
      evaluatorKind: 'expert',
      evaluatorId: 'x1',
      commissionId: commission.commissionId,
    });
    expect(items.map((i) => i.Put?.Item?.action).filter(Boolean)).toEqual([
      'commission.accepted',
      'evaluation-request.created',
    ]);
  });

  it('a decline writes no request; a moved-on commission or a request that appeared is a conflict', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const declined = {
      ...commission,
      status: 'declined' as const,
      declineReason: '没空',
      decidedAt: at,
      version: 2,
    };
    await store.decide(commission, declined, expertCaller, undefined, undefined);
    expect(sentTransaction().TransactItems).toHaveLength(2);
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed', 'None'));
    expect(await store.decide(commission, accepted, expertCaller, undefined, { patent })).toBe('conflict');
  });
});

describe('admission', () => {
  const expert: Expert = {
    expertId: 'x1',
    name: '林专家',
    title: '教授',
    affiliationUscc: '12100000400001186K',
    provinceCode: '110000',
    industryCodes: ['3841'],
    strategicIndustries: [],
    ipcInterests: [],
    email: 'x1@example.org',
    active: true,
    status: 'pending',
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  it('the decision is conditioned on the version read; a verified expert is then listed without contact', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    const verified = { ...expert, status: 'verified' as const, version: 2 };
    expect(await store.decideExpert(verified, expert, { sub: 'a', roles: ['province-admin'] })).toBe(true);
    expect(sentTransaction().TransactItems![0]?.Put).toMatchObject({
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': 1 },
    });
    const written = ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => Object.values(c.args[0].input.RequestItems ?? {}).flat())
      .map((r) => r.PutRequest?.Item);
    expect(written.map((i) => i?.pk).sort()).toEqual(
      ['EXPDIR#ALL', 'EXPDIR#IND#3841', 'EXPDIR#IND#384', 'EXPDIR#IND#38', 'EXPDIR#IND#C'].sort(),
    );
    for (const item of written) {
      expect(item).not.toHaveProperty('email');
      expect(item).not.toHaveProperty('phone');
    }
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await store.decideExpert(verified, expert, { sub: 'a', roles: ['province-admin'] })).toBe(false);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});

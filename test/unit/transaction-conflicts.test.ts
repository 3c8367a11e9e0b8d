/**
 * Defect 8: a cancelled transaction is not "already done". Each store below once read any
 * TransactionCanceledException as "already sent / already changed", so a TransactionConflict (two
 * writers touching the same item at the same moment) silently skipped a week's feedback mail, a day's
 * digest, a review or an evaluation decision. Now only a ConditionalCheckFailed on the item that proves
 * "already done" means that; a conflict is sent again, and when it persists it surfaces as a 503.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoEvaluationStore } from '../../functions/evaluations/evaluation-store.ts';
import { dynamoFeedbackStore } from '../../functions/evaluations/weekly-feedback-store.ts';
import { dynamoDigestStore } from '../../functions/market/digest-store.ts';
import { dynamoEvaluatorStore } from '../../functions/market/evaluator-store.ts';
import { dynamoReviewStore } from '../../functions/patents/review-store.ts';
import type { Enterprise } from '../../schemas/market.ts';
import { cancelled } from '../support/dynamo-cancellations.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const at = '2026-03-02T01:00:00.000Z';
const clock = () => new Date(at);
const caller = { sub: 'reviewer', roles: ['institution' as const] };
const NUMBER = '202010123456.2';
const USCC = '12100000400000624D';
const mail = { to: ['ops@example.org'], subject: '周报', text: '...', attachments: [] };

const reviewed = {
  applicationNumber: NUMBER,
  institutionUscc: USCC,
  reviewStatus: 'submitted' as const,
  poolStatus: 'base' as const,
  legalStatus: 'granted',
  conversionIntents: [],
  version: 3,
};
const enterprise: Enterprise = {
  uscc: '91110000802100433B',
  name: '某科技有限公司',
  provinceCode: '110000',
  types: [],
  industryCodes: [],
  strategicIndustries: [],
  ipcInterests: [],
  contact: { name: '联系人' },
  status: 'pending',
  usccChecksumValid: true,
  createdAt: at,
  updatedAt: at,
  version: 1,
};

/** Each write that once read any cancellation as "already done", with the item that really proves it. */
const writes: Array<{ name: string; write: () => Promise<unknown>; items: number; doneIndex: number }> = [
  {
    name: 'weekly feedback mail (sendOnce)',
    write: () => dynamoFeedbackStore(documents, table, clock).sendOnce(USCC, '2026-W09', mail),
    items: 2,
    doneIndex: 0,
  },
  {
    name: 'market digest (sendOnce)',
    write: () => dynamoDigestStore(documents, table, clock).sendOnce('expert', 'exp-1', '2026-03-02', mail),
    items: 2,
    doneIndex: 0,
  },
  {
    name: 'enterprise registration (saveEnterprise)',
    write: () => dynamoEvaluatorStore(documents, table).saveEnterprise(enterprise, undefined, caller),
    items: 2,
    doneIndex: 0,
  },
  {
    name: 'inventory review (apply)',
    write: () =>
      dynamoReviewStore(documents, table).apply(
        reviewed,
        { set: { reviewStatus: 'returned' }, audit: { action: 'patent.review.return' } },
        caller,
        at,
      ),
    items: 2,
    doneIndex: 0,
  },
  {
    name: 'inventory approval with its transition (apply)',
    write: () =>
      dynamoReviewStore(documents, table).apply(
        reviewed,
        {
          set: { reviewStatus: 'approved' },
          audit: { action: 'patent.review.approve' },
          transition: { event: 'inventoried', context: { pool: 'base' }, eventId: 'review#1', details: {} },
        },
        caller,
        at,
      ),
    items: 4,
    doneIndex: 3,
  },
  {
    name: 'evaluation request declined (declineRequest)',
    write: () =>
      dynamoEvaluationStore(documents, table).declineRequest(
        NUMBER,
        { kind: 'expert', id: 'exp-1' },
        { at },
        caller,
      ),
    items: 2,
    doneIndex: 0,
  },
  {
    name: 'evaluation window closed (closeWindow)',
    write: () =>
      dynamoEvaluationStore(documents, table).closeWindow(
        {
          applicationNumber: NUMBER,
          institutionUscc: USCC,
          provinceCode: '110000',
          poolStatus: 'conversion',
          version: 7,
          lifecycle: 'under-evaluation',
          evaluationStatus: 'open',
          evaluationOpenedAt: '2026-01-01T00:00:00.000Z',
        },
        { at, reason: 'deadline', aggregate: {} as never },
      ),
    items: 4,
    doneIndex: 3,
  },
];

const reasons = (items: number, index: number, code: string) =>
  Array.from({ length: items }, (_, i) => (i === index ? code : 'None'));

beforeEach(() => {
  ddb.reset();
  // Backoff waits Math.random() * cap: no waiting in unit tests.
  vi.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => vi.restoreAllMocks());

describe.each(writes)('$name', ({ write, items, doneIndex }) => {
  it('a TransactionConflict is sent again, not taken for "already done"', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(...reasons(items, 1, 'TransactionConflict')))
      .resolves({});
    await expect(write()).resolves.toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('a conflict that persists surfaces as a retryable 503 telling the caller to send again', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(...reasons(items, 0, 'TransactionConflict')));
    await expect(write()).rejects.toMatchObject({ statusCode: 503, message: expect.stringMatching(/again/) });
    expect(ddb.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
  });

  it('a failed condition on the item that proves it is done answers false, without retrying', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(...reasons(items, doneIndex, 'ConditionalCheckFailed')));
    await expect(write()).resolves.toBe(false);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

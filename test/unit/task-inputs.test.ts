/**
 * Inputs of workflow tasks and schedules are parsed at the edge (schemas/task-inputs.ts): a task
 * invoked with the wrong payload fails at once, naming the field, before it reads or writes anything.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as sendDigests } from '../../functions/market/send-digests.handler.ts';
import { taskInput } from '../../functions/pipeline/task.ts';
import {
  digestInputSchema,
  overdueSweepInputSchema,
  prepareReportInputSchema,
  recomputeMetricsInputSchema,
  reportRunInputSchema,
  reportScopeInputSchema,
  spotCheckRunInputSchema,
  sweepRoundInputSchema,
} from '../../schemas/task-inputs.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

const event = {
  eventId: 'inventoried:201910010001.5:3',
  type: 'inventoried',
  applicationNumber: '201910010001.5',
  version: 3,
  from: 'registered',
  to: 'conversion-pool',
  at: '2026-12-01T08:00:00.000Z',
  actor: 'institution',
  details: {},
  legacyAttribute: 'kept',
};

describe('pipeline task payloads', () => {
  it('a stage task reads its event and the execution', () => {
    const input = taskInput({ event, executionArn: 'arn:aws:states:x' }, 'MatchAndPush', ['inventoried']);
    expect(input.event.eventId).toBe(event.eventId);
    expect(input.executionArn).toBe('arn:aws:states:x');
    expect((input.event as unknown as Record<string, unknown>).legacyAttribute).toBe('kept');
  });

  it.each([
    [undefined, /\(payload\)/],
    [{}, /event: /],
    [{ event: { ...event, eventId: '' } }, /event\.eventId/],
    [{ event: { ...event, version: '3' } }, /event\.version/],
    [{ event: { ...event, type: 'teleported' } }, /event\.type/],
    [{ event: { ...event, type: 'dealRecorded' } }, /dealRecorded has no MatchAndPush stage/],
  ])('refuses %j, naming what is wrong', (payload, problem) => {
    expect(() => taskInput(payload, 'MatchAndPush', ['inventoried'])).toThrow(problem);
  });
});

describe('schedule and workflow inputs', () => {
  it('digest: no input means yesterday; a day must be a date', () => {
    expect(digestInputSchema.parse(null)).toEqual({});
    expect(digestInputSchema.parse({ day: '2026-11-24' })).toEqual({ day: '2026-11-24' });
    expect(digestInputSchema.safeParse({ day: '24.11.2026' }).success).toBe(false);
  });

  it('overdue sweep: an instant with its offset, or none', () => {
    expect(overdueSweepInputSchema.parse(undefined)).toEqual({});
    expect(overdueSweepInputSchema.parse({ now: '2026-12-06T01:00:00.000Z', rounds: 2 })).toEqual({
      now: '2026-12-06T01:00:00.000Z',
    });
    expect(overdueSweepInputSchema.safeParse({ now: 'yesterday' }).success).toBe(false);
  });

  it('report scopes name a quarter as YYYYQn', () => {
    expect(reportScopeInputSchema.safeParse({ quarter: '2025Q4', scope: '110000' }).success).toBe(true);
    expect(reportScopeInputSchema.safeParse({ quarter: '2025-Q4', scope: '110000' }).success).toBe(false);
  });

  it('spot checks: the local runner strings become numbers; a rate that is not a number is named', () => {
    expect(spotCheckRunInputSchema.parse(undefined)).toEqual({});
    expect(
      spotCheckRunInputSchema.parse({ quarter: '2025Q4', rate: '0.05', min: '1', max: 20, province: 110000 }),
    ).toEqual({ quarter: '2025Q4', rate: 0.05, min: 1, max: 20, province: '110000' });
    const wrong = spotCheckRunInputSchema.safeParse({ rate: 'five percent', min: '1.5' });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => i.path.join('.'))).toEqual(['rate', 'min']);
    expect(wrong.error?.issues[0]?.message).toContain('such as 0.05');
  });

  it('sweep rounds: the previous output goes back in; limits are whole numbers from 1', () => {
    expect(sweepRoundInputSchema.parse(null)).toEqual({});
    const output = {
      totals: { expired: 3 },
      cursor: { pk: 'P#1' },
      rounds: 2,
      more: true,
      limits: { pageSize: 5 },
    };
    expect(sweepRoundInputSchema.parse(output)).toEqual(output);
    expect(sweepRoundInputSchema.safeParse({ limits: { pageSize: 0 } }).success).toBe(false);
    expect(sweepRoundInputSchema.safeParse({ totals: { expired: 'three' } }).success).toBe(false);
  });

  it('report runs: no quarter (or an empty one) means the last ended quarter; resend as a flag or its word', () => {
    expect(reportRunInputSchema.parse(null)).toEqual({});
    expect(reportRunInputSchema.parse({ quarter: '', resend: 'true' })).toEqual({ resend: true });
    expect(reportRunInputSchema.parse({ quarter: null })).toEqual({});
    expect(reportRunInputSchema.safeParse({ resend: 'yes' }).success).toBe(false);
    expect(
      prepareReportInputSchema.parse({ input: { quarter: '2025Q4', resend: false }, runId: 'arn:run' }),
    ).toEqual({ input: { quarter: '2025Q4', resend: false }, runId: 'arn:run' });
  });

  it('metrics recompute: quarters and provinces as lists or comma-separated words, each checked', () => {
    expect(recomputeMetricsInputSchema.parse(undefined)).toEqual({});
    expect(
      recomputeMetricsInputSchema.parse({
        closeOnly: 'true',
        quarters: '2025Q3, 2025Q4',
        provinces: ['110000'],
      }),
    ).toEqual({ closeOnly: true, quarters: ['2025Q3', '2025Q4'], provinces: ['110000'] });
    const wrong = recomputeMetricsInputSchema.safeParse({
      quarters: ['2025-4'],
      provinces: '999999',
      segments: 0,
    });
    expect(wrong.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'provinces.0',
      'quarters.0',
      'segments',
    ]);
  });

  it('the digest schedule target refuses a wrong day before reading anything', async () => {
    await expect(sendDigests({ day: '2026-13-45' }, lambdaContext())).rejects.toThrow();
    expect(ddb.calls()).toHaveLength(0);
  });
});

/**
 * The deadline sweep on the local cloud with the real tasks: windows past their deadline closed,
 * promotions past their window listed (in several bounded rounds), a stale due entry cleaned, and a
 * branch failing on a corrupt item -> retried, then recorded in the output while the other branch
 * completes. Each run's event history is read back through GetExecutionHistory.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { clients, cloud, eventually, tableName } from './helpers.ts';

const core = tableName('core');
// Application numbers of this file only (year 2099, which no other file uses).
const WINDOW = '209905100001.1';
const PROMO_A = '209905100002.X';
const PROMO_B = '209905100003.8';
const STALE = '209905100004.6';
const NOT_DUE = '209905100005.4';
const CORRUPT = '209905100006.2';
const INSTITUTION = '12100000400009905X';
const past = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

const patent = (n: string, fields: Record<string, unknown>) => ({
  pk: `PAT#${n}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: n,
  title: `扫描测试 ${n}`,
  patentType: 'invention',
  institutionUscc: INSTITUTION,
  provinceCode: '65',
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  version: 4,
  ...fields,
});
const promoted = (n: string, lifecycle: string, due: string) =>
  patent(n, {
    lifecycle,
    tier: 'high-value',
    promotionDueAt: due,
    gsi3pk: 'DUE#promotion',
    gsi3sk: `${due}#${n}`,
  });

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const { sfn } = clients();
  await eventually(async () => {
    const e = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return e.status === 'RUNNING' ? undefined : e;
  }, 30_000);
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
}
const entered = (events: HistoryEvent[]) =>
  events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
const read = async (n: string) =>
  (
    await clients().documents.send(
      new GetCommand({ TableName: core, Key: { pk: `PAT#${n}`, sk: 'PATENT' }, ConsistentRead: true }),
    )
  ).Item!;

afterAll(async () => {
  await clients().documents.send(
    new DeleteCommand({ TableName: core, Key: { pk: `PAT#${CORRUPT}`, sk: 'PATENT' } }),
  );
});

describe('deadline-sweep workflow on the local cloud', () => {
  it('closes due windows and lists due promotions in bounded rounds; the history shows each step', async () => {
    const { documents, sfn } = clients();
    const items = [
      patent(WINDOW, {
        lifecycle: 'under-evaluation',
        evaluationStatus: 'open',
        evaluationOpenedAt: past(61),
        evaluationDeadline: past(1),
        gsi3pk: 'DUE#evaluation-window',
        gsi3sk: `${past(1)}#${WINDOW}`,
      }),
      promoted(PROMO_A, 'high-value', past(2)),
      promoted(PROMO_B, 'key-industry-pool', past(1)),
      promoted(STALE, 'licensed', past(3)),
      promoted(NOT_DUE, 'high-value', future(30)),
    ];
    for (const Item of items) await documents.send(new PutCommand({ TableName: core, Item }));

    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const machine = stateMachines.find((m) => m.stateMachineArn?.endsWith('-deadline-sweep'));
    expect(machine?.type).toBe('STANDARD');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machine!.stateMachineArn,
        // One due promotion per round: the loop runs several rounds on three due entries.
        input: JSON.stringify({ limits: { pageSize: 1, maxPages: 1 } }),
      }),
    );
    const events = await history(executionArn!);
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!);
    expect(output.evaluationWindows).toMatchObject({ branch: 'evaluationWindows', ok: true, complete: true });
    expect(output.evaluationWindows.counts.closed).toBeGreaterThanOrEqual(1);
    expect(output.promotions).toMatchObject({ branch: 'promotions', ok: true, complete: true });
    expect(output.promotions.counts.expired).toBeGreaterThanOrEqual(2);
    expect(output.promotions.counts.stale).toBeGreaterThanOrEqual(1);
    expect(output.promotions.rounds).toBeGreaterThanOrEqual(3);
    expect(output.overdueFilings).toMatchObject({ branch: 'overdueFilings', ok: true, rounds: 1 });

    const types = events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types).toContain('ParallelStateEntered');
    const names = entered(events);
    expect(names.filter((n) => n === 'ExpirePromotions').length).toBe(output.promotions.rounds);
    expect(names).toEqual(
      expect.arrayContaining([
        'CloseEvaluationWindows',
        'AddWindowCounts',
        'MoreWindows',
        'EvaluationWindowsDone',
        'MorePromotions',
        'PromotionsComplete',
        'FlagOverdueFilings',
        'OverdueFilingsDone',
        'Summarize',
      ]),
    );
    expect(names).not.toContain('PromotionsFailed');

    for (const n of [PROMO_A, PROMO_B]) {
      const item = await read(n);
      expect(item).toMatchObject({ lifecycle: 'listed', version: 5, lifecycleEvent: 'promotionExpired' });
      expect(item.gsi3pk).toBeUndefined();
    }
    expect(await read(STALE)).toMatchObject({ lifecycle: 'licensed', version: 4 });
    expect((await read(STALE)).gsi3pk).toBeUndefined();
    expect(await read(NOT_DUE)).toMatchObject({ lifecycle: 'high-value', gsi3pk: 'DUE#promotion' });
    // the window closed with its evaluationClosed pipeline event (which the pipeline then handles)
    expect((await read(WINDOW)).gsi3pk).not.toBe('DUE#evaluation-window');
    const { Items = [] } = await documents.send(
      new QueryCommand({
        TableName: core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
        ExpressionAttributeValues: { ':pk': `PAT#${WINDOW}`, ':event': 'EVENT#' },
      }),
    );
    expect(Items.map((i) => i.type)).toContain('evaluationClosed');
    const expiry = await documents.send(
      new GetCommand({
        TableName: core,
        Key: { pk: `PAT#${PROMO_A}`, sk: 'EVENT#000005#promotionExpired' },
        ConsistentRead: true,
      }),
    );
    expect(expiry.Item).toMatchObject({ type: 'promotionExpired', from: 'high-value', to: 'listed' });
  });

  it('npm run job -- deadline-sweep: a corrupt due item fails its branch after the retry; the failure is recorded and the rest completes', async () => {
    const { documents } = clients();
    const due = past(1);
    const { version: _, ...corrupt } = promoted(CORRUPT, 'high-value', due);
    await documents.send(new PutCommand({ TableName: core, Item: corrupt }));
    const response = await fetch(`${cloud().controlUrl}/_local/schedules/deadline-sweep/fire`, {
      method: 'POST',
      body: JSON.stringify({}),
    });
    const run = (await response.json()) as {
      ok: boolean;
      result: { executionArn: string; output: Record<string, Record<string, unknown>> };
    };
    expect(run.ok).toBe(true);
    expect(run.result.output.promotions).toMatchObject({
      branch: 'promotions',
      ok: false,
      error: 'SweepItemsFailed',
    });
    expect(String(run.result.output.promotions!.cause)).toContain(CORRUPT);
    expect(run.result.output.evaluationWindows).toMatchObject({ ok: true });
    const events = await history(run.result.executionArn);
    const types = events.map((e) => e.type);
    expect(types).toContain('StateRetried');
    expect(types).toContain('StateCaught');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(entered(events)).toContain('PromotionsFailed');
    // the first try and its retry both failed (a retry stays in the state: no second StateEntered)
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(2);
    // the corrupt item is untouched, still due: the next sweep tries again once it is repaired
    expect(await read(CORRUPT)).toMatchObject({ lifecycle: 'high-value', gsi3pk: 'DUE#promotion' });
  }, 60_000);
});

/**
 * workflows/patent-pipeline.asl.json, every path, run by aws-local-stepfunctions with stub tasks (the
 * integration test runs it with the real functions): routing by event, payload shape, retries with
 * backoff and jitter, no retry of an illegal transition, the recorded failure state. Also the rules the
 * definition keeps: JSONPath only, every task retried and caught.
 */
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { type PipelineEvent, pipelineHandledEvents, stageOf } from '../../functions/pipeline/events.ts';
import { substitute } from '../../infra/local/step-functions.ts';
import { lambdaInvokeArn, workflowVariables } from '../../infra/resources/declarations.ts';
import { pipelineWorkflows } from '../../infra/resources/pipeline.ts';

const text = readFileSync('workflows/patent-pipeline.asl.json', 'utf8');
// As deployed in the aws partition: the invoke integration's variable substituted.
const definition = JSON.parse(
  substitute(text, { [workflowVariables.lambdaInvoke]: lambdaInvokeArn('aws') }),
) as { States: Record<string, Record<string, unknown>> };
const taskStates = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');

const event = (type: PipelineEvent['type'], to: PipelineEvent['to']): PipelineEvent => ({
  eventId: `${type}:202010123456.2`,
  type,
  applicationNumber: '202010123456.2',
  version: 3,
  from: 'registered',
  to,
  at: '2026-11-25T10:00:00.000Z',
  actor: 'x',
  details: {},
});

async function run(
  input: { event: PipelineEvent },
  fail: Record<string, () => Error> = {},
): Promise<{
  entered: string[];
  calls: Array<{ state: string; payload: Record<string, unknown> }>;
  output?: unknown;
  error?: Error;
  retried: number;
}> {
  const calls: Array<{ state: string; payload: Record<string, unknown> }> = [];
  const handler = (state: string) => async (raw: unknown) => {
    const payload = (raw as { Payload: Record<string, unknown> }).Payload;
    calls.push({ state, payload });
    const error = fail[state]?.();
    if (error) throw error;
    return { Payload: { ok: state }, StatusCode: 200 };
  };
  const machine = new StateMachine(definition as never, {
    validationOptions: { checkPaths: true, checkArn: false },
  });
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        taskStates.map(([name]) => [name, handler(name)]),
      ) as never,
      retryIntervalOverrides: Object.fromEntries(taskStates.map(([name]) => [name, 0])),
    },
    context: { Execution: { Id: 'arn:aws:states:r:1:execution:patent-pipeline:e1' } } as never,
  });
  const entered: string[] = [];
  let retried = 0;
  const log = (async () => {
    for await (const e of execution.eventLogs) {
      const ev = e as unknown as { type: string; state?: { name: string } };
      if (ev.type === 'StateEntered') entered.push(ev.state!.name);
      if (ev.type === 'StateRetried') retried++;
    }
  })();
  try {
    const output = await execution.result;
    await log;
    return { entered, calls, output, retried };
  } catch (error) {
    await log.catch(() => undefined);
    return { entered, calls, error: error as Error, retried };
  }
}

describe('patent-pipeline workflow', () => {
  it('keeps to JSONPath (the local runner ignores JSONata) and retries and catches every stage task', () => {
    expect(text).not.toMatch(/"QueryLanguage"|"Assign"|\{%/);
    for (const [name, state] of taskStates) {
      expect(state.Resource, name).toBe(lambdaInvokeArn('aws'));
      if (name === 'RecordFailure') continue;
      expect(state.Retry, name).toEqual([
        { ErrorEquals: ['IllegalTransitionError'], MaxAttempts: 0 },
        {
          ErrorEquals: ['States.ALL'],
          IntervalSeconds: 1,
          MaxAttempts: 3,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
      ]);
      expect(state.Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
      ]);
    }
    // Every ${Variable} but the invoke integration is a declared task function, and every declared one is used.
    const variables = [...text.matchAll(/\$\{(\w+)\}/g)]
      .map((m) => m[1])
      .filter((v) => v !== 'LambdaInvoke')
      .sort();
    expect(variables).toEqual(Object.keys(pipelineWorkflows['patent-pipeline'].tasks).sort());
  });

  it('routes each handled event to its stage (the same table as stageOf), with { event, executionArn }', async () => {
    const cases: Array<[PipelineEvent, string | undefined]> = [
      [event('inventoried', 'conversion-pool'), 'MatchAndPush'],
      [event('inventoried', 'base-pool'), undefined],
      [event('rescreened', 'conversion-pool'), 'MatchAndPush'],
      [event('rescreened', 'base-pool'), undefined],
      [event('evaluationClosed', 'evaluated'), 'TierPatent'],
      [event('dealRecorded', 'licensed'), 'NotifyTransition'],
      [event('filingConfirmed', 'filed'), 'NotifyTransition'],
      [event('productFiled', 'industrialized'), 'NotifyTransition'],
      [event('tiered', 'listed'), undefined],
    ];
    for (const [e, stage] of cases) {
      expect(stageOf(e), e.type).toBe(stage);
      const result = await run({ event: e });
      expect(result.entered, `${e.type} -> ${e.to}`).toEqual(
        stage ? ['Route', stage, 'Done'] : ['Route', 'NothingToDo'],
      );
      if (stage) {
        expect(result.calls).toEqual([
          {
            state: stage,
            payload: { event: e, executionArn: 'arn:aws:states:r:1:execution:patent-pipeline:e1' },
          },
        ]);
        expect(result.output).toMatchObject({ event: e, result: { output: { ok: stage } } });
      }
    }
    for (const type of pipelineHandledEvents) expect(text).toContain(`"${type}"`);
  });

  it('a stage failing on every attempt is retried three times, then recorded, and the execution fails', async () => {
    const e = event('inventoried', 'conversion-pool');
    const result = await run({ event: e }, { MatchAndPush: () => new TypeError('x is not iterable') });
    expect(result.entered).toEqual(['Route', 'MatchAndPush', 'RecordFailure', 'PipelineFailed']);
    expect(result.calls.filter((c) => c.state === 'MatchAndPush')).toHaveLength(4);
    expect(result.retried).toBe(3);
    expect(result.calls.at(-1)).toEqual({
      state: 'RecordFailure',
      payload: {
        event: e,
        error: { Error: 'TypeError', Cause: 'x is not iterable' },
        executionArn: 'arn:aws:states:r:1:execution:patent-pipeline:e1',
      },
    });
    expect((result.error as Error & { cause?: Error }).cause?.name).toBe('PipelineStageFailed');
  });

  it('a transient failure is retried and the stage completes; an illegal transition is not retried', async () => {
    let attempts = 0;
    const flaky = await run(
      { event: event('evaluationClosed', 'evaluated') },
      { TierPatent: () => (++attempts < 3 ? new Error('throttled') : (undefined as never)) },
    );
    expect(flaky.entered).toEqual(['Route', 'TierPatent', 'Done']);
    expect(flaky.retried).toBe(2);

    const illegal = Object.assign(new Error('A patent in state "withdrawn" cannot ...'), {
      name: 'IllegalTransitionError',
    });
    const refused = await run(
      { event: event('dealRecorded', 'licensed') },
      { NotifyTransition: () => illegal },
    );
    expect(refused.retried).toBe(0);
    expect(refused.entered).toEqual(['Route', 'NotifyTransition', 'RecordFailure', 'PipelineFailed']);
  });
});

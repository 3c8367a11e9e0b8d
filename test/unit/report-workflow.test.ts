/**
 * The quarterly-report workflow, every path, run by aws-local-stepfunctions with stub tasks (the
 * integration test runs it with the real functions): the event log shows which states ran.
 */
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { substitute } from '../../infra/local/step-functions.ts';
import { lambdaInvokeArn, workflowVariables } from '../../infra/resources/declarations.ts';

// As deployed in the aws partition: the invoke integration's variable substituted.
const definition = JSON.parse(
  substitute(readFileSync('workflows/quarterly-report.asl.json', 'utf8'), {
    [workflowVariables.lambdaInvoke]: lambdaInvokeArn('aws'),
  }),
);
const scopes = ['110000', '310000', '440000'];

type Handler = (input: Record<string, unknown>) => Promise<unknown>;
type Payload = { quarter: string; scope: string; resend: boolean; runId: string };

async function run(
  input: Record<string, unknown>,
  overrides: { compute?: (p: Payload) => void; prepare?: Handler } = {},
) {
  const calls: Array<{ state: string; payload: Record<string, unknown> }> = [];
  const invoke =
    (state: string, fn: (payload: Record<string, unknown>) => Promise<unknown>) => async (input: unknown) => {
      const payload = (input as { Payload: Record<string, unknown> }).Payload;
      calls.push({ state, payload });
      return { Payload: await fn(payload), StatusCode: 200 };
    };
  const compute = async (p: Record<string, unknown>) => {
    overrides.compute?.(p as Payload);
    return { scope: p.scope, hasData: true };
  };
  const render = async (p: Record<string, unknown>) => ({ scope: p.scope });
  const email = async (p: Record<string, unknown>) => ({
    quarter: p.quarter,
    scope: p.scope,
    hasData: true,
    generatedAt: 'now',
    recipients: [{ sub: `admin-${p.scope}`, status: 'queued' }],
  });
  const prepare =
    overrides.prepare ??
    (async (p: Record<string, unknown>) => {
      const given = (p.input as { quarter?: string; resend?: boolean }).quarter;
      if (given === '2025Q5') throw Object.assign(new Error('not a quarter'), { name: 'InvalidReportRun' });
      return {
        quarter: given ?? '2026Q3',
        resend: (p.input as { resend?: boolean }).resend === true,
        runId: p.runId,
        scopes,
      };
    });
  let recorded: Record<string, unknown> | undefined;
  const record = async (p: Record<string, unknown>) => {
    recorded = p;
    const all = [p.national, ...(p.provinces as unknown[])] as Array<{ failed?: boolean; scope: string }>;
    return { failedScopes: all.filter((o) => o.failed).length };
  };
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: false } });
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: {
        Prepare: invoke('Prepare', prepare),
        NationalCompute: invoke('NationalCompute', compute),
        NationalRender: invoke('NationalRender', render),
        NationalEmail: invoke('NationalEmail', email),
        ProvinceCompute: invoke('ProvinceCompute', compute),
        ProvinceRender: invoke('ProvinceRender', render),
        ProvinceEmail: invoke('ProvinceEmail', email),
        Record: invoke('Record', record),
      } as never,
      retryIntervalOverrides: Object.fromEntries(
        [
          'Prepare',
          'NationalCompute',
          'NationalRender',
          'NationalEmail',
          'ProvinceCompute',
          'ProvinceRender',
          'ProvinceEmail',
          'Record',
        ].map((s) => [s, 0]),
      ),
    },
    context: { Execution: { Id: 'arn:aws:states:local:0:execution:qr:run-1' } } as never,
  });
  const events: Array<{ type: string; state?: { name: string } }> = [];
  const collect = (async () => {
    for await (const event of execution.eventLogs) events.push(event as never);
  })();
  let output: unknown;
  let error: Error | undefined;
  try {
    output = await execution.result;
  } catch (e) {
    error = e as Error;
  }
  await collect;
  const entered = events.filter((e) => e.type === 'StateEntered').map((e) => e.state!.name);
  return { calls, recorded, output, error, entered, events };
}

describe('quarterly-report workflow', () => {
  it('happy path: national, then every province through compute -> render -> email, then record', async () => {
    const { calls, recorded, error, entered } = await run({ quarter: '2025Q4' });
    expect(error).toBeUndefined();
    expect(entered.slice(0, 5)).toEqual([
      'Prepare',
      'NationalCompute',
      'NationalRender',
      'NationalEmail',
      'Provinces',
    ]);
    expect(entered.slice(-3)).toEqual(['Record', 'AllScopesDone', 'Reported']);
    expect(entered.filter((s) => s === 'ProvinceEmail')).toHaveLength(3);
    expect(calls.find((c) => c.state === 'NationalCompute')!.payload).toEqual({
      quarter: '2025Q4',
      scope: 'national',
      resend: false,
      runId: 'arn:aws:states:local:0:execution:qr:run-1',
    });
    expect(
      calls
        .filter((c) => c.state === 'ProvinceCompute')
        .map((c) => c.payload.scope)
        .sort(),
    ).toEqual(scopes);
    expect((recorded!.national as { scope: string }).scope).toBe('national');
    expect((recorded!.provinces as Array<{ scope: string }>).map((p) => p.scope)).toEqual(scopes);
  });

  it('no quarter in the input (the schedule): Prepare decides it; resend passes through', async () => {
    const { calls, error } = await run({ resend: true });
    expect(error).toBeUndefined();
    expect(calls[0]!.payload.input).toEqual({ resend: true });
    expect(calls.find((c) => c.state === 'ProvinceEmail')!.payload).toMatchObject({
      quarter: '2026Q3',
      resend: true,
    });
  });

  it('an invalid quarter is rejected by Prepare: nothing computed, the execution fails InvalidReportRun', async () => {
    const { entered, error, events } = await run({ quarter: '2025Q5' });
    expect(entered).toEqual(['Prepare', 'RunRejected']);
    expect(error).toBeDefined();
    const failed = events.find((e) => e.type === 'ExecutionFailed') as unknown as {
      Error: string;
      Cause: string;
    };
    expect(failed.Error).toBe('InvalidReportRun');
    expect(failed.Cause).toContain('not a quarter');
  });

  it('one province failing: the others are emailed, the failure is recorded, the execution fails at the end', async () => {
    const { entered, recorded, error, events } = await run(
      { quarter: '2025Q4' },
      {
        compute: (p) => {
          if (p.scope === '310000')
            throw Object.assign(new Error('counters unreadable'), { name: 'MetricsError' });
        },
      },
    );
    expect(entered).toContain('ProvinceFailed');
    expect(entered.filter((s) => s === 'ProvinceEmail')).toHaveLength(2);
    expect(entered.slice(-2)).toEqual(['AllScopesDone', 'SomeScopesFailed']);
    const failed = (recorded!.provinces as Array<{ scope: string; failed?: boolean; error?: string }>).find(
      (p) => p.failed,
    );
    expect(failed).toMatchObject({ scope: '310000', failed: true, error: 'MetricsError' });
    expect(error).toBeDefined();
    expect(events.find((e) => e.type === 'ExecutionFailed')).toMatchObject({ Error: 'ReportScopesFailed' });
  });

  it('the national scope failing: provinces still run, national recorded as failed', async () => {
    const { entered, recorded } = await run(
      { quarter: '2025Q4' },
      {
        compute: (p) => {
          if (p.scope === 'national') throw new Error('boom');
        },
      },
    );
    expect(entered).toContain('NationalFailed');
    expect(entered).not.toContain('NationalRender');
    expect(entered.filter((s) => s === 'ProvinceEmail')).toHaveLength(3);
    expect(recorded!.national).toMatchObject({ scope: 'national', failed: true });
  });
});

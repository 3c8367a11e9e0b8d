/**
 * workflows/batch-ingest.asl.json on the local Step Functions with stub tasks: a Lambda throttle (no
 * free concurrency, e.g. 3,000 files dropped at once: docs/scale.md) is waited out instead of failing
 * the job; other Lambda errors still end in FailBatchJob after a few retries.
 */
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { substitute } from '../../infra/local/step-functions.ts';
import { lambdaInvokeArn, workflowVariables } from '../../infra/resources/declarations.ts';

const definition = JSON.parse(
  substitute(readFileSync('workflows/batch-ingest.asl.json', 'utf8'), {
    [workflowVariables.lambdaInvoke]: lambdaInvokeArn('aws'),
  }),
);

async function run(failures: number, errorName: string) {
  let ingestCalls = 0;
  let failCalls = 0;
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: false } });
  const execution = machine.run({ jobId: 'j1' } as never, {
    overrides: {
      taskResourceLocalHandlers: {
        IngestBatchFile: async () => {
          ingestCalls++;
          if (ingestCalls <= failures) throw Object.assign(new Error('throttled'), { name: errorName });
          return { Payload: { jobId: 'j1', status: 'succeeded' }, StatusCode: 200 };
        },
        FailBatchJob: async () => {
          failCalls++;
          return { Payload: { jobId: 'j1', status: 'failed' }, StatusCode: 200 };
        },
      } as never,
      retryIntervalOverrides: { IngestBatchFile: 0, FailBatchJob: 0 },
    },
    context: { Execution: { Id: 'arn:aws:states:local:0:execution:batch-ingest:j1' } } as never,
  });
  const output = await execution.result.catch((error: Error) => error);
  return { ingestCalls, failCalls, output };
}

describe('batch-ingest workflow', () => {
  it('waits out Lambda throttling (up to 40 retries) instead of failing the job', async () => {
    const result = await run(25, 'Lambda.TooManyRequestsException');
    expect(result).toMatchObject({ ingestCalls: 26, failCalls: 0, output: { status: 'succeeded' } });
  });

  it('throttled beyond the retries: the job is failed, and that is bounded (~35 min of waiting)', async () => {
    const retrier = definition.States.IngestBatchFile.Retry.find((r: { ErrorEquals: string[] }) =>
      r.ErrorEquals.includes('Lambda.TooManyRequestsException'),
    );
    let wait = 0;
    for (let i = 0; i < retrier.MaxAttempts; i++)
      wait += Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** i, retrier.MaxDelaySeconds);
    expect(wait / 60).toBeGreaterThan(30);
    expect(wait / 60).toBeLessThan(40);
    const result = await run(100, 'Lambda.TooManyRequestsException');
    expect(result.ingestCalls).toBe(41);
    expect(result.failCalls).toBe(1);
    expect(result.output).toBeInstanceOf(Error);
  });

  it('other Lambda service errors still fail the job after 3 retries', async () => {
    const result = await run(100, 'Lambda.ServiceException');
    expect(result.ingestCalls).toBe(4);
    expect(result.failCalls).toBe(1);
  });
});

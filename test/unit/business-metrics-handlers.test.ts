/**
 * A handler as Lambda runs it (middy chain, Powertools logMetrics, the real DynamoDB adapter on a
 * mocked client) writes its business metric as an EMF line: `recordPipelineFailure` counts a failed
 * execution once, and a retried invocation of the same execution counts nothing and writes no line.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as z from 'zod';
import type { pipelineFailureInputSchema } from '../../schemas/task-inputs.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const context = {
  functionName: 'recordPipelineFailure',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:recordPipelineFailure',
  memoryLimitInMB: '512',
  functionVersion: '$LATEST',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;
const payload: z.infer<typeof pipelineFailureInputSchema> = {
  event: {
    eventId: 'ev-1',
    type: 'evaluationClosed',
    applicationNumber: '202010123456.2',
    version: 4,
    from: 'under-evaluation',
    to: 'evaluated',
  },
  executionArn: 'arn:aws:states:us-east-1:111122223333:express:patents-unit-patent-pipeline:x:y',
  error: { Error: 'Lambda.Unknown', Cause: 'boom' },
};

describe('recordPipelineFailure handler', () => {
  let log: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    ddb.reset();
    vi.resetModules();
    vi.stubEnv('TABLE_CORE', 'unit-core');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    log = vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  const emf = () =>
    log.mock.calls
      .map((call: unknown[]) => JSON.parse(String(call[0])) as Record<string, unknown>)
      .filter((line: Record<string, unknown>) => '_aws' in line);

  it('counts PipelineFailures once per failed execution', async () => {
    ddb.on(UpdateCommand).resolves({});
    const { handler } = await import('../../functions/pipeline/record-failure.handler.ts');
    expect(await handler(payload, context)).toEqual({ eventId: 'ev-1', recorded: true });
    expect(emf()).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            {
              Namespace: 'Patents',
              Dimensions: [['service']],
              Metrics: [{ Name: 'PipelineFailures', Unit: 'Count' }],
            },
          ],
        }),
        service: 'patents',
        PipelineFailures: 1,
      }),
    ]);
  });

  it('writes nothing for a retried invocation of the same execution', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'seen', $metadata: {} }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { handler } = await import('../../functions/pipeline/record-failure.handler.ts');
    expect(await handler(payload, context)).toEqual({ eventId: 'ev-1', recorded: false });
    expect(emf()).toEqual([]);
    expect(warn.mock.calls.flat().join(' ')).not.toContain('No application metrics');
  });
});

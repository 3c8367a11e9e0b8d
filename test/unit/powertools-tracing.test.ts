/**
 * The Powertools Tracer is loaded only when the deployment turns SDK tracing on
 * (POWERTOOLS_TRACE_ENABLED=true, from `-c sdkTracing=true`): off, clients are left as they are and
 * no X-Ray code runs at init; on, every client gets the X-Ray capture middleware.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';

const middlewareNames = (client: DynamoDBClient) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('SDK tracing', () => {
  it('off: no tracer, no middleware, clients unchanged', async () => {
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
    vi.resetModules();
    const powertools = await import('../../functions/shared/powertools.ts');
    expect(powertools.tracer).toBeUndefined();
    expect(powertools.tracerMiddleware).toBeUndefined();
    const client = new DynamoDBClient({ region: 'us-east-1' });
    const before = middlewareNames(client);
    expect(powertools.traced(client)).toBe(client);
    expect(middlewareNames(client)).toEqual(before);
  });

  it('on: a tracer, a handler middleware, and the X-Ray capture on every client', async () => {
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
    // The Tracer turns itself off outside Lambda's execution environment.
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.resetModules();
    const powertools = await import('../../functions/shared/powertools.ts');
    expect(powertools.tracer).toBeDefined();
    expect(powertools.tracerMiddleware).toMatchObject({ before: expect.any(Function) });
    const client = new DynamoDBClient({ region: 'us-east-1' });
    const before = middlewareNames(client);
    powertools.traced(client);
    expect(middlewareNames(client).length).toBeGreaterThan(before.length);
  });
});

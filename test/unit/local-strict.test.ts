/**
 * The local cloud is never more permissive than AWS (issue 10, item 3): each refusal AWS makes, the
 * local cloud makes too. Every test here failed before the local cloud became strict.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDynamo,
  checkS3,
  createDynamoGate,
  createS3Gate,
  functionAccessKey,
} from '../../infra/local/access.ts';
import {
  byPrecedence,
  compileRoutes,
  matchRoute,
  preflightHeaders,
  responseCorsHeaders,
} from '../../infra/local/api-gateway.ts';
import { createControlServer } from '../../infra/local/control-server.ts';
import { LambdaRuntime, processMemory, resetPeakRss } from '../../infra/local/lambda-runtime.ts';
import { LocalLogs, parseFilterPattern } from '../../infra/local/logs.ts';
import { LocalStepFunctions, maxTimerSeconds, taskStates } from '../../infra/local/step-functions.ts';
import { StreamsPoller, unsupportedFilter } from '../../infra/local/streams.ts';
import { apiCors } from '../../infra/resources/cors.ts';
import { type DeploymentNames, functionEnvironment } from '../../infra/resources/environment.ts';
import { type DeployedRoute, type FunctionName, functions } from '../../infra/resources.ts';

const names: DeploymentNames = {
  stage: 'local',
  logLevel: 'WARN',
  table: (t) => `patents-local-${t}`,
  bucket: (b) => `patents-local-${b}`,
  workflowArn: (w) => `arn:aws:states:us-east-1:000000000000:stateMachine:patents-local-${w}`,
  scheduleGroup: 'patents-local',
  mail: { transport: 'outbox', from: 'noreply@patents.local', outboxDir: '/tmp/outbox' },
  identity: { provider: 'cognito' },
  directory: { devUsers: '[]' },
  cursorSigning: { key: 'k'.repeat(43) },
  settings: {},
  sdkTracing: false,
};
const logical = (physical: string) => physical.replace(/^patents-local-/, '') as never;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const signedBy = (name: FunctionName) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${functionAccessKey(name)}/20261205/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
});

describe('a function gets only its declared environment', () => {
  it('listReports has TABLE_CORE and nothing of buckets, workflows, mail or the directory', () => {
    const env = functionEnvironment(functions.listReports, names);
    expect(env.TABLE_CORE).toBe('patents-local-core');
    expect(
      Object.keys(env).filter((k) => /^(TABLE|BUCKET|WORKFLOW|MAIL|DEV_USERS|USER_POOL|SCHEDULE)/.test(k)),
    ).toEqual(['TABLE_CORE']);
  });

  it('its worker sees that environment alone, not the parent process.env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strict-'));
    const file = join(dir, 'index.mjs');
    writeFileSync(file, 'export const handler = async () => ({ ...process.env });');
    process.env.TABLE_METRICS = 'leaked-from-the-parent';
    const declared = functionEnvironment(functions.listReports, names);
    const runtime = new LambdaRuntime({
      root: dir,
      stage: 'local',
      region: 'us-east-1',
      environment: () => declared,
      bundles: new Map([['listReports', { file, handlerName: 'handler' }]]),
    });
    try {
      const seen = (await runtime.invoke('listReports', {})) as Record<string, string>;
      expect(seen).toEqual(declared);
      expect(seen.TABLE_METRICS).toBeUndefined();
    } finally {
      delete process.env.TABLE_METRICS;
      await runtime.stop();
    }
  });

  it('keeps at most LOCAL_WARM_FUNCTIONS workers warm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strict-'));
    const file = join(dir, 'index.mjs');
    writeFileSync(file, 'export const handler = async () => "ok";');
    const list: FunctionName[] = ['listReports', 'getReport', 'runReport'];
    const runtime = new LambdaRuntime({
      root: dir,
      stage: 'local',
      region: 'us-east-1',
      environment: () => ({}),
      bundles: new Map(list.map((name) => [name, { file, handlerName: 'handler' }])),
      maxWarm: 2,
    });
    try {
      for (const name of list) expect(await runtime.invoke(name, {})).toBe('ok');
      expect(runtime.warmFunctions()).toEqual(['getReport', 'runReport']);
    } finally {
      await runtime.stop();
    }
  });
});

describe('a function in a process of its own (LOCAL_PROCESS_FUNCTIONS, benches)', () => {
  it("runs there with only its environment; its memory is its own process's, the others stay threads", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strict-'));
    const file = join(dir, 'index.mjs');
    writeFileSync(
      file,
      'export const handler = async (event) => ({ pid: process.pid, env: { ...process.env }, big: event.big ? Buffer.alloc(event.big, 1).length : 0 });',
    );
    const declared = functionEnvironment(functions.listReports, names);
    const runtime = new LambdaRuntime({
      root: dir,
      stage: 'local',
      region: 'us-east-1',
      environment: () => declared,
      bundles: new Map(
        (['listReports', 'getReport'] as const).map((name) => [name, { file, handlerName: 'handler' }]),
      ),
      processes: new Set(['listReports']),
    });
    try {
      const own = (await runtime.invoke('listReports', {})) as { pid: number; env: Record<string, string> };
      expect(own.pid).not.toBe(process.pid);
      expect(runtime.processId('listReports')).toBe(own.pid);
      expect(own.env).toEqual(declared);
      const before = processMemory(own.pid)!;
      expect(before.rss).toBeGreaterThan(10 * 1024 * 1024);
      expect(before.peakRss).toBeGreaterThanOrEqual(before.rss);
      // 200 MB touched in that process raise its high-water mark, not this one's.
      resetPeakRss(own.pid);
      await runtime.invoke('listReports', { big: 200 * 1024 * 1024 });
      expect(processMemory(own.pid)!.peakRss - before.rss).toBeGreaterThan(150 * 1024 * 1024);
      const thread = (await runtime.invoke('getReport', {})) as { pid: number };
      expect(thread.pid).toBe(process.pid);
      expect(runtime.processId('getReport')).toBeUndefined();
    } finally {
      await runtime.stop();
    }
    expect(processMemory(runtime.processId('listReports') ?? -1)).toBeUndefined();
  }, 30_000);
});

describe('each SDK call is checked against the grants', () => {
  it('DynamoDB: a read grant does not write; an ungranted table is refused', () => {
    expect(
      checkDynamo(functions.listReports, 'PutItem', { TableName: 'patents-local-core' }, logical),
    ).toMatchObject({ action: 'dynamodb:PutItem' });
    expect(
      checkDynamo(functions.listReports, 'Query', { TableName: 'patents-local-core' }, logical),
    ).toBeUndefined();
    expect(
      checkDynamo(functions.listReports, 'GetItem', { TableName: 'patents-local-metrics' }, logical),
    ).toMatchObject({ resource: expect.stringContaining('table/patents-local-metrics') });
    expect(
      checkDynamo(
        functions.recordReport,
        'TransactWriteItems',
        {
          TransactItems: [
            { Put: { TableName: 'patents-local-core' } },
            { Put: { TableName: 'patents-local-metrics' } },
          ],
        },
        logical,
      ),
    ).toMatchObject({ action: 'dynamodb:PutItem', resource: expect.stringContaining('metrics') });
  });

  it('S3: listReports may not read the reports bucket; getReport may read but not write', () => {
    const url = new URL('http://s3/patents-local-reports/2026-Q3/national.html');
    expect(checkS3(functions.listReports, 'GET', url, {}, logical)).toMatchObject({ action: 's3:GetObject' });
    expect(checkS3(functions.getReport, 'GET', url, {}, logical)).toBeUndefined();
    expect(checkS3(functions.getReport, 'PUT', url, {}, logical)).toMatchObject({ action: 's3:PutObject' });
  });

  it("the drop bucket policy: under inbox* only createUpload writes, whatever the others' grants", () => {
    const inbox = new URL('http://s3/patents-local-drop/inbox/12100000400000624D/x.csv');
    const errors = new URL('http://s3/patents-local-drop/errors/j1.csv');
    // ingestBatchFile has readWrite on the bucket (for errors/) but is denied under inbox*.
    expect(checkS3(functions.ingestBatchFile, 'PUT', errors, {}, logical)).toBeUndefined();
    expect(checkS3(functions.ingestBatchFile, 'PUT', inbox, {}, logical)).toMatchObject({
      action: 's3:PutObject',
      explicitDeny: true,
    });
    expect(
      checkS3(
        functions.ingestBatchFile,
        'PUT',
        new URL('http://s3/patents-local-drop/inbox-enterprises/440000/x.csv'),
        {},
        logical,
      ),
    ).toMatchObject({ explicitDeny: true });
    expect(checkS3(functions.ingestBatchFile, 'GET', inbox, {}, logical)).toBeUndefined();
    expect(checkS3(functions.createUpload, 'PUT', inbox, {}, logical)).toBeUndefined();
  });

  it('the DynamoDB gate answers AccessDeniedException (400 JSON) as DynamoDB does', async () => {
    const gate = createDynamoGate({ target: 'http://127.0.0.1:9', stage: 'local', logicalTable: logical });
    try {
      const response = await fetch(await listen(gate), {
        method: 'POST',
        headers: { ...signedBy('listReports'), 'x-amz-target': 'DynamoDB_20120810.PutItem' },
        body: JSON.stringify({ TableName: 'patents-local-core', Item: {} }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { __type: string; Message: string };
      expect(body.__type).toBe('com.amazon.coral.service#AccessDeniedException');
      expect(body.Message).toContain('is not authorized to perform: dynamodb:PutItem');
    } finally {
      gate.close();
    }
  });

  it('the S3 gate answers AccessDenied (403 XML), presigned URLs included', async () => {
    const gate = createS3Gate({
      target: 'http://127.0.0.1:9',
      logicalBucket: logical,
      secretOf: () => 'S3RVER',
    });
    try {
      const credential = encodeURIComponent(
        `${functionAccessKey('listReports')}/20261205/us-east-1/s3/aws4_request`,
      );
      const response = await fetch(
        `${await listen(gate)}/patents-local-reports/a.html?X-Amz-Credential=${credential}`,
      );
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<Code>AccessDenied</Code>');
    } finally {
      gate.close();
    }
  });
});

describe('Step Functions as AWS answers it', () => {
  const logs = new LocalLogs();
  let url: string;
  let control: Server;
  let sfn: LocalStepFunctions;
  beforeAll(async () => {
    sfn = new LocalStepFunctions({
      root: join(import.meta.dirname, '../..'),
      stage: 'local',
      region: 'us-east-1',
      runtime: { invoke: async () => ({ probes: [] }) },
      log: () => undefined,
      logs,
    });
    control = createControlServer({
      sfn,
      logs,
      scheduler: { createdAt: 0 } as never,
      issuer: {} as never,
      scheduleGroup: 'patents-local',
      region: 'us-east-1',
      stage: 'local',
      status: () => ({}),
    });
    url = await listen(control);
  });
  afterAll(() => control.close());
  const call = async (operation: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'x-amz-target': `AWSStepFunctions.${operation}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  const pipeline = 'arn:aws:states:us-east-1:000000000000:stateMachine:patents-local-patent-pipeline';

  it('Express workflows have no ListExecutions, DescribeExecution or GetExecutionHistory', async () => {
    expect((await call('ListExecutions', { stateMachineArn: pipeline })).body.__type).toBe(
      'StateMachineTypeNotSupported',
    );
    const { body } = await call('StartExecution', { stateMachineArn: pipeline, input: '{}' });
    expect(body.executionArn).toContain(':express:');
    for (const operation of ['DescribeExecution', 'GetExecutionHistory'])
      expect((await call(operation, { executionArn: body.executionArn })).body.__type).toBe('InvalidArn');
  });

  it('a function may start only the workflows it declares', async () => {
    const refused = await call(
      'StartExecution',
      { stateMachineArn: pipeline, input: '{}' },
      signedBy('listReports'),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.__type).toBe('AccessDeniedException');
    const allowed = await call(
      'StartExecution',
      { stateMachineArn: pipeline, input: '{}' },
      signedBy('fanOutCoreStream'),
    );
    expect(allowed.status).toBe(200);
  });

  it('every history event goes to the log group DescribeStateMachine names, as Step Functions logs it', async () => {
    const probe = 'arn:aws:states:us-east-1:000000000000:stateMachine:patents-local-system-probe';
    const described = await call('DescribeStateMachine', { stateMachineArn: probe });
    const { loggingConfiguration } = described.body as unknown as {
      loggingConfiguration: {
        level: string;
        includeExecutionData: boolean;
        destinations: Array<{ cloudWatchLogsLogGroup: { logGroupArn: string } }>;
      };
    };
    expect(loggingConfiguration).toMatchObject({ level: 'ALL', includeExecutionData: true });
    const logGroupName = /:log-group:(.+):\*$/.exec(
      loggingConfiguration.destinations[0]!.cloudWatchLogsLogGroup.logGroupArn,
    )![1]!;
    expect(logGroupName).toBe('/aws/vendedlogs/states/patents-local-system-probe-local');
    const execution = sfn.start(probe, '{"from":"unit"}', 'logged');
    await execution.done;
    const filter = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'x-amz-target': 'Logs_20140328.FilterLogEvents', ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const { body } = await filter({
      logGroupName,
      filterPattern: `{ $.execution_arn = "*:logged:*" }`,
    });
    const events = (body.events as Array<{ message: string; logStreamName: string }>).map(
      (e) => JSON.parse(e.message) as Record<string, unknown>,
    );
    expect(events.length).toBe(execution.events.length);
    expect(events[0]).toEqual({
      id: '1',
      type: 'ExecutionStarted',
      details: {
        input: '{"from":"unit"}',
        inputDetails: { truncated: false },
        roleArn: 'arn:aws:iam::000000000000:role/local',
      },
      previous_event_id: '0',
      event_timestamp: expect.stringMatching(/^\d{13}$/),
      execution_arn: execution.executionArn,
      redrive_count: '0',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionSucceeded',
      details: { output: execution.output, outputDetails: { truncated: false } },
    });
    expect(events.filter((e) => String(e.type).endsWith('StateEntered'))[0]).toMatchObject({
      details: { name: expect.any(String), input: expect.any(String) },
    });
    expect((body.events as Array<{ logStreamName: string }>)[0]!.logStreamName).toMatch(
      /^states\/patents-local-system-probe\/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\//,
    );
    // Pages, other patterns, and what AWS refuses.
    const page = await filter({ logGroupName, limit: 2 });
    expect((page.body.events as unknown[]).length).toBe(2);
    const rest = await filter({ logGroupName, nextToken: page.body.nextToken });
    expect((rest.body.events as unknown[]).length).toBe(execution.events.length - 2);
    const ends = await filter({ logGroupName, filterPattern: '{ $.type = "Execution*" && $.id != "1" }' });
    expect((ends.body.events as Array<{ message: string }>).map((e) => JSON.parse(e.message).type)).toEqual([
      'ExecutionSucceeded',
    ]);
    expect((await filter({ logGroupName: '/aws/none' })).body.__type).toBe('ResourceNotFoundException');
    expect((await filter({ logGroupName, filterPattern: 'ERROR' })).body.__type).toBe(
      'InvalidParameterException',
    );
    expect((await filter({ logGroupName }, signedBy('fanOutCoreStream'))).body.__type).toBe(
      'AccessDeniedException',
    );
  });

  it('a log group keeps its newest events, within its bounds', () => {
    const small = new LocalLogs({ maxEvents: 3, maxBytes: 1000 });
    small.createGroup('g');
    for (let i = 1; i <= 5; i++) small.put('g', 's', i, JSON.stringify({ i }));
    expect(small.filter({ logGroupName: 'g' }).events.map((e) => JSON.parse(e.message).i)).toEqual([3, 4, 5]);
    small.put('g', 's', 6, 'x'.repeat(995));
    expect(small.filter({ logGroupName: 'g' }).events).toHaveLength(1);
    expect(parseFilterPattern('{ $.details.name = "Route" }')).toEqual([
      { path: ['details', 'name'], negate: false, value: 'Route' },
    ]);
  });

  it('no emulator default bounds a Task (AWS has none): the function timeout does', () => {
    const sfnTasks = taskStates({ States: { T: { Type: 'Task', Resource: 'x' } } });
    expect(sfnTasks).toHaveLength(1);
    expect(maxTimerSeconds).toBeGreaterThan(60 * 60 * 24);
  });
});

describe('the local API routes and answers preflights as API Gateway', () => {
  it('the most specific route wins, whatever the declaration order', () => {
    const list = [
      { method: 'GET', path: '/v1/x/{proxy+}', function: 'listReports' },
      { method: 'GET', path: '/v1/x/{id}', function: 'getReport' },
      { method: 'GET', path: '/v1/x/mine', function: 'runReport' },
    ] as unknown as DeployedRoute[];
    const compiled = byPrecedence(compileRoutes(list));
    expect(matchRoute(compiled, 'GET', '/v1/x/mine').match?.route.function).toBe('runReport');
    expect(matchRoute(compiled, 'GET', '/v1/x/42').match?.route.function).toBe('getReport');
    expect(matchRoute(compiled, 'GET', '/v1/x/42/more').match?.route.function).toBe('listReports');
  });

  it('CORS preflight from the declaration the CDK HTTP API uses (idempotency-key allowed)', () => {
    const headers = preflightHeaders('https://portal.example.org');
    expect(headers['access-control-allow-headers']).toBe(apiCors.allowHeaders.join(','));
    expect(headers['access-control-allow-headers']).toContain('idempotency-key');
    expect(headers['access-control-max-age']).toBe('3600');
    // The versioned writes' If-Match passes a browser's preflight; a script reads ETag and Location.
    expect(headers['access-control-allow-headers']).toContain('if-match');
    expect(responseCorsHeaders('https://portal.example.org')).toEqual({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'etag,location',
    });
    expect(responseCorsHeaders(undefined)).toEqual({});
  });
});

describe('stream filters the emulation cannot evaluate are refused', () => {
  it('numeric matching is not emulated: refused at start with a clear error', () => {
    const pattern = { dynamodb: { NewImage: { score: { N: [{ numeric: ['>', 3] }] } } } };
    expect(unsupportedFilter(pattern)).toMatch(/numeric.*not emulated/);
    expect(
      () =>
        new StreamsPoller({
          dynamodb: {} as never,
          streams: {} as never,
          tableName: 'patents-local-core',
          consumers: [
            {
              table: 'core',
              function: 'fanOutCoreStream',
              filterPatterns: [pattern],
              batchSize: 1,
              retryAttempts: 0,
            },
          ],
          runtime: { invoke: async () => undefined },
          log: () => undefined,
        }),
    ).toThrow(/cannot be evaluated locally/);
  });

  it('the declared filters are all supported', async () => {
    const { streamConsumers } = await import('../../infra/resources.ts');
    for (const consumer of streamConsumers)
      for (const pattern of consumer.filterPatterns) expect(unsupportedFilter(pattern)).toBeUndefined();
  });
});

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { expect, inject, vi } from 'vitest';
import { postUpload } from '../../infra/local/post-upload.ts';

export { postUpload };

export const cloud = () => inject('cloud');
export const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const tableName = (name: string) => `patents-local-${name}`;
export const bucketName = (name: string) => `patents-local-${name}`;

export function clients() {
  const { endpoints } = cloud();
  const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
  return {
    dynamodb,
    documents: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
    s3: new S3Client({
      endpoint: endpoints.s3,
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    sfn: new SFNClient({
      endpoint: endpoints.stepFunctions,
      region: 'us-east-1',
      credentials,
      disableHostPrefix: true,
    }),
  };
}

export async function token(role: string, extra: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${cloud().controlUrl}/_local/token`, {
    method: 'POST',
    body: JSON.stringify({ role, ...extra }),
  });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export async function api(
  path: string,
  options: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${cloud().apiUrl}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in the tests
  return { status: response.status, headers: response.headers, json: json as Record<string, any>, text };
}

/** Polls (vitest's `vi.waitFor`) until check returns a value (not undefined) or the time runs out. */
export function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (value === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}

/** Polls DescribeExecution until the execution has ended: the execution as described. */
export function waitForExecution(executionArn: string, timeoutMs = 150_000) {
  return eventually(
    async () => {
      const e = await clients().sfn.send(new DescribeExecutionCommand({ executionArn }));
      return e.status === 'RUNNING' ? undefined : e;
    },
    timeoutMs,
    `execution ${executionArn}`,
  );
}

/** Starts the deadline-sweep workflow (Standard) now with `input` and waits for its end: the execution. */
export async function runDeadlineSweep(input: Record<string, unknown> = {}) {
  const { sfn } = clients();
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  const machine = stateMachines.find((m) => m.stateMachineArn?.endsWith('-deadline-sweep'));
  if (!machine) throw new Error('the local cloud has no deadline-sweep state machine');
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: JSON.stringify(input) }),
  );
  return waitForExecution(executionArn!, 120_000);
}

/** Polls GET /v1/jobs/{jobId} until the job has ended (succeeded or failed): the job as answered. */
export function waitForJob(jobId: string, bearer: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const { status, json } = await api(`/v1/jobs/${jobId}`, { token: bearer });
      return status === 200 && ['succeeded', 'failed'].includes(json.status) ? json : undefined;
    },
    timeoutMs,
    `job ${jobId}`,
  );
}

/**
 * A batch file of `kind` announced (POST /v1/uploads) and posted through its presigned POST; the job id.
 * The key must lie under the kind's inbox of the province (`inbox-<kind>/<province>/<24 hex>/`).
 */
export async function uploadBatch(
  bearer: string,
  kind: string,
  province: string,
  fileName: string,
  body: Buffer,
) {
  const created = await api('/v1/uploads', {
    method: 'POST',
    token: bearer,
    body: { fileName, sizeBytes: body.length, kind },
  });
  expect(created.status, created.text).toBe(201);
  expect(created.json.key).toMatch(new RegExp(`^inbox-${kind}/${province}/[0-9a-f]{24}/`));
  const posted = await postUpload(created.json, body);
  expect(posted.status, posted.text).toBe(204);
  return created.json.jobId as string;
}

/**
 * The errors of a job's error report (CSV) as [row, column, code], by row: the report is streamed in
 * the order rows are found (checks at read time before those at write time, docs/intake.md).
 */
export async function errorReportErrors(url: string) {
  const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
  const lines = parse(bytes, { columns: true, bom: true }) as Array<Record<string, string>>;
  return lines
    .filter((l) => l['级别 level'] === '错误 error')
    .map((l) => [l['行号 row'], l['列 column'], l['代码 code']])
    .sort((a, b) => Number(a[0]) - Number(b[0]));
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Rows as CSV text (CRLF, fields quoted where needed); `bom` starts it with the UTF-8 BOM, as Excel saves it. */
export const csvOf = (rows: string[][], { bom = false } = {}) =>
  `${bom ? '\uFEFF' : ''}${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;

/**
 * A history event as Step Functions writes it to a state machine's CloudWatch Logs log group (the
 * stack logs every event with its execution data): for Express workflows the only record AWS keeps.
 */
export interface LoggedEvent {
  id: string;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: event details differ by type; asserted field by field
  details: Record<string, any>;
  previous_event_id: string;
  event_timestamp: string;
  execution_arn: string;
  redrive_count: string;
}

/** An execution as its log shows it: the fields DescribeExecution would give, and its history. */
export interface LoggedExecution {
  executionArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  startDate: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  events: LoggedEvent[];
}

/** The log group a state machine logs to, from its logging configuration (DescribeStateMachine). */
export async function logGroupOf(stateMachineArn: string): Promise<string> {
  const { loggingConfiguration } = await clients().sfn.send(
    new DescribeStateMachineCommand({ stateMachineArn }),
  );
  const arn = loggingConfiguration?.destinations?.[0]?.cloudWatchLogsLogGroup?.logGroupArn;
  const name = arn && /:log-group:(.+?)(?::\*)?$/.exec(arn)?.[1];
  if (!name) throw new Error(`${stateMachineArn} logs to no log group`);
  return name;
}

/** CloudWatch Logs FilterLogEvents (every page) on the local cloud's logs endpoint. */
export async function filterLogEvents(
  logGroupName: string,
  filterPattern?: string,
): Promise<Array<{ message: string; timestamp: number; logStreamName: string }>> {
  const found: Array<{ message: string; timestamp: number; logStreamName: string }> = [];
  let nextToken: string | undefined;
  do {
    const response = await fetch(cloud().endpoints.logs, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Logs_20140328.FilterLogEvents',
      },
      body: JSON.stringify({ logGroupName, filterPattern, nextToken }),
    });
    const page = (await response.json()) as {
      events?: typeof found;
      nextToken?: string;
      __type?: string;
      message?: string;
    };
    if (!response.ok) throw new Error(`FilterLogEvents: ${page.__type}: ${page.message}`);
    found.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}

const terminal: Record<string, LoggedExecution['status']> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

/** The executions a log group holds whose ARN matches the pattern (`*` wildcards), oldest first. */
export async function loggedExecutions(logGroupName: string, executionArnPattern: string) {
  const byArn = new Map<string, LoggedEvent[]>();
  for (const { message } of await filterLogEvents(
    logGroupName,
    `{ $.execution_arn = ${JSON.stringify(executionArnPattern)} }`,
  )) {
    const event = JSON.parse(message) as LoggedEvent;
    byArn.set(event.execution_arn, [...(byArn.get(event.execution_arn) ?? []), event]);
  }
  return [...byArn.entries()]
    .map(([executionArn, unordered]): LoggedExecution => {
      const events = unordered.sort((a, b) => Number(a.id) - Number(b.id));
      const started = events.find((e) => e.type === 'ExecutionStarted');
      const end = events.find((e) => terminal[e.type]);
      // Express: arn:…:express:<state machine>:<name>:<id>; Standard: arn:…:execution:<state machine>:<name>
      const name = executionArn.split(':')[7]!;
      return {
        executionArn,
        name,
        status: end ? terminal[end.type]! : 'RUNNING',
        startDate: Number(started?.event_timestamp ?? events[0]!.event_timestamp),
        input: started?.details.input,
        output: end?.details.output,
        error: end?.details.error,
        cause: end?.details.cause,
        events,
      };
    })
    .sort((a, b) => a.startDate - b.startDate);
}

/**
 * Waits until the log of an execution shows its end: the execution by its ARN, or the newest one of
 * that name (as ListExecutions answered, newest first). Returns it with its history in order.
 */
export async function loggedRun(
  stateMachineArn: string,
  which: { executionArn: string } | { name: string },
  timeoutMs = 30_000,
): Promise<LoggedExecution> {
  const logGroupName = await logGroupOf(stateMachineArn);
  const machine = stateMachineArn.split(':').pop()!;
  const pattern = 'executionArn' in which ? which.executionArn : `*:${machine}:${which.name}:*`;
  const what = 'executionArn' in which ? which.executionArn : `the execution ${which.name}`;
  return eventually(
    async () => {
      const run = (await loggedExecutions(logGroupName, pattern)).at(-1);
      return run && run.status !== 'RUNNING' ? run : undefined;
    },
    timeoutMs,
    `the end of ${what} in ${logGroupName}`,
  );
}

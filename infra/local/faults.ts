/**
 * Fault injection, locally: a share of the DynamoDB and S3 calls the functions make is answered with
 * the faults AWS answers under load, on the wire, by the endpoints the functions talk to (the access
 * gates of access.ts), so the SDK's own retry logic and the code's handling run exactly as on AWS,
 * for the sources and the synthesized bundles (--bundles) alike:
 *
 * - throttle     DynamoDB `ProvisionedThroughputExceededException` / `ThrottlingException` (400, JSON),
 *                S3 `SlowDown` (503, XML)
 * - conflict     TransactWriteItems: `TransactionCanceledException` with a `TransactionConflict` reason;
 *                PutItem / UpdateItem / DeleteItem: `TransactionConflictException` (the item is being
 *                written by a transaction)
 * - unprocessed  BatchWriteItem / BatchGetItem: part of the request is done, the rest comes back in
 *                `UnprocessedItems` / `UnprocessedKeys`
 * - server       every operation: DynamoDB 500 `InternalServerError` / 503 `ServiceUnavailable`, S3 500
 *                `InternalError` / 503 `ServiceUnavailable` (nothing applied)
 * - lost         the writes (DynamoDB PutItem, UpdateItem, DeleteItem, TransactWriteItems, BatchWriteItem;
 *                S3 PutObject, DeleteObject): the call IS applied, then its answer is lost: a 500
 *                `InternalServerError` / `InternalError` or a connection reset instead of DynamoDB's /
 *                S3's answer, so the SDK sends the same request again (a conditioned create then meets
 *                its own item, a transaction its own ClientRequestToken)
 *
 * A fault but `lost` is answered instead of the call: nothing of a faulted request is applied (but the
 * processed part of a batch). Only calls signed by a function's key in the Authorization header are eligible: the
 * tests, the demo loader, the stream poller and browsers using presigned URLs or forms are never faulted.
 * Decisions come from a seeded PRNG (mulberry32), so a run's sequence of decisions is reproducible.
 */

export type FaultService = 'dynamodb' | 's3';
export type FaultKind = 'throttle' | 'conflict' | 'unprocessed' | 'server' | 'lost';
export const faultKinds: readonly FaultKind[] = ['throttle', 'conflict', 'unprocessed', 'server', 'lost'];

export interface FaultConfig {
  /** The share of eligible calls answered with a fault, 0..1. */
  share: number;
  seed?: number;
  /** Default both. */
  services?: FaultService[];
  /** A share per service instead of `share` (e.g. `{ s3: 0.35 }`: S3 calls are few, a test may want more of them faulted). */
  shares?: Partial<Record<FaultService, number>>;
  /** Only these operations (e.g. `PutItem`, `TransactWriteItems`, `s3:GetObject`); default all. */
  operations?: string[];
  /** Default all; an operation with none of its kinds allowed is never faulted. */
  kinds?: FaultKind[];
}

export interface FaultCounts {
  /** Calls from functions that could have been faulted (service and operation selected). */
  eligible: number;
  injected: number;
  byKind: Record<string, number>;
  /** `<service>:<operation>:<kind>` -> count. */
  byOperation: Record<string, number>;
}

export interface FaultState {
  enabled: boolean;
  config?: Required<Pick<FaultConfig, 'share' | 'seed' | 'services' | 'kinds'>> &
    Pick<FaultConfig, 'operations' | 'shares'>;
  counts: FaultCounts;
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fault kinds an operation can be answered with. */
export function kindsFor(service: FaultService, operation: string): FaultKind[] {
  if (service === 's3')
    return operation === 'PutObject' || operation === 'DeleteObject'
      ? ['throttle', 'server', 'lost']
      : ['throttle', 'server'];
  if (singleItemWrites.has(operation) || operation === 'TransactWriteItems')
    return ['throttle', 'conflict', 'server', 'lost'];
  if (operation === 'BatchWriteItem') return ['throttle', 'unprocessed', 'server', 'lost'];
  if (operation === 'BatchGetItem') return ['throttle', 'unprocessed', 'server'];
  return ['throttle', 'server'];
}

/** The DynamoDB operations that write one item (a TransactionConflictException when a transaction holds it). */
const singleItemWrites: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

const emptyCounts = (): FaultCounts => ({ eligible: 0, injected: 0, byKind: {}, byOperation: {} });

export class FaultInjector {
  private config: FaultState['config'];
  /** One PRNG stream per service: S3's few calls get the same decisions whatever DynamoDB does meanwhile. */
  private random: Record<FaultService, () => number> = { dynamodb: Math.random, s3: Math.random };
  private counts = emptyCounts();

  constructor(config?: FaultConfig) {
    if (config) this.configure(config);
  }

  /** Switches faults on (share > 0) with new counters, or off (share 0). Throws on an invalid config. */
  configure(config: FaultConfig): FaultState {
    const share = Number(config.share);
    for (const value of [config.share, ...Object.values(config.shares ?? {})])
      if (!Number.isFinite(Number(value)) || Number(value) < 0 || Number(value) > 1)
        throw new RangeError(`a share is a number from 0 to 1 (e.g. 0.2), not ${value}`);
    const services = config.services ?? ['dynamodb', 's3'];
    for (const s of services)
      if (s !== 'dynamodb' && s !== 's3') throw new RangeError(`services are dynamodb and s3, not ${s}`);
    const kinds = config.kinds ?? [...faultKinds];
    for (const k of kinds)
      if (!faultKinds.includes(k)) throw new RangeError(`kinds are ${faultKinds.join(', ')}, not ${k}`);
    const seed = Number.isInteger(config.seed) ? (config.seed as number) : 1;
    this.counts = emptyCounts();
    if (share === 0) {
      this.config = undefined;
      return this.state();
    }
    this.config = {
      share,
      seed,
      services,
      kinds,
      ...(config.operations?.length ? { operations: config.operations } : {}),
      ...(config.shares ? { shares: config.shares } : {}),
    };
    this.random = { dynamodb: mulberry32(seed), s3: mulberry32(seed ^ 0x5bd1e995) };
    return this.state();
  }

  /** Faults off; the counters of the run are answered (and kept until the next configure). */
  disable(): FaultState {
    this.config = undefined;
    return this.state();
  }

  state(): FaultState {
    return {
      enabled: this.config !== undefined,
      ...(this.config ? { config: this.config } : {}),
      counts: structuredClone(this.counts),
    };
  }

  /** Whether (and how) to fault this call; counts it. */
  decide(service: FaultService, operation: string): FaultKind | undefined {
    const config = this.config;
    if (!config?.services.includes(service)) return undefined;
    if (
      config.operations &&
      !config.operations.includes(operation) &&
      !config.operations.includes(`${service}:${operation}`)
    )
      return undefined;
    const kinds = kindsFor(service, operation).filter((k) => config.kinds.includes(k));
    if (kinds.length === 0) return undefined;
    this.counts.eligible++;
    const random = this.random[service];
    if (random() >= (config.shares?.[service] ?? config.share)) return undefined;
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    this.counts.injected++;
    this.counts.byKind[kind] = (this.counts.byKind[kind] ?? 0) + 1;
    const key = `${service}:${operation}:${kind}`;
    this.counts.byOperation[key] = (this.counts.byOperation[key] ?? 0) + 1;
    return kind;
  }

  /** A number in [0, 1) from the run's PRNG (which items of a batch stay unprocessed, ...). */
  next(service: FaultService = 'dynamodb'): number {
    return this.random[service]();
  }
}

type Body = Record<string, unknown>;

export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const dynamoJson = (status: number, body: unknown, requestId: string): WireAnswer => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
  body: JSON.stringify(body),
});

/** DynamoDB's throttling answers, as AWS sends them (the SDK reads the name after `#` in `__type`). */
export function dynamoThrottle(operation: string, random: () => number, requestId: string): WireAnswer {
  return random() < 0.5
    ? dynamoJson(
        400,
        {
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message:
            'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
        },
        requestId,
      )
    : dynamoJson(
        400,
        {
          __type: 'com.amazon.coral.availability#ThrottlingException',
          message: `Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly. (${operation}, injected locally)`,
        },
        requestId,
      );
}

/** A TransactWriteItems cancelled because one of its items is being written by another transaction. */
export function transactionConflict(body: Body, random: () => number, requestId: string): WireAnswer {
  const count = Math.max(1, ((body.TransactItems as unknown[] | undefined) ?? []).length);
  const conflicted = Math.floor(random() * count);
  const reasons = Array.from({ length: count }, (_, i) =>
    i === conflicted
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  return dynamoJson(
    400,
    {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      CancellationReasons: reasons,
    },
    requestId,
  );
}

/** A PutItem / UpdateItem / DeleteItem refused because a transaction is writing its item (not applied). */
export function itemTransactionConflict(requestId: string): WireAnswer {
  return dynamoJson(
    400,
    {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionConflictException',
      message: 'Transaction is ongoing for the item',
    },
    requestId,
  );
}

/** DynamoDB's server-side failures, as AWS sends them (not applied; the SDK retries 5xx). */
export function dynamoServerError(random: () => number, requestId: string): WireAnswer {
  return random() < 0.5
    ? dynamoJson(
        500,
        {
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: 'Internal server error (injected locally)',
        },
        requestId,
      )
    : dynamoJson(
        503,
        {
          __type: 'com.amazon.coral.availability#ServiceUnavailableException',
          message: 'Service unavailable (injected locally)',
        },
        requestId,
      );
}

/** How a lost answer reaches the client: a 500 instead of the answer, or the connection reset. */
export type LostAnswer = { kind: 'error'; answer: WireAnswer } | { kind: 'reset' };

/** The answer of an applied write that is lost on its way back (DynamoDB: 500 JSON; S3: 500 XML). */
export function lostAnswer(service: FaultService, method: string, random: () => number): LostAnswer {
  if (random() < 0.5) return { kind: 'reset' };
  return {
    kind: 'error',
    answer:
      service === 'dynamodb'
        ? dynamoServerError(() => 0, randomId())
        : s3Error(method, 500, 'InternalError', 'We encountered an internal error. Please try again.'),
  };
}

/**
 * Splits a BatchWriteItem / BatchGetItem request: what is sent on to DynamoDB (undefined: nothing)
 * and what comes back unprocessed, as AWS shapes it (per table; for reads with the table's
 * projection, consistency and names kept).
 */
export function splitBatch(
  operation: 'BatchWriteItem' | 'BatchGetItem',
  body: Body,
  random: () => number,
): { forward?: Body; unprocessed: Body } {
  const requestItems = (body.RequestItems as Record<string, unknown> | undefined) ?? {};
  const entries: Array<{ table: string; index: number }> = [];
  for (const [table, value] of Object.entries(requestItems)) {
    const list = operation === 'BatchWriteItem' ? (value as unknown[]) : ((value as Body).Keys as unknown[]);
    for (let index = 0; index < list.length; index++) entries.push({ table, index });
  }
  // Each entry stays unprocessed with even odds; at least one does.
  const left = new Set(entries.filter(() => random() < 0.5).map((e) => `${e.table}\u0000${e.index}`));
  if (left.size === 0 && entries.length) {
    const e = entries[Math.floor(random() * entries.length)]!;
    left.add(`${e.table}\u0000${e.index}`);
  }
  const forward: Body = {};
  const unprocessed: Body = {};
  for (const [table, value] of Object.entries(requestItems)) {
    const list = operation === 'BatchWriteItem' ? (value as unknown[]) : ((value as Body).Keys as unknown[]);
    const kept = list.filter((_, i) => !left.has(`${table}\u0000${i}`));
    const dropped = list.filter((_, i) => left.has(`${table}\u0000${i}`));
    const shape = (items: unknown[]) =>
      operation === 'BatchWriteItem' ? items : { ...(value as Body), Keys: items };
    if (kept.length) forward[table] = shape(kept);
    if (dropped.length) unprocessed[table] = shape(dropped);
  }
  return {
    ...(Object.keys(forward).length ? { forward: { ...body, RequestItems: forward } } : {}),
    unprocessed,
  };
}

/** The answer of a batch whose every entry was left unprocessed (nothing sent on). */
export function allUnprocessed(
  operation: 'BatchWriteItem' | 'BatchGetItem',
  body: Body,
  unprocessed: Body,
  requestId: string,
): WireAnswer {
  return dynamoJson(
    200,
    operation === 'BatchWriteItem'
      ? { UnprocessedItems: unprocessed }
      : {
          Responses: Object.fromEntries(
            Object.keys((body.RequestItems as Body | undefined) ?? {}).map((t) => [t, []]),
          ),
          UnprocessedKeys: unprocessed,
        },
    requestId,
  );
}

/** Adds the entries left unprocessed to DynamoDB's answer for the part that was sent on. */
export function mergeUnprocessed(
  operation: 'BatchWriteItem' | 'BatchGetItem',
  answer: Body,
  unprocessed: Body,
): Body {
  const field = operation === 'BatchWriteItem' ? 'UnprocessedItems' : 'UnprocessedKeys';
  const merged: Body = { ...((answer[field] as Body | undefined) ?? {}) };
  for (const [table, value] of Object.entries(unprocessed)) {
    const existing = merged[table];
    if (!existing) merged[table] = value;
    else if (operation === 'BatchWriteItem')
      merged[table] = [...(existing as unknown[]), ...(value as unknown[])];
    else
      merged[table] = {
        ...(existing as Body),
        Keys: [...((existing as Body).Keys as unknown[]), ...((value as Body).Keys as unknown[])],
      };
  }
  return { ...answer, [field]: merged };
}

const randomId = () =>
  Array.from({ length: 16 }, () => '0123456789ABCDEF'[Math.floor(Math.random() * 16)]).join('');

/** An S3 error answer (XML; no body for HEAD). */
function s3Error(method: string, status: number, code: string, message: string): WireAnswer {
  const requestId = randomId();
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body:
      method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`,
  };
}

/** S3's SlowDown (503, XML; no body for HEAD), as S3 answers a request rate it does not take. */
export function s3SlowDown(method: string): WireAnswer {
  return s3Error(method, 503, 'SlowDown', 'Please reduce your request rate.');
}

/** S3's server-side failures: 500 InternalError or 503 ServiceUnavailable (not applied). */
export function s3ServerError(method: string, random: () => number): WireAnswer {
  return random() < 0.5
    ? s3Error(method, 500, 'InternalError', 'We encountered an internal error. Please try again.')
    : s3Error(method, 503, 'ServiceUnavailable', 'Service is unable to handle request.');
}

/** The S3 operation of a path-style request, in the names of S3's API (for selection and counters). */
export function s3Operation(method: string, url: URL): string {
  const [, , ...rest] = url.pathname.split('/');
  const key = rest.join('/');
  const q = url.searchParams;
  if (!key) {
    if (method === 'GET') return q.has('uploads') ? 'ListMultipartUploads' : 'ListObjects';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
    return `${method}Bucket`;
  }
  if (method === 'GET') return q.has('uploadId') ? 'ListParts' : 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'DELETE') return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  if (method === 'POST') return q.has('uploads') ? 'CreateMultipartUpload' : 'CompleteMultipartUpload';
  if (q.has('partNumber')) return 'UploadPart';
  return 'PutObject';
}

/**
 * IAM, locally: every function's worker signs its AWS SDK calls with its own access key id
 * (`functionAccessKey(name)`), and the local endpoints it is pointed at check each call against the
 * access its declaration grants (the same grants AppFunction gives its role in AWS), answering a
 * refused call as AWS answers it: DynamoDB `AccessDeniedException` (400, JSON), S3 `AccessDenied`
 * (403, XML), Step Functions / Scheduler / SES / Cognito `AccessDeniedException`. The checks sit in
 * the endpoints, not in the SDK, so they hold for the synthesized bundles (--bundles) too, whose SDK
 * is bundled in. Presigned S3 URLs are checked against the function that signed them, as in AWS.
 * Callers that are not functions (the tests, the demo loader, the CLIs) use the stand-ins directly.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import {
  type Access,
  type BucketDeclaration,
  type BucketName,
  buckets,
  type FunctionDeclaration,
  type FunctionName,
  functions,
  type TableName,
  type WorkflowName,
} from '../resources.ts';
import {
  allUnprocessed,
  dynamoServerError,
  dynamoThrottle,
  type FaultInjector,
  type FaultService,
  itemTransactionConflict,
  lostAnswer,
  mergeUnprocessed,
  s3Operation,
  s3ServerError,
  s3SlowDown,
  splitBatch,
  transactionConflict,
  type WireAnswer,
} from './faults.ts';
import { checkPostPolicy, type PostForm, readPostForm } from './s3-post-policy.ts';

const keyPrefix = 'LOCALFN'; // DynamoDB Local accepts letters and digits only
/** The access key id a function's worker signs with: it names the function. */
export const functionAccessKey = (name: FunctionName) => `${keyPrefix}${name}`;

/** The function an access key id names, if any. */
export function functionOfAccessKey(accessKeyId: string): FunctionName | undefined {
  if (!accessKeyId.startsWith(keyPrefix)) return undefined;
  const name = accessKeyId.slice(keyPrefix.length);
  return name in functions ? (name as FunctionName) : undefined;
}

/** The function a signed request comes from (Authorization header or presigned query), if any. */
export function callerOf(headers: IncomingMessage['headers'], url: URL): FunctionName | undefined {
  const authorization = String(headers.authorization ?? '');
  const credential =
    /Credential=([^/,\s]+)/.exec(authorization)?.[1] ??
    url.searchParams.get('X-Amz-Credential')?.split('/')[0] ??
    url.searchParams.get('AWSAccessKeyId') ??
    undefined;
  return credential ? functionOfAccessKey(credential) : undefined;
}

export interface Refusal {
  action: string;
  resource: string;
  /** Refused by a resource policy's explicit Deny, not for a missing grant. */
  explicitDeny?: boolean;
}

const patterns = (list: string[]) =>
  list.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
const allows = (granted: RegExp[], action: string) => granted.some((p) => p.test(action));

/** CDK's table.grantReadData / grantWriteData / grantReadWriteData (AppFunction.bindTable). */
const dynamoActions: Record<Access, RegExp[]> = {
  read: patterns([
    'dynamodb:BatchGetItem',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:Query',
    'dynamodb:GetItem',
    'dynamodb:Scan',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
  ]),
  write: patterns([
    'dynamodb:BatchWriteItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:DescribeTable',
  ]),
  readWrite: [],
};
dynamoActions.readWrite = [...dynamoActions.read, ...dynamoActions.write];

/** CDK's bucket.grantRead / grantWrite / grantReadWrite (AppFunction.bindBucket). */
const s3Actions: Record<Access, RegExp[]> = {
  read: patterns(['s3:GetObject*', 's3:GetBucket*', 's3:List*']),
  write: patterns(['s3:DeleteObject*', 's3:PutObject', 's3:PutObject*', 's3:Abort*']),
  readWrite: [],
};
s3Actions.readWrite = [...s3Actions.read, ...s3Actions.write];

type Body = Record<string, unknown>;

/** The (action, table) pairs one DynamoDB request needs, by its X-Amz-Target operation. */
export function dynamoRequirements(operation: string, body: Body): Array<{ action: string; table: string }> {
  const needs: Array<{ action: string; table: string }> = [];
  const tableOf = (value: unknown) => String(value ?? '').replace(/^arn:[^/]*:table\//, '');
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    for (const table of Object.keys((body.RequestItems as Body | undefined) ?? {}))
      needs.push({ action: `dynamodb:${operation}`, table: tableOf(table) });
  } else if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const actionOf: Record<string, string> = {
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
      Get: 'GetItem',
    };
    for (const item of (body.TransactItems as Body[] | undefined) ?? [])
      for (const [kind, detail] of Object.entries(item))
        needs.push({
          action: `dynamodb:${actionOf[kind] ?? kind}`,
          table: tableOf((detail as Body).TableName),
        });
  } else if (operation === 'ExecuteStatement' || operation === 'BatchExecuteStatement') {
    needs.push({ action: 'dynamodb:PartiQL', table: '*' }); // never granted by AppFunction
  } else {
    needs.push({ action: `dynamodb:${operation}`, table: tableOf(body.TableName ?? body.StreamArn) });
  }
  return needs;
}

export function checkDynamo(
  declaration: FunctionDeclaration,
  operation: string,
  body: Body,
  logicalTable: (physical: string) => TableName | undefined,
): Refusal | undefined {
  for (const { action, table } of dynamoRequirements(operation, body)) {
    const logical = logicalTable(table.split('/')[0]!);
    const access = logical ? declaration.tables?.[logical] : undefined;
    if (!access || !allows(dynamoActions[access], action))
      return { action, resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${table}` };
  }
  return undefined;
}

/** The (action, bucket, key) pairs one path-style S3 request needs. */
export function s3Requirements(
  method: string,
  url: URL,
  headers: IncomingMessage['headers'],
): Array<{ action: string; bucket: string; key: string }> {
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const q = url.searchParams;
  const needs: Array<{ action: string; bucket: string; key: string }> = [];
  const need = (action: string, b = bucket, k = key) => needs.push({ action, bucket: b, key: k });
  if (!key) {
    if (method === 'GET' || method === 'HEAD')
      need(q.has('uploads') ? 's3:ListBucketMultipartUploads' : 's3:ListBucket');
    else if (method === 'POST' && q.has('delete')) need('s3:DeleteObject');
    else need(`s3:${method}Bucket`);
  } else if (method === 'GET' || method === 'HEAD')
    need(q.has('uploadId') ? 's3:ListMultipartUploadParts' : 's3:GetObject');
  else if (method === 'DELETE') need(q.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject');
  else {
    need('s3:PutObject');
    const source = headers['x-amz-copy-source'];
    if (typeof source === 'string') {
      const [sourceBucket = '', ...sourceKey] = decodeURIComponent(source.replace(/^\//, '')).split('/');
      need('s3:GetObject', sourceBucket, sourceKey.join('/'));
    }
  }
  return needs;
}

export function checkS3(
  declaration: FunctionDeclaration,
  method: string,
  url: URL,
  headers: IncomingMessage['headers'],
  logicalBucket: (physical: string) => BucketName | undefined,
): Refusal | undefined {
  for (const { action, bucket, key } of s3Requirements(method, url, headers)) {
    const logical = logicalBucket(bucket);
    const access = logical ? declaration.buckets?.[logical] : undefined;
    const resource = `arn:aws:s3:::${bucket}${key ? `/${key}` : ''}`;
    if (!access || !allows(s3Actions[access], action)) return { action, resource };
    // The bucket policy's Deny (infra/stacks/stateful-stack.ts): under a write-protected prefix only
    // the declared writers put objects, whatever their grants.
    const guarded = logical ? (buckets[logical] as BucketDeclaration).writeProtected : undefined;
    if (
      guarded &&
      action === 's3:PutObject' &&
      key.startsWith(guarded.prefix) &&
      !guarded.writers.some((writer) => functions[writer] === declaration)
    )
      return { action, resource, explicitDeny: true };
  }
  return undefined;
}

/** AppFunction.allowStartWorkflow: Start(Sync)Execution on the machine, DescribeExecution on its executions. */
export function checkStepFunctions(
  declaration: FunctionDeclaration,
  operation: string,
  body: Body,
  workflowOf: (arn: string) => WorkflowName | undefined,
): Refusal | undefined {
  const action = `states:${operation}`;
  const resource = String(body.stateMachineArn ?? body.executionArn ?? '*');
  const workflow = workflowOf(resource);
  const granted =
    workflow !== undefined &&
    (declaration.workflows ?? []).includes(workflow) &&
    (((operation === 'StartExecution' || operation === 'StartSyncExecution') &&
      resource.includes(':stateMachine:')) ||
      (operation === 'DescribeExecution' && resource.includes(':execution:')));
  return granted ? undefined : { action, resource };
}

export function refusalMessage(caller: FunctionName, stage: string, refusal: Refusal): string {
  return `User: arn:aws:sts::000000000000:assumed-role/patents-${stage}-${caller}-role/patents-${stage}-${caller} is not authorized to perform: ${refusal.action} on resource: ${refusal.resource} ${
    refusal.explicitDeny
      ? 'with an explicit deny in a resource-based policy'
      : `because no identity-based policy allows the ${refusal.action} action`
  }`;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL, body?: Buffer) {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`local endpoint unreachable: ${error.message}`);
  });
  if (body) upstream.end(body);
  else req.pipe(upstream);
}

/**
 * A lost answer (faults.ts, kind `lost`): the request is sent on and applied; when it succeeded, its
 * answer is dropped and the client gets a 500 or a reset connection instead (the SDK sends it again).
 * An answer that was already an error passes (nothing was applied, nothing to lose).
 */
function forwardLost(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  body: Buffer | undefined,
  service: FaultService,
  random: () => number,
) {
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (reply) => {
      const chunks: Buffer[] = [];
      reply.on('data', (c: Buffer) => chunks.push(c));
      reply.on('end', () => {
        const status = reply.statusCode ?? 502;
        if (status < 200 || status >= 300) {
          res.writeHead(status, reply.headers);
          res.end(Buffer.concat(chunks));
          return;
        }
        const lost = lostAnswer(service, req.method ?? 'GET', random);
        if (lost.kind === 'error') answer(res, lost.answer);
        else res.socket?.destroy();
      });
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`local endpoint unreachable: ${error.message}`);
  });
  if (body) upstream.end(body);
  else req.pipe(upstream);
}

function answer(res: ServerResponse, wire: WireAnswer) {
  res.writeHead(wire.status, wire.headers);
  res.end(wire.body || undefined);
}

/**
 * Sends `body` (a changed request body: its length and checksum headers are set again) on and lets
 * `rewrite` change DynamoDB's JSON answer before it is sent back (no CRC32 of the original answer).
 */
function forwardRewritten(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  body: Buffer,
  rewrite: (answer: Body) => Body,
) {
  const { 'accept-encoding': _encoding, 'transfer-encoding': _chunked, ...headers } = req.headers;
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...headers, 'content-length': String(body.length) },
    },
    (reply) => {
      const chunks: Buffer[] = [];
      reply.on('data', (c: Buffer) => chunks.push(c));
      reply.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = reply.statusCode ?? 502;
        const {
          'content-length': _length,
          'transfer-encoding': _chunked,
          'x-amz-crc32': _crc,
          ...replyHeaders
        } = reply.headers;
        let out = text;
        if (status === 200) {
          try {
            out = JSON.stringify(rewrite(JSON.parse(text) as Body));
          } catch {
            // not JSON: sent back as it came
          }
        }
        res.writeHead(status, { ...replyHeaders, 'content-length': Buffer.byteLength(out) });
        res.end(out);
      });
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`local endpoint unreachable: ${error.message}`);
  });
  upstream.end(body);
}

/**
 * The endpoint a function's DynamoDB client talks to: checks each call, forwards the allowed ones to
 * DynamoDB Local unchanged. Calls not signed by a function pass.
 */
export function createDynamoGate(options: {
  target: string;
  stage: string;
  logicalTable: (physical: string) => TableName | undefined;
  onRefusal?: (caller: FunctionName, refusal: Refusal) => void;
  /** Faults answered for a share of the functions' calls (faults.ts), after the access check. */
  faults?: FaultInjector;
}): Server {
  const target = new URL(options.target);
  return createServer(async (req, res) => {
    const body = await readAll(req);
    const caller = callerOf(req.headers, new URL(req.url ?? '/', 'http://localhost'));
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (caller && operation) {
      let parsed: Body = {};
      try {
        parsed = JSON.parse(body.toString('utf8') || '{}') as Body;
      } catch {
        // DynamoDB Local answers malformed bodies itself
      }
      const refusal = checkDynamo(functions[caller], operation, parsed, options.logicalTable);
      if (refusal) {
        options.onRefusal?.(caller, refusal);
        res.writeHead(400, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': randomUUID(),
        });
        res.end(
          JSON.stringify({
            __type: 'com.amazon.coral.service#AccessDeniedException',
            Message: refusalMessage(caller, options.stage, refusal),
          }),
        );
        return;
      }
      // Only calls signed in the header by a function's SDK (faults.ts).
      const kind = req.headers.authorization ? options.faults?.decide('dynamodb', operation) : undefined;
      if (kind) {
        const random = () => options.faults!.next();
        const requestId = randomUUID();
        if (kind === 'conflict')
          return answer(
            res,
            operation === 'TransactWriteItems'
              ? transactionConflict(parsed, random, requestId)
              : itemTransactionConflict(requestId),
          );
        if (kind === 'server') return answer(res, dynamoServerError(random, requestId));
        if (kind === 'lost') return forwardLost(req, res, target, body, 'dynamodb', random);
        if (kind === 'unprocessed' && (operation === 'BatchWriteItem' || operation === 'BatchGetItem')) {
          const split = splitBatch(operation, parsed, random);
          if (!split.forward)
            return answer(res, allUnprocessed(operation, parsed, split.unprocessed, requestId));
          return forwardRewritten(req, res, target, Buffer.from(JSON.stringify(split.forward)), (reply) =>
            mergeUnprocessed(operation, reply, split.unprocessed),
          );
        }
        return answer(res, dynamoThrottle(operation, random, requestId));
      }
    }
    forward(req, res, target, body);
  });
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** POST to a bucket (not an object) with a form body: S3's POST Object (browser-based upload). */
const isFormPost = (req: IncomingMessage, url: URL) =>
  req.method === 'POST' &&
  /^\/[^/]+\/?$/.test(url.pathname) &&
  /^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''));

/**
 * The endpoint a function's S3 client (and its presigned URLs and POST forms) talk to: checks, then
 * forwards to s3rver. A POST form upload is checked against its signed policy (s3-post-policy.ts),
 * which s3rver ignores, and against its signer's grants.
 */
export function createS3Gate(options: {
  target: string;
  logicalBucket: (physical: string) => BucketName | undefined;
  /** The secret of an access key id, to verify POST policy signatures (s3rver's keys share one). */
  secretOf: (accessKeyId: string) => string | undefined;
  onRefusal?: (caller: FunctionName, refusal: Refusal) => void;
  /** Faults answered for a share of the functions' own calls (not presigned URLs or forms): faults.ts. */
  faults?: FaultInjector;
}): Server {
  const target = new URL(options.target);
  const deny = (req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) => {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
    req.resume();
    res.end(
      req.method === 'HEAD'
        ? undefined
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`,
    );
  };
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (isFormPost(req, url)) {
      // A browser-style POST upload: the credential and the policy are in the form, not the URL.
      const [, bucket = ''] = url.pathname.split('/');
      const body = await readAll(req);
      let form: PostForm;
      try {
        form = await readPostForm(String(req.headers['content-type']), body);
      } catch {
        deny(
          req,
          res,
          400,
          'MalformedPOSTRequest',
          'The body of your POST request is not well-formed multipart/form-data.',
        );
        return;
      }
      const checked = checkPostPolicy(bucket, form, { now: new Date(), secretOf: options.secretOf });
      if ('code' in checked) {
        deny(req, res, checked.status, checked.code, checked.message);
        return;
      }
      const signer = functionOfAccessKey(checked.accessKeyId);
      if (signer) {
        // Presigned uploads act with their signer's grants, as in AWS.
        const refusal = checkS3(
          functions[signer],
          'PUT',
          new URL(`/${bucket}/${encodeURIComponent(checked.key)}`, url),
          {},
          options.logicalBucket,
        );
        if (refusal) {
          options.onRefusal?.(signer, refusal);
          deny(req, res, 403, 'AccessDenied', 'Access Denied');
          return;
        }
      }
      forward(req, res, target, body);
      return;
    }
    const caller = callerOf(req.headers, url);
    if (caller) {
      const refusal = checkS3(
        functions[caller],
        req.method ?? 'GET',
        url,
        req.headers,
        options.logicalBucket,
      );
      if (refusal) {
        options.onRefusal?.(caller, refusal);
        deny(req, res, 403, 'AccessDenied', 'Access Denied');
        return;
      }
      const kind = req.headers.authorization
        ? options.faults?.decide('s3', s3Operation(req.method ?? 'GET', url))
        : undefined;
      if (kind === 'lost')
        return forwardLost(req, res, target, undefined, 's3', () => options.faults!.next('s3'));
      if (kind) {
        const method = req.method ?? 'GET';
        const wire =
          kind === 'server' ? s3ServerError(method, () => options.faults!.next('s3')) : s3SlowDown(method);
        // The body (a PutObject's) is read to its end first, so the client sees the answer, not a reset.
        req.on('end', () => answer(res, wire));
        req.resume();
        return;
      }
    }
    forward(req, res, target);
  });
}

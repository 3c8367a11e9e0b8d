/** Pieces of the local cloud that must behave as AWS does, tested without starting it. */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { APIGatewayProxyEventV2Schema, S3Schema } from '@aws-lambda-powertools/parser/schemas';
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { callerFromClaims } from '../../functions/shared/caller.ts';
import { buildEvent, compileRoutes, createApiServer } from '../../infra/local/api-gateway.ts';
import { stateFile } from '../../infra/local/cli/running-cloud.ts';
import { claimsAsApiGatewayPassesThem } from '../../infra/local/issuer.ts';
import { toAwsS3Event } from '../../infra/local/s3-local.ts';
import { cronerOptions, LocalScheduler, toCronerPattern } from '../../infra/local/scheduler.ts';
import { substitute, taskStates } from '../../infra/local/step-functions.ts';
import { matchesPattern } from '../../infra/local/streams.ts';
import { type DeployedRoute, routes } from '../../infra/resources.ts';

const request = (url: string, headers: Record<string, string> = {}) =>
  ({
    url,
    headers: { host: 'localhost:3000', ...headers },
    httpVersion: '1.1',
    socket: { remoteAddress: '::ffff:127.0.0.1' },
  }) as unknown as IncomingMessage;

describe('local API Gateway', () => {
  const compiled = compileRoutes(routes as readonly DeployedRoute[]);
  const match = (method: string, path: string) =>
    compiled.find((c) => c.route.method === method && c.pattern.test(path));

  it('matches declared paths with parameters and literal colons', () => {
    expect(match('GET', '/v1/institutions/12100000400000624D')?.route.function).toBe('getInstitution');
    expect(match('POST', '/v1/admin/mail:test')?.route.function).toBe('queueTestMail');
    expect(match('GET', '/v1/institutions/a/b')).toBeUndefined();
  });

  it('builds payload 2.0 events that Powertools APIGatewayProxyEventV2Schema accepts', () => {
    const route = match('GET', '/v1/institutions/x')!.route;
    const event = buildEvent(
      request('/v1/institutions/x?a=1&a=2&b=3', { 'content-type': 'application/json', cookie: 'c=1; d=2' }),
      Buffer.from('{"k":1}'),
      route,
      { uscc: 'x' },
      { sub: 's', 'cognito:groups': '[institution]' },
    );
    expect(APIGatewayProxyEventV2Schema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      routeKey: 'GET /v1/institutions/{uscc}',
      rawPath: '/v1/institutions/x',
      rawQueryString: 'a=1&a=2&b=3',
      queryStringParameters: { a: '1,2', b: '3' },
      cookies: ['c=1', 'd=2'],
      pathParameters: { uscc: 'x' },
      body: '{"k":1}',
      isBase64Encoded: false,
      requestContext: {
        stage: '$default',
        http: { method: 'GET', sourceIp: '127.0.0.1' },
        authorizer: { jwt: { claims: { sub: 's' } } },
      },
    });
    expect(event.headers.cookie).toBeUndefined();
    // As API Gateway forwards them (https/443 there): the local API speaks http.
    expect(event.headers).toMatchObject({ 'x-forwarded-proto': 'http', 'x-forwarded-for': '127.0.0.1' });
  });

  it('base64-encodes binary bodies as API Gateway does', () => {
    const route = match('POST', '/v1/institutions')!.route;
    const event = buildEvent(
      request('/v1/institutions', { 'content-type': 'application/octet-stream' }),
      Buffer.from([0, 1, 2]),
      route,
      {},
      undefined,
    );
    expect(event).toMatchObject({ body: 'AAEC', isBase64Encoded: true });
  });

  it('passes list claims as API Gateway does ("[a b]"), and the handler side reads them back', () => {
    const claims = claimsAsApiGatewayPassesThem({
      sub: 'u',
      'cognito:groups': ['institution', 'expert'],
      'custom:uscc': '12100000400000624D',
      token_use: 'id',
      exp: 1,
    });
    expect(claims['cognito:groups']).toBe('[institution expert]');
    expect(claims.exp).toBe('1');
    expect(callerFromClaims(claims)).toMatchObject({
      roles: ['institution', 'expert'],
      orgUscc: '12100000400000624D',
    });
    expect(() => callerFromClaims({ sub: 'u', 'cognito:groups': '[admins]', token_use: 'id' })).toThrow(
      /no role group/,
    );
  });
});

describe('local S3 events', () => {
  it('are made AWS-shaped: URL-encoded key, ARN without spaces, unique sequencer; S3Schema accepts them', () => {
    const raw = {
      Records: [
        {
          eventVersion: '2.0',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: '2026-11-25T00:00:00.000Z',
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: 'AWS:X' },
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': 'R', 'x-amz-id-2': 'I' },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'c',
            bucket: { name: 'drop', ownerIdentity: { principalId: 'P' }, arn: 'arn:aws:s3: : :drop' },
            object: { key: 'inbox/X/盘点 1.csv', size: 3, eTag: 'e', sequencer: '18F' },
          },
        },
      ],
    };
    const a = toAwsS3Event(raw as never);
    const b = toAwsS3Event(raw as never);
    expect(a.Records[0]!.s3.bucket.arn).toBe('arn:aws:s3:::drop');
    expect(a.Records[0]!.s3.object.key).toBe('inbox/X/%E7%9B%98%E7%82%B9+1.csv');
    expect(a.Records[0]!.s3.object.sequencer).not.toBe(b.Records[0]!.s3.object.sequencer);
    expect(S3Schema.safeParse(a).success).toBe(true);
  });
});

describe('local scheduler', () => {
  it("passes a schedule's declared input to its target, with the job's pairs over it", async () => {
    const inputs: unknown[] = [];
    const scheduler = new LocalScheduler(
      async (_name, _declaration, payload) => inputs.push(payload),
      () => undefined,
    );
    await scheduler.fire('metrics-quarter-close');
    await scheduler.fire('metrics-quarter-close', { quarters: ['2025Q4'] });
    await scheduler.fire('mail-retry');
    expect(inputs).toEqual([{ closeOnly: true }, { closeOnly: true, quarters: ['2025Q4'] }, undefined]);
  });

  it('converts EventBridge cron to croner and fires at the same instants', () => {
    expect(toCronerPattern('cron(0/15 * * * ? *)')).toBe('0 0/15 * * * ? *');
    expect(() => toCronerPattern('rate(5 minutes)')).toThrow(/cron/);
    expect(() => toCronerPattern('cron(0 2 * * ?)')).toThrow(/6 fields/);
    const next = (awsCron: string, from: string, count = 1) => {
      const job = new Cron(toCronerPattern(awsCron), {
        ...cronerOptions,
        timezone: 'Asia/Shanghai',
        paused: true,
      });
      const runs = job.nextRuns(count, new Date(from)).map((d) => d.toISOString());
      job.stop();
      return runs;
    };
    // Quarterly at 01:00 China time on the first day of a quarter: 2027-01-01 01:00 +08:00.
    expect(next('cron(0 1 1 1,4,7,10 ? *)', '2026-11-25T00:00:00Z')).toEqual(['2026-12-31T17:00:00.000Z']);
    // AWS counts the day of week from Sunday = 1: 2 is Monday (2026-12-07 is a Monday).
    expect(next('cron(0 2 ? * 2 *)', '2026-12-06T00:00:00Z')).toEqual(['2026-12-06T18:00:00.000Z']);
    expect(next('cron(0 8 ? * MON-FRI *)', '2026-12-05T00:00:00Z', 2)).toEqual([
      '2026-12-07T00:00:00.000Z',
      '2026-12-08T00:00:00.000Z',
    ]);
    // The year field is honoured, as EventBridge does.
    expect(next('cron(30 0 1 1 ? 2028)', '2026-12-06T00:00:00Z')).toEqual(['2027-12-31T16:30:00.000Z']);
  });
});

describe('local stream filters', () => {
  it('match like Lambda event filtering: nested objects, lists of accepted values', () => {
    const pattern = { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['mail'] } } } };
    expect(
      matchesPattern(pattern, { eventName: 'INSERT', dynamodb: { NewImage: { entity: { S: 'mail' } } } }),
    ).toBe(true);
    expect(
      matchesPattern(pattern, { eventName: 'MODIFY', dynamodb: { NewImage: { entity: { S: 'mail' } } } }),
    ).toBe(false);
    expect(
      matchesPattern(pattern, { eventName: 'INSERT', dynamodb: { NewImage: { entity: { S: 'audit' } } } }),
    ).toBe(false);
    expect(matchesPattern(pattern, { eventName: 'INSERT', dynamodb: {} })).toBe(false);
  });
});

describe('local Step Functions definitions', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ASL substitution syntax, not a template
  it('substitutes ${Var} as DefinitionSubstitutions does and finds nested Task states', () => {
    const text = substitute(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ASL substitution syntax, not a template
      '{"States":{"P":{"Type":"Parallel","Branches":[{"States":{"T":{"Type":"Task","Parameters":{"FunctionName":"${Fn}"}}}}]}}}',
      { Fn: 'arn:fn' },
    );
    const tasks = taskStates(JSON.parse(text));
    expect(tasks.map((t) => t.name)).toEqual(['T']);
    expect(tasks[0]!.state.Parameters).toEqual({ FunctionName: 'arn:fn' });
  });
});

describe('npm run token / npm run job find the running cloud', () => {
  const root = resolve(import.meta.dirname, '../..');
  it('by an absolute DATA_DIR as it is, a relative one from the project folder (as npm start resolves it)', () => {
    expect(stateFile('/tmp/patents-x')).toBe('/tmp/patents-x/local-cloud.json');
    expect(stateFile('other')).toBe(join(root, 'other', 'local-cloud.json'));
    expect(stateFile(undefined)).toBe(join(root, '.data', 'local-cloud.json'));
  });
});

describe('the local API console log', () => {
  it('logs the status the client got, for docs files and redirects as for routes (was 500 for every /docs file)', async () => {
    const lines: string[] = [];
    const server = createApiServer({
      runtime: { invoke: async () => ({ status: 'ok' }) },
      issuer: {} as never,
      log: (line) => lines.push(line),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const statuses = [];
      for (const path of ['/docs', '/docs/', '/docs/swagger-initializer.js', '/docs/nothing.js', '/health'])
        statuses.push((await fetch(`${base}${path}`, { redirect: 'manual' })).status);
      expect(statuses).toEqual([302, 200, 200, 404, 200]);
      expect(lines.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
        'GET /docs 302',
        'GET /docs/ 200',
        'GET /docs/swagger-initializer.js 200',
        'GET /docs/nothing.js 404',
        'GET /health 200',
      ]);
    } finally {
      server.close();
    }
  });
});

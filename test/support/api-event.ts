import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An HTTP API (payload 2.0) event as API Gateway builds it after its JWT authorizer. */
export function apiEvent(options: {
  method: string;
  path: string;
  routeKey?: string;
  body?: unknown;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  /** The authorizer's claims; a Cognito ID token's `token_use: id` is added unless given. */
  claims?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const routeKey = options.routeKey ?? `${options.method} ${options.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: options.path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', host: 'api.example.org' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      ...(options.claims
        ? { authorizer: { jwt: { claims: { token_use: 'id', ...options.claims }, scopes: null } } }
        : {}),
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: {
        method: options.method,
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'vitest',
      },
      requestId: 'request-1',
      routeKey,
      stage: '$default',
      time: '25/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795600800000,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

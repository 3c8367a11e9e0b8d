/**
 * The one middy chain behind every HTTP route: Powertools logging, envelope and request parsing with
 * the Powertools parser (zod schemas from the route declaration), the caller from the JWT claims, the
 * role check from the same declaration, and the mapping of domain errors to the shared error shape.
 * A handler file is then one line: `export const handler = httpRoute(registerThingRoute, useCaseCall)`,
 * with the route imported from schemas/routes/<area>.ts: the bundle carries that route's schemas only.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import type { Caller } from '../../schemas/roles.ts';
import { type RouteDeclaration, takesCursor } from '../../schemas/routes/route.ts';
import { callerFromClaims } from './caller.ts';
import { loadCursorSigningKey } from './cursor.ts';
import { isTransientServiceError } from './dynamo/throttling.ts';
import { errorResponse } from './error-response.ts';
import { DomainError, ForbiddenError, UnauthorizedError, ValidationError } from './errors.ts';
import { httpApiEventSchema, jsonBody } from './http-event.ts';
import { logger, tracerMiddleware } from './powertools.ts';
import { parseResponseBody, responseSchemaMode } from './response.ts';

type Part<R, P extends 'body' | 'query' | 'params'> = R extends { request: { [K in P]: infer S } }
  ? S extends z.ZodType
    ? z.output<S>
    : undefined
  : undefined;

export interface HttpRequest<R> {
  caller: R extends { roles: 'public' } ? Caller | undefined : Caller;
  body: Part<R, 'body'>;
  query: Part<R, 'query'>;
  params: Part<R, 'params'> extends undefined ? Record<string, string> : Part<R, 'params'>;
  headers: Record<string, string | undefined>;
  requestId: string;
}

export type HttpResponse =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: number; binaryBase64: string; contentType: string; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> };

function requestSchema(route: RouteDeclaration) {
  const shape: Record<string, z.ZodType> = {};
  if (route.request?.body) shape.body = jsonBody(route.request.body as z.ZodType);
  if (route.request?.query) shape.queryStringParameters = route.request.query.optional();
  if (route.request?.params) shape.pathParameters = route.request.params;
  return httpApiEventSchema.extend(shape);
}

function toResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  if ('binaryBase64' in response) {
    return {
      statusCode: response.status,
      headers: { 'content-type': response.contentType, ...response.headers },
      body: response.binaryBase64,
      isBase64Encoded: true,
    };
  }
  if ('text' in response) {
    return {
      statusCode: response.status,
      headers: { 'content-type': response.contentType, ...response.headers },
      body: response.text,
    };
  }
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...response.headers },
    body: response.body === undefined ? '' : JSON.stringify(response.body),
  };
}

type Issue = {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  /** zod's unrecognized_keys: the keys a strict schema refused (named as the field). */
  keys?: readonly string[];
};

/** Turns schema issues (zod or Standard Schema) into `details` that name where, which field and what is wrong. */
export function issuesToDetails(issues: readonly Issue[]) {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((p) =>
      String(typeof p === 'object' && p !== null && 'key' in p ? p.key : p),
    );
    const where = (
      { body: 'body', queryStringParameters: 'query', pathParameters: 'path' } as Record<string, string>
    )[path[0] ?? ''];
    const inside = [...(where ? path.slice(1) : path), ...(issue.keys?.length ? [issue.keys.join(',')] : [])];
    const field = inside.join('.') || '(whole)';
    return { in: where ?? 'request', field, message: issue.message };
  });
}

/**
 * The query of a request without a query string: the route's defaults, or 400 naming the required
 * parameters (API Gateway leaves queryStringParameters out entirely, so the schema never saw them).
 */
function emptyQuery(route: RouteDeclaration): unknown {
  if (!route.request?.query) return undefined;
  const parsed = route.request.query.safeParse({});
  if (parsed.success) return parsed.data;
  const details = issuesToDetails(
    parsed.error.issues.map((issue) => ({ ...issue, path: ['queryStringParameters', ...issue.path] })),
  );
  throw new ValidationError(
    `The request is not valid: add ${details.map((d) => `${d.in} ${d.field}`).join(', ')} and send it again.`,
    details,
  );
}

export function httpRoute<const R extends RouteDeclaration>(
  route: R,
  run: (request: HttpRequest<R>) => Promise<HttpResponse>,
) {
  const key = `${route.method} ${route.path}`;
  const schema = requestSchema(route);
  const signsCursors = takesCursor(route);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(tracerMiddleware ? [tracerMiddleware] : [])
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: async (request) => {
        const error = request.error;
        if (error instanceof DomainError) {
          if (error.statusCode >= 500) logger.error('request failed', { error });
          request.response = errorResponse(error.statusCode, error.code, error.message, error.details);
          return;
        }
        if (isTransientServiceError(error)) {
          // DynamoDB or S3 throttled this request (or held its item in a transaction, or failed on its
          // side) longer than the SDK's retries waited: a busy moment, not a defect: answered as the
          // retryable 503 the API documents, never as a 500.
          logger.warn('request throttled', { error });
          request.response = errorResponse(
            503,
            'BUSY_RETRY_LATER',
            'The service is busy at this moment (its data store throttled the request): send the same request again in a few seconds.',
          );
          return;
        }
        logger.error('unhandled error', { error });
        request.response = errorResponse(
          500,
          'INTERNAL',
          `Something went wrong on our side. Retry in a minute; if it keeps failing, give the operators this request id: ${request.context.awsRequestId}.`,
        );
      },
    })
    .use(
      parser({ schema, safeParse: true }) as unknown as middy.MiddlewareObj<
        APIGatewayProxyEventV2,
        APIGatewayProxyStructuredResultV2,
        Error,
        Context
      >,
    )
    .handler(async (parsed: unknown, context: Context) => {
      // Cached after the first request (cold start): Secrets Manager on AWS, the environment locally.
      if (signsCursors) await loadCursorSigningKey();
      const result = parsed as
        | { success: true; data: z.output<typeof schema> }
        | { success: false; error: unknown; originalEvent: APIGatewayProxyEventV2 };
      const event = (result.success
        ? result.data
        : result.originalEvent) as unknown as APIGatewayProxyEventV2 & {
        requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
      };
      const claims = event.requestContext.authorizer?.jwt?.claims;
      let caller: Caller | undefined;
      if (route.roles !== 'public') {
        caller = callerFromClaims(claims);
        const allowed = route.roles;
        if (!caller.roles.some((role) => allowed.includes(role))) {
          throw new ForbiddenError(
            `Your role (${caller.roles.join(', ')}) may not call ${key}; it is open to: ${allowed.join(', ')}.`,
          );
        }
      } else if (claims) {
        caller = callerFromClaims(claims);
      }
      if (!result.success) {
        const cause = (result.error as { cause?: unknown }).cause;
        const issues: Issue[] = Array.isArray(cause)
          ? cause
          : cause instanceof z.ZodError
            ? cause.issues
            : [];
        const details = issuesToDetails(issues);
        const bodyUnreadable = details.some(
          (d) => d.in === 'body' && d.field === '(whole)' && /json/i.test(d.message),
        );
        throw new ValidationError(
          bodyUnreadable
            ? 'The request body is not valid JSON: send a JSON object with content-type application/json.'
            : details.length
              ? `The request is not valid: fix ${details.map((d) => `${d.in} ${d.field}`).join(', ')} and send it again.`
              : 'The request could not be read: check the body is JSON and the parameters match the API description at /v1/openapi.json.',
          details.length ? details : undefined,
        );
      }
      if (!caller && route.roles !== 'public')
        throw new UnauthorizedError('Send "Authorization: Bearer <ID token>".');
      const data = result.data as Record<string, unknown>;
      const response = await run({
        caller: caller as never,
        body: data.body as never,
        query: (data.queryStringParameters ?? emptyQuery(route)) as never,
        params: (data.pathParameters ?? {}) as never,
        headers: event.headers ?? {},
        requestId: context.awsRequestId,
      });
      return toResult(checkedResponse(route, key, response));
    });
}

/**
 * A 2xx JSON answer leaves only as its route's response schema reads it (functions/shared/response.ts):
 * undeclared keys fail the request in strict mode (tests, local cloud) and are stripped and logged on
 * AWS; an answer that does not match its schema, or a route without one, is a 500, never sent.
 */
function checkedResponse(route: RouteDeclaration, key: string, response: HttpResponse): HttpResponse {
  if ('binaryBase64' in response || 'text' in response || response.body === undefined) return response;
  if (response.status < 200 || response.status >= 300) return response;
  const schema = route.responses[response.status]?.schema;
  if (!schema)
    throw new Error(
      `${key} answered ${response.status} with a JSON body but declares no response schema for it`,
    );
  const parsed = parseResponseBody(schema as z.ZodType, response.body);
  if (!parsed.ok)
    throw new Error(
      `${key} answered ${response.status} outside its response schema: ${parsed.issues.slice(0, 10).join('; ')}`,
    );
  const undeclared = [...new Set([...parsed.undeclared, ...parsed.storage])];
  if (undeclared.length) {
    const names = undeclared.slice(0, 20);
    if (responseSchemaMode() === 'strict')
      throw new Error(
        `${key} answered ${response.status} with keys its response schema does not declare: ${names.join(', ')}`,
      );
    logger.warn('undeclared response keys removed', { route: key, status: response.status, keys: names });
  }
  return { ...response, body: parsed.body };
}

export { errorResponse };

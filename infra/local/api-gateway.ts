/**
 * The local HTTP API: serves the routes of infra/resources.ts, verifies bearer tokens from the dev
 * issuer for non-public routes (401 as API Gateway's JWT authorizer answers), builds the payload
 * format 2.0 event API Gateway builds, invokes the function and maps its result back. Also serves
 * /docs (Swagger UI, offline) and the dev issuer's JWKS.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse } from '../../functions/shared/error-response.ts';
import { apiCors } from '../resources/cors.ts';
import { type DeployedRoute, routes } from '../resources.ts';
import { claimsAsApiGatewayPassesThem, type DevIssuer } from './issuer.ts';
import type { LambdaRuntime } from './lambda-runtime.ts';

const maxBodyBytes = 6 * 1024 * 1024; // Lambda's synchronous payload limit
const textTypes = /^(application\/(json|xml|x-www-form-urlencoded|.*\+json|.*\+xml)|text\/)/i;
const swaggerDir = join(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'), '..');

interface CompiledRoute {
  route: DeployedRoute;
  pattern: RegExp;
  names: string[];
}

export function compileRoutes(list: readonly DeployedRoute[]): CompiledRoute[] {
  return list.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) =>
        segment.replace(
          /\{(\w+)(\+?)\}|([^{}]+)/g,
          (_, name: string | undefined, greedy: string, literal: string | undefined) => {
            if (name) {
              names.push(name);
              return greedy ? '(.+)' : '([^/]+)';
            }
            return (literal ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          },
        ),
      )
      .join('/');
    return { route, pattern: new RegExp(`^${source}$`), names };
  });
}

/**
 * Path parameters percent-decoded, as API Gateway's HTTP API hands them to the function; undefined
 * when a segment is not valid percent-encoded UTF-8 (a bare "%", "%ZZ", an overlong or surrogate
 * sequence): the local API answers 400 and no function sees an undecodable parameter.
 */
export function decodePathParameters(names: string[], values: string[]): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(values[i]!)]));
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

/** A route's specificity per segment, as API Gateway ranks routes: literal 0, {param} 1, {proxy+} 2. */
function specificity(path: string): number[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((segment) => (/^\{\w+\+\}$/.test(segment) ? 2 : segment.includes('{') ? 1 : 0));
}

/** Orders routes as API Gateway matches them: the most specific route first, not the first declared. */
export function byPrecedence<T extends { route: DeployedRoute }>(list: T[]): T[] {
  return [...list].sort((a, b) => {
    const [x, y] = [specificity(a.route.path), specificity(b.route.path)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return y.length - x.length;
  });
}

/** The route API Gateway would choose for a request, or the routes of the path (for a 405). */
export function matchRoute(compiled: CompiledRoute[], method: string, path: string) {
  const candidates = compiled.filter((c) => c.pattern.test(path));
  return { match: candidates.find((c) => c.route.method === method), candidates };
}

/**
 * The CORS headers API Gateway adds to every answer of an HTTP API with CORS configured, when the
 * request carries an Origin (the backend's own CORS headers are replaced by these).
 */
export function responseCorsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  const anyOrigin = (apiCors.allowOrigins as readonly string[]).includes('*');
  return {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-expose-headers': apiCors.exposeHeaders.join(','),
  };
}

/** API Gateway's answer to a CORS preflight, from the declaration the CDK HTTP API uses too. */
export function preflightHeaders(origin: string | undefined): Record<string, string> {
  const anyOrigin = (apiCors.allowOrigins as readonly string[]).includes('*');
  return {
    'access-control-allow-origin': anyOrigin ? '*' : (origin ?? ''),
    'access-control-allow-methods': apiCors.allowMethods.join(','),
    'access-control-allow-headers': apiCors.allowHeaders.join(','),
    'access-control-max-age': String(apiCors.maxAgeSeconds),
  };
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2) {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/** A function may return a plain value: API Gateway then answers 200 with it as JSON. */
function normalizeResult(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result && typeof result === 'object' && 'statusCode' in result)
    return result as APIGatewayProxyStructuredResultV2;
  if (typeof result === 'string')
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: result };
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(result ?? null),
  };
}

function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

export function buildEvent(
  req: IncomingMessage,
  body: Buffer,
  route: DeployedRoute,
  pathParameters: Record<string, string>,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway adds these to every request it forwards (https and 443 there); the local API speaks
  // plain http on its own port, and says so, so that answers naming their own address (the OpenAPI
  // document's server) name one a client can reach.
  const sourceIp = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(
    req.socket.localPort ?? new URL(`http://${headers.host ?? 'localhost'}`).port ?? '80',
  );
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const cookies = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || textTypes.test(contentType) || contentType === '';
  const now = new Date();
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  } as APIGatewayProxyEventV2;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function serveDocs(path: string, res: ServerResponse): Promise<boolean> {
  if (path === '/docs') {
    res.writeHead(302, { location: '/docs/' });
    res.end();
    return true;
  }
  if (!path.startsWith('/docs/')) return false;
  const file =
    path === '/docs/' ? 'index.html' : normalize(path.slice('/docs/'.length)).replace(/^(\.\.[/\\])+/, '');
  if (file === 'swagger-initializer.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(
      `window.onload = () => { window.ui = SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true, persistAuthorization: true, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' }); };`,
    );
    return true;
  }
  try {
    const content = await readFile(join(swaggerDir, file));
    const types: Record<string, string> = {
      '.html': 'text/html',
      '.js': 'text/javascript',
      '.css': 'text/css',
      '.png': 'image/png',
      '.map': 'application/json',
    };
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(content);
  } catch {
    send(res, errorResponse(404, 'NOT_FOUND', `No such docs file ${file}: open /docs/.`));
  }
  return true;
}

export function createApiServer(options: {
  runtime: Pick<LambdaRuntime, 'invoke'>;
  issuer: DevIssuer;
  log: (line: string) => void;
}): Server {
  const compiled = byPrecedence(compileRoutes(routes as readonly DeployedRoute[]));
  return createServer(async (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let status = 500;
    for (const [name, value] of Object.entries(responseCorsHeaders(req.headers.origin)))
      res.setHeader(name, value);
    try {
      if (method === 'GET' && (await serveDocs(url.pathname, res))) return;
      if (method === 'GET' && url.pathname === '/.well-known/jwks.json') {
        send(res, {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(options.issuer.jwks),
        });
        return;
      }
      if (method === 'OPTIONS') {
        status = 204;
        send(res, { statusCode: 204, headers: preflightHeaders(req.headers.origin) });
        return;
      }
      const decodedPath = url.pathname;
      const { match, candidates } = matchRoute(compiled, method, decodedPath);
      if (!match) {
        const result =
          candidates.length > 0
            ? errorResponse(
                405,
                'METHOD_NOT_ALLOWED',
                `${method} is not allowed on ${decodedPath}; allowed: ${candidates.map((c) => c.route.method).join(', ')}.`,
              )
            : errorResponse(
                404,
                'NOT_FOUND',
                `No route ${method} ${decodedPath}: see the API description at /v1/openapi.json or /docs.`,
              );
        status = result.statusCode;
        send(res, result);
        return;
      }
      const values = match.pattern.exec(decodedPath)!.slice(1);
      const pathParameters = decodePathParameters(match.names, values);
      if (!pathParameters) {
        status = 400;
        send(
          res,
          errorResponse(
            400,
            'BAD_REQUEST',
            'The path is not valid percent-encoded UTF-8: encode each path segment with encodeURIComponent and send it again.',
          ),
        );
        return;
      }
      let claims: Record<string, string> | undefined;
      if (match.route.roles !== 'public') {
        const header = req.headers.authorization ?? '';
        const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
        try {
          if (!token) throw new Error('missing');
          claims = claimsAsApiGatewayPassesThem(await options.issuer.verify(token));
        } catch {
          status = 401;
          // API Gateway's JWT authorizer answers {"message":"Unauthorized"}; we add the shared shape and a hint.
          send(res, {
            ...errorResponse(
              401,
              'UNAUTHORIZED',
              token
                ? 'The bearer token is invalid or expired: get a new one (locally: npm run token -- --role <role> ...).'
                : 'This route needs "Authorization: Bearer <ID token>" (locally: npm run token -- --role <role> ...).',
            ),
            headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
          });
          return;
        }
      }
      const body = await readBody(req);
      if (!body) {
        status = 413;
        send(
          res,
          errorResponse(
            413,
            'PAYLOAD_TOO_LARGE',
            `Request bodies are limited to ${maxBodyBytes / 1024 / 1024} MB: upload large files with POST /v1/uploads instead.`,
          ),
        );
        return;
      }
      const event = buildEvent(req, body, match.route, pathParameters, claims);
      const result = normalizeResult(await options.runtime.invoke(match.route.function, event));
      status = result.statusCode ?? 200;
      send(res, result);
    } catch (error) {
      status = 500;
      options.log(`error serving ${method} ${url.pathname}: ${(error as Error).stack ?? error}`);
      if (!res.headersSent)
        send(
          res,
          errorResponse(
            500,
            'INTERNAL',
            'The local function failed: see the npm start console for the stack trace.',
          ),
        );
    } finally {
      // The status the client got: once a response is sent (docs files, redirects included) it is the
      // one written, whatever path sent it.
      const sent = res.headersSent ? res.statusCode : status;
      options.log(`${method} ${url.pathname} ${sent} ${Math.round(performance.now() - started)}ms`);
    }
  });
}

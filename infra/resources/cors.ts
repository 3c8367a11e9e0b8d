/**
 * The CORS declaration of the HTTP API, read by the CDK stack (HttpApi corsPreflight) and by the local
 * API (infra/local/api-gateway.ts), which answers preflights from it as API Gateway does.
 * Bearer tokens, no cookies: any origin may call, the token is the credential.
 */
export const apiCors = {
  allowOrigins: ['*'],
  /** '*' is CorsHttpMethod.ANY. */
  allowMethods: ['*'],
  // if-match: the versioned writes (mapping profiles' PUT and DELETE) take the ETag read.
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
  /** Response headers a browser's script may read: the version to send back, where a creation is. */
  exposeHeaders: ['etag', 'location'],
  maxAgeSeconds: 3600,
} as const;

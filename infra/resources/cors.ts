/**
 * The CORS declaration of the HTTP API, read by the CDK stack (HttpApi corsPreflight) and by the local
 * API (infra/local/api-gateway.ts), which answers preflights from it as API Gateway does.
 * Bearer tokens, no cookies: any origin may call, the token is the credential.
 */
export const apiCors = {
  allowOrigins: ['*'],
  /** '*' is CorsHttpMethod.ANY. */
  allowMethods: ['*'],
  allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
  maxAgeSeconds: 3600,
} as const;

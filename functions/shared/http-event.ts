/**
 * The API Gateway HTTP API (payload 2.0) event as the routes read it, and JSON bodies.
 *
 * The same shape as Powertools' `APIGatewayProxyEventV2Schema` and `JSONStringified`, written here with
 * `import * as z from 'zod'`: Powertools' schema modules import `{ z }`, which esbuild cannot tree-shake
 * (it keeps all of zod, its locales included: ~370 KB more in every HTTP function's bundle, measured).
 */
import * as z from 'zod';

const stringRecord = z.record(z.string(), z.string());

export const httpApiEventSchema = z.object({
  version: z.string(),
  routeKey: z.string(),
  rawPath: z.string(),
  rawQueryString: z.string(),
  cookies: z.array(z.string()).optional(),
  headers: stringRecord,
  queryStringParameters: stringRecord.optional(),
  pathParameters: stringRecord.nullish(),
  stageVariables: stringRecord.nullish(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
  requestContext: z.object({
    accountId: z.string(),
    apiId: z.string(),
    authorizer: z
      .object({
        jwt: z.object({ claims: z.record(z.string(), z.any()), scopes: z.array(z.string()).nullish() }),
      })
      .partial()
      .optional(),
    domainName: z.string(),
    domainPrefix: z.string(),
    http: z.object({
      method: z.string(),
      path: z.string(),
      protocol: z.string(),
      sourceIp: z.string(),
      userAgent: z.string(),
    }),
    requestId: z.string(),
    routeKey: z.string(),
    stage: z.string(),
    time: z.string(),
    timeEpoch: z.number(),
  }),
});

/** A JSON text parsed, then checked against `schema` (issues name the body's fields). */
export const jsonBody = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        context.addIssue({
          code: 'custom',
          message: `Invalid JSON - ${(error as Error).message}`,
          fatal: true,
        });
        return z.NEVER;
      }
    })
    .pipe(schema);

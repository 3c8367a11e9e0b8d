/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas: a route declared in
 * schemas/routes/ appears here by construction. `npm run openapi` writes it to docs/openapi.json, which
 * GET /v1/openapi.json serves as it is (the generator and every schema stay out of the bundles);
 * test/unit/openapi.test.ts fails when the committed file is stale.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type * as z from 'zod';
import { roleLabels } from '../roles.ts';
import { routes } from './index.ts';
import type { RouteDeclaration } from './route.ts';

export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'ID token, never an access token (Cognito: token_use "id"; locally: `npm run token -- --role <role> ...`). Roles come from cognito:groups, or from the claim the deployment names for an OIDC issuer.',
  });
  for (const route of routes as readonly RouteDeclaration[]) {
    const roles = route.roles === 'public' ? 'public' : route.roles.map((r) => roleLabels[r]).join('; ');
    registry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: route.path,
      // Stable and unique: the function behind the route (one function per route, infra/resources.ts).
      operationId: route.function,
      summary: route.summary,
      description: `Allowed: ${roles}.`,
      tags: route.tags,
      // Public routes say so (an empty requirement), so clients and linters do not expect a token.
      security: route.roles === 'public' ? [] : [{ [bearer.name]: [] }],
      request: {
        ...(route.request?.params ? { params: route.request.params } : {}),
        ...(route.request?.query ? { query: route.request.query } : {}),
        ...(route.request?.body
          ? { body: { content: { 'application/json': { schema: route.request.body as z.ZodType } } } }
          : {}),
      },
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
              : response.contentType
                ? { content: { [response.contentType]: { schema: { type: 'string' as const } } } }
                : {}),
          },
        ]),
      ),
    });
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Patent revitalization API (专利转化运用)',
      version: '1',
      description:
        'Backend of the national programme to revitalize universities\' stock of patents. Errors share one shape: {"error": {"code", "message", "details"}}.',
    },
    // Relative: the document describes whichever deployment serves it. GET /v1/openapi.json replaces
    // it with that deployment's absolute address, taken from the request as the API received it.
    servers: [{ url: '/', description: 'The deployment serving this document' }],
  });
  return withTitles(withoutPrefilledFilters(document));
}

/**
 * Each named schema carries its name as title, so that Swagger UI labels the members of a union
 * (PatentView: Patent | PublicPatent; the fee terms) by name instead of bare "any" / "object".
 */
function withTitles(document: Document): Document {
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
    if (typeof schema === 'object' && !('$ref' in schema) && schema.title === undefined) schema.title = name;
  return document;
}

type Document = ReturnType<OpenApiGeneratorV31['generateDocument']>;
interface QueryParameter {
  in: string;
  required?: boolean;
  description?: string;
  example?: unknown;
  examples?: unknown;
  schema?: { example?: unknown; examples?: unknown };
}

/**
 * Swagger UI fills every parameter's input with its example, so "Try it out" on GET /v1/patents sent
 * example filters nobody chose and answered a silently filtered list. An optional query parameter
 * keeps its example in its description only ("e.g. ..."); required ones and bodies keep theirs.
 */
function withoutPrefilledFilters(document: Document): Document {
  for (const item of Object.values(document.paths ?? {}))
    for (const operation of Object.values(item ?? {})) {
      const parameters = (operation as { parameters?: QueryParameter[] }).parameters ?? [];
      for (const parameter of parameters) {
        if (parameter.in !== 'query' || parameter.required) continue;
        const example = parameter.example ?? parameter.schema?.example;
        delete parameter.example;
        delete parameter.examples;
        delete parameter.schema?.example;
        delete parameter.schema?.examples;
        if (example === undefined) continue;
        const hint = `e.g. ${typeof example === 'string' ? example : JSON.stringify(example)}`;
        parameter.description = parameter.description ? `${parameter.description} (${hint})` : hint;
      }
    }
  return document;
}

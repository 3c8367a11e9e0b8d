/** Search: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import { errorBodySchema } from '../errors.ts';
import { needSearchQuerySchema, needSearchResultSchema } from '../need-search.ts';
import { patentSearchQuerySchema, patentSearchResultSchema } from '../search.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';

export const searchPatentsRoute = {
  method: 'GET',
  path: '/v1/search/patents',
  function: 'searchPatents',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles],
  summary:
    'Full-text search of patents in Chinese (simplified or traditional): ranked hits with highlights and the reasons each matched. Enterprises, experts and administrators: available patents, public view; institutions: their own, full view',
  tags: ['search'],
  request: { query: patentSearchQuerySchema },
  responses: {
    200: { description: 'The best hits, most relevant first', schema: patentSearchResultSchema },
    ...routeErrors,
    503: {
      description:
        'NOT_CONFIGURED: this deployment has no search engine yet; BUSY_RETRY_LATER: the engine did not answer',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const searchNeedsRoute = {
  method: 'GET',
  path: '/v1/search/needs',
  function: 'searchNeeds',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles],
  summary:
    'Full-text search of enterprise technology needs in Chinese: institutions, experts and administrators search the open needs; an enterprise its own. Ranked hits with highlights and reasons',
  tags: ['search'],
  request: { query: needSearchQuerySchema },
  responses: {
    200: { description: 'The best hits, most relevant first', schema: needSearchResultSchema },
    ...routeErrors,
    503: {
      description:
        'NOT_CONFIGURED: this deployment has no search engine yet; BUSY_RETRY_LATER: the engine did not answer',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const searchRoutes = [searchPatentsRoute, searchNeedsRoute] as const;

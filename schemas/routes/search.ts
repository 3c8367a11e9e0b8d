/** Search: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import { needSearchQuerySchema, needSearchResultSchema } from '../need-search.ts';
import {
  maxSavedSearches,
  savedSearchInputSchema,
  savedSearchListSchema,
  savedSearchSchema,
} from '../saved-search.ts';
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

const savedSearchParams = z.object({ savedSearchId: z.string().min(1).max(64) });

export const saveSearchRoute = {
  method: 'POST',
  path: '/v1/saved-searches',
  function: 'saveSearch',
  roles: ['enterprise'],
  summary: `Save a patent search (the query and filters of GET /v1/search/patents) as a daily alert: patents newly in the conversion pool that match it arrive in one email a day (verified enterprises; at most ${maxSavedSearches})`,
  tags: ['search'],
  request: { body: savedSearchInputSchema },
  responses: {
    201: { description: 'Saved', schema: savedSearchSchema },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const listSavedSearchesRoute = {
  method: 'GET',
  path: '/v1/saved-searches',
  function: 'listSavedSearches',
  roles: ['enterprise'],
  summary: `The enterprise's saved searches, oldest first (at most ${maxSavedSearches}: one answer, no paging)`,
  tags: ['search'],
  responses: {
    200: { description: 'The saved searches', schema: savedSearchListSchema },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const deleteSavedSearchRoute = {
  method: 'DELETE',
  path: '/v1/saved-searches/{savedSearchId}',
  function: 'deleteSavedSearch',
  roles: ['enterprise'],
  summary: 'Delete a saved search: its alerts stop',
  tags: ['search'],
  request: { params: savedSearchParams },
  responses: {
    204: { description: 'Deleted' },
    ...routeErrors,
    404: { description: 'No such saved search of your enterprise', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const searchRoutes = [
  searchPatentsRoute,
  searchNeedsRoute,
  saveSearchRoute,
  listSavedSearchesRoute,
  deleteSavedSearchRoute,
] as const;

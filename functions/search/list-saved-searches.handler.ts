import { listSavedSearchesRoute } from '../../schemas/routes/search.ts';
import { httpRoute } from '../shared/http.ts';
import { savedSearchDeps } from './saved-search-deps.ts';
import { listSavedSearches } from './saved-searches.ts';

const deps = savedSearchDeps();

export const handler = httpRoute(listSavedSearchesRoute, async ({ caller }) => ({
  status: 200,
  body: await listSavedSearches(deps, caller),
}));

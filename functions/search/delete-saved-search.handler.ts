import { deleteSavedSearchRoute } from '../../schemas/routes/search.ts';
import { httpRoute } from '../shared/http.ts';
import { savedSearchDeps } from './saved-search-deps.ts';
import { deleteSavedSearch } from './saved-searches.ts';

const deps = savedSearchDeps();

export const handler = httpRoute(deleteSavedSearchRoute, async ({ caller, params }) => {
  await deleteSavedSearch(deps, caller, params.savedSearchId);
  return { status: 204 };
});

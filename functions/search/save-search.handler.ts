import { saveSearchRoute } from '../../schemas/routes/search.ts';
import { httpRoute } from '../shared/http.ts';
import { savedSearchDeps } from './saved-search-deps.ts';
import { saveSearch } from './saved-searches.ts';

const deps = savedSearchDeps();

export const handler = httpRoute(saveSearchRoute, async ({ caller, body }) => {
  const saved = await saveSearch(deps, caller, body);
  return { status: 201, body: saved, headers: { location: `/v1/saved-searches/${saved.savedSearchId}` } };
});

import { searchPatentsRoute } from '../../schemas/routes/search.ts';
import { httpRoute } from '../shared/http.ts';
import { searchPatents } from './search.ts';
import { searchDeps } from './search-deps.ts';

const deps = searchDeps();

export const handler = httpRoute(searchPatentsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await searchPatents(deps, caller, query),
}));

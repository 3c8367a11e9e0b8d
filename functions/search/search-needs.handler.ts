import { searchNeedsRoute } from '../../schemas/routes/search.ts';
import { httpRoute } from '../shared/http.ts';
import { logger } from '../shared/powertools.ts';
import { needSearchPath } from './http-search-index.ts';
import { searchDeps } from './search-deps.ts';
import { searchNeeds } from './search-needs.ts';

const deps = {
  ...searchDeps(process.env, needSearchPath),
  onUnreadable: (needId: string, issues: string) =>
    logger.error('search hit left out: the stored need does not match its schema', { needId, issues }),
};

export const handler = httpRoute(searchNeedsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await searchNeeds(deps, caller, query),
}));

import { searchPatentsRoute } from '../../schemas/routes/search.ts';
import { httpRoute } from '../shared/http.ts';
import { logger } from '../shared/powertools.ts';
import { searchPatents } from './search.ts';
import { searchDeps } from './search-deps.ts';

const deps = {
  ...searchDeps(),
  onUnreadable: (applicationNumber: string, issues: string) =>
    logger.error('search hit left out: the stored patent does not match its schema', {
      applicationNumber,
      issues,
    }),
};

export const handler = httpRoute(searchPatentsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await searchPatents(deps, caller, query),
}));

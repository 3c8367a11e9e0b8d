import { searchPatentsRoute } from '../../schemas/routes/search.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { logger } from '../shared/powertools.ts';
import { searchPatents } from './search.ts';
import { searchDeps } from './search-deps.ts';

const deps = {
  ...searchDeps(),
  institutions: dynamoInstitutionStore(documents, config.tableName('core')),
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

import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { getCoverage } from './patent-queries.ts';
import { dynamoCoverageCounter } from './patent-query-store.ts';

const deps = {
  counter: dynamoCoverageCounter(documents, config.tableName('core')),
  institutions: dynamoInstitutionStore(documents, config.tableName('core')),
  now: () => new Date(),
};

export const handler = httpRoute('GET /v1/inventory/coverage', async ({ caller, query }) => ({
  status: 200,
  body: await getCoverage(deps, caller, query),
  headers: { 'cache-control': 'no-store' },
}));

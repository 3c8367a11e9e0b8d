import { listPatentsRoute } from '../../schemas/routes/patents.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { listPatents } from './patent-queries.ts';
import { dynamoPatentQueryStore } from './patent-query-store.ts';

const deps = {
  patents: dynamoPatentQueryStore(documents, config.tableName('core')),
  institutions: dynamoInstitutionStore(documents, config.tableName('core')),
};

export const handler = httpRoute(listPatentsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listPatents(deps, caller, query),
}));

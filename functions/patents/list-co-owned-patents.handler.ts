import { listCoOwnedPatentsRoute } from '../../schemas/routes/patents.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { listCoOwnedPatents } from './co-ownership.ts';
import { dynamoCoOwnershipStore } from './co-ownership-store.ts';
import { publicViewsOf } from './patent-queries.ts';
import { dynamoPatentQueryStore } from './patent-query-store.ts';

const table = config.tableName('core');
const institutions = dynamoInstitutionStore(documents, table);
const patents = dynamoPatentQueryStore(documents, table);
const deps = {
  coOwnership: dynamoCoOwnershipStore(documents, table),
  institutions,
  publicViews: (numbers: readonly string[]) => publicViewsOf({ patents, institutions }, numbers),
};

export const handler = httpRoute(listCoOwnedPatentsRoute, async ({ caller, params, query }) => ({
  status: 200,
  body: await listCoOwnedPatents(deps, caller, params.uscc, query),
}));

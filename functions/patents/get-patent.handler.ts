import { getPatentRoute } from '../../schemas/routes/patents.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { dynamoCoOwnershipStore } from './co-ownership-store.ts';
import { getPatent } from './patent-queries.ts';
import { dynamoPatentQueryStore } from './patent-query-store.ts';

const table = config.tableName('core');
// Ministry admins: whether the patent's institution is one their ministry supervises.
const institutions = dynamoInstitutionStore(documents, table);
const deps = {
  patents: dynamoPatentQueryStore(documents, table),
  institutions,
  // Institutions that co-own the patent by their registered name read its public view.
  coOwners: { coOwnership: dynamoCoOwnershipStore(documents, table), institutions },
};

export const handler = httpRoute(getPatentRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getPatent(deps, caller, params.applicationNumber),
}));

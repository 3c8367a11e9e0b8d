import { getPatentRoute } from '../../schemas/routes/patents.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { getPatent } from './patent-queries.ts';
import { dynamoPatentQueryStore } from './patent-query-store.ts';

const deps = {
  patents: dynamoPatentQueryStore(documents, config.tableName('core')),
  // Ministry admins: whether the patent's institution is one their ministry supervises.
  institutions: dynamoInstitutionStore(documents, config.tableName('core')),
};

export const handler = httpRoute(getPatentRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getPatent(deps, caller, params.applicationNumber),
}));

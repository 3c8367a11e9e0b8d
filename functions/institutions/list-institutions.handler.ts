import { listInstitutionsRoute } from '../../schemas/routes/institutions.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { dynamoInstitutionStore } from './institution-store.ts';
import { listInstitutions } from './institutions.ts';

const store = dynamoInstitutionStore(documents, config.tableName('core'));

export const handler = httpRoute(listInstitutionsRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listInstitutions({ store }, caller, query),
}));

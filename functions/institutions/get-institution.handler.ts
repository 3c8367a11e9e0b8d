import { getInstitutionRoute } from '../../schemas/routes/institutions.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { dynamoInstitutionStore } from './institution-store.ts';
import { getInstitution } from './institutions.ts';

const store = dynamoInstitutionStore(documents, config.tableName('core'));

export const handler = httpRoute(getInstitutionRoute, async ({ caller, params }) => ({
  status: 200,
  body: await getInstitution({ store }, caller, params.uscc),
}));

import { chinaDate } from '../../schemas/china-date.ts';
import { registerPatentsBatchRoute } from '../../schemas/routes/patents.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { dynamoPatentWriter } from './patent-store.ts';
import { registerPatents } from './register-patents.ts';

const patents = dynamoPatentWriter(documents, config.tableName('core'));
const institutions = dynamoInstitutionStore(documents, config.tableName('core'));

export const handler = httpRoute(registerPatentsBatchRoute, async ({ caller, body }) => {
  const {
    rowsCreated: _c,
    rowsUpdated: _u,
    ...result
  } = await registerPatents({ patents, institutions, today: chinaDate(new Date()) }, caller, body.rows);
  return { status: 200, body: result };
});

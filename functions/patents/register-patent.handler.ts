import { chinaDate } from '../../schemas/china-date.ts';
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { registerPatentRoute } from '../../schemas/routes/patents.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { dynamoPatentWriter } from './patent-store.ts';
import { registerPatent } from './register-patents.ts';

const patents = dynamoPatentWriter(documents, config.tableName('core'));
const institutions = dynamoInstitutionStore(documents, config.tableName('core'));

export const handler = httpRoute(registerPatentRoute, async ({ caller, body }) => {
  const { outcome, warnings } = await registerPatent(
    { patents, institutions, today: chinaDate(new Date()) },
    caller,
    body,
  );
  const number = normalizeApplicationNumber(
    String(body.applicationNumber ?? body.申请号 ?? body.application_number ?? ''),
  );
  return {
    status: outcome === 'created' ? 201 : 200,
    body: { applicationNumber: number, outcome, warnings },
    headers: { location: `/v1/patents/${number}` },
  };
});

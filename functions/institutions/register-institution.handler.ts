import { checkUscc } from '../../schemas/codes/uscc.ts';
import { registerInstitutionRoute } from '../../schemas/routes/institutions.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { dynamoInstitutionStore } from './institution-store.ts';
import { registerInstitution } from './institutions.ts';

const store = dynamoInstitutionStore(documents, config.tableName('core'));

export const handler = httpRoute(registerInstitutionRoute, async ({ caller, body }) => {
  const check = checkUscc(body.uscc);
  const { institution, warnings } = await registerInstitution({ store, now: () => new Date() }, caller, {
    ...body,
    usccChecksumValid: check.ok && check.checksumValid,
  });
  return {
    status: 201,
    body: institution,
    headers: {
      location: `/v1/institutions/${institution.uscc}`,
      ...(warnings.length ? { 'x-warnings': encodeURIComponent(warnings.join('; ')) } : {}),
    },
  };
});

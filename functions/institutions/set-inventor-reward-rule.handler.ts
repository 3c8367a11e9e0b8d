import { setInventorRewardRuleRoute } from '../../schemas/routes/institutions.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { dynamoInstitutionStore } from './institution-store.ts';
import { setInventorRewardRule } from './institutions.ts';

const store = dynamoInstitutionStore(documents, config.tableName('core'));

export const handler = httpRoute(setInventorRewardRuleRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await setInventorRewardRule({ store, now: () => new Date() }, caller, params.uscc, body),
}));

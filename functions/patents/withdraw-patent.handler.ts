import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { withdrawPatentRoute } from '../../schemas/routes/patents.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { withdrawPatent } from './exits.ts';
import { dynamoReviewStore } from './review-store.ts';

const store = dynamoReviewStore(documents, config.tableName('core'));

export const handler = httpRoute(withdrawPatentRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await withdrawPatent(
    { store, now: () => new Date() },
    caller,
    normalizeApplicationNumber(params.applicationNumber),
    body,
  ),
}));

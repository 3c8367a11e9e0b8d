import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { submitSelfAssessmentRoute } from '../../schemas/routes/patents.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { submitSelfAssessment } from './inventory-review.ts';
import { dynamoReviewStore } from './review-store.ts';

const store = dynamoReviewStore(documents, config.tableName('core'));

export const handler = httpRoute(submitSelfAssessmentRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await submitSelfAssessment(
    { store, now: () => new Date() },
    caller,
    normalizeApplicationNumber(params.applicationNumber),
    body,
  ),
}));

import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { reviewFiveYearJustificationRoute } from '../../schemas/routes/monitoring.ts';
import { dynamoReviewStore } from '../patents/review-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { reviewFiveYearJustification } from './five-year-justification.ts';

const store = dynamoReviewStore(documents, config.tableName('core'));

export const handler = httpRoute(reviewFiveYearJustificationRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await reviewFiveYearJustification(
    { store, now: () => new Date() },
    caller,
    normalizeApplicationNumber(params.applicationNumber),
    body,
  ),
}));

import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { reviewFiveYearJustificationRoute } from '../../schemas/routes/monitoring.ts';
import { dynamoReviewStore } from '../patents/review-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { reviewFiveYearJustification } from './five-year-justification.ts';
import { justificationReviewMail } from './justification-mail.ts';
import { dynamoSpotCheckStore } from './monitoring-store.ts';

const store = dynamoReviewStore(documents, config.tableName('core'));
const institutions = dynamoSpotCheckStore(documents, config.tableName('core'));
const deps = {
  store,
  now: () => new Date(),
  institution: (uscc: string) => institutions.institution(uscc),
  mail: justificationReviewMail,
};

export const handler = httpRoute(reviewFiveYearJustificationRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await reviewFiveYearJustification(
    deps,
    caller,
    normalizeApplicationNumber(params.applicationNumber),
    body,
  ),
}));

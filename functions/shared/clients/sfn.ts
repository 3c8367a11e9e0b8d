/** The Step Functions client, created once per container (see ./dynamodb.ts). */
import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from '../powertools.ts';

// StartSyncExecution goes to the sync- host prefix in AWS; a custom endpoint (local) has none.
export const sfn = tracer.captureAWSv3Client(
  new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) }),
);

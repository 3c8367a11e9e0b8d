/** The Step Functions client, created once per container (see ./dynamodb.ts). */
import { SFNClient } from '@aws-sdk/client-sfn';
import { traced } from '../powertools.ts';

// StartSyncExecution goes to the sync- host prefix in AWS; a custom endpoint (local) has none.
export const sfn = traced(new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) }));

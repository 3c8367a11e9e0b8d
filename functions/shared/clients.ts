/**
 * AWS SDK clients, created once per container at module scope. Endpoints come from the standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, which the local cloud sets to its stand-ins.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
import { tracer } from './powertools.ts';

export const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
export const s3 = tracer.captureAWSv3Client(
  new S3Client({
    forcePathStyle: config.s3ForcePathStyle(),
    // s3rver stores aws-chunked framing as data when the SDK adds checksums by default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  }),
);
// StartSyncExecution goes to the sync- host prefix in AWS; a custom endpoint (local) has none.
export const sfn = tracer.captureAWSv3Client(
  new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) }),
);
export const scheduler = tracer.captureAWSv3Client(new SchedulerClient({}));
export const ses = tracer.captureAWSv3Client(new SESv2Client({}));

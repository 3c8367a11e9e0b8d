/** The SES v2 client, created once per container (see ./dynamodb.ts). */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { tracer } from '../powertools.ts';

export const ses = tracer.captureAWSv3Client(new SESv2Client({}));

/** The SES v2 client, created once per container (see ./dynamodb.ts). */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { traced } from '../powertools.ts';

export const ses = traced(new SESv2Client({}));

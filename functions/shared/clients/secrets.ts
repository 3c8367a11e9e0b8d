/** The Secrets Manager client, created once per container (see ./dynamodb.ts). */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tracer } from '../powertools.ts';

export const secrets = tracer.captureAWSv3Client(new SecretsManagerClient({}));

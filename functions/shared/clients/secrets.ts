/** The Secrets Manager client, created once per container (see ./dynamodb.ts). */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { traced } from '../powertools.ts';

export const secrets = traced(new SecretsManagerClient({}));

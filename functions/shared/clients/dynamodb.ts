/**
 * The DynamoDB clients, created once per container at module scope. One module per service, so that a
 * bundle carries only the SDK clients its function uses. Endpoints come from the standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, which the local cloud sets to its stand-ins.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { retryItemConflicts } from '../dynamo/item-conflicts.ts';
import { traced } from '../powertools.ts';

/** Single-item writes that meet a transaction are sent again by the SDK (dynamo/item-conflicts.ts). */
export const dynamodb = traced(retryItemConflicts(new DynamoDBClient({})));
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

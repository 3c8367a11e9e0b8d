/**
 * DynamoDB adapter of FailureStore. One item per failed event:
 *   pk PIPELINE-FAILURE#<eventId>  sk FAILURE   entity pipeline-failure
 *   while failed: gsi3 PIPELINE#failed / <failedAt>#<eventId> (national list),
 *                 gsi2 PROV#<code>#PIPELINE-FAILURE / <failedAt>#<eventId> (province list)
 * Both index keys are removed when the failure is retried, and set again if the retry fails too.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { indexes } from '../shared/dynamo/keys.ts';
import type { FailureStore, StoredFailure } from './failures.ts';

export const failureKey = (eventId: string) => ({ pk: `PIPELINE-FAILURE#${eventId}`, sk: 'FAILURE' });
export const failedPartition = indexes.pipelineFailures;
export const provinceFailedPartition = indexes.provincePipelineFailures;

function toFailure(item: Record<string, unknown>): StoredFailure {
  const { pk, sk, entity, gsi2pk, gsi2sk, gsi3pk, gsi3sk, retryClaim, ...rest } = item;
  return rest as unknown as StoredFailure;
}

export function dynamoFailureStore(documents: DynamoDBDocumentClient, tableName: string): FailureStore {
  return {
    async record(failure) {
      const listed = `${failure.failedAt}#${failure.eventId}`;
      const values: Record<string, unknown> = {
        ':entity': 'pipeline-failure',
        ':eventId': failure.eventId,
        ':n': failure.applicationNumber,
        ':type': failure.eventType,
        ':stage': failure.stage,
        ':failed': 'failed',
        ':error': failure.error,
        ':cause': failure.cause,
        ':one': 1,
        ':zero': 0,
        ':arn': failure.executionArn,
        ':at': failure.failedAt,
        ':event': failure.event,
        ':g3': failedPartition,
        ':listed': listed,
      };
      const sets = [
        'entity = :entity',
        'eventId = :eventId',
        'applicationNumber = :n',
        'eventType = :type',
        'stage = :stage',
        '#status = :failed',
        '#error = :error',
        'cause = :cause',
        'executionArn = :arn',
        'failedAt = :at',
        'retries = if_not_exists(retries, :zero)',
        '#event = :event',
        'gsi3pk = :g3',
        'gsi3sk = :listed',
      ];
      if (failure.institutionUscc) {
        values[':uscc'] = failure.institutionUscc;
        sets.push('institutionUscc = :uscc');
      }
      if (failure.provinceCode) {
        values[':prov'] = failure.provinceCode;
        values[':g2'] = provinceFailedPartition(failure.provinceCode);
        sets.push('provinceCode = :prov', 'gsi2pk = :g2', 'gsi2sk = :listed');
      }
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: failureKey(failure.eventId),
            UpdateExpression: `SET ${sets.join(', ')} ADD failures :one`,
            // A second invocation for the same failed execution (Lambda or task retry) counts nothing.
            ConditionExpression: 'attribute_not_exists(executionArn) OR executionArn <> :arn',
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error', '#event': 'event' },
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async get(eventId) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: failureKey(eventId), ConsistentRead: true }),
      );
      return Item ? toFailure(Item) : undefined;
    },
    async list(scope, page) {
      const listing = `pipeline-failures:${scope.provinceCode ?? '*'}`;
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          ...(scope.provinceCode
            ? {
                IndexName: 'gsi2',
                KeyConditionExpression: 'gsi2pk = :p',
                ExpressionAttributeValues: { ':p': provinceFailedPartition(scope.provinceCode) },
              }
            : {
                IndexName: 'gsi3',
                KeyConditionExpression: 'gsi3pk = :p',
                ExpressionAttributeValues: { ':p': failedPartition },
              }),
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(listing, page.cursor),
        }),
      );
      const nextCursor = encodeCursor(listing, result.LastEvaluatedKey);
      return {
        items: (result.Items ?? []).map(toFailure),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },
    async claimRetry(eventId, failures, by, at) {
      // The claim carries a token of its own: when DynamoDB applied it but its answer was lost, the
      // SDK's re-send fails the condition (the item is retried already), and only the token tells that
      // the claim is this one, whose retry is still to be started (not someone else's).
      const claim = randomUUID();
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: failureKey(eventId),
            UpdateExpression:
              'SET #status = :retried, retriedAt = :at, retriedBy = :by, retryClaim = :claim ADD retries :one REMOVE gsi2pk, gsi2sk, gsi3pk, gsi3sk, retryExecutionArn',
            ConditionExpression: '#status = :failed AND failures = :failures',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':retried': 'retried',
              ':failed': 'failed',
              ':failures': failures,
              ':at': at,
              ':by': by,
              ':claim': claim,
              ':one': 1,
            },
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const { Item } = await documents.send(
          new GetCommand({ TableName: tableName, Key: failureKey(eventId), ConsistentRead: true }),
        );
        return Item?.status === 'retried' && Item.retryClaim === claim;
      }
    },
    async noteRetryExecution(eventId, executionArn) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: failureKey(eventId),
          UpdateExpression: 'SET retryExecutionArn = :arn',
          ExpressionAttributeValues: { ':arn': executionArn },
        }),
      );
    },
    async releaseRetry(eventId) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: failureKey(eventId), ConsistentRead: true }),
      );
      if (!Item) return;
      const listed = `${Item.failedAt}#${eventId}`;
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: failureKey(eventId),
            UpdateExpression: `SET #status = :failed, gsi3pk = :g3, gsi3sk = :listed${Item.provinceCode ? ', gsi2pk = :g2, gsi2sk = :listed' : ''} ADD retries :minus`,
            // Only the claim read (a re-send after a lost answer finds it released: not counted twice).
            ConditionExpression: '#status = :retried AND retries = :retries',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':retried': 'retried',
              ':retries': Item.retries,
              ':g3': failedPartition,
              ':listed': listed,
              ':minus': -1,
              ...(Item.provinceCode ? { ':g2': provinceFailedPartition(Item.provinceCode as string) } : {}),
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}

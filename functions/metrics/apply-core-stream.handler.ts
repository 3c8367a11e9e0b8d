/**
 * Core stream consumer (filtered to patents, evaluations and pipeline events): maintains the metrics
 * counters, exactly once per patent version (functions/metrics/stream-apply.ts).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { dynamoMetricsWriteStore } from './metrics-store.ts';
import { applyStreamRecord } from './stream-apply.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const store = dynamoMetricsWriteStore(documents, {
  metrics: config.tableName('metrics'),
  core: config.tableName('core'),
});

const image = (value: unknown) =>
  value ? (unmarshall(value as Record<string, AttributeValue>) as Record<string, unknown>) : undefined;

async function recordHandler(record: DynamoDBRecord) {
  const outcome = await applyStreamRecord(store, {
    eventName: (record.eventName ?? 'MODIFY') as 'INSERT' | 'MODIFY' | 'REMOVE',
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '0',
    oldImage: image(record.dynamodb?.OldImage),
    newImage: image(record.dynamodb?.NewImage),
  });
  logger.debug('metrics record', { outcome, keys: record.dynamodb?.Keys });
}

// In order, one record at a time: the records of a batch mostly increment the same few counter items
// (an institution's, a province's), so in parallel their transactions conflict with each other; and a
// shard's records are in order, which the shadows rely on to find nothing stale.
export const handler = middy(async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context, processInParallel: false }),
).use(injectLambdaContext(logger));

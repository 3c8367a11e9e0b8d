/**
 * Core stream consumer (filtered to INSERTs of `pipeline-event` items of the handled types): starts one
 * patent-pipeline execution per event. A record whose start failed is reported back (partial batch
 * failure) and retried by the event source mapping.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { pipelineEventFromItem } from './events.ts';
import { dynamoStartRecorder, sfnStarter } from './pipeline-deps.ts';
import { startPipeline } from './start.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const deps = { starter: sfnStarter(), recorder: dynamoStartRecorder(config.tableName('core')) };

async function recordHandler(record: DynamoDBRecord) {
  const item = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>);
  const outcome = await startPipeline(deps, pipelineEventFromItem(item));
  logger.info('pipeline start', { ...outcome });
}

export const handler = middy(async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(logger));

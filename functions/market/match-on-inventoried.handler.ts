/** Core stream consumer (filtered to `inventoried` events of patents entering the conversion pool): match and push. */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/powertools.ts';
import { pushDeps } from './market-deps.ts';
import { matchAndPush } from './push.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const deps = pushDeps();

async function recordHandler(record: DynamoDBRecord) {
  const event = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>) as {
    applicationNumber: string;
  };
  logger.info('matched and pushed', await matchAndPush(deps, event.applicationNumber));
}

export const handler = middy(async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(logger));

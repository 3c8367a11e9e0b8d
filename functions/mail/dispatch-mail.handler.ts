/** Core-table stream consumer (filtered to new mail items): sends each queued email once. */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/powertools.ts';
import { mailDeps } from './mail-deps.ts';
import { deliverMail, type MailItem } from './mail-outbox.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const deps = mailDeps();

async function recordHandler(record: DynamoDBRecord) {
  const image = record.dynamodb?.NewImage;
  if (!image) return;
  const item = unmarshall(image as Record<string, AttributeValue>) as MailItem;
  const outcome = await deliverMail(deps, item);
  logger.info('mail delivery', { mailId: item.mailId, outcome });
}

export const handler = middy(async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(logger));

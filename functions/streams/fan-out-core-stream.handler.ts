/**
 * The one reader of the core table's stream (see fan-out-core-stream.ts): mail, pipeline and metrics
 * consumers in process, each on the records its filter matches, failures reported per record
 * (ReportBatchItemFailures).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { mailStreamConsumer } from '../mail/mail-stream-consumer.ts';
import { metricsStreamConsumer } from '../metrics/metrics-stream-consumer.ts';
import { pipelineStreamConsumer } from '../pipeline/pipeline-stream-consumer.ts';
import { logger } from '../shared/powertools.ts';
import { fanOutStreamRecords } from './fan-out-core-stream.ts';

const consumers = [mailStreamConsumer(), pipelineStreamConsumer(), metricsStreamConsumer()];

export const handler = middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const { batchItemFailures, handled, failures } = await fanOutStreamRecords(consumers, event.Records);
  for (const failure of failures)
    logger.error('stream record failed', {
      consumer: failure.consumer,
      sequenceNumber: failure.sequenceNumber,
      error: failure.error as Error,
    });
  logger.info('core stream batch', { records: event.Records.length, handled, failed: failures.length });
  return { batchItemFailures };
}).use(injectLambdaContext(logger));

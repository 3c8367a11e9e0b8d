/**
 * Core stream consumer (INSERTs of `pipeline-event` items of the handled types), run by the one core
 * stream reader (functions/streams/fan-out-core-stream.handler.ts): starts one patent-pipeline
 * execution per event. A record whose start failed is reported back (partial batch failure) and
 * retried; a second start of the same event changes nothing (functions/pipeline/start.ts).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { coreStreamFilters } from '../streams/core-stream-filters.ts';
import type { StreamConsumer } from '../streams/fan-out-core-stream.ts';
import { pipelineEventFromItem } from './events.ts';
import { dynamoStartRecorder, sfnStarter } from './pipeline-deps.ts';
import { type ExecutionStarter, type StartRecorder, startPipeline } from './start.ts';

export function pipelineStreamConsumer(
  deps: { starter: ExecutionStarter; recorder?: StartRecorder } = {
    starter: sfnStarter(),
    recorder: dynamoStartRecorder(config.tableName('core')),
  },
): StreamConsumer {
  return {
    name: 'pipeline',
    filter: coreStreamFilters.pipeline,
    mode: 'parallel',
    async handle(record: DynamoDBRecord) {
      const item = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>);
      const outcome = await startPipeline(deps, pipelineEventFromItem(item));
      logger.info('pipeline start', { ...outcome });
    },
  };
}

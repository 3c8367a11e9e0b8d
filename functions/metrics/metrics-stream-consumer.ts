/**
 * Core stream consumer (patents, evaluations, pipeline events, deals, payments, products), run by the one core
 * stream reader (functions/streams/fan-out-core-stream.handler.ts): maintains the metrics counters,
 * exactly once per item version (functions/metrics/stream-apply.ts), so a redelivered record counts
 * nothing twice.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { logger } from '../shared/powertools.ts';
import { coreStreamFilters } from '../streams/core-stream-filters.ts';
import type { StreamConsumer } from '../streams/fan-out-core-stream.ts';
import { dynamoMetricsWriteStore } from './metrics-store.ts';
import { applyStreamRecord } from './stream-apply.ts';

const image = (value: unknown) =>
  value ? (unmarshall(value as Record<string, AttributeValue>) as Record<string, unknown>) : undefined;

export function metricsStreamConsumer(
  store = dynamoMetricsWriteStore(documents, {
    metrics: config.tableName('metrics'),
    core: config.tableName('core'),
  }),
): StreamConsumer {
  return {
    name: 'metrics',
    filter: coreStreamFilters.metrics,
    // In order, one record at a time, stopping at the first failure: the records of a batch mostly
    // increment the same few counter items (an institution's, a province's), so in parallel their
    // transactions conflict with each other; and a shard's records are in order, which the shadows rely
    // on to find nothing stale.
    mode: 'ordered',
    async handle(record: DynamoDBRecord) {
      const outcome = await applyStreamRecord(store, {
        eventName: (record.eventName ?? 'MODIFY') as 'INSERT' | 'MODIFY' | 'REMOVE',
        sequenceNumber: record.dynamodb?.SequenceNumber ?? '0',
        oldImage: image(record.dynamodb?.OldImage),
        newImage: image(record.dynamodb?.NewImage),
      });
      logger.debug('metrics record', { outcome, keys: record.dynamodb?.Keys });
    },
  };
}

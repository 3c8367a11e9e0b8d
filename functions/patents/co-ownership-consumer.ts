/**
 * Core stream consumer (patents), run by the one core stream reader
 * (functions/streams/fan-out-core-stream.handler.ts): keeps the co-owners' link items in step with each
 * new version of a patent (functions/patents/co-ownership.ts). Most versions change no co-owner and
 * are skipped without a write.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { coreStreamFilters } from '../streams/core-stream-filters.ts';
import type { StreamConsumer } from '../streams/fan-out-core-stream.ts';
import { type CoOwnershipStore, changesCoOwnership, coOwnershipChanges } from './co-ownership.ts';
import { dynamoCoOwnershipStore } from './co-ownership-store.ts';

const image = (value: unknown) =>
  value ? (unmarshall(value as Record<string, AttributeValue>) as Record<string, unknown>) : undefined;

export function coOwnershipConsumer(
  store: CoOwnershipStore = dynamoCoOwnershipStore(documents, config.tableName('core')),
): StreamConsumer {
  return {
    name: 'coOwners',
    filter: coreStreamFilters.coOwners,
    // In shard order: the versions of one patent arrive in order, so the last one applied wins.
    mode: 'ordered',
    async handle(record: DynamoDBRecord) {
      const before = image(record.dynamodb?.OldImage);
      const after = image(record.dynamodb?.NewImage);
      if (!changesCoOwnership(before, after)) return;
      await store.apply(coOwnershipChanges(before, after));
    },
  };
}

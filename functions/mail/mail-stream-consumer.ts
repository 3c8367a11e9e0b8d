/**
 * Core stream consumer (new mail items), run by the one core stream reader
 * (functions/streams/fan-out-core-stream.handler.ts): sends each queued email once. Idempotent on
 * redelivery: the item is claimed with a lease and never sent again once `sent`; a failed send is
 * recorded on the item and retried by the mail-retry schedule, not by the stream.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { MetricsRecorder } from '../../schemas/business-metrics.ts';
import { logger } from '../shared/powertools.ts';
import { coreStreamFilters } from '../streams/core-stream-filters.ts';
import type { StreamConsumer } from '../streams/fan-out-core-stream.ts';
import { mailDeps } from './mail-deps.ts';
import { deliverMail, type MailItem } from './mail-outbox.ts';

/** `metrics`: where sends and failed sends are counted (the stream reader publishes them). */
export function mailStreamConsumer(deps = mailDeps(), metrics?: MetricsRecorder): StreamConsumer {
  return {
    name: 'mail',
    filter: coreStreamFilters.mail,
    // One at a time: a batch of emails in parallel would burst past the SES sending rate.
    mode: 'sequential',
    async handle(record: DynamoDBRecord) {
      const image = record.dynamodb?.NewImage;
      if (!image) return;
      const item = unmarshall(image as Record<string, AttributeValue>) as MailItem;
      const outcome = await deliverMail(deps, item);
      logger.info('mail delivery', { mailId: item.mailId, outcome });
      if (outcome === 'sent') metrics?.count('MailsSent', 1);
      else if (outcome === 'failed') metrics?.count('MailsFailed', 1);
    },
  };
}

/**
 * The one reader of the core table's stream (see fan-out-core-stream.ts): mail, pipeline and metrics
 * consumers in process, each on the records its filter matches, failures reported per record
 * (ReportBatchItemFailures); the co-owners' links of patents (functions/patents/co-ownership.ts); the
 * OpenSearch indices of patents and needs on AWS (functions/search/search-stream-consumer.ts). Business metrics: emails sent / failed (mail consumer) and lifecycle
 * transitions by event (transition-counts.ts).
 */
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { searchEnvNames } from '../../schemas/resource-names.ts';
import { mailDeps } from '../mail/mail-deps.ts';
import { mailStreamConsumer } from '../mail/mail-stream-consumer.ts';
import { metricsStreamConsumer } from '../metrics/metrics-stream-consumer.ts';
import { coOwnershipConsumer } from '../patents/co-ownership-consumer.ts';
import { pipelineStreamConsumer } from '../pipeline/pipeline-stream-consumer.ts';
import { openSearchTransport } from '../search/opensearch-client.ts';
import { writeChanges } from '../search/opensearch-writer.ts';
import { searchStreamConsumer } from '../search/search-stream-consumer.ts';
import { metrics, recorder } from '../shared/business-metrics.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { fanOutStreamRecords } from './fan-out-core-stream.ts';
import { transitionCounts } from './transition-counts.ts';

const consumers = [
  mailStreamConsumer(mailDeps(), recorder),
  pipelineStreamConsumer(),
  metricsStreamConsumer(),
  coOwnershipConsumer(),
  // The OpenSearch indices (AWS). The local cloud's embedded engine reads the stream itself
  // (infra/local/search.ts), so locally (SEARCH_ENGINE=embedded) there is nothing to write here.
  ...(process.env[searchEnvNames.engine] === 'opensearch' && process.env[searchEnvNames.endpoint]
    ? [
        searchStreamConsumer((changes) =>
          writeChanges(openSearchTransport(process.env[searchEnvNames.endpoint]!), changes),
        ),
      ]
    : []),
];

export const handler = taskHandler(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const { batchItemFailures, handled, failures } = await fanOutStreamRecords(consumers, event.Records);
  for (const failure of failures)
    logger.error('stream record failed', {
      consumer: failure.consumer,
      sequenceNumber: failure.sequenceNumber,
      error: failure.error as Error,
    });
  logger.info('core stream batch', { records: event.Records.length, handled, failed: failures.length });
  for (const [lifecycleEvent, count] of transitionCounts(event.Records, batchItemFailures))
    recorder.count('Transitions', count, lifecycleEvent);
  return { batchItemFailures };
}).use(logMetrics(metrics));

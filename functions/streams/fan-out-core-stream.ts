/**
 * The one reader of the core table's stream hands each record to the consumers whose filter it
 * matches, in process: mail (send queued emails), pipeline (start the patent pipeline) and metrics
 * (quarterly counters). DynamoDB Streams advises at most two readers per shard (more are throttled);
 * one reader leaves room for a second (e.g. a replica or a search index) and costs one invocation per
 * batch instead of three.
 *
 * Why in process and not EventBridge Pipes: a pipe is itself a reader and still needs a target per
 * consumer; fanning out from a pipe to a bus makes the deliveries asynchronous and unordered, and the
 * metrics consumer relies on a shard's order. In process, each consumer keeps its order and its own
 * failures; the price is one bundle holding the three consumers' code and permissions.
 *
 * Failures: the consumers run side by side on the same batch; one consumer's failure never stops
 * another from handling its records. The failed records of every consumer are reported
 * (ReportBatchItemFailures); Lambda retries the batch from the earliest of them, so the records after
 * it reach every consumer again. That is safe because each consumer is idempotent per record: mail is
 * claimed with a lease and never re-sent once `sent`; the pipeline's execution names and the tasks'
 * applied markers make a second start change nothing; metrics apply each item version once. An ordered
 * consumer (metrics) stops at its first failure: its later records are redelivered anyway, and applying
 * them before the failed one would break its order.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { matchesFilter, type StreamFilter } from './core-stream-filters.ts';

export interface StreamConsumer {
  name: string;
  filter: StreamFilter;
  /**
   * ordered: one at a time in shard order, stopping at the first failure; sequential: one at a time,
   * all of them; parallel: all at once.
   */
  mode: 'ordered' | 'sequential' | 'parallel';
  handle(record: DynamoDBRecord): Promise<unknown>;
}

export interface ConsumerFailure {
  consumer: string;
  sequenceNumber: string;
  error: unknown;
}

export interface FanOutResult {
  batchItemFailures: Array<{ itemIdentifier: string }>;
  /** Records handled per consumer (successfully). */
  handled: Record<string, number>;
  failures: ConsumerFailure[];
}

const sequenceOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

async function runConsumer(consumer: StreamConsumer, records: DynamoDBRecord[]) {
  const matching = records.filter((record) => matchesFilter(consumer.filter, record));
  const failures: ConsumerFailure[] = [];
  let handled = 0;
  const attempt = async (record: DynamoDBRecord) => {
    try {
      await consumer.handle(record);
      handled++;
      return true;
    } catch (error) {
      failures.push({ consumer: consumer.name, sequenceNumber: sequenceOf(record), error });
      return false;
    }
  };
  if (consumer.mode === 'parallel') await Promise.all(matching.map(attempt));
  else
    for (const record of matching) {
      if (!(await attempt(record)) && consumer.mode === 'ordered') break;
    }
  return { handled, failures };
}

export async function fanOutStreamRecords(
  consumers: readonly StreamConsumer[],
  records: DynamoDBRecord[],
): Promise<FanOutResult> {
  const results = await Promise.all(consumers.map((consumer) => runConsumer(consumer, records)));
  const failures = results.flatMap((r) => r.failures);
  const failed = new Set(failures.map((f) => f.sequenceNumber));
  return {
    // In batch (shard) order; Lambda resumes from the earliest one.
    batchItemFailures: records
      .map(sequenceOf)
      .filter((sequence) => failed.has(sequence))
      .map((itemIdentifier) => ({ itemIdentifier })),
    handled: Object.fromEntries(consumers.map((c, i) => [c.name, results[i]!.handled])),
    failures,
  };
}

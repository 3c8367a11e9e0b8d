/**
 * Lifecycle transitions seen by the core stream reader, by event, for the `Transitions` metric. Every
 * transition puts one `pipeline-event` item (functions/pipeline/transitions.ts), so its INSERT is the
 * transition, whatever the event (the pipeline consumer starts executions for a few types only).
 *
 * Counted once: Lambda redelivers a batch from its earliest failed record, so only the records before
 * that one are counted now; the others are counted when a redelivery gets past them.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { matchesFilter } from './core-stream-filters.ts';

const transitionRecord = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entity: { S: ['pipeline-event'] } } },
};

export function transitionCounts(
  records: readonly DynamoDBRecord[],
  batchItemFailures: ReadonlyArray<{ itemIdentifier: string }> = [],
): Map<string, number> {
  const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
  const firstFailed = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
  const passed = firstFailed === -1 ? records : records.slice(0, firstFailed);
  const counts = new Map<string, number>();
  for (const record of passed) {
    if (!matchesFilter(transitionRecord, record)) continue;
    const event = record.dynamodb?.NewImage?.type?.S;
    if (event) counts.set(event, (counts.get(event) ?? 0) + 1);
  }
  return counts;
}

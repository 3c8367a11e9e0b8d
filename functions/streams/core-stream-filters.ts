/**
 * What each consumer of the core table's stream reads: EventBridge-style patterns over the Lambda
 * stream record (objects nest, arrays list accepted exact values). Pure data, shared by the one stream
 * reader (functions/streams/fan-out-core-stream.ts applies them in code), its event source mapping
 * (infra/resources/streams.ts: the union of them, so that the reader is not invoked for other records)
 * and the local streams poller.
 */
import { pipelineHandledEvents } from '../pipeline/events.ts';

export type StreamFilter = Record<string, unknown>;

export const coreStreamFilters = {
  /** New mail items: the outbox (functions/mail/mail-outbox.ts). */
  mail: { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['mail'] } } } },
  /** New pipeline events of the types the patent-pipeline workflow has a stage for. */
  pipeline: {
    eventName: ['INSERT'],
    dynamodb: {
      NewImage: {
        entity: { S: ['pipeline-event'] },
        type: { S: [...pipelineHandledEvents] },
      },
    },
  },
  /** Every version of the items the counters derive from. Patents, deals, payments and products are
   * never deleted (no route removes them), so the new image always names the entity. */
  metrics: {
    dynamodb: {
      NewImage: {
        entity: { S: ['patent', 'evaluation', 'pipeline-event', 'deal', 'deal-payment', 'product'] },
      },
    },
  },
  /** Every version of a patent: the co-owners' links follow its `coOwners` (functions/patents/co-ownership.ts). */
  coOwners: { dynamodb: { NewImage: { entity: { S: ['patent'] } } } },
  /** Every version of a patent or a need: the OpenSearch indices (functions/search/search-stream-consumer.ts).
   * Neither is ever deleted (no route removes them), so the new image always names the entity. */
  search: { dynamodb: { NewImage: { entity: { S: ['patent', 'need'] } } } },
} as const satisfies Record<string, StreamFilter>;
export type CoreStreamConsumerName = keyof typeof coreStreamFilters;

/** EventBridge-style pattern match (the subset Lambda event filtering uses here): exact values only. */
export function matchesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((accepted) => accepted === value);
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, sub]) =>
      matchesFilter(sub, (value as Record<string, unknown>)[key]),
    );
  }
  return pattern === value;
}

/**
 * The table stream readers (functions/streams/). One reader per stream: the core stream's reader hands
 * each record to the mail, pipeline and metrics consumers in process (see
 * functions/streams/fan-out-core-stream.ts for why, and for what a failure does). Joined with the other
 * areas in infra/resources.ts.
 */
import { coreStreamFilters } from '../../functions/streams/core-stream-filters.ts';
import type { FunctionDeclaration, StreamConsumerDeclaration } from './declarations.ts';

export const streamsFunctions = {
  fanOutCoreStream: {
    entry: 'functions/streams/fan-out-core-stream.handler.ts',
    description:
      'The one core stream reader: queued emails (send), pipeline events (start the pipeline), patents/evaluations/pipeline events/deals/products (metrics counters), patents and needs (search indices), each filtered in code',
    // The union of what the consumers touch: mail (core, reports attachments, SES), pipeline
    // (core, start patent-pipeline), metrics (core, metrics), search (the OpenSearch indices).
    tables: { core: 'readWrite', metrics: 'readWrite' },
    buckets: { reports: 'read' },
    sendsMail: true,
    workflows: ['patent-pipeline'],
    // The OpenSearch indices of patents and needs (functions/search/search-stream-consumer.ts).
    search: 'write',
    // A batch of 100 records: up to 100 emails sent one at a time, or 100 counter transactions in order.
    timeoutSeconds: 180,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const streamsStreamConsumers = [
  {
    table: 'core',
    function: 'fanOutCoreStream',
    // The reader is invoked only for records some consumer reads; each consumer filters again in code.
    filterPatterns: Object.values(coreStreamFilters),
    batchSize: 100,
    // The most any consumer had (metrics): the other consumers are idempotent per record, so the
    // redelivery of records they already handled changes nothing.
    retryAttempts: 10,
  },
] as const satisfies readonly StreamConsumerDeclaration[];

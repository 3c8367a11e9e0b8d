/**
 * Core stream consumer (patents and technology needs), run by the one core stream reader
 * (functions/streams/fan-out-core-stream.handler.ts; no reader of its own: DynamoDB Streams advises at
 * most two per shard): keeps the OpenSearch indices in step with the table (docs/search.md, "AWS").
 * The same change events feed the embedded engine of the local cloud (infra/local/search.ts).
 *
 * The records of one batch go to the domain as one `_bulk` request: the consumer runs in parallel
 * mode, so the fan-out hands it every record of the batch at once; they are collected until the next
 * turn of the event loop and written together, and each record's promise settles with its own item's
 * outcome (one failed item fails its own record only; Lambda retries from the earliest failure, and a
 * replay is harmless: ./opensearch-writer.ts).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { isStorageAttribute } from '../../schemas/storage.ts';
import { coreStreamFilters } from '../streams/core-stream-filters.ts';
import type { StreamConsumer } from '../streams/fan-out-core-stream.ts';
import { needDocument } from './need-documents.ts';
import { openSearchIndexNames } from './opensearch-documents.ts';
import type { ChangeOutcome, IndexChange } from './opensearch-writer.ts';
import type { IndexedPatent } from './ports.ts';

type Item = Record<string, unknown>;

const withoutKeys = (item: Item): Item =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !isStorageAttribute(name)));

/** The index change a stream record stands for (undefined: neither a patent nor a need). */
export function changeOf(record: DynamoDBRecord): IndexChange | undefined {
  const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
  if (!image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>) as Item;
  return itemChange(item, record.eventName === 'REMOVE');
}

/**
 * The index change of a table item (undefined: neither a patent nor a need): its document upserted, or
 * removed. Shared by the stream consumer and the refill (./refill.ts).
 */
export function itemChange(item: Item, removed = false): IndexChange | undefined {
  if (item.entity === 'patent' && typeof item.applicationNumber === 'string') {
    const index = openSearchIndexNames.patents;
    return removed
      ? { kind: 'remove', index, id: item.applicationNumber }
      : { kind: 'upsert', index, document: withoutKeys(item) as IndexedPatent };
  }
  if (item.entity === 'need' && typeof item.needId === 'string') {
    const index = openSearchIndexNames.needs;
    return removed
      ? { kind: 'remove', index, id: item.needId }
      : { kind: 'upsert', index, document: needDocument(withoutKeys(item)) };
  }
  return undefined;
}

export function searchStreamConsumer(
  write: (changes: readonly IndexChange[]) => Promise<ChangeOutcome[]>,
): StreamConsumer {
  let pending: Array<{ change: IndexChange; settle: (outcome: ChangeOutcome | Error) => void }> = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      const outcomes = await write(batch.map((entry) => entry.change));
      batch.forEach((entry, i) => {
        entry.settle(outcomes[i] ?? { ok: false, error: 'no outcome' });
      });
    } catch (error) {
      for (const entry of batch) entry.settle(error as Error);
    }
  };
  return {
    name: 'search',
    filter: coreStreamFilters.search,
    mode: 'parallel',
    async handle(record: DynamoDBRecord) {
      const change = changeOf(record);
      if (!change) return;
      const outcome = await new Promise<ChangeOutcome | Error>((settle) => {
        if (!pending.length) setImmediate(() => void flush());
        pending.push({ change, settle });
      });
      if (outcome instanceof Error) throw outcome;
      if (!outcome.ok)
        throw new Error(
          `search index ${change.index}: ${change.kind === 'remove' ? change.id : change.document.applicationNumber} not written: ${outcome.error}`,
        );
    },
  };
}

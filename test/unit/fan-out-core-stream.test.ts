/**
 * The one core stream reader: each consumer gets the records its filter matches, a consumer's failure
 * loses no other consumer's records, failures come back as batch item failures in shard order, and an
 * ordered consumer stops at its first failure.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { coreStreamFilters } from '../../functions/streams/core-stream-filters.ts';
import { fanOutStreamRecords, type StreamConsumer } from '../../functions/streams/fan-out-core-stream.ts';

const record = (seq: string, entity: string, eventName = 'INSERT', type?: string): DynamoDBRecord =>
  ({
    eventName,
    dynamodb: {
      SequenceNumber: seq,
      NewImage: { entity: { S: entity }, ...(type ? { type: { S: type } } : {}) },
    },
  }) as DynamoDBRecord;

function consumer(
  name: keyof typeof coreStreamFilters,
  mode: StreamConsumer['mode'],
  failOn: string[] = [],
): StreamConsumer & { seen: string[] } {
  const seen: string[] = [];
  return {
    name,
    filter: coreStreamFilters[name],
    mode,
    seen,
    async handle(r) {
      const seq = r.dynamodb!.SequenceNumber!;
      seen.push(seq);
      if (failOn.includes(seq)) throw new Error(`${name} failed on ${seq}`);
    },
  };
}

describe('fanOutStreamRecords', () => {
  const batch = [
    record('1', 'mail'),
    record('2', 'patent', 'MODIFY'),
    record('3', 'mail'),
    record('4', 'patent', 'MODIFY'),
    record('5', 'audit'),
    record('6', 'mail', 'MODIFY'),
  ];

  it('hands each consumer only the records its filter matches', async () => {
    const mail = consumer('mail', 'sequential');
    const metrics = consumer('metrics', 'ordered');
    const result = await fanOutStreamRecords([mail, metrics], batch);
    expect(mail.seen).toEqual(['1', '3']);
    expect(metrics.seen).toEqual(['2', '4']);
    expect(result.batchItemFailures).toEqual([]);
    expect(result.handled).toEqual({ mail: 2, metrics: 2 });
  });

  it('keeps going for the other consumers when one fails, and reports the failures in shard order', async () => {
    const mail = consumer('mail', 'sequential', ['3', '1']);
    const metrics = consumer('metrics', 'ordered');
    const result = await fanOutStreamRecords([mail, metrics], batch);
    expect(metrics.seen).toEqual(['2', '4']);
    expect(mail.seen).toEqual(['1', '3']);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '3' }]);
    expect(result.failures.map((f) => f.consumer)).toEqual(['mail', 'mail']);
  });

  it('stops an ordered consumer at its first failure (its later records come back on the retry)', async () => {
    const metrics = consumer('metrics', 'ordered', ['2']);
    const mail = consumer('mail', 'parallel');
    const result = await fanOutStreamRecords([metrics, mail], batch);
    expect(metrics.seen).toEqual(['2']);
    expect(mail.seen.sort()).toEqual(['1', '3']);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
  });

  it('starts the pipeline only for inserted pipeline events of the handled types', async () => {
    const pipeline = consumer('pipeline', 'parallel');
    await fanOutStreamRecords(
      [pipeline],
      [
        record('1', 'pipeline-event', 'INSERT', 'inventoried'),
        record('2', 'pipeline-event', 'MODIFY', 'inventoried'),
        record('3', 'pipeline-event', 'INSERT', 'no-such-event'),
      ],
    );
    expect(pipeline.seen).toEqual(['1']);
  });
});

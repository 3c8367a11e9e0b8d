/**
 * The local streams poller runs the deployed shape: the declared readers (one for the core stream),
 * with their filters, and a retry from the first failed record, as Lambda does with
 * ReportBatchItemFailures.
 */
import { describe, expect, it } from 'vitest';
import { StreamsPoller } from '../../infra/local/streams.ts';
import { type StreamConsumerDeclaration, streamConsumers } from '../../infra/resources.ts';

const record = (seq: string, entity: string) => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: seq, NewImage: { entity: { S: entity } } },
});

function poller(answers: Array<{ batchItemFailures: Array<{ itemIdentifier: string }> }>) {
  const calls: Array<{ fn: string; seqs: string[] }> = [];
  const runtime = {
    async invoke(fn: string, event: { Records: Array<{ dynamodb: { SequenceNumber: string } }> }) {
      calls.push({ fn, seqs: event.Records.map((r) => r.dynamodb.SequenceNumber) });
      return answers.shift() ?? { batchItemFailures: [] };
    },
  };
  const instance = new StreamsPoller({
    dynamodb: {} as never,
    streams: {} as never,
    tableName: 'patents-local-core',
    consumers: streamConsumers.filter((c) => c.table === 'core') as StreamConsumerDeclaration[],
    runtime: runtime as never,
    log: () => {},
  });
  const deliver = (records: unknown[]) =>
    (instance as unknown as { deliver(arn: string, r: unknown[]): Promise<void> }).deliver(
      'arn:stream',
      records,
    );
  return { calls, deliver };
}

describe('StreamsPoller with the declared readers', () => {
  it('invokes the one core stream reader once per batch with the records some consumer reads', async () => {
    const { calls, deliver } = poller([]);
    await deliver([
      record('1', 'mail'),
      record('2', 'audit'),
      record('3', 'patent'),
      record('4', 'pipeline-event'),
    ]);
    expect(calls).toEqual([{ fn: 'fanOutCoreStream', seqs: ['1', '3', '4'] }]);
  });

  it('retries from the first failed record on', async () => {
    const { calls, deliver } = poller([{ batchItemFailures: [{ itemIdentifier: '3' }] }]);
    await deliver([record('1', 'mail'), record('3', 'patent'), record('4', 'mail')]);
    expect(calls).toEqual([
      { fn: 'fanOutCoreStream', seqs: ['1', '3', '4'] },
      { fn: 'fanOutCoreStream', seqs: ['3', '4'] },
    ]);
  });
});

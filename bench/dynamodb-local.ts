/**
 * DynamoDB Local's write cost with a stream (why the ingest bench's ceilings use stream-less tables):
 * one bare DynamoDB Local, three same-shaped tables (the core table's keys and indexes): `none` without
 * a stream, `unread` with a stream nobody reads, `read` with a stream polled every 200 ms as the local
 * cloud's poller does. Five rounds of 20 create transactions (25 rows and their audit entries, 50 items
 * of ~1.3 KB, conditional) into each table in turn, one at a time: the median latency per table and
 * round. AWS charges no write latency for a stream; DynamoDB Local does.
 */

import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createTables, startDynamoDbLocal, waitForDynamoDb } from '../infra/local/dynamodb-local.ts';
import { freePort } from '../infra/local/ports.ts';
import { tables } from '../infra/resources.ts';

export async function benchDynamoDbLocal() {
  const port = await freePort();
  let java: ChildProcess | undefined;
  await startDynamoDbLocal({ port, onSpawn: (child) => (java = child) });
  const config = {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const dynamodb = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const documents = DynamoDBDocumentClient.from(dynamodb);
  let stop = false;
  let recordsRead = 0;
  try {
    await waitForDynamoDb(dynamodb, undefined);
    await createTables(
      dynamodb,
      { none: { ...tables.core, stream: undefined }, unread: tables.core, read: tables.core },
      (n) => n,
    );
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'read' }));
    const reader = (async () => {
      let iterator: string | undefined;
      while (!stop) {
        try {
          const arn = Table!.LatestStreamArn!;
          if (!iterator) {
            const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
            iterator = (
              await streams.send(
                new GetShardIteratorCommand({
                  StreamArn: arn,
                  ShardId: StreamDescription!.Shards![0]!.ShardId!,
                  ShardIteratorType: 'TRIM_HORIZON',
                }),
              )
            ).ShardIterator;
          }
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator!, Limit: 1000 }));
          iterator = page.NextShardIterator;
          recordsRead += page.Records?.length ?? 0;
        } catch {
          iterator = undefined; // a trimmed or expired iterator: start again
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    let serial = 0;
    const body = 'x'.repeat(1200);
    const transaction = (table: string) => ({
      ClientRequestToken: randomUUID(),
      TransactItems: Array.from({ length: 50 }, (_, i) => ({
        Put: {
          TableName: table,
          ConditionExpression: 'attribute_not_exists(pk)',
          Item: {
            pk: `PAT#${serial}-${i >> 1}`,
            sk: i % 2 ? 'PATENT' : `AUDIT#${serial}`,
            body,
            gsi1pk: 'INST#bench#PAT',
            gsi1sk: `${serial}-${i}`,
            gsi2pk: 'PROV#110000#PAT',
            gsi2sk: `${serial}-${i}`,
          },
        },
      })),
    });
    const rounds: Array<Record<string, number>> = [];
    for (let round = 0; round < 5; round++) {
      const medians: Record<string, number> = {};
      for (const table of ['none', 'unread', 'read']) {
        const times: number[] = [];
        for (let i = 0; i < 20; i++) {
          serial++;
          const started = performance.now();
          await documents.send(new TransactWriteCommand(transaction(table)));
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        medians[table] = Math.round(times[10]!);
      }
      rounds.push(medians);
    }
    stop = true;
    await reader;
    const median = (table: string) =>
      rounds.map((r) => r[table]!).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
    return {
      transactionMsP50ByRound: rounds,
      transactionMsP50: { none: median('none'), unread: median('unread'), read: median('read') },
      streamRecordsRead: recordsRead,
      note: 'p50 latency of a 50-item create transaction, one at a time, per table: none (no stream), unread (stream, never read), read (stream polled every 200 ms). Rounds alternate the tables.',
    };
  } finally {
    stop = true;
    java?.kill('SIGKILL');
  }
}

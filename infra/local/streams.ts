/**
 * Polls DynamoDB Local's streams and hands the records to the stream consumers of
 * infra/resources.ts, as Lambda's event source mapping does: filtered by the declared pattern, in
 * batches, retried on failure (and on partial batch failure) up to the declared attempts. The last
 * processed sequence number per shard is checkpointed in .data/ so a restart resumes where it stopped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamConsumerDeclaration } from '../resources.ts';
import type { LambdaRuntime } from './lambda-runtime.ts';

/** EventBridge-style pattern match: objects nest, arrays list accepted exact values. */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((accepted) => accepted === value);
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, sub]) =>
      matchesPattern(sub, (value as Record<string, unknown>)[key]),
    );
  }
  return pattern === value;
}

interface ShardCursor {
  iterator?: string;
  lastSequence?: string;
}

export class StreamsPoller {
  private stopped = false;
  private loop?: Promise<void>;
  private readonly shards = new Map<string, ShardCursor>();
  private checkpoint: Record<string, string> = {};
  delivered = 0;
  lastPollAt?: string;

  constructor(
    private readonly options: {
      dynamodb: DynamoDBClient;
      streams: DynamoDBStreamsClient;
      tableName: string;
      consumers: StreamConsumerDeclaration[];
      runtime: Pick<LambdaRuntime, 'invoke'>;
      checkpointFile?: string;
      intervalMs?: number;
      log: (line: string) => void;
    },
  ) {
    if (options.checkpointFile && existsSync(options.checkpointFile)) {
      try {
        this.checkpoint = JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Record<string, string>;
      } catch {
        this.checkpoint = {};
      }
    }
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          await this.pollOnce();
        } catch (error) {
          if (!this.stopped)
            this.options.log(`stream poll of ${this.options.tableName} failed: ${(error as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, this.options.intervalMs ?? 200));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async pollOnce(): Promise<void> {
    const { Table } = await this.options.dynamodb.send(
      new DescribeTableCommand({ TableName: this.options.tableName }),
    );
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) return;
    const { StreamDescription } = await this.options.streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      const cursor = this.shards.get(shardId) ?? {};
      this.shards.set(shardId, cursor);
      if (!cursor.iterator) {
        const after = this.checkpoint[shardId];
        const { ShardIterator } = await this.options.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ...(after
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        );
        cursor.iterator = ShardIterator;
      }
      if (!cursor.iterator) continue;
      const { Records = [], NextShardIterator } = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1000 }),
      );
      if (Records.length) await this.deliver(streamArn, Records);
      cursor.iterator = NextShardIterator;
      const last = Records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        this.checkpoint[shardId] = last;
        if (this.options.checkpointFile)
          writeFileSync(this.options.checkpointFile, JSON.stringify(this.checkpoint));
      }
    }
    this.lastPollAt = new Date().toISOString();
  }

  private async deliver(streamArn: string, records: StreamRecord[]): Promise<void> {
    const lambdaRecords = records.map((r) => ({
      ...r,
      eventSourceARN: streamArn,
      eventSource: 'aws:dynamodb',
      awsRegion: process.env.AWS_REGION,
    }));
    for (const consumer of this.options.consumers) {
      const matching = lambdaRecords.filter((record) => matchesPattern(consumer.filterPattern, record));
      for (let i = 0; i < matching.length; i += consumer.batchSize) {
        let batch = matching.slice(i, i + consumer.batchSize);
        for (let attempt = 0; attempt <= consumer.retryAttempts && batch.length; attempt++) {
          try {
            const response = (await this.options.runtime.invoke(consumer.function, {
              Records: batch,
            } as unknown as DynamoDBStreamEvent)) as
              | { batchItemFailures?: Array<{ itemIdentifier: string }> }
              | undefined;
            const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
            this.delivered += batch.length - failed.size;
            // As Lambda does with ReportBatchItemFailures: retry from the first failed record on.
            const firstFailed = batch.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
            batch = firstFailed < 0 ? [] : batch.slice(firstFailed);
          } catch (error) {
            this.options.log(
              `stream consumer ${consumer.function} failed (attempt ${attempt + 1}): ${(error as Error).message}`,
            );
          }
        }
        if (batch.length)
          this.options.log(
            `stream consumer ${consumer.function} gave up on ${batch.length} record(s) after ${consumer.retryAttempts + 1} attempts`,
          );
      }
    }
  }
}

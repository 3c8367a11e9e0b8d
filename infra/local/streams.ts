/**
 * Polls DynamoDB Local's streams and hands the records to the stream readers of infra/resources.ts
 * (one per stream, as deployed: the core stream's fanOutCoreStream), as Lambda's event source mapping
 * does: filtered by the declared pattern, in
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
import { LocalCloudError } from './errors.ts';
import type { LambdaRuntime } from './lambda-runtime.ts';

/**
 * The filter-pattern operators this emulation evaluates as Lambda does: exact values (strings, numbers,
 * booleans, null), `prefix`, `exists` and `anything-but` (of exact values). Anything else is refused
 * when the local cloud starts (`unsupportedFilter`), never silently ignored.
 */
const operators = new Set(['prefix', 'exists', 'anything-but']);

/** Why the emulation cannot evaluate a pattern (a path and the reason), or undefined when it can. */
export function unsupportedFilter(pattern: unknown, path = '$'): string | undefined {
  if (Array.isArray(pattern)) {
    if (pattern.length === 0) return `${path}: an empty list matches nothing`;
    for (const accepted of pattern) {
      if (accepted === null || ['string', 'number', 'boolean'].includes(typeof accepted)) continue;
      if (typeof accepted !== 'object' || Array.isArray(accepted))
        return `${path}: unsupported value ${JSON.stringify(accepted)}`;
      const keys = Object.keys(accepted);
      const [operator] = keys;
      if (keys.length !== 1 || !operator || !operators.has(operator))
        return `${path}: the operator ${JSON.stringify(accepted)} is not emulated locally (supported: exact values, ${[...operators].join(', ')})`;
      const value = (accepted as Record<string, unknown>)[operator];
      if (operator === 'prefix' && typeof value !== 'string') return `${path}: prefix takes a string`;
      if (operator === 'exists' && typeof value !== 'boolean') return `${path}: exists takes true or false`;
      if (
        operator === 'anything-but' &&
        !(Array.isArray(value) ? value : [value]).every((v) => ['string', 'number'].includes(typeof v))
      )
        return `${path}: anything-but takes exact values only locally`;
    }
    return undefined;
  }
  if (pattern && typeof pattern === 'object') {
    for (const [key, sub] of Object.entries(pattern)) {
      const why = unsupportedFilter(sub, `${path}.${key}`);
      if (why) return why;
    }
    return undefined;
  }
  return `${path}: a pattern leaf must be a list of accepted values, not ${JSON.stringify(pattern)}`;
}

function acceptsOne(accepted: unknown, value: unknown): boolean {
  if (accepted === null || typeof accepted !== 'object') return accepted === value;
  const [[operator, argument]] = Object.entries(accepted as Record<string, unknown>) as [[string, unknown]];
  if (operator === 'exists') return argument ? value !== undefined : value === undefined;
  if (value === undefined) return false;
  if (operator === 'prefix') return typeof value === 'string' && value.startsWith(argument as string);
  if (operator === 'anything-but') return !(Array.isArray(argument) ? argument : [argument]).includes(value);
  return false;
}

/** EventBridge-style pattern match: objects nest, lists give the accepted values (or operators). */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((accepted) => acceptsOne(accepted, value));
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object')
      return Object.values(pattern).every((sub) => matchesPattern(sub, undefined));
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

/**
 * DynamoDB Local's streams drop the type of an empty map: an item holding `{ "M": {} }` (written and
 * read back as such) appears in its stream records as `{}`, which no reader can unmarshall ("No value
 * defined"). DynamoDB's streams on AWS keep `{ "M": {} }`. Every other type has a non-empty value
 * (an empty list is `{ "L": [] }`), so an empty attribute value can only be that map: restored here,
 * at any depth, before observers and consumers see the record. Test: test/unit/local-streams.test.ts.
 */
type AttributeValue = { M?: AttributeMap; L?: AttributeValue[] } & Record<string, unknown>;
type AttributeMap = Record<string, AttributeValue>;

const restoredValue = (value: AttributeValue): AttributeValue => {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M) return { M: restoreEmptyMaps(value.M) };
  if (value.L) return { L: value.L.map(restoredValue) };
  return value;
};

export function restoreEmptyMaps<T extends object>(image: T): T {
  return Object.fromEntries(
    Object.entries(image).map(([name, value]) => [name, restoredValue(value as AttributeValue)]),
  ) as T;
}

/** A stream record with its images and keys as AWS would deliver them (`restoreEmptyMaps`). */
export function asOnAws(record: StreamRecord): StreamRecord {
  const images = record.dynamodb;
  if (!images) return record;
  return {
    ...record,
    dynamodb: {
      ...images,
      ...(images.NewImage ? { NewImage: restoreEmptyMaps(images.NewImage) } : {}),
      ...(images.OldImage ? { OldImage: restoreEmptyMaps(images.OldImage) } : {}),
    },
  };
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
      /** In-process readers of every batch, before the functions (the local search index: search.ts). */
      observers?: Array<(records: readonly StreamRecord[]) => void>;
    },
  ) {
    for (const consumer of options.consumers) {
      const why = consumer.filterPatterns
        .map((pattern) => unsupportedFilter(pattern))
        .find((reason) => reason !== undefined);
      if (why)
        throw new LocalCloudError(
          `The stream filter of ${consumer.function} (infra/resources) cannot be evaluated locally: ${why}. Extend infra/local/streams.ts or change the filter.`,
        );
    }
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
      const page = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1000 }),
      );
      const { NextShardIterator } = page;
      const Records = (page.Records ?? []).map(asOnAws);
      if (Records.length) {
        for (const observe of this.options.observers ?? []) {
          try {
            observe(Records);
          } catch (error) {
            this.options.log(`stream observer failed: ${(error as Error).message}`);
          }
        }
        await this.deliver(streamArn, Records);
      }
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
      const matching = lambdaRecords.filter((record) =>
        consumer.filterPatterns.some((pattern) => matchesPattern(pattern, record)),
      );
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

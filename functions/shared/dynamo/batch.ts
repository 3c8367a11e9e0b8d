/**
 * Batch reads and writes of any length: chunked at DynamoDB's limits (100 keys a BatchGetItem, 25
 * requests a BatchWriteItem), and what DynamoDB leaves unprocessed (UnprocessedKeys / UnprocessedItems,
 * under load or throttling) is sent again with backoff, a bounded number of times, then surfaced as a
 * retryable ServiceUnavailableError: a batch never silently loses items.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../errors.ts';
import { type BackoffOptions, backoff } from './backoff.ts';

export type Key = Record<string, unknown>;
export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> }; DeleteRequest?: never }
  | { DeleteRequest: { Key: Key }; PutRequest?: never };

export const batchGetLimit = 100;
export const batchWriteLimit = 25;

export interface BatchGetOptions extends BackoffOptions {
  consistentRead?: boolean;
  projection?: string;
  names?: Record<string, string>;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sends `pending` until nothing is left over; `send` answers what it left unprocessed. */
async function untilProcessed<T>(
  pending: T[],
  send: (pending: T[]) => Promise<T[]>,
  what: string,
  options: BackoffOptions,
): Promise<void> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > attempts)
      throw new ServiceUnavailableError(
        `DynamoDB left ${pending.length} ${what} unprocessed through ${attempts} attempts (the table is busy or throttled): send the request again in a few seconds.`,
        { unprocessed: pending.length },
      );
    if (attempt > 1) await backoff(attempt - 1, options);
    pending = await send(pending);
  }
}

/** Reads every key (in chunks of 100); the items found, in no particular order. */
export async function batchGetAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (const chunk of chunks(keys, batchGetLimit)) {
    await untilProcessed(
      chunk,
      async (pending) => {
        const response = await documents.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: pending,
                ...(options.consistentRead ? { ConsistentRead: true } : {}),
                ...(options.projection ? { ProjectionExpression: options.projection } : {}),
                ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
              },
            },
          }),
        );
        found.push(...(response.Responses?.[tableName] ?? []));
        return (response.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
      },
      'keys',
      options,
    );
  }
  return found;
}

/** Writes every request (in chunks of 25). */
export async function batchWriteAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BackoffOptions = {},
): Promise<void> {
  for (const chunk of chunks(requests, batchWriteLimit)) {
    await untilProcessed(
      chunk,
      async (pending) => {
        const { UnprocessedItems } = await documents.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
        );
        return (UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      },
      'writes',
      options,
    );
  }
}

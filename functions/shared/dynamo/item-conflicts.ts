/**
 * A PutItem, UpdateItem or DeleteItem on an item that a transaction is writing at that moment is
 * refused with `TransactionConflictException` (400): nothing was written, and the same request succeeds
 * a moment later. The SDK's standard retry strategy does not know this error (it retries throttling,
 * 5xx and network errors), so without this a single-item write that met a transaction failed its
 * request or task (a 500 in the API; found by the `conflict` faults of infra/local/faults.ts on
 * single-item writes). Installed on the client, it marks the error retryable inside the retry step: the
 * SDK sends the same request again with its backoff and retry quota, as for throttling.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Next = (args: unknown) => Promise<unknown>;

export const itemConflictErrors: ReadonlySet<string> = new Set(['TransactionConflictException']);

export function retryItemConflicts<C extends Pick<DynamoDBClient, 'middlewareStack'>>(client: C): C {
  const markRetryable = (next: Next) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      if (error instanceof Error && itemConflictErrors.has(error.name))
        Object.assign(error, { $retryable: { throttling: false } });
      throw error;
    }
  };
  client.middlewareStack.addRelativeTo(markRetryable as never, {
    name: 'retryItemConflictsMiddleware',
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    override: true,
  });
  return client;
}

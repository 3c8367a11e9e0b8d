/**
 * The one way a store writes a DynamoDB transaction. A cancelled transaction carries one reason per
 * item (CancellationReasons, in item order), and each reason means something different:
 *
 * - ConditionalCheckFailed: a fact about that item (it exists already, its version moved on): only the
 *   caller knows what it means in its domain, so the caller's `conditionFailed` answers for the failed
 *   item indexes. A failure it does not explain is surfaced, never taken for "already done".
 * - TransactionConflict, ThrottlingError, ProvisionedThroughputExceeded, RequestLimitExceeded: nothing
 *   is known about the items, the transaction merely lost a race or was throttled. It is sent again with
 *   exponential backoff and jitter, a bounded number of times, then surfaced as ServiceUnavailableError
 *   (503, retryable): a conflict is never silently read as "already done".
 * - anything else (ValidationError, ItemCollectionSizeLimitExceeded, ...): surfaced.
 *
 * Throttling of the call itself (not of an item) is retried by the SDK's own retry strategy.
 *
 * Every attempt carries the same ClientRequestToken, which makes the transaction idempotent for 10
 * minutes: an attempt whose answer was lost on the way back (a 500 or a reset connection after DynamoDB
 * applied it) is not applied a second time by a later attempt, which DynamoDB answers as committed.
 * With a token per attempt, the later attempt met the transaction's own writes and failed their
 * conditions: an applied create was answered as existing already (a patent of POST /v1/patents came
 * back "unchanged", 200 instead of 201), an applied edit as "changed meanwhile" (409 though recorded)
 * (found by the `lost` faults of infra/local/faults.ts).
 */

import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../errors.ts';
import { type BackoffOptions, backoff } from './backoff.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Item reasons that say the transaction was not tried to the end: the same transaction may succeed later. */
export const retryableCancellationCodes: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

export interface TransactOptions<Answer> extends BackoffOptions {
  /** What the transaction writes, in the user's words (e.g. "the weekly feedback mail of <uscc>"): errors name it. */
  what: string;
  /**
   * The domain answer when the conditions of these items (indexes into the transaction) failed, e.g.
   * 'exists' when the marker item failed; undefined when such a failure is not expected (surfaced).
   */
  conditionFailed?: (failedIndexes: readonly number[]) => Answer | undefined;
}

/** The transaction was refused for a reason no retry changes: a defect in how the store built it. */
export class TransactionRefusedError extends Error {
  constructor(
    message: string,
    readonly reasons: ReadonlyArray<{ Code?: string; Message?: string }>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TransactionRefusedError';
  }
}

/** The indexes of the items whose condition failed, from a TransactionCanceledException (else empty). */
export function conditionFailures(error: unknown): number[] {
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.flatMap((reason, index) => (reason?.Code === 'ConditionalCheckFailed' ? [index] : []));
}

const describe = (reasons: ReadonlyArray<{ Code?: string; Message?: string }>) =>
  reasons
    .flatMap((r, i) =>
      r.Code && r.Code !== 'None' ? [`item ${i}: ${r.Code}${r.Message ? ` (${r.Message})` : ''}`] : [],
    )
    .join('; ');

/**
 * Writes `items` in one transaction: 'committed', or the caller's answer for the items whose condition
 * failed. Throws ServiceUnavailableError when the items stayed busy through every attempt, and
 * TransactionRefusedError for reasons no retry changes.
 */
export async function transact<Answer = never>(
  documents: DynamoDBDocumentClient,
  items: TransactItem[],
  options: TransactOptions<Answer>,
): Promise<'committed' | Answer> {
  const attempts = options.attempts ?? 6;
  // One token for every attempt (the SDK keeps it for its own retries of one attempt): see above.
  const ClientRequestToken = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      await documents.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = conditionFailures(error);
      if (failed.length > 0) {
        const answer = options.conditionFailed?.(failed);
        if (answer !== undefined) return answer;
        throw new TransactionRefusedError(
          `Writing ${options.what} failed a condition the store did not expect (${describe(reasons)}): nothing was written. Report this with the request id; sending the request again will not help.`,
          reasons,
          { cause: error },
        );
      }
      const codes = reasons.map((r) => r.Code ?? 'None').filter((code) => code !== 'None');
      if (codes.length === 0 || !codes.every((code) => retryableCancellationCodes.has(code)))
        throw new TransactionRefusedError(
          `DynamoDB refused writing ${options.what} (${describe(reasons) || error.message}): nothing was written. Report this with the request id; sending the request again will not help.`,
          reasons,
          { cause: error },
        );
      if (attempt >= attempts)
        throw new ServiceUnavailableError(
          `Could not write ${options.what} now: the items were busy with other writes at the same moment (${[...new Set(codes)].join(', ')}) through ${attempts} attempts, and nothing was written. Send the request again in a few seconds.`,
          { reasons: codes },
        );
      await backoff(attempt, options);
    }
  }
}

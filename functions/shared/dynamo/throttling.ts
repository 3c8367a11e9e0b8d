/**
 * Writes item by item (conditional PutItem) need two things BatchWriteItem gave for free: bounded
 * parallelism and patience with throttling. The SDK retries throttling a few times itself; a large
 * upload against a cold on-demand table can outlast that, so throttled requests are retried here
 * with exponential backoff and full jitter before the error is let through.
 */
import { type BackoffOptions, backoff } from './backoff.ts';

const throttlingErrors = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  // S3's answer to a request rate it does not take (503).
  'SlowDown',
]);

export function isThrottling(error: unknown): boolean {
  return error instanceof Error && throttlingErrors.has(error.name);
}

const networkErrors = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * What DynamoDB or S3 answers for a moment and not the next (the SDK retried it as far as its
 * strategy goes): throttling, an item held by a transaction (TransactionConflictException), a 5xx of
 * the service (InternalServerError, ServiceUnavailable), a reset connection. Not a defect of the request.
 */
export function isTransientServiceError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isThrottling(error) || error.name === 'TransactionConflictException') return true;
  const { $metadata, $fault, code } = error as {
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
    code?: string;
  };
  if ($fault === 'server' && ($metadata?.httpStatusCode ?? 0) >= 500) return true;
  return code !== undefined && networkErrors.has(code);
}

export async function withThrottlingRetry<T>(
  send: () => Promise<T>,
  options: BackoffOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) throw error;
      await backoff(attempt, options);
    }
  }
}

/** Runs `task` over `items` with at most `limit` in flight; the first failure is thrown after the others settle. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** Exponential backoff with full jitter, shared by every retry of the DynamoDB kit. */
export interface BackoffOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Injected by tests so that retries do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits before retry number `attempt` (1 = the first retry): a random time up to base * 2^(attempt-1), capped. */
export function backoff(attempt: number, options: BackoffOptions = {}): Promise<void> {
  const cap = Math.min(options.maxMs ?? 2000, (options.baseMs ?? 50) * 2 ** (attempt - 1));
  return (options.sleep ?? wait)(Math.random() * cap);
}

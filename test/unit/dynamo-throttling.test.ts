/** Backoff on throttling for item-by-item writes (functions/shared/dynamo-retry.ts). */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { forEachLimited, withThrottlingRetry } from '../../functions/shared/dynamo/throttling.ts';

const throttled = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

describe('withThrottlingRetry', () => {
  it('retries throttled requests with growing, capped waits, then answers', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withThrottlingRetry(
      async () => {
        calls++;
        if (calls < 4) throw throttled();
        return 'ok';
      },
      { sleep: async (ms) => void waits.push(ms), baseMs: 100, maxMs: 250 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
    expect(waits.every((ms, i) => ms >= 0 && ms <= Math.min(250, 100 * 2 ** i))).toBe(true);
  });

  it('gives up after the attempts and never retries other errors (a failed condition is an answer)', async () => {
    let calls = 0;
    await expect(
      withThrottlingRetry(
        async () => {
          calls++;
          throw throttled();
        },
        { attempts: 3, sleep: async () => {} },
      ),
    ).rejects.toThrow('slow down');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      withThrottlingRetry(async () => {
        calls++;
        throw new Error('ConditionalCheckFailed');
      }),
    ).rejects.toThrow('ConditionalCheckFailed');
    expect(calls).toBe(1);
  });
});

describe('forEachLimited', () => {
  it('keeps at most the limit in flight and visits every item', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      inFlight--;
    });
    expect(most).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

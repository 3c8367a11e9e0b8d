import { describe, expect, it } from 'vitest';
import { checkHealth } from '../../functions/system/health.ts';

const up = async () => undefined;

describe('checkHealth', () => {
  it('is ok when every component answers', async () => {
    const health = await checkHealth({
      dynamodb: up,
      s3: up,
      stepFunctions: up,
      scheduler: up,
      mail: async () => 'outbox',
    });
    expect(health.status).toBe('ok');
    expect(health.components.mail).toMatchObject({ status: 'up', detail: 'outbox' });
  });

  it('is degraded, naming the failing component and why, when one fails or hangs', async () => {
    const health = await checkHealth(
      {
        dynamodb: up,
        s3: async () => {
          throw new Error('NoSuchBucket');
        },
        stepFunctions: () => new Promise(() => undefined),
        scheduler: up,
        mail: up,
      },
      50,
    );
    expect(health.status).toBe('degraded');
    expect(health.components.s3).toMatchObject({ status: 'down', detail: 'NoSuchBucket' });
    expect(health.components.stepFunctions).toMatchObject({
      status: 'down',
      detail: 'no answer within 50 ms',
    });
    expect(health.components.dynamodb.status).toBe('up');
  });
});

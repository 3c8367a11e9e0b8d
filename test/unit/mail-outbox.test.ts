import { describe, expect, it, vi } from 'vitest';
import { deliverMail, maxAttempts, newMailItem, retryDueMail } from '../../functions/mail/mail-outbox.ts';
import { memoryOutbox } from '../support/memory-outbox.ts';

const message = { to: ['a@example.org'], subject: 's', text: 't', attachments: [] };

describe('mail outbox', () => {
  it('sends a queued email once, even when the stream delivers it twice', async () => {
    const { store, items } = memoryOutbox();
    const send = vi.fn().mockResolvedValue({ messageId: '<m1>' });
    const now = () => new Date('2026-11-25T00:00:00Z');
    const item = newMailItem(message, now());
    await store.put(item);
    expect(await deliverMail({ store, send, now }, item)).toBe('sent');
    expect(await deliverMail({ store, send, now }, item)).toBe('skipped');
    expect(send).toHaveBeenCalledTimes(1);
    expect(items.get(item.mailId)).toMatchObject({ status: 'sent', messageId: '<m1>' });
  });

  it('records a failure with backoff, and the retry job sends it when due', async () => {
    const { store, items } = memoryOutbox();
    let clock = new Date('2026-11-25T00:00:00Z');
    const now = () => clock;
    const send = vi
      .fn()
      .mockRejectedValueOnce(new Error('Throttling'))
      .mockResolvedValue({ messageId: '<m2>' });
    const item = newMailItem(message, now());
    await store.put(item);
    expect(await deliverMail({ store, send, now }, item)).toBe('failed');
    expect(items.get(item.mailId)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'Throttling',
      dueAt: '2026-11-25T00:01:00.000Z',
    });
    expect(await retryDueMail({ store, send, now })).toEqual({ sent: 0, failed: 0, skipped: 0 });
    clock = new Date('2026-11-25T00:01:00Z');
    expect(await retryDueMail({ store, send, now })).toEqual({ sent: 1, failed: 0, skipped: 0 });
    expect(items.get(item.mailId)?.status).toBe('sent');
  });

  it('gives up after maxAttempts, keeping the last error for the operators', async () => {
    const { store, items } = memoryOutbox();
    let clock = new Date('2026-11-25T00:00:00Z');
    const send = vi.fn().mockRejectedValue(new Error('MessageRejected: address blacklisted'));
    const item = newMailItem(message, clock);
    await store.put(item);
    await deliverMail({ store, send, now: () => clock }, item);
    for (let i = 0; i < 10; i++) {
      clock = new Date(clock.getTime() + 24 * 3600_000);
      await retryDueMail({ store, send, now: () => clock });
    }
    expect(send).toHaveBeenCalledTimes(maxAttempts);
    expect(items.get(item.mailId)).toMatchObject({
      status: 'failed',
      attempts: maxAttempts,
      dueAt: undefined,
      lastError: expect.stringContaining('blacklisted'),
    });
  });
});

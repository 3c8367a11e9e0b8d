import type { MailItem, MailOutboxStore } from '../../functions/mail/mail-outbox.ts';

/** An in-memory outbox with the same claim semantics as the DynamoDB adapter. */
export function memoryOutbox() {
  const items = new Map<string, MailItem & { leaseUntil?: string; dueAt?: string }>();
  const store: MailOutboxStore = {
    async put(item) {
      items.set(item.mailId, { ...item });
    },
    async get(id) {
      return items.get(id);
    },
    async claim(id, now, leaseUntil) {
      const item = items.get(id);
      if (!item || item.status === 'sent' || (item.leaseUntil && item.leaseUntil >= now)) return false;
      Object.assign(item, { status: 'sending', leaseUntil, dueAt: leaseUntil });
      return true;
    },
    async markSent(id, at, messageId) {
      Object.assign(items.get(id)!, {
        status: 'sent',
        sentAt: at,
        messageId,
        leaseUntil: undefined,
        dueAt: undefined,
      });
    },
    async markFailed(id, error, attempts, retryAt) {
      Object.assign(items.get(id)!, {
        status: 'failed',
        lastError: error,
        attempts,
        leaseUntil: undefined,
        dueAt: retryAt,
      });
    },
    async due(now) {
      return [...items.values()].filter((i) => i.dueAt && i.dueAt <= now);
    },
  };
  return { store, items };
}

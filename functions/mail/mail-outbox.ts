/**
 * The transactional mail outbox. Use-cases queue an email as a core-table item (in the same
 * transaction as the change that causes it); the stream consumer sends it. A claim with a lease
 * (conditional write) makes a duplicate stream delivery or a concurrent retry send nothing twice;
 * a failed send is retried by the mail-retry schedule with backoff, up to maxAttempts.
 */
import { randomUUID } from 'node:crypto';
import type { MailMessage } from '../../schemas/mail.ts';

export const maxAttempts = 5;
export const leaseSeconds = 300;

export interface MailItem extends MailMessage {
  mailId: string;
  status: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  queuedAt: string;
  lastError?: string;
  sentAt?: string;
  messageId?: string;
}

export interface MailOutboxStore {
  put(item: MailItem): Promise<void>;
  get(mailId: string): Promise<MailItem | undefined>;
  /** Takes the item for sending until leaseUntil; false if it was sent or another sender holds a live lease. */
  claim(mailId: string, now: string, leaseUntil: string): Promise<boolean>;
  markSent(mailId: string, at: string, messageId: string): Promise<void>;
  markFailed(mailId: string, error: string, attempts: number, retryAt: string | undefined): Promise<void>;
  /** Items whose lease ran out or whose retry time has come. */
  due(now: string, limit: number): Promise<MailItem[]>;
}

export interface MailDeps {
  store: MailOutboxStore;
  send: (item: MailItem) => Promise<{ messageId: string }>;
  now: () => Date;
}

export function newMailItem(message: MailMessage, now: Date): MailItem {
  return { ...message, mailId: randomUUID(), status: 'queued', attempts: 0, queuedAt: now.toISOString() };
}

export async function queueMail(
  deps: Pick<MailDeps, 'store' | 'now'>,
  message: MailMessage,
): Promise<MailItem> {
  const item = newMailItem(message, deps.now());
  await deps.store.put(item);
  return item;
}

/** Exponential backoff: 1, 4, 16, 64 minutes. */
export function retryDelayMinutes(attempts: number): number {
  return 4 ** (attempts - 1);
}

export async function deliverMail(deps: MailDeps, item: MailItem): Promise<'sent' | 'failed' | 'skipped'> {
  if (item.status === 'sent') return 'skipped';
  const now = deps.now();
  const lease = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  if (!(await deps.store.claim(item.mailId, now.toISOString(), lease))) return 'skipped';
  const attempts = item.attempts + 1;
  try {
    const { messageId } = await deps.send(item);
    await deps.store.markSent(item.mailId, deps.now().toISOString(), messageId);
    return 'sent';
  } catch (error) {
    const retryAt =
      attempts < maxAttempts
        ? new Date(now.getTime() + retryDelayMinutes(attempts) * 60_000).toISOString()
        : undefined;
    await deps.store.markFailed(
      item.mailId,
      error instanceof Error ? error.message : String(error),
      attempts,
      retryAt,
    );
    return 'failed';
  }
}

export async function retryDueMail(deps: MailDeps, limit = 100) {
  const due = await deps.store.due(deps.now().toISOString(), limit);
  const outcome = { sent: 0, failed: 0, skipped: 0 };
  for (const item of due) outcome[await deliverMail(deps, item)]++;
  return outcome;
}

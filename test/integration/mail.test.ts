import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { portalLink, portalPages } from '../../functions/shared/portal.ts';
import { api, clients, cloud, eventually, tableName, token } from './helpers.ts';

async function emlFor(mailId: string) {
  const outbox = join(cloud().dataDir, 'outbox');
  return eventually(
    async () => {
      const files = await readdir(outbox).catch(() => [] as string[]);
      const file = files.find((f) => f.includes(mailId) && f.endsWith('.eml'));
      return file ? simpleParser(await readFile(join(outbox, file))) : undefined;
    },
    20_000,
    `the .eml of ${mailId}`,
  );
}

describe('mail: stream consumer and outbox', () => {
  it('a queued email reaches dispatchMail through the core stream and lands in the outbox as a parseable .eml', async () => {
    const admin = await token('national-admin', { email: 'ops@example.org' });
    const queued = await api('/v1/admin/mail:test', {
      method: 'POST',
      token: admin,
      body: { to: 'recipient@example.org' },
    });
    expect(queued.status, queued.text).toBe(202);
    const mailId = queued.json.mailId as string;
    const mail = await emlFor(mailId);
    expect(mail.subject).toBe('测试邮件 / Test email (local)');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('recipient@example.org');
    expect(mail.text).toContain('This is a test email');
    expect(mail.html).toContain('<p');
    // The one layout, through nodemailer and the outbox: header, action into the portal, footer.
    expect(mail.html).toContain('专利转化运用</a>');
    expect(mail.html).toContain(`href="${portalLink(portalPages.home)}"`);
    expect(mail.text).toContain('您收到此邮件');
    const stored = await eventually(async () => {
      const { Item } = await clients().documents.send(
        new GetCommand({ TableName: tableName('core'), Key: { pk: `MAIL#${mailId}`, sk: 'MAIL' } }),
      );
      return Item?.status === 'sent' ? Item : undefined;
    });
    expect(stored).toMatchObject({ attempts: 0, messageId: expect.stringContaining(mailId) });
    expect(stored.gsi3pk).toBeUndefined();
  });
});

describe('schedules', () => {
  it('firing mail-retry runs its job: a failed email that is due is sent', async () => {
    const mailId = `retry-${Date.now()}`;
    const past = new Date(Date.now() - 60_000).toISOString();
    // A mail whose first send failed and whose retry is due. Its entity is not 'mail', so the stream
    // consumer's filter lets it pass: only the scheduled job can send it.
    await clients().documents.send(
      new PutCommand({
        TableName: tableName('core'),
        Item: {
          pk: `MAIL#${mailId}`,
          sk: 'MAIL',
          entity: 'mail-retry-fixture',
          mailId,
          status: 'failed',
          attempts: 1,
          lastError: 'SES throttled',
          queuedAt: past,
          to: ['retry@example.org'],
          subject: 'retried',
          text: 'hello again',
          attachments: [],
          gsi3pk: 'MAIL#pending',
          gsi3sk: past,
        },
      }),
    );
    const response = await fetch(`${cloud().controlUrl}/_local/schedules/mail-retry/fire`, {
      method: 'POST',
    });
    const run = (await response.json()) as { ok: boolean; result: { sent: number } };
    expect(run.ok).toBe(true);
    expect(run.result.sent).toBeGreaterThanOrEqual(1);
    const mail = await emlFor(mailId);
    expect(mail.subject).toBe('retried');
    const { Item } = await clients().documents.send(
      new GetCommand({ TableName: tableName('core'), Key: { pk: `MAIL#${mailId}`, sk: 'MAIL' } }),
    );
    expect(Item).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('an unknown schedule gets a message listing the real ones', async () => {
    const response = await fetch(`${cloud().controlUrl}/_local/schedules/nope/fire`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain('mail-retry');
  });
});

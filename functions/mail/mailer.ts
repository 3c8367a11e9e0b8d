/**
 * Sends one MIME message built by nodemailer: through SES v2 in AWS, or as an .eml file in the local
 * outbox (.data/outbox/). The MIME is the same either way.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetAccountCommand, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import type { MailMessage } from '../../schemas/mail.ts';

export interface Mailer {
  send(
    message: MailMessage & {
      from: string;
      id: string;
      attachmentsContent: Array<{ filename: string; contentType: string; content: Buffer; cid?: string }>;
    },
  ): Promise<{ messageId: string }>;
  probe(): Promise<string>;
}

export function sesMailer(ses: SESv2Client): Mailer {
  const transport = nodemailer.createTransport({ SES: { sesClient: ses, SendEmailCommand } });
  return {
    async send(message) {
      const info = await transport.sendMail(compose(message));
      return { messageId: info.messageId };
    },
    async probe() {
      const account = await ses.send(new GetAccountCommand({}));
      if (!account.SendingEnabled) throw new Error('SES sending is disabled for this account');
      return account.ProductionAccessEnabled
        ? 'SES production access'
        : 'SES sandbox: only verified recipients receive mail';
    },
  };
}

export function outboxMailer(outboxDir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail(compose(message));
      await mkdir(outboxDir, { recursive: true });
      const file = join(outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${message.id}.eml`);
      await writeFile(file, info.message as Buffer);
      return { messageId: info.messageId };
    },
    async probe() {
      await mkdir(outboxDir, { recursive: true });
      const file = join(outboxDir, '.probe');
      await writeFile(file, new Date().toISOString());
      return `outbox ${outboxDir}`;
    },
  };
}

function compose(message: Parameters<Mailer['send']>[0]) {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: `<${message.id}@patents.local>`,
    attachments: message.attachmentsContent.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      cid: a.cid,
    })),
  };
}

/**
 * Sends one MIME message built by nodemailer: through SES v2 in AWS, through an SMTP relay (AWS China,
 * where SES does not exist: deployment choice `mail=smtp`), or as an .eml file in the local outbox
 * (.data/outbox/). The MIME is the same every way.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetAccountCommand, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import * as z from 'zod';
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

/** SMTP relay settings, kept as JSON in a Secrets Manager secret (never in the environment). */
export const smtpSettingsSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  /** true: TLS from the first byte (port 465); false: STARTTLS, required (port 587). */
  secure: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  user: z.string().min(1),
  password: z.string().min(1),
});
export type SmtpSettings = z.output<typeof smtpSettingsSchema>;

/**
 * Reads the SMTP settings from the secret (JSON host, port, secure, user, password). Called once per
 * container, at cold start; the credentials then live in memory only.
 */
export async function smtpSettingsFromSecret(
  secrets: SecretsManagerClient,
  secretArn: string,
): Promise<SmtpSettings> {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!SecretString) throw new Error(`SMTP secret ${secretArn} has no string value`);
  let json: unknown;
  try {
    json = JSON.parse(SecretString);
  } catch {
    throw new Error(`SMTP secret ${secretArn} is not JSON: store {"host","port","secure","user","password"}`);
  }
  const parsed = smtpSettingsSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `SMTP secret ${secretArn} is incomplete (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}): store {"host","port","secure","user","password"}`,
    );
  return parsed.data;
}

/** nodemailer's SMTP transport; TLS is required either way (implicit on 465, STARTTLS otherwise). */
export function smtpMailer(settings: Promise<SmtpSettings>): Mailer {
  const transport = settings.then((s) =>
    nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.secure,
      requireTLS: !s.secure,
      auth: { user: s.user, pass: s.password },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    }),
  );
  // Awaited on the first send; a failed read must not crash the container before that.
  transport.catch(() => undefined);
  return {
    async send(message) {
      const info = await (await transport).sendMail(compose(message));
      return { messageId: info.messageId };
    },
    async probe() {
      const smtp = await transport;
      await smtp.verify();
      const s = await settings;
      return `SMTP relay ${s.host}:${s.port}`;
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

/** Wires the mail use-cases to DynamoDB, S3 (large attachments) and the configured transport. */
import { documents } from '../shared/clients/dynamodb.ts';
import { s3Sdk } from '../shared/clients/s3.ts';
import { secrets } from '../shared/clients/secrets.ts';
import { ses } from '../shared/clients/ses.ts';
import { config } from '../shared/config.ts';
import type { MailDeps, MailItem } from './mail-outbox.ts';
import { dynamoMailStore } from './mail-store.ts';
import { type Mailer, outboxMailer, sesMailer, smtpMailer, smtpSettingsFromSecret } from './mailer.ts';

/** The transport the stack configured (MAIL_TRANSPORT); for SMTP the secret is read now, at cold start. */
export function configuredMailer(): Mailer {
  const mail = config.mail();
  if (mail.transport === 'outbox') return outboxMailer(mail.outboxDir);
  if (mail.transport === 'smtp') {
    if (!mail.smtpSecretArn)
      throw new Error('MAIL_TRANSPORT is smtp but MAIL_SMTP_SECRET_ARN is not set: deploy with -c mail=smtp');
    return smtpMailer(smtpSettingsFromSecret(secrets, mail.smtpSecretArn));
  }
  return sesMailer(ses);
}

async function attachmentsOf(item: MailItem) {
  return Promise.all(
    (item.attachments ?? []).map(async (a) => {
      let content: Buffer;
      if (a.contentBase64 !== undefined) content = Buffer.from(a.contentBase64, 'base64');
      else if (a.s3Key) {
        const { sdk, client } = await s3Sdk();
        const object = await client.send(
          new sdk.GetObjectCommand({ Bucket: config.bucketName('reports'), Key: a.s3Key }),
        );
        content = Buffer.from(await object.Body!.transformToByteArray());
      } else throw new Error(`attachment ${a.filename} has neither content nor an S3 key`);
      return { filename: a.filename, contentType: a.contentType, content, cid: a.cid };
    }),
  );
}

export function mailDeps(): MailDeps {
  const mailer = configuredMailer();
  const from = config.mail().from;
  return {
    store: dynamoMailStore(documents, config.tableName('core')),
    now: () => new Date(),
    send: async (item) =>
      mailer.send({ ...item, id: item.mailId, from, attachmentsContent: await attachmentsOf(item) }),
  };
}

import { queueTestMailRoute } from '../../schemas/routes/mail.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { queueMail } from './mail-outbox.ts';
import { dynamoMailStore } from './mail-store.ts';

const store = dynamoMailStore(documents, config.tableName('core'));

export const handler = httpRoute(queueTestMailRoute, async ({ body, caller }) => {
  const stage = config.stage();
  const item = await queueMail(
    { store, now: () => new Date() },
    {
      to: [body.to],
      subject: `测试邮件 / Test email (${stage})`,
      text: `这是专利转化系统（${stage}）的测试邮件，由 ${caller.email ?? caller.sub} 发起。\nThis is a test email from the patent revitalization system (${stage}), requested by ${caller.email ?? caller.sub}.`,
      html: `<p>这是专利转化系统（${stage}）的测试邮件。</p><p>This is a test email from the patent revitalization system (${stage}).</p>`,
      attachments: [],
    },
  );
  return { status: 202, body: { mailId: item.mailId, status: 'queued' } };
});

import { queueTestMailRoute } from '../../schemas/routes/mail.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { httpRoute } from '../shared/http.ts';
import { queueMail } from './mail-outbox.ts';
import { dynamoMailStore } from './mail-store.ts';
import { testMail } from './test-mail.ts';

const store = dynamoMailStore(documents, config.tableName('core'));

export const handler = httpRoute(queueTestMailRoute, async ({ body, caller }) => {
  const item = await queueMail(
    { store, now: () => new Date() },
    testMail(config.stage(), body.to, caller.email ?? caller.sub),
  );
  return { status: 202, body: { mailId: item.mailId, status: 'queued' } };
});

/** system-probe task: a write, a consistent read and a delete of one short-lived item. */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { keys } from '../shared/dynamo/keys.ts';

export const handler = async () => {
  const TableName = config.tableName('core');
  const Key = keys.probe(randomUUID());
  const started = Date.now();
  await documents.send(
    new PutCommand({
      TableName,
      Item: { ...Key, entity: 'probe', expiresAt: Math.floor(started / 1000) + 3600 },
    }),
  );
  const { Item } = await documents.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
  await documents.send(new DeleteCommand({ TableName, Key }));
  if (!Item) throw new Error('probe item was written but could not be read back');
  return { component: 'dynamodb', ok: true, ms: Date.now() - started };
};

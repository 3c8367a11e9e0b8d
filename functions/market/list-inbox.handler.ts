import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { listInboxRoute } from '../../schemas/routes/market.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { httpRoute } from '../shared/http.ts';
import { type InboxStore, listInbox } from './inbox.ts';

const store: InboxStore = {
  async list(inbox, query) {
    const listing = `${inbox}:${query.status ?? '*'}`;
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: config.tableName('core'),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :inbox',
        ...(query.status
          ? {
              FilterExpression: '#status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':inbox': inbox, ':status': query.status },
            }
          : { ExpressionAttributeValues: { ':inbox': inbox } }),
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: decodeCursor(listing, query.cursor),
      }),
    );
    return { items: Items, nextCursor: encodeCursor(listing, LastEvaluatedKey) };
  },
};

export const handler = httpRoute(listInboxRoute, async ({ caller, query }) => ({
  status: 200,
  body: await listInbox({ store }, caller, query),
}));

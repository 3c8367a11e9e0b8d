/** DynamoDB adapter of DigestStore: the day's push counters on gsi3, the inbox on gsi1, the mail outbox. */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { newMailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { DigestRecipientKind, DigestRequest, DigestStore } from './digest.ts';

export function dynamoDigestStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: () => Date = () => new Date(),
): DigestStore {
  return {
    async pending(day) {
      const found: Array<{ kind: DigestRecipientKind; id: string }> = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi3',
            KeyConditionExpression: 'gsi3pk = :day',
            FilterExpression: 'attribute_not_exists(digestSentAt)',
            ExpressionAttributeValues: { ':day': indexes.digestDay(day) },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) found.push({ kind: item.evaluatorKind, id: item.evaluatorId });
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    },
    async requests(kind, id, day) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :inbox',
          FilterExpression: 'pushDay = :day',
          ExpressionAttributeValues: { ':inbox': indexes.inbox({ kind, id }), ':day': day },
          ScanIndexForward: false,
        }),
      );
      return Items as DigestRequest[];
    },
    async emailOf(kind, id) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          // An institution gets the patents matched with enterprises' needs (functions/needs/need-matching.ts).
          Key: kind === 'institution' ? keys.institution(id) : keys.evaluatorProfile({ kind, id }),
        }),
      );
      if (!Item) return undefined;
      if (kind === 'institution') return { email: Item.contactEmail, name: Item.name };
      return kind === 'enterprise'
        ? { email: Item.contact?.email, name: Item.name }
        : { email: Item.email, name: Item.name };
    },
    async sendOnce(kind, id, day, message) {
      const at = now();
      const mail = message ? newMailItem(message, at) : undefined;
      const outcome = await transact(
        documents,
        [
          {
            Update: {
              TableName: tableName,
              Key: keys.pushCounter({ kind, id }, day),
              UpdateExpression: 'SET digestSentAt = :at',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(digestSentAt)',
              ExpressionAttributeValues: { ':at': at.toISOString() },
            },
          },
          ...(mail
            ? [
                {
                  Put: {
                    TableName: tableName,
                    Item: mailOutboxItem(mail),
                  },
                },
              ]
            : []),
        ],
        {
          what: `the ${day} market digest of ${kind} ${id}`,
          // The day's counter has digestSentAt already (or no pushes at all): nothing to send.
          conditionFailed: (failed) => (failed.includes(0) ? 'sent-before' : undefined),
        },
      );
      return outcome === 'committed';
    },
  };
}

/** DynamoDB adapter of MailOutboxStore. Pending items carry gsi3 (MAIL#pending, due time) so the retry job finds them. */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { MailMessage } from '../../schemas/mail.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { leaseSeconds, type MailItem, type MailOutboxStore, newMailItem } from './mail-outbox.ts';

const key = keys.mail;
const pending = indexes.pendingMail;

function toItem(record: Record<string, unknown>): MailItem {
  const { pk, sk, entity, gsi3pk, gsi3sk, leaseUntil, claim, ...rest } = record;
  return rest as unknown as MailItem;
}

/**
 * The outbox item of a queued email, for a Put of its own or inside another transaction (a change and
 * the email it causes, together). Due for the retry job only if the stream consumer has not sent it
 * within one lease.
 */
export function mailOutboxItem(item: MailItem) {
  return {
    ...key(item.mailId),
    entity: 'mail',
    gsi3pk: pending,
    gsi3sk: new Date(Date.parse(item.queuedAt) + leaseSeconds * 1000).toISOString(),
    ...item,
  };
}

/** The Put of an email queued with a change, inside its transaction: none when there is no email. */
export function queuedMailPuts(tableName: string, mail: MailMessage | undefined, at: Date) {
  return mail ? [{ Put: { TableName: tableName, Item: mailOutboxItem(newMailItem(mail, at)) } }] : [];
}

export function dynamoMailStore(documents: DynamoDBDocumentClient, tableName: string): MailOutboxStore {
  return {
    async put(item) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: mailOutboxItem(item),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The mail id is new (a UUID): an item under it is this very put, applied by an attempt whose
        // answer was lost (the SDK sent it again), found by the `lost` faults. Anything else is surfaced.
        const { Item } = await documents.send(
          new GetCommand({ TableName: tableName, Key: key(item.mailId), ConsistentRead: true }),
        );
        if (Item?.queuedAt !== item.queuedAt || Item.subject !== item.subject) throw error;
      }
    },
    async get(mailId) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: key(mailId), ConsistentRead: true }),
      );
      return Item ? toItem(Item) : undefined;
    },
    async claim(mailId, now, leaseUntil) {
      // A token of this claim: when DynamoDB applied it but its answer was lost, the SDK's re-send
      // fails the condition (a live lease), and only the token tells the lease is this sender's (the
      // mail was otherwise left unsent for a lease; found by the `lost` faults).
      const claim = randomUUID();
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(mailId),
            UpdateExpression: 'SET #status = :sending, leaseUntil = :lease, gsi3sk = :lease, claim = :claim',
            ConditionExpression:
              'attribute_exists(pk) AND #status <> :sent AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':sent': 'sent',
              ':lease': leaseUntil,
              ':now': now,
              ':claim': claim,
            },
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const { Item } = await documents.send(
          new GetCommand({ TableName: tableName, Key: key(mailId), ConsistentRead: true }),
        );
        return Item?.status === 'sending' && Item.claim === claim;
      }
    },
    async markSent(mailId, at, messageId) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(mailId),
          UpdateExpression:
            'SET #status = :sent, sentAt = :at, messageId = :mid REMOVE leaseUntil, gsi3pk, gsi3sk, lastError, claim',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':at': at, ':mid': messageId },
        }),
      );
    },
    async markFailed(mailId, error, attempts, retryAt) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(mailId),
          UpdateExpression: retryAt
            ? 'SET #status = :failed, lastError = :error, attempts = :attempts, gsi3sk = :retryAt REMOVE leaseUntil'
            : 'SET #status = :failed, lastError = :error, attempts = :attempts REMOVE leaseUntil, gsi3pk, gsi3sk',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':error': error.slice(0, 1000),
            ':attempts': attempts,
            ...(retryAt ? { ':retryAt': retryAt } : {}),
          },
        }),
      );
    },
    async due(now, limit) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pending AND gsi3sk <= :now',
          ExpressionAttributeValues: { ':pending': pending, ':now': now },
          Limit: limit,
        }),
      );
      return Items.map(toItem);
    },
  };
}

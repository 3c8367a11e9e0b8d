/** DynamoDB adapter of ReviewStore: one transaction for the change, its audit entry and its pipeline event. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem } from '../shared/audit.ts';
import type { ReviewedPatent, ReviewStore } from './inventory-review.ts';
import { patentKey } from './patent-store.ts';

export function dynamoReviewStore(documents: DynamoDBDocumentClient, tableName: string): ReviewStore {
  return {
    async get(applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: patentKey(applicationNumber), ConsistentRead: true }),
      );
      return Item as ReviewedPatent | undefined;
    },
    async apply(applicationNumber, version, change, caller, at) {
      const key = patentKey(applicationNumber);
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {
        ':version': version,
        ':next': version + 1,
        ':at': at,
        ':by': caller.sub,
      };
      const sets = ['version = :next', 'updatedAt = :at', 'updatedBy = :by'];
      Object.entries(change.set).forEach(([field, value], i) => {
        names[`#s${i}`] = field;
        values[`:s${i}`] = value;
        sets.push(`#s${i} = :s${i}`);
      });
      const removes = (change.remove ?? []).map((field, i) => {
        names[`#r${i}`] = field;
        return `#r${i}`;
      });
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: key,
                  UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
                  ConditionExpression: 'version = :version',
                  ExpressionAttributeNames: names,
                  ExpressionAttributeValues: values,
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: auditItem({
                    pk: key.pk,
                    action: change.audit.action,
                    caller,
                    at,
                    changes: change.audit.changes,
                  }),
                },
              },
              ...(change.event
                ? [
                    {
                      Put: {
                        TableName: tableName,
                        // One event per transition: the version makes the key, so a replay cannot add a second.
                        Item: {
                          pk: key.pk,
                          sk: `EVENT#${String(version + 1).padStart(6, '0')}#${change.event.type}`,
                          entity: 'pipeline-event',
                          type: change.event.type,
                          at,
                          ...change.event.payload,
                        },
                        ConditionExpression: 'attribute_not_exists(pk)',
                      },
                    },
                  ]
                : []),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof TransactionCanceledException) return false;
        throw error;
      }
    },
  };
}

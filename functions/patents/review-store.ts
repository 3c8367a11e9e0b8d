/**
 * DynamoDB adapter of ReviewStore: one transaction for the change and its audit entry, or, for an
 * approval, the `inventoried` lifecycle transition (functions/pipeline/transitions.ts) carrying the change.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { transitionWrites, versionedUpdate } from '../pipeline/transitions.ts';
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
    async apply(patent, change, caller, at) {
      const { applicationNumber, version } = patent;
      const key = patentKey(applicationNumber);
      if (change.transition) {
        const items = transitionWrites(
          tableName,
          patent,
          {
            event: change.transition.event,
            context: change.transition.context,
            eventId: change.transition.eventId,
            actor: caller,
            set: change.set,
            remove: change.remove,
            details: change.transition.details,
          },
          at,
        );
        try {
          await documents.send(new TransactWriteCommand({ TransactItems: items }));
          return true;
        } catch (error) {
          if (error instanceof TransactionCanceledException) return false;
          throw error;
        }
      }
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              versionedUpdate(tableName, key, { version, by: caller.sub, at }, change),
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

/**
 * DynamoDB adapter of ReviewStore: one transaction for the change and its audit entry, or, for an
 * approval, the `inventoried` lifecycle transition (functions/pipeline/transitions.ts) carrying the change;
 * an email the change causes goes into the outbox in the same transaction.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { transitionWrites, versionedUpdate } from '../pipeline/transitions.ts';
import { actorLabel, auditItem } from '../shared/audit.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { ReviewedPatent, ReviewStore } from './inventory-review.ts';
import { patentKey } from './patent-store.ts';

/** Any failed condition (the patent's version, its next event, the applied marker): it changed meanwhile. */
const changedMeanwhile = () => 'changed' as const;

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
      const what = `the review of patent ${applicationNumber}`;
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
        if (change.mail) items.push({ Put: { TableName: tableName, Item: mailOutboxItem(change.mail) } });
        return (
          (await transact(documents, items, { what, conditionFailed: changedMeanwhile })) === 'committed'
        );
      }
      const outcome = await transact(
        documents,
        [
          versionedUpdate(tableName, key, { version, by: actorLabel(caller), at }, change),
          {
            Put: {
              TableName: tableName,
              Item: auditItem({
                kind: 'updated',
                pk: key.pk,
                action: change.audit.action,
                caller,
                at,
                // The patent as read: the update is conditioned on its version.
                before: patent,
                after: change.set,
                removed: change.remove,
                version: version + 1,
                ...(change.audit.context ? { context: change.audit.context } : {}),
              }),
            },
          },
          ...(change.mail ? [{ Put: { TableName: tableName, Item: mailOutboxItem(change.mail) } }] : []),
        ],
        { what, conditionFailed: changedMeanwhile },
      );
      return outcome === 'committed';
    },
  };
}

/**
 * DynamoDB adapter of PromotionStore (core table). Transitions are transitionWrites' four items, plus
 * the queued email in the same transaction; a cancelled transaction is told apart by transitionCause
 * (applied marker: duplicate; version: conflict).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoEvaluationStore } from '../evaluations/evaluation-store.ts';
import { institutionKey } from '../institutions/institution-store.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { appliedMarkerKey, patentPk, transitionCause, transitionWrites } from '../pipeline/transitions.ts';
import { keys } from '../shared/dynamo/keys.ts';
import { transact } from '../shared/dynamo/transact.ts';
import { duePromotionPartition, type PromotedPatent, type PromotionStore } from './promotion.ts';

const enterpriseKey = keys.enterprise;

export function dynamoPromotionStore(documents: DynamoDBDocumentClient, tableName: string): PromotionStore {
  const evaluations = dynamoEvaluationStore(documents, tableName);
  const get = async (Key: Record<string, string>, projection?: string[]) =>
    (
      await documents.send(
        new GetCommand({
          TableName: tableName,
          Key,
          ConsistentRead: true,
          ...(projection
            ? {
                ProjectionExpression: projection.map((_, i) => `#p${i}`).join(', '),
                ExpressionAttributeNames: Object.fromEntries(projection.map((f, i) => [`#p${i}`, f])),
              }
            : {}),
        }),
      )
    ).Item;
  return {
    async patent(applicationNumber) {
      // The whole item (a projection costs the same read units): the tiering transition is conditioned
      // on this version and takes the `before` of its audit entry from it.
      return (await get({ pk: patentPk(applicationNumber), sk: 'PATENT' })) as PromotedPatent | undefined;
    },
    evaluations: (applicationNumber) => evaluations.evaluations(applicationNumber),
    async enterprise(uscc) {
      const item = await get(enterpriseKey(uscc), ['uscc', 'name', 'industryCodes']);
      return item
        ? {
            uscc: item.uscc as string,
            name: item.name as string,
            industryCodes: (item.industryCodes as string[]) ?? [],
          }
        : undefined;
    },
    async institution(uscc) {
      const item = await get(institutionKey(uscc), ['name', 'contactEmail']);
      return item
        ? { name: item.name as string, contactEmail: item.contactEmail as string | undefined }
        : undefined;
    },
    async applied(applicationNumber, eventId) {
      return Boolean(await get(appliedMarkerKey(applicationNumber, eventId), ['pk']));
    },
    async transition(patent, request, at, mail) {
      const items = transitionWrites(tableName, patent, request, at);
      if (mail)
        items.push({
          Put: {
            TableName: tableName,
            Item: mailOutboxItem(mail),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      const outcome = await transact(documents, items, {
        what: `the ${request.event} transition of patent ${patent.applicationNumber}`,
        conditionFailed: (failed) => transitionCause(failed, [3], [0]),
      });
      return outcome === 'committed' ? 'applied' : outcome;
    },
    async duePromotions(now, limit, cursor) {
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          // gsi3sk is <due>#<applicationNumber>: every due date up to `now` sorts before `now#~`.
          KeyConditionExpression: 'gsi3pk = :due AND gsi3sk <= :bound',
          ExpressionAttributeValues: { ':due': duePromotionPartition, ':bound': `${now}#~` },
          ProjectionExpression: 'applicationNumber',
          Limit: limit,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      return {
        applicationNumbers: (page.Items ?? []).map((i) => i.applicationNumber as string),
        ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
      };
    },
    async clearDue(patent: PromotedPatent) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: patentPk(patent.applicationNumber), sk: 'PATENT' },
            UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
            ConditionExpression: 'version = :version AND gsi3pk = :due',
            ExpressionAttributeValues: { ':version': patent.version, ':due': duePromotionPartition },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}

/** DynamoDB adapter of HistoryStore: the patent's owner, and its lifecycle audit entries (pk PAT#<n>, sk AUDIT#<at>#<id>). */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { prefixes } from '../shared/dynamo/keys.ts';
import type { HistoryStore, StoredAudit } from './history.ts';
import { patentPk } from './transitions.ts';

export function dynamoHistoryStore(documents: DynamoDBDocumentClient, tableName: string): HistoryStore {
  return {
    async owner(applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: patentPk(applicationNumber), sk: 'PATENT' },
          ProjectionExpression: 'institutionUscc, provinceCode',
        }),
      );
      return Item as { institutionUscc: string; provinceCode: string } | undefined;
    },
    async transitions(applicationNumber, page) {
      const listing = `history:${applicationNumber}`;
      let start = decodeCursor(listing, page.cursor);
      const items: Array<StoredAudit & { pk: string; sk: string; entity?: string }> = [];
      // The filter applies after Limit: read on until the page is full or the partition ends.
      do {
        const result = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
            FilterExpression: 'begins_with(#action, :lifecycle)',
            ExpressionAttributeNames: { '#action': 'action' },
            ExpressionAttributeValues: {
              ':pk': patentPk(applicationNumber),
              ':audit': prefixes.audit,
              ':lifecycle': 'lifecycle.',
            },
            Limit: Math.max(page.limit, 25),
            ExclusiveStartKey: start,
          }),
        );
        for (const item of result.Items ?? [])
          items.push(item as StoredAudit & { pk: string; sk: string; entity?: string });
        start = result.LastEvaluatedKey;
      } while (start && items.length < page.limit);
      const taken = items.slice(0, page.limit);
      // The executions the page's events started (noted on the event items by startPipeline).
      const started = new Map<string, string>();
      if (taken.length) {
        let eventStart: Record<string, unknown> | undefined;
        do {
          const events = await documents.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
              ExpressionAttributeValues: {
                ':pk': patentPk(applicationNumber),
                ':event': prefixes.pipelineEvent,
              },
              ProjectionExpression: 'eventId, startedExecutionArn',
              ExclusiveStartKey: eventStart,
            }),
          );
          for (const e of events.Items ?? [])
            if (e.startedExecutionArn) started.set(e.eventId as string, e.startedExecutionArn as string);
          eventStart = events.LastEvaluatedKey;
        } while (eventStart);
      }
      const last = taken.at(-1);
      const more = items.length > page.limit || Boolean(start);
      const nextCursor = more && last ? encodeCursor(listing, { pk: last.pk, sk: last.sk }) : undefined;
      return {
        // Only the audited attributes leave: the keys and the entity tag stay here.
        items: taken.map(({ pk: _pk, sk: _sk, entity: _entity, ...audit }) => {
          const eventId = (audit.context?.eventId ?? audit.changes?.eventId) as string | undefined;
          const startedExecutionArn = eventId ? started.get(eventId) : undefined;
          return { ...audit, ...(startedExecutionArn ? { startedExecutionArn } : {}) };
        }),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },
  };
}

/**
 * DynamoDB adapter of SavedSearchStore (./saved-searches.ts). Items (core table; docs/data-model.md,
 * "Saved searches and alerts"):
 *
 *   saved search   pk ENT#<uscc>  sk SAVEDSEARCH#<id>
 *   alert state    pk ENT#<uscc>  sk ALERTS   searches (count, the bound), alertedUntil, alertedDay;
 *                  gsi3 ALERTS#saved-search / <uscc> (every enterprise saved-search or need alerts reach)
 *
 * Adding and removing change the count in the same transaction as the saved search, so the bound of
 * 20 holds under concurrent requests; the alert's window moves with its email in one transaction.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Enterprise } from '../../schemas/market.ts';
import type { SavedSearch } from '../../schemas/saved-search.ts';
import { queuedMailPuts } from '../mail/mail-store.ts';
import { indexes, keys, prefixes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';
import { stripStorage } from '../shared/dynamo/strip.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { AlertState, SavedSearchStore } from './saved-searches.ts';

export function dynamoSavedSearchStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): SavedSearchStore {
  return {
    async enterprise(uscc) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: keys.enterprise(uscc), ConsistentRead: true }),
      );
      return Item ? stripStorage<Enterprise>(Item) : undefined;
    },
    async list(uscc) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.enterprisePk(uscc), ':prefix': prefixes.savedSearch },
          ConsistentRead: true,
        }),
      );
      return Items.map((i) => stripStorage<SavedSearch>(i)).sort((a, b) =>
        a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0,
      );
    },
    async add(search, max) {
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...keys.savedSearch(search.enterpriseUscc, search.savedSearchId),
                entity: 'saved-search',
                ...search,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: keys.searchAlerts(search.enterpriseUscc),
              // No window start here: each search's own window starts when it was saved (no backlog of
              // the whole pool), and saving one must not hide what came before for the enterprise's
              // needs (the proposals made for them): functions/search/search-alerts.ts.
              UpdateExpression:
                'ADD searches :one SET entity = :entity, enterpriseUscc = :uscc, gsi3pk = :alerts, gsi3sk = :uscc',
              ConditionExpression: 'attribute_not_exists(searches) OR searches < :max',
              ExpressionAttributeValues: {
                ':one': 1,
                ':max': max,
                ':entity': 'search-alerts',
                ':uscc': search.enterpriseUscc,
                ':alerts': indexes.searchAlerts,
              },
            },
          },
        ],
        {
          what: `the saved search "${search.name}"`,
          conditionFailed: (failed) => (failed.includes(1) ? ('full' as const) : undefined),
        },
      );
      return outcome === 'committed' ? 'created' : outcome;
    },
    async remove(uscc, savedSearchId) {
      const outcome = await transact(
        documents,
        [
          {
            Delete: {
              TableName: tableName,
              Key: keys.savedSearch(uscc, savedSearchId),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: keys.searchAlerts(uscc),
              UpdateExpression: 'ADD searches :minus',
              ExpressionAttributeValues: { ':minus': -1 },
            },
          },
        ],
        {
          what: `the saved search ${savedSearchId}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('absent' as const) : undefined),
        },
      );
      return outcome === 'committed';
    },
    async alertStates() {
      const { items } = await queryAll(documents, {
        TableName: tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        // Every state, also of an enterprise alerted for its open needs only or without saved
        // searches now: its window is where its next alert starts.
        ExpressionAttributeValues: { ':pk': indexes.searchAlerts },
      });
      return items.map(
        (item): AlertState => ({
          enterpriseUscc: item.enterpriseUscc as string,
          alertedUntil: item.alertedUntil as string,
          ...(item.alertedDay ? { alertedDay: item.alertedDay as string } : {}),
        }),
      );
    },
    async markAlerted(previous, until, day, mail) {
      const outcome = await transact(
        documents,
        [
          {
            Update: {
              TableName: tableName,
              Key: keys.searchAlerts(previous.enterpriseUscc),
              // An enterprise alerted for its open needs only has no state yet: created here (off gsi3).
              UpdateExpression:
                'SET alertedUntil = :until, alertedDay = :day, entity = :entity, enterpriseUscc = :uscc, gsi3pk = :alerts, gsi3sk = :uscc',
              ConditionExpression:
                previous.alertedUntil === undefined
                  ? 'attribute_not_exists(alertedUntil)'
                  : 'alertedUntil = :previous',
              ExpressionAttributeValues: {
                ':until': until,
                ':day': day,
                ':entity': 'search-alerts',
                ':uscc': previous.enterpriseUscc,
                ':alerts': indexes.searchAlerts,
                ...(previous.alertedUntil === undefined ? {} : { ':previous': previous.alertedUntil }),
              },
            },
          },
          ...queuedMailPuts(tableName, mail, new Date()),
        ],
        {
          what: `the ${day} saved-search alert of ${previous.enterpriseUscc}`,
          conditionFailed: (failed) => (failed.includes(0) ? ('moved' as const) : undefined),
        },
      );
      return outcome === 'committed';
    },
  };
}

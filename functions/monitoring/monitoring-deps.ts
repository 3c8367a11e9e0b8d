import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { dynamoFundedListStore, dynamoSpotCheckStore } from './monitoring-store.ts';

export const spotCheckDeps = () => ({
  store: dynamoSpotCheckStore(documents, config.tableName('core')),
  now: () => new Date(),
});

export const fundedListDeps = () => ({
  list: dynamoFundedListStore(documents, config.tableName('metrics')),
  institutions: dynamoSpotCheckStore(documents, config.tableName('core')),
  now: () => new Date(),
});

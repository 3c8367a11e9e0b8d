/** Wires the saved-search use-cases (./saved-searches.ts) to DynamoDB and the clock. */
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { dynamoSavedSearchStore } from './saved-search-store.ts';
import type { SavedSearchDeps } from './saved-searches.ts';

export const savedSearchDeps = (): SavedSearchDeps => ({
  store: dynamoSavedSearchStore(documents, config.tableName('core')),
  now: () => new Date(),
});

/** Wires the negotiation use-cases (interests.ts) to DynamoDB and the clock. */
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { dynamoInterestStore } from './interest-store.ts';
import type { InterestDeps } from './interests.ts';

export const interestDeps = (): InterestDeps => ({
  store: dynamoInterestStore(documents, config.tableName('core')),
  now: () => new Date(),
});

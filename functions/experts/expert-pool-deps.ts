/** Wires the expert pool's use-cases (pool.ts, commissions.ts) to DynamoDB and the clock. */
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import type { CommissionDeps } from './commissions.ts';
import { dynamoExpertPoolStore } from './expert-pool-store.ts';
import type { ExpertPoolDeps } from './pool.ts';

export const expertPoolDeps = (): ExpertPoolDeps & CommissionDeps => ({
  store: dynamoExpertPoolStore(documents, config.tableName('core')),
  now: () => new Date(),
});

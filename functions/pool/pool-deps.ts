/** Wires the pool use-cases to DynamoDB. */
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { dynamoPoolStore } from './pool-store.ts';

export const poolDeps = () => ({
  pool: dynamoPoolStore(documents, config.tableName('core')),
  now: () => new Date(),
});

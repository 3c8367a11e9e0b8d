/** Wires the money use-cases (money.ts) to DynamoDB, the clock and payment ids. */
import { randomUUID } from 'node:crypto';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import type { MoneyDeps } from './money.ts';
import { dynamoMoneyStore } from './money-store.ts';

export const moneyDeps = (): MoneyDeps => ({
  store: dynamoMoneyStore(documents, config.tableName('core')),
  now: () => new Date(),
  ids: () => `p-${randomUUID()}`,
});

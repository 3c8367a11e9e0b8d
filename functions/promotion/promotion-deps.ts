/** Wires the promotion use-cases to DynamoDB and the environment's tiering rules and providers. */
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import type { PromotionDeps } from './promotion.ts';
import { dynamoPromotionStore } from './promotion-store.ts';
import { serviceProviders } from './service-providers.ts';
import { tieringRules } from './tiering-rules.ts';

export const promotionDeps = (): PromotionDeps => ({
  store: dynamoPromotionStore(documents, config.tableName('core')),
  now: () => new Date(),
  rules: tieringRules(),
  providers: serviceProviders(),
});

/** Wires the market use-cases to DynamoDB. */
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { dynamoEvaluatorStore } from './evaluator-store.ts';
import { marketSettings } from './push.ts';
import { dynamoPushStore } from './push-store.ts';

export const evaluatorDeps = () => ({
  store: dynamoEvaluatorStore(documents, config.tableName('core')),
  now: () => new Date(),
});
export const pushDeps = () => ({
  store: dynamoPushStore(documents, config.tableName('core')),
  now: () => new Date(),
  settings: marketSettings(),
});

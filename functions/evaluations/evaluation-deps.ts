/** Wires the evaluation use-cases to DynamoDB and the environment's settings. */
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { dynamoEvaluationStore } from './evaluation-store.ts';
import { type EvaluationDeps, evaluationSettings } from './ports.ts';

export const evaluationDeps = (): EvaluationDeps => ({
  store: dynamoEvaluationStore(documents, config.tableName('core')),
  now: () => new Date(),
  settings: evaluationSettings(),
});

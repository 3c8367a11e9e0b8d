/** Wires the evaluation use-cases to DynamoDB and the environment's settings. */
import { serviceProviders } from '../promotion/service-providers.ts';
import { tieringRules } from '../promotion/tiering-rules.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { dynamoEvaluationStore } from './evaluation-store.ts';
import { type EvaluationDeps, evaluationSettings } from './ports.ts';

export const evaluationDeps = (): EvaluationDeps => ({
  store: dynamoEvaluationStore(documents, config.tableName('core')),
  now: () => new Date(),
  settings: evaluationSettings(),
  // A late evaluation re-tiers by the same rules and providers as the pipeline's TierPatent task.
  tiering: { rules: tieringRules(), providers: serviceProviders() },
});

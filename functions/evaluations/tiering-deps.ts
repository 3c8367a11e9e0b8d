/**
 * The tiering a late evaluation re-tiers by (functions/evaluations/late.ts): the same rules and service
 * providers as the pipeline's TierPatent task, read from the environment (TIERING_RULES,
 * PROMOTION_WINDOW_DAYS, SERVICE_PROVIDERS). Wired only by the functions that take evaluations
 * (submitEvaluation, ingestBatchFile), so that the other evaluation functions do not carry these settings.
 */
import { serviceProviders } from '../promotion/service-providers.ts';
import { tierOutcome } from '../promotion/tier-fields.ts';
import { tieringRules } from '../promotion/tiering-rules.ts';
import type { LateTierer } from './ports.ts';

export function lateTiering(
  rules = tieringRules(),
  providers: ReturnType<typeof serviceProviders> = serviceProviders(),
): LateTierer {
  return { outcome: (input) => tierOutcome({ ...input, rules, providers }) };
}

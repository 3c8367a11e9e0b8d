/**
 * What a tier decision writes on the patent, shared by the first tiering (tierPatent, the pipeline's
 * task after evaluationClosed) and a re-tier after late evaluations (functions/evaluations/late.ts).
 * Pure; it reads no setting itself (the rules and providers are passed in), and it imports neither
 * the mail layout nor the portal, so the evaluation functions that re-tier bundle only the rules.
 */
import type { EvaluationAggregate } from '../../schemas/evaluation.ts';
import type { PatentType } from '../../schemas/inventory/template.ts';
import { aggregateEvaluations } from '../evaluations/aggregate.ts';

export { interestedEvaluators } from '../evaluations/aggregate.ts';

import type { StoredEvaluation } from '../evaluations/ports.ts';
import { indexes } from '../shared/dynamo/keys.ts';
import { matchProviders, type ProviderMatch, type ServiceProvider } from './service-providers.ts';
import {
  decideTier,
  industryField,
  rulesVersion,
  type Tier,
  type TierDecision,
  type TieringInputs,
  type TieringRules,
} from './tiering-rules.ts';

export interface InterestedEnterprise {
  uscc: string;
  name: string;
  industryCodes: string[];
}

/** The inputs of the tiering rules, from the patent, its evaluations and the interested enterprises. Pure. */
export function tieringInputs(
  patent: { patentType?: PatentType; strategicIndustries?: Array<{ code: string }> },
  evaluations: readonly StoredEvaluation[],
  enterprises: ReadonlyMap<string, InterestedEnterprise>,
): TieringInputs {
  const aggregate = aggregateEvaluations(evaluations);
  const interested = new Set<string>();
  const fields = new Set<string>();
  for (const e of evaluations) {
    if (e.evaluatorKind !== 'enterprise' || !e.cooperationIntents.some((i) => i !== 'none')) continue;
    interested.add(e.evaluatorId);
    const first = enterprises.get(e.evaluatorId)?.industryCodes[0];
    if (first) fields.add(industryField(first));
  }
  return {
    ...(patent.patentType ? { patentType: patent.patentType } : {}),
    strategicIndustries: [...new Set((patent.strategicIndustries ?? []).map((s) => s.code))].sort(),
    evaluations: aggregate.count,
    ...(aggregate.prospect.mean === undefined ? {} : { prospectMean: aggregate.prospect.mean }),
    prospectDistribution: aggregate.prospect.distribution,
    evaluationsWithIntent: evaluations.filter((e) => e.cooperationIntents.some((i) => i !== 'none')).length,
    cooperationIntents: Object.fromEntries(
      Object.entries(aggregate.cooperationIntents).filter(([, n]) => n > 0),
    ),
    interestedEnterprises: interested.size,
    interestedFields: [...fields].sort(),
  };
}

export const isPromotedTier = (tier: Tier) => tier === 'high-value' || tier === 'key-industry';

export interface TierOutcome {
  inputs: TieringInputs;
  decision: TierDecision;
  aggregate: EvaluationAggregate;
  providers: ProviderMatch[];
  promotionDueAt?: string;
  /** The patent attributes the transition sets and removes. */
  set: Record<string, unknown>;
  remove: string[];
}

/**
 * The tier of the patent under `rules` and the attributes that record it: tier, inputs, checks, rules
 * version, open-license proposal, service providers (high value), pool nomination (key industry), and
 * for a promoted tier the promotion window (`promotionDueAt`, gsi3 `DUE#promotion`). `promotion`
 * false: the state the tier would decide is kept (a re-tier of a patent under an open license, in
 * negotiation or licensed), so no promotion window is started; `keepPromotionDueAt`: a running
 * promotion (high value <-> key industry) keeps its end.
 */
export interface TierOutcomeInput {
  patent: {
    applicationNumber: string;
    provinceCode?: string;
    patentType?: PatentType;
    strategicIndustries?: Array<{ code: string }>;
  };
  evaluations: readonly StoredEvaluation[];
  enterprises: ReadonlyMap<string, InterestedEnterprise>;
  rules: TieringRules;
  providers: readonly ServiceProvider[];
  now: Date;
  promotion?: boolean;
  keepPromotionDueAt?: string;
}

export function tierOutcome(input: TierOutcomeInput): TierOutcome {
  const { patent, rules, now } = input;
  const inputs = tieringInputs(patent, input.evaluations, input.enterprises);
  const decision = decideTier(inputs, rules);
  const at = now.toISOString();
  const promoted = isPromotedTier(decision.tier) && input.promotion !== false;
  const promotionDueAt = promoted
    ? (input.keepPromotionDueAt ??
      new Date(now.getTime() + rules.promotionWindowDays * 86_400_000).toISOString())
    : undefined;
  const providers =
    decision.tier === 'high-value'
      ? matchProviders(input.providers, {
          strategicIndustries: inputs.strategicIndustries,
          provinceCode: patent.provinceCode,
        })
      : [];
  const set: Record<string, unknown> = {
    tier: decision.tier,
    tierInputs: inputs,
    tierChecks: decision.checks,
    tierRulesVersion: rulesVersion(rules),
    openLicenseProposed: decision.openLicenseProposal,
    ...(providers.length ? { serviceProviders: providers } : {}),
    ...(decision.tier === 'key-industry'
      ? { poolNomination: { industries: decision.keyIndustries, at } }
      : {}),
    ...(promotionDueAt
      ? {
          promotionDueAt,
          gsi3pk: indexes.duePromotion,
          gsi3sk: `${promotionDueAt}#${patent.applicationNumber}`,
        }
      : {}),
  };
  return {
    inputs,
    decision,
    aggregate: aggregateEvaluations(input.evaluations),
    providers,
    ...(promotionDueAt ? { promotionDueAt } : {}),
    set,
    remove: promotionDueAt ? [] : ['promotionDueAt'],
  };
}

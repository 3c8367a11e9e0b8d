/**
 * Tiered promotion (Work Plan step 3, 分层推广 / 分类施策): the ONE place where the tier of an evaluated
 * patent is decided. Pure; the rules are data with documented defaults (docs/pipeline.md, "Tiering
 * rules"), overridable by the environment (TIERING_RULES as a partial JSON object, PROMOTION_WINDOW_DAYS).
 *
 * Tiers, first match wins:
 *   key-industry        high value (below) AND one of the patent's strategic emerging industries is a key one
 *                       -> patent pool nomination (key-industry-pool)
 *   high-value          strong aggregate prospect AND cooperation intent AND an allowed patent type
 *                       (invention by default) -> matched with service providers (high-value)
 *   broad-applicability interest from several enterprises across several industry fields
 *                       -> listed, with an open-license proposal to the institution
 *   ordinary            everything else -> listed
 *
 * Every condition is a lower bound on a count or a mean, so raising a prospect, adding an intent or an
 * interested enterprise never lowers the tier (test/unit/tiering.test.ts checks it with fast-check).
 */
import { createHash } from 'node:crypto';
import type { CooperationIntent } from '../../schemas/evaluation.ts';
import type { PatentType } from '../../schemas/inventory/template.ts';

export const tiers = ['ordinary', 'broad-applicability', 'high-value', 'key-industry'] as const;
export type Tier = (typeof tiers)[number];
/** ordinary 0 < broad-applicability 1 < high-value 2 < key-industry 3. */
export const tierRank = (tier: Tier) => tiers.indexOf(tier);

export interface TieringRules {
  /** Bumped by hand when the meaning of a rule changes; the stored version also hashes the values. */
  version: string;
  highValue: {
    /** At least this many evaluations (a mean of one is no aggregate). */
    minEvaluations: number;
    /** Mean industrialization prospect (1-5) at least this. */
    minProspectMean: number;
    /** At least this share of the evaluations rate the prospect 4 or 5. */
    minShareProspect4Plus: number;
    /** At least this many evaluations state a cooperation intent other than "none". */
    minEvaluationsWithIntent: number;
    /** Patent types that may be high value (the Work Plan: invention patents). */
    patentTypes: PatentType[];
  };
  keyIndustry: {
    /**
     * Strategic emerging industry codes (2018) that count as key industries, compared by prefix: "1"
     * covers 1.1, 1.2 ...; the default is all nine level-1 industries.
     */
    industries: string[];
  };
  broadApplicability: {
    /** Distinct enterprises with a cooperation intent other than "none". */
    minInterestedEnterprises: number;
    /** Distinct industry fields (GB/T 4754 divisions) among those enterprises. */
    minDistinctFields: number;
    /** Mean prospect at least this (no open-license proposal for a patent everyone rated poor). */
    minProspectMean: number;
  };
  /** Days a high-value / key-industry promotion runs before the sweep lists the patent (promotionExpired). */
  promotionWindowDays: number;
}

export const defaultTieringRules: TieringRules = {
  version: 'v1',
  highValue: {
    minEvaluations: 2,
    minProspectMean: 4,
    minShareProspect4Plus: 0.5,
    minEvaluationsWithIntent: 1,
    patentTypes: ['invention'],
  },
  keyIndustry: { industries: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  broadApplicability: { minInterestedEnterprises: 3, minDistinctFields: 2, minProspectMean: 3 },
  promotionWindowDays: 180,
};

/** What the tier is computed from; stored on the patent as `tierInputs`. */
export interface TieringInputs {
  patentType?: PatentType;
  /** The patent's strategic emerging industry codes (given or inferred). */
  strategicIndustries: string[];
  evaluations: number;
  /** Absent without evaluations. */
  prospectMean?: number;
  /** Evaluations per prospect rating 1-5. */
  prospectDistribution: Record<'1' | '2' | '3' | '4' | '5', number>;
  /** Evaluations stating a cooperation intent other than "none". */
  evaluationsWithIntent: number;
  /** Evaluations per cooperation intent. */
  cooperationIntents: Partial<Record<CooperationIntent, number>>;
  /** Distinct enterprises with a cooperation intent other than "none". */
  interestedEnterprises: number;
  /** Their distinct industry fields (GB/T 4754 division of each one's first industry code), sorted. */
  interestedFields: string[];
}

export interface TierDecision {
  tier: Tier;
  /** The conditions that held and did not, by name (stored with the inputs: why this tier). */
  checks: Record<string, boolean>;
  /** The key industries of the patent that made it key-industry. */
  keyIndustries: string[];
  /** Broad applicability also holds (a high-value patent may get the open-license proposal too). */
  openLicenseProposal: boolean;
}

const share4Plus = (inputs: TieringInputs) =>
  inputs.evaluations
    ? (inputs.prospectDistribution['4'] + inputs.prospectDistribution['5']) / inputs.evaluations
    : 0;

/** The tier of an evaluated patent under `rules`. Pure. */
export function decideTier(inputs: TieringInputs, rules: TieringRules = defaultTieringRules): TierDecision {
  const mean = inputs.prospectMean ?? 0;
  const hv = rules.highValue;
  const checks = {
    enoughEvaluations: inputs.evaluations >= hv.minEvaluations,
    strongProspect: mean >= hv.minProspectMean && share4Plus(inputs) >= hv.minShareProspect4Plus,
    cooperationIntent: inputs.evaluationsWithIntent >= hv.minEvaluationsWithIntent,
    highValueType: inputs.patentType !== undefined && hv.patentTypes.includes(inputs.patentType),
    keyIndustry: false,
    broadInterest:
      inputs.interestedEnterprises >= rules.broadApplicability.minInterestedEnterprises &&
      inputs.interestedFields.length >= rules.broadApplicability.minDistinctFields,
    acceptableProspect: mean >= rules.broadApplicability.minProspectMean,
  };
  const keyIndustries = inputs.strategicIndustries.filter((code) =>
    rules.keyIndustry.industries.some((key) => code === key || code.startsWith(`${key}.`)),
  );
  checks.keyIndustry = keyIndustries.length > 0;
  const highValue =
    checks.enoughEvaluations && checks.strongProspect && checks.cooperationIntent && checks.highValueType;
  const broad = checks.broadInterest && checks.acceptableProspect;
  const tier: Tier = highValue
    ? checks.keyIndustry
      ? 'key-industry'
      : 'high-value'
    : broad
      ? 'broad-applicability'
      : 'ordinary';
  return {
    tier,
    checks,
    keyIndustries: tier === 'key-industry' ? keyIndustries : [],
    openLicenseProposal: broad,
  };
}

/** The GB/T 4754 field of an industry code: its division (2 digits), or the section letter. */
export function industryField(code: string): string {
  const trimmed = code.trim().toUpperCase();
  if (/^[A-T]$/.test(trimmed)) return trimmed;
  const digits = /^[A-T]?(\d{2})/.exec(trimmed)?.[1];
  return digits ?? trimmed;
}

type Partial2<T> = {
  [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? Partial<T[K]> : T[K];
};

/**
 * The rules in force: the defaults, with TIERING_RULES (a partial JSON object, e.g.
 * {"highValue":{"minProspectMean":4.2}}) and PROMOTION_WINDOW_DAYS over them. Throws on an override
 * that does not parse or breaks a bound, so a bad deployment fails at start, not silently.
 */
export function tieringRules(env: Record<string, string | undefined> = process.env): TieringRules {
  let override: Partial2<TieringRules> = {};
  if (env.TIERING_RULES?.trim()) {
    try {
      override = JSON.parse(env.TIERING_RULES) as Partial2<TieringRules>;
    } catch (error) {
      throw new Error(`TIERING_RULES is not valid JSON (${(error as Error).message}): fix the setting`);
    }
  }
  const rules: TieringRules = {
    version: override.version ?? defaultTieringRules.version,
    highValue: { ...defaultTieringRules.highValue, ...override.highValue },
    keyIndustry: { ...defaultTieringRules.keyIndustry, ...override.keyIndustry },
    broadApplicability: { ...defaultTieringRules.broadApplicability, ...override.broadApplicability },
    promotionWindowDays: override.promotionWindowDays ?? defaultTieringRules.promotionWindowDays,
  };
  if (env.PROMOTION_WINDOW_DAYS?.trim()) rules.promotionWindowDays = Number(env.PROMOTION_WINDOW_DAYS);
  const problems: string[] = [];
  const nonNegative = (name: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      problems.push(`${name} must be a number >= 0`);
  };
  nonNegative('highValue.minEvaluations', rules.highValue.minEvaluations);
  nonNegative('highValue.minProspectMean', rules.highValue.minProspectMean);
  nonNegative('highValue.minShareProspect4Plus', rules.highValue.minShareProspect4Plus);
  nonNegative('highValue.minEvaluationsWithIntent', rules.highValue.minEvaluationsWithIntent);
  nonNegative(
    'broadApplicability.minInterestedEnterprises',
    rules.broadApplicability.minInterestedEnterprises,
  );
  nonNegative('broadApplicability.minDistinctFields', rules.broadApplicability.minDistinctFields);
  nonNegative('broadApplicability.minProspectMean', rules.broadApplicability.minProspectMean);
  if (!Number.isInteger(rules.promotionWindowDays) || rules.promotionWindowDays < 1)
    problems.push('promotionWindowDays (PROMOTION_WINDOW_DAYS) must be a whole number of days >= 1');
  if (!Array.isArray(rules.highValue.patentTypes)) problems.push('highValue.patentTypes must be a list');
  if (!Array.isArray(rules.keyIndustry.industries)) problems.push('keyIndustry.industries must be a list');
  if (problems.length) throw new Error(`Tiering rules: ${problems.join('; ')}. Fix TIERING_RULES.`);
  return rules;
}

/** `<version>#<hash of the values>`: which rules decided a stored tier, even after an override. */
export function rulesVersion(rules: TieringRules): string {
  const hash = createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 8);
  return `${rules.version}#${hash}`;
}

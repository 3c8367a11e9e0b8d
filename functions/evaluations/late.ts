/**
 * Evaluations keep coming (issue 13, item 3; the Work Plan's 持续完善): the quorum or the deadline
 * closes the window and the pipeline tiers the patent as before, but an enterprise or expert may still
 * evaluate it while it is available (functions/patents/availability.ts). A late evaluation is stored
 * and updates the aggregate on the patent, in one transaction with a versioned transition:
 *
 * - `reevaluated` (state kept): the tier the evaluations now give is the current one; or the patent is
 *   `evaluated` and its tiering is still to run (the TierPatent task reads every evaluation); or the tier
 *   changed but the patent was re-tiered today already (deferred: `tierDeferred` on the patent);
 * - `retiered`: the tier changed: the same rules as the first tiering (functions/promotion/tier-fields.ts)
 *   over every current evaluation, the tier and its inputs replaced, `tierVersion` + 1, `tierReason`
 *   (old and new tier, evaluations, mean prospect) and `retieredAt`; a tier-decided state moves
 *   (listed -> high-value starts a promotion window, high-value -> listed ends it); an open license, a
 *   negotiation or licenses keep their state.
 *
 * At most one re-tier per patent and China calendar day: the transaction of a re-tier puts the marker
 * RETIERED#<day> only if absent, so two concurrent evaluations cannot both re-tier (the loser re-reads
 * and is stored as deferred). A deferred re-tier is indexed from the next China day (DUE#retier): the
 * daily deadline sweep runs it then (./deferred-retiers.ts), unless an evaluation on a later day did.
 */
import { chinaDate } from '../../schemas/china-date.ts';
import type { EvaluationAggregate } from '../../schemas/evaluation.ts';
import type { PatentType } from '../../schemas/inventory/template.ts';
import { type LifecycleState, nextLifecycle, type Tier } from '../../schemas/lifecycle.ts';
import type { TransitionRequest } from '../pipeline/transitions.ts';
// Types only: the rules (which read settings) come in through deps.tiering (./tiering-deps.ts).
import type { InterestedEnterprise } from '../promotion/tier-fields.ts';
import { aggregateEvaluations, interestedEvaluators } from './aggregate.ts';
import {
  deferredRetierActor,
  type EvaluatedPatent,
  type EvaluationDeps,
  type LateTierer,
  lateEvaluationActor,
  type StoredEvaluation,
} from './ports.ts';

const isPromotedTier = (tier: Tier) => tier === 'high-value' || tier === 'key-industry';

/** What a late evaluation did to the tier (the `tiering` of the answer). */
export type LateTiering =
  | { outcome: 'pending' }
  | { outcome: 'unchanged'; tier: Tier }
  | { outcome: 'retiered'; tier: Tier; previousTier: Tier; tierVersion: number }
  | { outcome: 'deferred'; tier: Tier; outcomeTier: Tier; retierFrom: string };

export type LateDecision = 'pending' | 'unchanged' | 'retier' | 'deferred';

/**
 * The re-tier decision. Pure. pending: no tier yet (evaluated, the pipeline tiers it; or an item tiered
 * before tiers were recorded); unchanged: the evaluations give the current tier; retier: they give
 * another and today's re-tier is unused; deferred: they give another but the patent was re-tiered today.
 */
export function lateDecision(input: {
  state: LifecycleState;
  currentTier: Tier | undefined;
  outcomeTier: Tier;
  retieredToday: boolean;
}): LateDecision {
  if (
    input.currentTier === undefined ||
    !nextLifecycle(input.state, 'retiered', { tier: input.outcomeTier }).ok
  )
    return 'pending';
  if (input.outcomeTier === input.currentTier) return 'unchanged';
  return input.retieredToday ? 'deferred' : 'retier';
}

/** The China calendar day after `day` (YYYY-MM-DD): when a deferred re-tier may run. */
export function nextChinaDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** May a patent whose window closed take an evaluation in this state? (Availability is checked apart.) */
export const takesLateEvaluations = (state: LifecycleState) => nextLifecycle(state, 'reevaluated').ok;

export interface LatePlan {
  tiering: LateTiering;
  transition: TransitionRequest;
  /** A re-tier: the day whose marker the transaction writes. */
  retierDay?: string;
  aggregate: EvaluationAggregate;
}

/** What made the re-tier: a late evaluation, or the daily sweep running a deferred one. */
export type RetierTrigger = 'evaluation' | 'sweep';

const reasonText = (from: Tier, to: Tier, aggregate: EvaluationAggregate, trigger: RetierTrigger) =>
  `Re-tiered from ${from} to ${to} ${trigger === 'sweep' ? 'by the daily sweep (a re-tier deferred to this day: once a day per patent)' : 'after a late evaluation'}: ${aggregate.count} evaluations, mean prospect ${aggregate.prospect.mean ?? '-'} (持续完善)`;

/**
 * The transition of a late evaluation (pure): `evaluations` are the patent's current evaluations with
 * the new one in place; `retieredToday` whether today's marker exists.
 */
export function planLateEvaluation(input: {
  patent: EvaluatedPatent;
  state: LifecycleState;
  evaluations: readonly StoredEvaluation[];
  enterprises: ReadonlyMap<string, InterestedEnterprise>;
  tiering: LateTierer;
  now: Date;
  retieredToday: boolean;
  /** Default evaluation; sweep: the transition is the deadline sweep's (actor, reason). */
  trigger?: RetierTrigger;
}): LatePlan {
  const { patent, state, now } = input;
  const trigger = input.trigger ?? 'evaluation';
  const actor = trigger === 'sweep' ? deferredRetierActor : lateEvaluationActor;
  const at = now.toISOString();
  const day = chinaDate(now);
  const n = patent.applicationNumber;
  const aggregate = aggregateEvaluations(input.evaluations);
  // The tier-decided states move with the tier (a running promotion keeps its end between the two
  // promoted tiers); elsewhere the state, and any deadline entry of it, is kept.
  const movesState = state === 'high-value' || state === 'key-industry-pool' || state === 'listed';
  const runningPromotion =
    (state === 'high-value' || state === 'key-industry-pool') && patent.promotionDueAt
      ? patent.promotionDueAt
      : undefined;
  const outcome = input.tiering.outcome({
    patent: {
      applicationNumber: n,
      provinceCode: patent.provinceCode,
      ...(patent.patentType ? { patentType: patent.patentType as PatentType } : {}),
      ...(patent.strategicIndustries ? { strategicIndustries: patent.strategicIndustries } : {}),
    },
    evaluations: input.evaluations,
    enterprises: input.enterprises,
    now,
    promotion: movesState,
    ...(runningPromotion ? { keepPromotionDueAt: runningPromotion } : {}),
  });
  const outcomeTier = outcome.decision.tier;
  const decision = lateDecision({
    state,
    currentTier: patent.tier,
    outcomeTier,
    retieredToday: input.retieredToday,
  });
  const counts = {
    evaluations: aggregate.count,
    ...(aggregate.prospect.mean === undefined ? {} : { prospectMean: aggregate.prospect.mean }),
  };
  const base = {
    applicationNumber: n,
    institutionUscc: patent.institutionUscc,
    provinceCode: patent.provinceCode,
    ...counts,
  };
  if (decision === 'retier') {
    const previousTier = patent.tier as Tier;
    const tierVersion = (patent.tierVersion ?? 1) + 1;
    const tierReason = {
      from: previousTier,
      to: outcomeTier,
      ...counts,
      rulesVersion: outcome.set.tierRulesVersion as string,
      summary: reasonText(previousTier, outcomeTier, aggregate, trigger),
    };
    const remove = new Set<string>(['tierDeferred']);
    // Leaving a promotion for listed: its end goes (the due index entry goes with the state).
    if (movesState && !isPromotedTier(outcomeTier)) remove.add('promotionDueAt');
    if (outcomeTier !== 'high-value') remove.add('serviceProviders');
    if (outcomeTier !== 'key-industry') remove.add('poolNomination');
    const { promotionDueAt: _due, gsi3pk: _pk, gsi3sk: _sk, ...kept } = outcome.set;
    return {
      tiering: { outcome: 'retiered', tier: outcomeTier, previousTier, tierVersion },
      transition: {
        event: 'retiered',
        context: { tier: outcomeTier },
        eventId: `retiered:${n}:${patent.version}`,
        actor,
        set: {
          ...(movesState ? outcome.set : kept),
          evaluationAggregate: aggregate,
          tierVersion,
          tierReason,
          retieredAt: at,
        },
        remove: [...remove].filter((field) => !(field in outcome.set)),
        details: { ...base, from: previousTier, to: outcomeTier, tierVersion, reason: tierReason.summary },
      },
      retierDay: day,
      aggregate,
    };
  }
  const tiering: LateTiering =
    decision === 'pending'
      ? { outcome: 'pending' }
      : decision === 'unchanged'
        ? { outcome: 'unchanged', tier: outcomeTier }
        : {
            outcome: 'deferred',
            tier: patent.tier as Tier,
            outcomeTier,
            retierFrom: nextChinaDay(day),
          };
  const deferred =
    decision === 'deferred'
      ? {
          tier: outcomeTier,
          since: patent.tierDeferred?.tier === outcomeTier ? patent.tierDeferred.since : at,
          ...counts,
        }
      : undefined;
  return {
    tiering,
    transition: {
      event: 'reevaluated',
      eventId: `reevaluated:${n}:${patent.version}`,
      actor,
      set: { evaluationAggregate: aggregate, ...(deferred ? { tierDeferred: deferred } : {}) },
      // Back to the current tier (or no tier yet): nothing deferred any more.
      ...(deferred || !patent.tierDeferred ? {} : { remove: ['tierDeferred'] }),
      details: {
        ...base,
        tiering: decision,
        ...(decision === 'deferred'
          ? { from: patent.tier, to: outcomeTier, retierFrom: nextChinaDay(day) }
          : {}),
      },
    },
    aggregate,
  };
}

/** The enterprises that declared an interest in their evaluations, as the tiering rules read them. */
export async function interestedEnterprises(
  store: Pick<EvaluationDeps['store'], 'enterprise'>,
  evaluations: readonly StoredEvaluation[],
): Promise<Map<string, InterestedEnterprise>> {
  const enterprises = new Map<string, InterestedEnterprise>();
  for (const uscc of interestedEvaluators(evaluations)) {
    const enterprise = await store.enterprise(uscc);
    if (enterprise)
      enterprises.set(uscc, { uscc, name: enterprise.name, industryCodes: enterprise.industryCodes ?? [] });
  }
  return enterprises;
}

/**
 * Plans the late evaluation `evaluation` of `patent` (window closed): reads the other evaluations, the
 * interested enterprises and today's re-tier marker.
 */
export async function lateEvaluationPlan(
  deps: EvaluationDeps,
  patent: EvaluatedPatent,
  state: LifecycleState,
  evaluation: StoredEvaluation,
  now: Date,
): Promise<LatePlan> {
  const n = patent.applicationNumber;
  if (!deps.tiering)
    throw new Error(
      'Late evaluations need deps.tiering (functions/evaluations/tiering-deps.ts): the function is wired without it',
    );
  const evaluations = [
    ...(await deps.store.evaluations(n)).filter(
      (e) => !(e.evaluatorKind === evaluation.evaluatorKind && e.evaluatorId === evaluation.evaluatorId),
    ),
    evaluation,
  ];
  return planLateEvaluation({
    patent,
    state,
    evaluations,
    enterprises: await interestedEnterprises(deps.store, evaluations),
    tiering: deps.tiering,
    now,
    retieredToday: await deps.store.retieredOn(n, chinaDate(now)),
  });
}

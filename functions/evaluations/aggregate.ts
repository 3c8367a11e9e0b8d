/** The aggregate of a patent's evaluations (fed back to the institution, stored when the window closes). Pure. */
import {
  cooperationIntents,
  type EvaluationAggregate,
  improvementCategories,
  reasonCodes,
} from '../../schemas/evaluation.ts';
import type { EvaluationSettings, StoredEvaluation } from './ports.ts';

type Counted = Pick<
  StoredEvaluation,
  | 'evaluatorKind'
  | 'industrializationProspect'
  | 'maturityTrl'
  | 'cooperationIntents'
  | 'improvementNeeds'
  | 'reasonCodes'
>;

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const mean = (values: number[]) =>
  values.length ? Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 100) / 100 : undefined;

export function aggregateEvaluations(evaluations: readonly Counted[]): EvaluationAggregate {
  const prospectMean = mean(evaluations.map((e) => e.industrializationProspect));
  const trlMean = mean(evaluations.map((e) => e.maturityTrl));
  const aggregate: EvaluationAggregate = {
    count: evaluations.length,
    byKind: { enterprise: 0, expert: 0 },
    prospect: {
      // Absent rather than null without evaluations (a stored map stays free of nulls).
      ...(prospectMean === undefined ? {} : { mean: prospectMean }),
      distribution: zeros(['1', '2', '3', '4', '5'] as const),
    },
    ...(trlMean === undefined ? {} : { maturityTrlMean: trlMean }),
    cooperationIntents: zeros(cooperationIntents),
    improvementNeeds: zeros(improvementCategories),
    reasonCodes: zeros(reasonCodes),
  };
  for (const e of evaluations) {
    aggregate.byKind[e.evaluatorKind]++;
    const bucket = String(
      e.industrializationProspect,
    ) as keyof EvaluationAggregate['prospect']['distribution'];
    if (bucket in aggregate.prospect.distribution) aggregate.prospect.distribution[bucket]++;
    // Each evaluation counts once per value, even if a stored list repeated it.
    for (const intent of new Set(e.cooperationIntents))
      if (intent in aggregate.cooperationIntents) aggregate.cooperationIntents[intent]++;
    for (const category of new Set(e.improvementNeeds.categories))
      if (category in aggregate.improvementNeeds) aggregate.improvementNeeds[category]++;
    for (const code of new Set(e.reasonCodes))
      if (code in aggregate.reasonCodes) aggregate.reasonCodes[code]++;
  }
  return aggregate;
}

/** At least `quorum` evaluations, of which at least `quorumEnterprises` from enterprises. */
export function quorumReached(
  aggregate: Pick<EvaluationAggregate, 'count' | 'byKind'>,
  settings: Pick<EvaluationSettings, 'quorum' | 'quorumEnterprises'>,
): boolean {
  return aggregate.count >= settings.quorum && aggregate.byKind.enterprise >= settings.quorumEnterprises;
}

/** The enterprises with a cooperation intent among the evaluators (their industry decides the tiering fields). */
export const interestedEvaluators = (
  evaluations: ReadonlyArray<Counted & Pick<StoredEvaluation, 'evaluatorId'>>,
) => [
  ...new Set(
    evaluations
      .filter((e) => e.evaluatorKind === 'enterprise' && e.cooperationIntents.some((i) => i !== 'none'))
      .map((e) => e.evaluatorId),
  ),
];

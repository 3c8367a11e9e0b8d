/**
 * Deferred re-tiers, run by the daily deadline sweep (issue 13, item 3: "re-tier when they change the
 * outcome ... at most once a day per patent"). A late evaluation that changes the outcome on a day the
 * patent was re-tiered already is stored and the re-tier deferred (`tierDeferred` on the patent, a
 * DUE#retier entry from the next China day: ./late.ts). Without this task the patent would keep a tier
 * its evaluations no longer give until some later evaluation came, maybe never.
 *
 * For each entry due (retierFrom <= today, China date), one bounded round at a time:
 * - the patent has no `tierDeferred` any more (a later evaluation re-tiered it or brought the outcome
 *   back), left the conversion pool, is no longer available (functions/patents/availability.ts: no
 *   evaluation would be taken now) or its state takes no re-tier: the entry is cleared, only as read
 *   (a deferral written meanwhile has a later retierFrom and stays);
 * - otherwise the same rules as a late evaluation run over the patent's current evaluations
 *   (planLateEvaluation, trigger `sweep`: actor system:deadline-sweep, the reason says so): `retiered`
 *   with the day's marker, or `reevaluated` clearing `tierDeferred` when the outcome is the current tier
 *   again; the entry is deleted in the same transaction;
 * - re-tiered today already (an evaluation since midnight): left for tomorrow's sweep;
 * - the patent moved on between the read and the write: counted, left for the next sweep.
 */
import { chinaDate } from '../../schemas/china-date.ts';
import { unavailability } from '../patents/availability.ts';
import { currentLifecycle } from '../pipeline/transitions.ts';
import { interestedEnterprises, planLateEvaluation, takesLateEvaluations } from './late.ts';
import type { EvaluationDeps } from './ports.ts';

export interface DeferredRetierTotals {
  retiered: number;
  /** The evaluations give the current tier again: `tierDeferred` cleared, no re-tier. */
  unchanged: number;
  /** Nothing left to run (see above): the entry deleted. */
  cleared: number;
  /** Re-tiered today already: tomorrow. */
  deferred: number;
  /** The patent moved on meanwhile: the next sweep. */
  conflict: number;
  failed: number;
}

export interface DeferredRetierInput {
  totals?: Partial<DeferredRetierTotals>;
  cursor?: Record<string, unknown>;
  rounds?: number;
}

export async function runDeferredRetiers(
  deps: EvaluationDeps & { shouldStop?: () => boolean; maxPages?: number },
  input: DeferredRetierInput = {},
) {
  if (!deps.tiering)
    throw new Error(
      'Deferred re-tiers need deps.tiering (functions/evaluations/tiering-deps.ts): the function is wired without it',
    );
  const now = deps.now();
  const at = now.toISOString();
  const today = chinaDate(now);
  const totals: DeferredRetierTotals = {
    retiered: 0,
    unchanged: 0,
    cleared: 0,
    deferred: 0,
    conflict: 0,
    failed: 0,
    ...input.totals,
  };
  const failures: Array<{ applicationNumber: string; error: string }> = [];
  let cursor = input.cursor;
  let pages = 0;
  do {
    const page = await deps.store.dueRetiers(today, cursor);
    cursor = page.next;
    pages++;
    for (const { applicationNumber: n, retierFrom } of page.entries) {
      try {
        const patent = await deps.store.patent(n);
        const state = patent ? currentLifecycle(patent) : undefined;
        if (
          !patent?.tierDeferred ||
          patent.evaluationStatus !== 'closed' ||
          patent.poolStatus !== 'conversion' ||
          !state ||
          !takesLateEvaluations(state) ||
          // No longer available (lapsed, expired, assigned, under an exclusive or sole license): no
          // evaluation would be taken now, so no re-tier is made for one taken before.
          unavailability(patent, today) !== undefined
        ) {
          // Only the entry as read: a new deferral written meanwhile (a later retierFrom) stays.
          await deps.store.clearRetierDue(n, retierFrom);
          totals.cleared++;
          continue;
        }
        const evaluations = await deps.store.evaluations(n);
        const plan = planLateEvaluation({
          patent,
          state,
          evaluations,
          enterprises: await interestedEnterprises(deps.store, evaluations),
          tiering: deps.tiering,
          now,
          retieredToday: await deps.store.retieredOn(n, today),
          trigger: 'sweep',
        });
        const outcome = plan.tiering.outcome;
        if (outcome === 'deferred') {
          totals.deferred++;
          continue;
        }
        if (outcome === 'pending') {
          await deps.store.clearRetierDue(n, retierFrom);
          totals.cleared++;
          continue;
        }
        const saved = await deps.store.saveDeferredRetier(
          { patent, transition: plan.transition, ...(plan.retierDay ? { retierDay: plan.retierDay } : {}) },
          at,
        );
        if (saved === 'retry') totals.conflict++;
        else if (outcome === 'retiered') totals.retiered++;
        else totals.unchanged++;
      } catch (error) {
        totals.failed++;
        failures.push({ applicationNumber: n, error: (error as Error).message });
      }
    }
  } while (cursor && pages < (deps.maxPages ?? 50) && !deps.shouldStop?.());
  const rounds = (input.rounds ?? 0) + 1;
  return { totals, rounds, more: Boolean(cursor), ...(cursor ? { cursor } : {}), failures };
}

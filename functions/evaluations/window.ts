/**
 * The evaluation window of a patent (issue 4, item 6). The first push opens it (functions/market/push.ts),
 * or the first evaluation when nothing was pushed. It closes when the quorum is reached (checked after
 * every evaluation) or at its deadline (the daily evaluation-window schedule). Closing is a conditional
 * open -> closed transition that stores the aggregate and records the `evaluationClosed` pipeline event
 * in the same transaction: closing twice, or a quorum close racing the deadline sweep, closes once.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import type { EvaluationWindow, WindowCloseReason } from '../../schemas/evaluation.ts';
import { nextLifecycle } from '../../schemas/lifecycle.ts';
import { currentLifecycle } from '../pipeline/transitions.ts';
import { ConflictError } from '../shared/errors.ts';
import { aggregateEvaluations, quorumReached } from './aggregate.ts';
import type { EvaluatedPatent, EvaluationDeps } from './ports.ts';

export function windowView(patent: EvaluatedPatent): EvaluationWindow {
  return {
    status: patent.evaluationStatus ?? 'none',
    ...(patent.evaluationOpenedAt ? { openedAt: patent.evaluationOpenedAt } : {}),
    ...(patent.evaluationDeadline ? { deadline: patent.evaluationDeadline } : {}),
    ...(patent.evaluationClosedAt ? { closedAt: patent.evaluationClosedAt } : {}),
    ...(patent.evaluationClosedReason ? { closedReason: patent.evaluationClosedReason } : {}),
  };
}

/** The 409 for an evaluation sent after the window closed (or after its deadline, before the sweep ran). */
export function windowClosedError(patent: EvaluatedPatent, now: Date): ConflictError | undefined {
  if (patent.evaluationStatus === 'closed') {
    const closedAt = patent.evaluationClosedAt ?? patent.evaluationDeadline ?? now.toISOString();
    const why =
      patent.evaluationClosedReason === 'quorum' ? 'enough evaluations were received' : 'its deadline passed';
    return new ConflictError(
      `The evaluation window of patent ${patent.applicationNumber} closed on ${chinaDate(closedAt)} (${why}): evaluations are no longer accepted or changed.`,
      { closedAt, closedReason: patent.evaluationClosedReason },
    );
  }
  if (
    patent.evaluationStatus === 'open' &&
    patent.evaluationDeadline &&
    Date.parse(patent.evaluationDeadline) <= now.getTime()
  ) {
    return new ConflictError(
      `The evaluation window of patent ${patent.applicationNumber} closed on ${chinaDate(patent.evaluationDeadline)} (its deadline passed): evaluations are no longer accepted or changed.`,
      { closedAt: patent.evaluationDeadline, closedReason: 'deadline' },
    );
  }
  return undefined;
}

export type CloseOutcome = 'closed' | 'already-closed' | 'not-open' | 'not-due' | 'busy';

/**
 * Closes the window for `reason` if it is due: quorum reached (reason quorum) or deadline passed
 * (reason deadline). Re-reads and retries when the patent changed between the read and the write.
 */
export async function closeEvaluationWindow(
  deps: EvaluationDeps,
  applicationNumber: string,
  reason: WindowCloseReason,
): Promise<{ outcome: CloseOutcome; window?: EvaluationWindow }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const patent = await deps.store.patent(applicationNumber);
    if (!patent) return { outcome: 'not-open' };
    const window = windowView(patent);
    if (patent.evaluationStatus === 'closed') return { outcome: 'already-closed', window };
    if (patent.evaluationStatus !== 'open') return { outcome: 'not-open', window };
    // The patent left the evaluation (withdrawn, transferred ...): its window is not closed as an evaluation.
    if (!nextLifecycle(currentLifecycle(patent), 'evaluationClosed').ok)
      return { outcome: 'not-open', window };
    const now = deps.now();
    if (
      reason === 'deadline' &&
      !(patent.evaluationDeadline && Date.parse(patent.evaluationDeadline) <= now.getTime())
    )
      return { outcome: 'not-due', window };
    const aggregate = aggregateEvaluations(await deps.store.evaluations(applicationNumber));
    if (reason === 'quorum' && !quorumReached(aggregate, deps.settings))
      return { outcome: 'not-due', window };
    const at = now.toISOString();
    if (await deps.store.closeWindow(patent, { at, reason, aggregate })) {
      return {
        outcome: 'closed',
        window: { ...window, status: 'closed', closedAt: at, closedReason: reason },
      };
    }
  }
  return { outcome: 'busy' };
}

export interface SweepOutcome {
  closed: number;
  alreadyClosed: number;
  notDue: number;
  busy: number;
  failed: Array<{ applicationNumber: string; error: string }>;
  /** false when the run stopped early (time budget): the next run continues. */
  complete: boolean;
}

/** The daily sweep: closes every open window whose deadline is past (gsi3 DUE#evaluation-window). */
export async function closeDueEvaluationWindows(
  deps: EvaluationDeps & { shouldStop?: () => boolean; concurrency?: number },
): Promise<SweepOutcome> {
  const now = deps.now().toISOString();
  const outcome: SweepOutcome = {
    closed: 0,
    alreadyClosed: 0,
    notDue: 0,
    busy: 0,
    failed: [],
    complete: true,
  };
  const concurrency = deps.concurrency ?? 8;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.store.dueWindows(now, cursor);
    cursor = page.next;
    const queue = [...page.applicationNumbers];
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
          try {
            const { outcome: result } = await closeEvaluationWindow(deps, n, 'deadline');
            if (result === 'closed') outcome.closed++;
            else if (result === 'busy') outcome.busy++;
            else if (result === 'not-due') outcome.notDue++;
            else outcome.alreadyClosed++;
          } catch (error) {
            outcome.failed.push({ applicationNumber: n, error: String(error) });
          }
        }
      }),
    );
    if (cursor && deps.shouldStop?.()) {
      outcome.complete = false;
      break;
    }
  } while (cursor);
  return outcome;
}

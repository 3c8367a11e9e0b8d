/**
 * The expiry exit: the daily deadline sweep's `ExpirePatents` task finds the patents whose statutory
 * term (专利法 art. 42, availability.ts `statutoryTerm`) has ended and makes their `expired` transition
 * (final; audit entry, pipeline event, applied marker `expired:<n>`; a conversion-pool patent gets its
 * `poolRemoval`, the province feed's tombstone). One bounded round per call, the same contract as the
 * promotion expiry: running totals, a cursor and `more` while candidates remain.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import { terminalStates } from '../../schemas/lifecycle.ts';
import type { TransitionRequest, TransitionSubject } from '../pipeline/transitions.ts';
import { currentLifecycle } from '../pipeline/transitions.ts';
import { type AuditActor, systemActor } from '../shared/audit.ts';
import { statutoryTerm } from './availability.ts';
import type { PoolRemoval } from './exits.ts';

/** The shortest term (utility models, designs filed before 2021-06-01): no patent filed later can have expired. */
export const shortestTermYears = 10;

export interface TermCandidate {
  applicationNumber: string;
}

export interface PatentExpiryStore {
  /**
   * One page of patents filed on or before `filedOnOrBefore` that are not in a final state (a bounded
   * read of `pageSize` items before the filter), and where to go on.
   */
  candidates(
    filedOnOrBefore: string,
    pageSize: number,
    cursor: Record<string, unknown> | undefined,
  ): Promise<{ items: TermCandidate[]; next?: Record<string, unknown> }>;
  /** The whole patent item, read consistently (the transition is conditioned on its version). */
  patent(applicationNumber: string): Promise<(TransitionSubject & Record<string, unknown>) | undefined>;
  transition(
    patent: TransitionSubject,
    request: TransitionRequest,
    at: string,
  ): Promise<'applied' | 'duplicate' | 'conflict'>;
}

export interface PatentExpiryDeps {
  store: PatentExpiryStore;
  now: () => Date;
  shouldStop?: () => boolean;
  pageSize?: number;
  maxPages?: number;
}

export interface PatentExpiryTotals {
  expired: number;
  /** Read as a candidate but not (or no longer) to expire: term not ended, final meanwhile, no term known. */
  stale: number;
  duplicate: number;
  conflict: number;
  failed: number;
}

export interface PatentExpiryInput {
  totals?: Partial<PatentExpiryTotals>;
  cursor?: Record<string, unknown>;
  rounds?: number;
}

export const expiryActor: AuditActor = systemActor('deadline-sweep');

/** The filing date on or before which a patent may have reached the end of its term by `today`. */
export function latestFilingThatMayHaveExpired(today: string): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y - shortestTermYears, m - 1, d)).toISOString().slice(0, 10);
}

export async function expirePatents(deps: PatentExpiryDeps, input: PatentExpiryInput = {}) {
  const now = deps.now();
  const at = now.toISOString();
  const today = chinaDate(now);
  const totals: PatentExpiryTotals = {
    expired: 0,
    stale: 0,
    duplicate: 0,
    conflict: 0,
    failed: 0,
    ...input.totals,
  };
  const failures: Array<{ applicationNumber: string; error: string }> = [];
  let cursor = input.cursor;
  let pages = 0;
  do {
    const page = await deps.store.candidates(
      latestFilingThatMayHaveExpired(today),
      deps.pageSize ?? 1000,
      cursor,
    );
    cursor = page.next;
    pages++;
    for (const { applicationNumber } of page.items) {
      try {
        const patent = await deps.store.patent(applicationNumber);
        if (!patent || typeof patent.version !== 'number')
          throw new Error('the patent item lacks its version: repair the item');
        const term = statutoryTerm(
          patent.patentType as string | undefined,
          patent.applicationDate as string | undefined,
        );
        const state = currentLifecycle(patent);
        if (!term || term.endsOn >= today || (terminalStates as readonly string[]).includes(state)) {
          totals.stale++;
          continue;
        }
        const outcome = await deps.store.transition(
          patent,
          {
            event: 'expired',
            // Final: one expiry per patent.
            eventId: `expired:${applicationNumber}`,
            actor: expiryActor,
            set: {
              termEndsOn: term.endsOn,
              ...(patent.poolStatus === 'conversion'
                ? { poolRemoval: { reason: 'expired', at } satisfies PoolRemoval }
                : {}),
            },
            details: { termEndsOn: term.endsOn, termYears: term.years, basis: term.basis },
          },
          at,
        );
        totals[outcome === 'applied' ? 'expired' : outcome]++;
      } catch (error) {
        totals.failed++;
        failures.push({ applicationNumber, error: (error as Error).message });
      }
    }
  } while (cursor && pages < (deps.maxPages ?? 10) && !deps.shouldStop?.());
  const rounds = (input.rounds ?? 0) + 1;
  return { totals, rounds, more: Boolean(cursor), ...(cursor ? { cursor } : {}), failures };
}

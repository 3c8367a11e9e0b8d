/**
 * The exits of the lifecycle that the institution's own records make (docs/pipeline.md, "Exits"):
 *
 * - withdrawal: the institution takes a patent out of the pools, saying why (POST .../withdrawal);
 * - lapse: a legal status saying the right ended (权利终止 / 未缴年费终止, 放弃, 无效, 失效) arrives on an
 *   approved patent by any path that writes inventory rows (upload, S3 drop, JSON batch, one patent);
 *   届满 (term ended) arriving the same way is the expiry;
 * - re-screening: a new conversion intent or legal status of an approved patent moves it between the
 *   conversion pool and the base pool, the screening of the approval again (inventory-review.ts `screen`).
 *
 * Each is a versioned transition (functions/pipeline/transitions.ts: audit entry, pipeline event and
 * applied marker in the same transaction). The expiry at the statutory term is found by the daily sweep
 * (expire-patents.ts). Pure planning here; the writes are the stores'.
 */
import type { LifecycleEvent, LifecycleState, TransitionContext } from '../../schemas/lifecycle.ts';
import { terminalStates } from '../../schemas/lifecycle.ts';
import { type poolRemovalReasons, toFullPatent } from '../../schemas/patent.ts';
import type { Caller } from '../../schemas/roles.ts';
import { currentLifecycle, planTransition } from '../pipeline/transitions.ts';
import { actorLabel } from '../shared/audit.ts';
import { ConflictError, ForbiddenError } from '../shared/errors.ts';
import { isLapseStatus } from './availability.ts';
import { checkVersion, ownPatent, type ReviewDeps, type ReviewedPatent, screen } from './inventory-review.ts';

/** Why a patent left the province's conversion pool: the tombstone the province feed carries. */
export type PoolRemovalReason = (typeof poolRemovalReasons)[number];
export interface PoolRemoval {
  reason: PoolRemovalReason;
  at: string;
}

/** The fields a change of legal status or intent reads on the stored patent. */
export interface StatusSubject {
  applicationNumber: string;
  version: number;
  reviewStatus?: string;
  poolStatus?: string;
  legalStatus?: string;
  conversionIntents?: string[];
  lifecycle?: LifecycleState;
  evaluationStatus?: string;
}

/** What a change of legal status or intent on an approved patent writes. */
export interface StatusChange {
  /** The transition, when the change moves the patent (absent: the two fields change, nothing moves). */
  transition?: {
    event: Extract<LifecycleEvent, 'lapsed' | 'expired' | 'rescreened'>;
    context?: TransitionContext;
    eventId: string;
    details: Record<string, unknown>;
  };
  set: Record<string, unknown>;
  remove: string[];
}

const sameList = (a: readonly string[] = [], b: readonly string[] = []) =>
  a.length === b.length && [...a].sort().every((value, i) => value === [...b].sort()[i]);

/**
 * The change that a new legal status and conversion intents make on an approved patent, or undefined
 * when both are as stored. A lapse status is the `lapsed` exit (届满 the `expired` one) from any live
 * state; otherwise a patent that screens differently now is `rescreened` to the other pool (while it
 * is still screenable: approved, not transferred or declared open).
 */
export function planStatusChange(
  stored: StatusSubject,
  row: { legalStatus: string; conversionIntents: string[] },
  at: string,
): StatusChange | undefined {
  if (stored.legalStatus === row.legalStatus && sameList(stored.conversionIntents, row.conversionIntents))
    return undefined;
  const n = stored.applicationNumber;
  const set: Record<string, unknown> = {
    legalStatus: row.legalStatus,
    conversionIntents: row.conversionIntents,
    ...(stored.legalStatus !== row.legalStatus ? { legalStatusChangedAt: at } : {}),
  };
  const from = currentLifecycle(stored);
  const inPool = stored.poolStatus === 'conversion';
  const details = {
    legalStatus: { before: stored.legalStatus, after: row.legalStatus },
    conversionIntents: { before: stored.conversionIntents ?? [], after: row.conversionIntents },
  };
  const terminal = (terminalStates as readonly LifecycleState[]).includes(from);
  if (!terminal && (isLapseStatus(row.legalStatus) || row.legalStatus === 'expired')) {
    const event = row.legalStatus === 'expired' ? 'expired' : 'lapsed';
    return {
      transition: { event, eventId: `${event}:${n}`, details: { ...details, source: 'legal-status' } },
      set: { ...set, ...(inPool ? { poolRemoval: { reason: event, at } satisfies PoolRemoval } : {}) },
      remove: [],
    };
  }
  const pool = screen({ legalStatus: row.legalStatus, conversionIntents: row.conversionIntents });
  const moves = planTransitionOrUndefined(stored, { event: 'rescreened', context: { pool } });
  if (moves) {
    return {
      transition: {
        event: 'rescreened',
        context: { pool },
        // One per occurrence: a patent may be screened out and in again.
        eventId: `rescreened:${n}:${stored.version}`,
        details: { ...details, poolStatus: pool },
      },
      set: {
        ...set,
        poolStatus: pool,
        ...(pool === 'base' ? { poolRemoval: { reason: 'rescreened', at } satisfies PoolRemoval } : {}),
      },
      remove: pool === 'conversion' ? ['poolRemoval'] : [],
    };
  }
  return { set, remove: [] };
}

function planTransitionOrUndefined(
  stored: StatusSubject,
  request: { event: LifecycleEvent; context?: TransitionContext },
) {
  try {
    return planTransition(stored, request);
  } catch {
    return undefined;
  }
}

// -------------------------------------------------------------------------------------- withdrawal

export interface WithdrawalInput {
  reason: string;
  expectedVersion?: number;
}

/** The patent as the withdrawal reads it (the review store's item, with the open license if any). */
export type WithdrawnPatent = ReviewedPatent & {
  openLicense?: { status: string };
  withdrawalReason?: string;
};

/**
 * POST /v1/patents/{n}/withdrawal: an institution-level user of the owning institution withdraws the
 * patent from the pools, with its reason (shown in the history and the province feed's tombstone). A
 * patent already transferred is bound by its contract and is not withdrawn; an active open license is
 * withdrawn first (its own route, with its public notice).
 */
export async function withdrawPatent(
  deps: ReviewDeps,
  caller: Caller,
  applicationNumber: string,
  input: WithdrawalInput,
) {
  const patent = (await ownPatent(deps, caller, applicationNumber)) as WithdrawnPatent;
  if (caller.department !== undefined) {
    throw new ForbiddenError(
      'Only institution-level users withdraw a patent; department (院系) users ask them to.',
    );
  }
  checkVersion(patent, input.expectedVersion);
  if (patent.openLicense?.status === 'active') {
    throw new ConflictError(
      `Patent ${applicationNumber} is offered under an open license: withdraw the open license first (POST /v1/patents/${applicationNumber}/open-license/withdrawal, 专利法 art. 51), then the patent.`,
      { openLicense: 'active' },
    );
  }
  // 409 ILLEGAL_TRANSITION naming the allowed events when the state does not allow it (transferred, final).
  planTransition(patent, { event: 'withdrawn' });
  const at = deps.now().toISOString();
  const set: Record<string, unknown> = {
    withdrawalReason: input.reason,
    withdrawnAt: at,
    ...(patent.poolStatus === 'conversion'
      ? { poolRemoval: { reason: 'withdrawn', at } satisfies PoolRemoval }
      : {}),
  };
  const applied = await deps.store.apply(
    patent,
    {
      set,
      audit: { action: 'patent.withdrawn' },
      transition: {
        event: 'withdrawn',
        context: {},
        // Final: one withdrawal per patent.
        eventId: `withdrawn:${applicationNumber}`,
        details: { reason: input.reason },
      },
    },
    caller,
    at,
  );
  if (!applied) {
    throw new ConflictError(
      `Patent ${applicationNumber} was changed by someone else at the same moment: read it again and repeat the withdrawal if it still holds.`,
    );
  }
  // The full view: never the stored item's keys, index keys, write token or content hash.
  return toFullPatent({
    ...patent,
    ...set,
    lifecycle: 'withdrawn',
    version: patent.version + 1,
    updatedAt: at,
    updatedBy: actorLabel(caller),
  });
}

/**
 * The ports of the evaluation use-cases (evaluations.ts, window.ts) and their settings. The DynamoDB
 * adapter is evaluation-store.ts; the unit tests use an in-memory one.
 *
 * Items (core table, the patent's partition, so that a patent's evaluations are one Query):
 *   evaluation          pk PAT#<n>  sk EVAL#<kind>#<id>   gsi1 INST#<uscc>#EVAL / <updatedAt>#<n>#<kind>#<id>
 *   evaluation request  pk PAT#<n>  sk REQ#<kind>#<id>    (written by the push, status changed here)
 *   window              on the patent item: evaluationStatus, evaluationOpenedAt, evaluationDeadline,
 *                       evaluationClosedAt, evaluationClosedReason, evaluationAggregate; gsi3
 *                       DUE#evaluation-window / <deadline>#<n> while open
 *   lifecycle           opening the window is the `matched` transition when the first evaluation
 *                       opens it, closing it the `evaluationClosed` transition
 *                       (functions/pipeline/transitions.ts: audit, pipeline event, applied marker)
 *   late evaluation     after the window closed (patent still available): the `reevaluated` or
 *                       `retiered` transition in the evaluation's transaction (functions/evaluations/late.ts);
 *                       re-tier day marker pk PAT#<n>  sk RETIERED#<China date> (once a day)
 */

import type {
  CooperationIntent,
  EvaluationAggregate,
  EvaluatorKind,
  ImprovementCategory,
  PatentTierState,
  ReasonCode,
  WindowCloseReason,
} from '../../schemas/evaluation.ts';
import type { LifecycleState, Tier } from '../../schemas/lifecycle.ts';
import type { Enterprise, Expert } from '../../schemas/market.ts';
import type { Caller } from '../../schemas/roles.ts';
import { marketSettings } from '../market/push.ts';
import type { AvailabilitySubject } from '../patents/availability.ts';
import type { TransitionRequest } from '../pipeline/transitions.ts';
import type { TierOutcome, TierOutcomeInput } from '../promotion/tier-fields.ts';
import { systemActor } from '../shared/audit.ts';

/** The patent as read whole: the availability rules (functions/patents/availability.ts) read it too. */
export interface EvaluatedPatent extends Omit<AvailabilitySubject, 'applicationNumber' | 'lifecycle'> {
  applicationNumber: string;
  institutionUscc: string;
  provinceCode: string;
  poolStatus: string;
  version: number;
  evaluationStatus?: 'open' | 'closed';
  evaluationOpenedAt?: string;
  evaluationDeadline?: string;
  evaluationClosedAt?: string;
  evaluationClosedReason?: WindowCloseReason;
  /** The pipeline state (schemas/lifecycle.ts); absent on items written before it existed. */
  lifecycle?: LifecycleState;
  /** Read with it: the lifecycle of items written before it existed derives from it. */
  reviewStatus?: string;
  /** The tiering inputs read from the patent (a re-tier runs the same rules). */
  strategicIndustries?: Array<{ code: string }>;
  evaluationAggregate?: EvaluationAggregate;
  tier?: Tier;
  /** 1 for the first tiering, + 1 per re-tier. */
  tierVersion?: number;
  tieredAt?: string;
  retieredAt?: string;
  tierReason?: PatentTierState['tierReason'];
  promotionDueAt?: string;
  /** A deadline index entry (a running promotion's, a deal's filing): kept or moved by a re-tier. */
  gsi3pk?: string;
  /** The tier the evaluations give when it differs and today's re-tier was used (functions/evaluations/late.ts). */
  tierDeferred?: PatentTierState['deferred'];
}

export interface EvaluatorRef {
  kind: EvaluatorKind;
  /** Enterprises: their USCC; experts: their user id (sub). */
  id: string;
}

export interface StoredEvaluation {
  evaluationId: string;
  applicationNumber: string;
  institutionUscc: string;
  provinceCode: string;
  evaluatorKind: EvaluatorKind;
  evaluatorId: string;
  matched: boolean;
  industrializationProspect: number;
  maturityTrl: number;
  improvementNeeds: { categories: ImprovementCategory[]; text?: string };
  cooperationIntents: CooperationIntent[];
  priceExpectation?: { minWan: number; maxWan: number };
  reasonCodes: ReasonCode[];
  comment?: string;
  consentToShareIdentity: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface EvaluationRequest {
  applicationNumber: string;
  evaluatorKind: EvaluatorKind;
  evaluatorId: string;
  status: 'pending' | 'declined' | 'evaluated';
  declinedAt?: string;
  declineReason?: string;
  evaluatedAt?: string;
}

export type EnterpriseProfile = Pick<
  Enterprise,
  'uscc' | 'name' | 'provinceCode' | 'status' | 'rejectionReason' | 'contact'
> &
  Partial<Pick<Enterprise, 'industryCodes'>>;
export type ExpertProfile = Pick<
  Expert,
  'expertId' | 'name' | 'title' | 'affiliationUscc' | 'email' | 'active'
>;

export interface SaveEvaluation {
  /**
   * The evaluation as read; undefined for a first evaluation. The write is conditioned on its version,
   * and its fields are the `before` of the audit entry.
   */
  previous?: StoredEvaluation;
  /** Sets the evaluator's request to evaluated (it exists). */
  markRequestEvaluated: boolean;
  /** Opens the window with this evaluation (the patent has none); otherwise it must be open and before its deadline. */
  openWindow?: { openedAt: string; deadline: string; patent: EvaluatedPatent };
  /** The audit entry's action and context (created / updated with before and after: the store's). */
  audit: { action: string; context: Record<string, unknown> };
}

/**
 * An evaluation after the window closed (functions/evaluations/late.ts): the evaluation and its audit
 * entry with the `reevaluated` or `retiered` transition of the patent (conditioned on the version read,
 * the window still closed, the patent still in the conversion pool) in one transaction.
 */
export interface SaveLateEvaluation extends Omit<SaveEvaluation, 'openWindow'> {
  patent: EvaluatedPatent;
  transition: TransitionRequest;
  /** A re-tier: the China calendar day whose marker (RETIERED#<day>) must not exist yet. */
  retierDay?: string;
  /** A deferred re-tier: the China day from which the daily sweep runs it (its DUE#retier entry). */
  retierDueFrom?: string;
}

/** The transition the daily sweep makes for a deferred re-tier (no evaluation with it). */
export interface SaveDeferredRetier {
  patent: EvaluatedPatent;
  transition: TransitionRequest;
  /** A re-tier: the day whose marker must not exist yet. */
  retierDay?: string;
}

/** saved; stale: the evaluation changed since it was read; retry: the patent or request moved on. */
export type SaveOutcome = 'saved' | 'stale' | 'retry';

export interface WindowClose {
  at: string;
  reason: WindowCloseReason;
  aggregate: EvaluationAggregate;
}

export interface EvaluationStore {
  /** Consistent read of the patent's fields that evaluations need. */
  patent(applicationNumber: string): Promise<EvaluatedPatent | undefined>;
  enterprise(uscc: string): Promise<EnterpriseProfile | undefined>;
  expert(expertId: string): Promise<ExpertProfile | undefined>;
  request(applicationNumber: string, evaluator: EvaluatorRef): Promise<EvaluationRequest | undefined>;
  evaluation(applicationNumber: string, evaluator: EvaluatorRef): Promise<StoredEvaluation | undefined>;
  /** Every current evaluation of the patent (consistent). */
  evaluations(applicationNumber: string): Promise<StoredEvaluation[]>;
  /** The evaluation, its audit entry and the request status in one transaction, conditioned on the window. */
  saveEvaluation(
    evaluation: StoredEvaluation,
    write: SaveEvaluation,
    caller: Pick<Caller, 'sub' | 'roles'>,
    at: string,
  ): Promise<SaveOutcome>;
  /** A late evaluation with its transition (and the day's re-tier marker), in one transaction. */
  saveLateEvaluation(
    evaluation: StoredEvaluation,
    write: SaveLateEvaluation,
    caller: Pick<Caller, 'sub' | 'roles'>,
    at: string,
  ): Promise<SaveOutcome>;
  /** Was the patent re-tiered on this China calendar day (its RETIERED#<day> marker exists)? */
  retieredOn(applicationNumber: string, day: string): Promise<boolean>;
  /** pending -> declined with its audit entry; false when the request is no longer pending. */
  declineRequest(
    applicationNumber: string,
    evaluator: EvaluatorRef,
    decline: { reason?: string; at: string },
    caller: Pick<Caller, 'sub' | 'roles'>,
  ): Promise<boolean>;
  /**
   * open -> closed at `patent.version` (version + 1): the aggregate on the patent, the due-index
   * entry removed, an audit entry and the `evaluationClosed` pipeline event, in one transaction.
   * false when the patent is no longer open at that version.
   */
  closeWindow(patent: EvaluatedPatent, close: WindowClose): Promise<boolean>;
  /** Deferred re-tiers that may run on `day` (retierFrom <= day), a page at a time. */
  dueRetiers(
    day: string,
    cursor?: Record<string, unknown>,
  ): Promise<{
    entries: Array<{ applicationNumber: string; retierFrom: string }>;
    next?: Record<string, unknown>;
  }>;
  /**
   * The sweep's transition of a deferred re-tier (conditioned as a late evaluation's: version read,
   * window closed, conversion pool; the day marker for a re-tier) with the DUE#retier entry deleted.
   */
  saveDeferredRetier(write: SaveDeferredRetier, at: string): Promise<'saved' | 'retry'>;
  /** Deletes a DUE#retier entry that has nothing left to run, if it is still the one read (`retierFrom`). */
  clearRetierDue(applicationNumber: string, retierFrom: string): Promise<void>;
  /** Patents whose window is due (deadline <= `now`), a page at a time. */
  dueWindows(
    now: string,
    cursor?: Record<string, unknown>,
  ): Promise<{ applicationNumbers: string[]; next?: Record<string, unknown> }>;
}

export interface EvaluationSettings {
  /** Evaluations that close the window early. */
  quorum: number;
  /** Of which at least this many from enterprises. */
  quorumEnterprises: number;
  /** Window length when an evaluation opens it (the push uses the same EVALUATION_WINDOW_DAYS). */
  windowDays: number;
}

/** EVALUATION_QUORUM (default 3), EVALUATION_QUORUM_ENTERPRISES (default 1), EVALUATION_WINDOW_DAYS (60). */
export function evaluationSettings(
  env: Record<string, string | undefined> = process.env,
): EvaluationSettings {
  const number = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    return Number.isInteger(value) && value >= min ? value : fallback;
  };
  return {
    quorum: number('EVALUATION_QUORUM', 3, 1),
    quorumEnterprises: number('EVALUATION_QUORUM_ENTERPRISES', 1, 0),
    windowDays: marketSettings(env).windowDays,
  };
}

export interface EvaluationDeps {
  store: EvaluationStore;
  now: () => Date;
  settings: EvaluationSettings;
  newId?: () => string;
  /**
   * The tiering a late evaluation re-tiers by (functions/evaluations/tiering-deps.ts: the rules and
   * providers of the pipeline's TierPatent task). Required by the functions that take evaluations: a
   * late evaluation without it fails loudly (a wiring defect), never skips the re-tier silently.
   */
  tiering?: LateTierer;
}

/** Tiers a patent by the rules in force (functions/promotion/tier-fields.ts, tierOutcome). */
export interface LateTierer {
  outcome(input: Omit<TierOutcomeInput, 'rules' | 'providers'>): TierOutcome;
}

/** The actor of the window's own transitions (quorum or deadline), in audit entries. */
export const windowActor = systemActor('evaluation-window');
/**
 * The actor of the transitions of late evaluations (reevaluated, retiered): the system, so that the
 * patent's history never names an evaluator (the evaluation's own audit entry does).
 */
export const lateEvaluationActor = systemActor('late-evaluation');
/** The daily deadline sweep, running a deferred re-tier. */
export const deferredRetierActor = systemActor('deadline-sweep');

/**
 * The inventory review of one patent (Work Plan step 1, 自评): the self-assessment is edited while the
 * patent is a draft (or returned), a department user submits it, an institution-level user approves
 * it or returns it with a comment. Approval screens the patent: a conversion intent other than 暂无
 * and a valid legal status put it in the conversion pool, otherwise it stays in the base pool; either
 * way the `inventoried` event is recorded for the pipeline, in the same transaction as the change.
 * Department users carry custom:department in their token; institution-level users do not.
 */

import type { LifecycleState, TransitionContext } from '../../schemas/lifecycle.ts';
import { type ReviewStatus, toFullPatent } from '../../schemas/patent.ts';
import type { SelfAssessmentInput } from '../../schemas/patent-input.ts';
import type { Caller } from '../../schemas/roles.ts';
import type { MailItem } from '../mail/mail-outbox.ts';
import { planTransition } from '../pipeline/transitions.ts';
import { actorLabel } from '../shared/audit.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { inventoryEditableIn } from './field-ownership.ts';

export type ReviewAction = 'submit' | 'approve' | 'return';

/** The review as a transition table: action -> the states it leaves from -> the state it leads to. */
export const reviewTransitions: Record<ReviewAction, { from: readonly ReviewStatus[]; to: ReviewStatus }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  return: { from: ['submitted'], to: 'returned' },
};
// One rule for every path that changes inventory fields (functions/patents/field-ownership.ts).
const editableIn = inventoryEditableIn;

export interface ReviewedPatent {
  applicationNumber: string;
  institutionUscc: string;
  reviewStatus: ReviewStatus;
  poolStatus: 'base' | 'conversion';
  legalStatus: string;
  conversionIntents: string[];
  version: number;
  /** The department (院系) the inventory names: department users act on their own only. */
  department?: string;
  provinceCode?: string;
  /** The pipeline state (schemas/lifecycle.ts); absent on items written before it existed. */
  lifecycle?: LifecycleState;
}

export interface ReviewChange {
  set: Record<string, unknown>;
  remove?: string[];
  /**
   * The audit entry's action (the store writes `before` / `after` of the fields in `set` and `remove`,
   * from the patent as read: the change is conditioned on its version).
   */
  audit: { action: string; context?: Record<string, unknown> };
  /** An email the change causes, queued in the outbox in the same transaction (functions/mail/mail-outbox.ts). */
  mail?: MailItem;
  /**
   * A lifecycle transition made with the change (functions/pipeline/transitions.ts: same transaction,
   * its own audit entry, pipeline event and applied marker replace `audit`).
   */
  transition?: {
    /**
     * inventoried (approval), withdrawn (functions/patents/exits.ts), lapsed / expired / rescreened
     * (a legal-status import, functions/patents/legal-status.ts).
     */
    event: 'inventoried' | 'withdrawn' | 'lapsed' | 'expired' | 'rescreened';
    context: TransitionContext;
    eventId: string;
    details: Record<string, unknown>;
  };
}

export interface ReviewStore {
  get(applicationNumber: string): Promise<ReviewedPatent | undefined>;
  /** Applies the change if the patent's version is still the one read; false when it moved on. */
  apply(patent: ReviewedPatent, change: ReviewChange, caller: Caller, at: string): Promise<boolean>;
}

export interface ReviewDeps {
  store: ReviewStore;
  now: () => Date;
}

/** The patent, when the caller is a user of its institution (a department user: of its department); else 404. */
export async function ownPatent(deps: ReviewDeps, caller: Caller, applicationNumber: string) {
  const patent = await deps.store.get(applicationNumber);
  // A department user's scope is its department's patents: another department's are as absent (404).
  if (
    !patent ||
    !caller.roles.includes('institution') ||
    caller.orgUscc !== patent.institutionUscc ||
    (caller.department !== undefined && caller.department !== patent.department)
  ) {
    throw new NotFoundError(
      `No patent ${applicationNumber} of your institution: check the application number (GET /v1/patents lists yours).`,
    );
  }
  return patent;
}

/** 409 when the caller read another version than the stored one. */
export function checkVersion(patent: ReviewedPatent, expected: number | undefined) {
  if (expected !== undefined && expected !== patent.version) {
    throw new ConflictError(
      `Patent ${patent.applicationNumber} changed since you read it (version ${expected}, now ${patent.version}): read it again and repeat your change.`,
      {
        currentVersion: patent.version,
      },
    );
  }
}

async function applyOrConflict(
  deps: ReviewDeps,
  caller: Caller,
  patent: ReviewedPatent,
  change: ReviewChange,
) {
  const at = deps.now().toISOString();
  if (!(await deps.store.apply(patent, change, caller, at))) {
    throw new ConflictError(
      `Patent ${patent.applicationNumber} was changed by someone else at the same moment: read it again and repeat your change.`,
    );
  }
  const lifecycle = change.transition
    ? planTransition(patent, { event: change.transition.event, context: change.transition.context }).to
    : patent.lifecycle;
  // The full view: never the stored item's keys, index keys, write token or content hash.
  const kept = Object.fromEntries(
    Object.entries(patent).filter(([field]) => !(change.remove ?? []).includes(field)),
  );
  return toFullPatent({
    ...kept,
    ...change.set,
    ...(lifecycle ? { lifecycle } : {}),
    version: patent.version + 1,
    updatedAt: at,
    updatedBy: actorLabel(caller),
  }) as unknown as ReviewedPatent;
}

export async function submitSelfAssessment(
  deps: ReviewDeps,
  caller: Caller,
  applicationNumber: string,
  input: SelfAssessmentInput,
) {
  const patent = await ownPatent(deps, caller, applicationNumber);
  checkVersion(patent, input.expectedVersion);
  if (!editableIn.includes(patent.reviewStatus)) {
    throw new ConflictError(
      `The self-assessment of ${applicationNumber} is ${patent.reviewStatus} and can be edited only while draft or returned; ${patent.reviewStatus === 'submitted' ? 'ask the institution reviewer to return it first' : 'it is already approved'}.`,
      { currentState: patent.reviewStatus, allowed: editableIn },
    );
  }
  const { expectedVersion: _v, ...fields } = input;
  if (fields.conversionIntents?.includes('none') && fields.conversionIntents.length > 1) {
    throw new ValidationError(
      '暂无 (none) cannot be combined with other conversion intents: send ["none"] alone or the intents you accept.',
      [{ in: 'body', field: 'conversionIntents', message: '"none" stands alone' }],
    );
  }
  const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0)
    throw new ValidationError('Send at least one self-assessment field to change.');
  return applyOrConflict(deps, caller, patent, {
    set,
    audit: { action: 'patent.self-assessment-edited' },
  });
}

/** The screening on approval: into the conversion pool, or kept in the base pool. */
export function screen(
  patent: Pick<ReviewedPatent, 'legalStatus' | 'conversionIntents'>,
): 'conversion' | 'base' {
  const intents = patent.conversionIntents ?? [];
  return patent.legalStatus === 'valid' && intents.length > 0 && !intents.includes('none')
    ? 'conversion'
    : 'base';
}

export async function reviewInventory(
  deps: ReviewDeps,
  caller: Caller,
  applicationNumber: string,
  request: { action: ReviewAction; comment?: string; expectedVersion?: number },
) {
  const patent = await ownPatent(deps, caller, applicationNumber);
  checkVersion(patent, request.expectedVersion);
  const transition = reviewTransitions[request.action];
  if (!transition.from.includes(patent.reviewStatus)) {
    const allowed = (Object.keys(reviewTransitions) as ReviewAction[]).filter((a) =>
      reviewTransitions[a].from.includes(patent.reviewStatus),
    );
    throw new ConflictError(
      `Cannot ${request.action} ${applicationNumber}: its review is ${patent.reviewStatus}; allowed now: ${allowed.join(', ') || 'nothing (approved is final)'}.`,
      { currentState: patent.reviewStatus, allowedActions: allowed },
    );
  }
  const isDepartmentUser = caller.department !== undefined;
  if (request.action === 'submit' && !isDepartmentUser) {
    throw new ForbiddenError(
      'Submitting is for department (院系) users: your account has no department (custom:department).',
    );
  }
  if (request.action !== 'submit' && isDepartmentUser) {
    throw new ForbiddenError(
      `Only institution-level reviewers may ${request.action}; department users submit.`,
    );
  }
  if (request.action === 'return' && !request.comment) {
    throw new ValidationError('Say what to correct when returning: add a "comment".', [
      { in: 'body', field: 'comment', message: 'required when returning' },
    ]);
  }
  const set: Record<string, unknown> = { reviewStatus: transition.to };
  if (request.comment) set.reviewComment = request.comment;
  let lifecycleChange: ReviewChange['transition'];
  if (request.action === 'approve') {
    const pool = screen(patent);
    set.poolStatus = pool;
    set.inventoriedAt = deps.now().toISOString();
    lifecycleChange = {
      event: 'inventoried',
      context: { pool },
      // Approval is final: one inventoried event per patent.
      eventId: `inventoried:${applicationNumber}`,
      details: { poolStatus: pool, reviewAction: 'approve', reviewFrom: patent.reviewStatus },
    };
    // An approval the lifecycle does not allow (e.g. a withdrawn patent) is a 409 naming the allowed events.
    planTransition(patent, { event: 'inventoried', context: { pool } });
  }
  return applyOrConflict(deps, caller, patent, {
    set,
    audit: { action: `patent.review.${request.action}` },
    transition: lifecycleChange,
  });
}

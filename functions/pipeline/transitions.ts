/**
 * Lifecycle transitions of patents, written the one way every caller uses: a conditional update of the
 * patent on its version, its audit entry, the pipeline event (which the stream routes to the pipeline
 * workflow) and an "applied" marker of the event id, all in one transaction. A caller that changes
 * something else at the same time (a deal, a filing) adds its own items to the same transaction.
 *
 * - illegal transition: IllegalTransitionError (409) naming the current state and the allowed events;
 * - two concurrent transitions: the version condition lets one win, the other gets a conflict;
 * - the same event id twice: the marker condition fails, the caller learns it was already applied and
 *   nothing changes twice.
 */
import {
  type LifecycleEvent,
  type LifecycleState,
  nextLifecycle,
  type TransitionContext,
} from '../../schemas/lifecycle.ts';
import { type AuditActor, actorLabel, auditItem } from '../shared/audit.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { conditionFailures, type TransactItem } from '../shared/dynamo/transact.ts';
import { DomainError } from '../shared/errors.ts';

export type { TransactItem };

/** 409 naming the current state and the allowed events (details: current, event, allowed). */
export class IllegalTransitionError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'ILLEGAL_TRANSITION';
}

/**
 * The fields of a patent item a transition reads. The audit entry takes the `before` of the fields the
 * transition sets from this object: read the whole item (no projection), so that a field absent here
 * really was absent.
 */
export interface TransitionSubject {
  applicationNumber: string;
  version: number;
  /** Copied onto the pipeline event (routing, failure lists by province). */
  institutionUscc?: string;
  provinceCode?: string;
  /** The deadline index entry, if any: a promotion's is removed when the patent leaves its promoted state. */
  gsi3pk?: string;
  lifecycle?: LifecycleState;
  reviewStatus?: string;
  poolStatus?: string;
  evaluationStatus?: string;
}

export interface TransitionRequest {
  event: LifecycleEvent;
  context?: TransitionContext;
  /** Unique per event occurrence (e.g. `deal#<id>`, the stream event's id): replays are detected by it. */
  eventId: string;
  actor: AuditActor;
  /** The Step Functions execution that ran the transition, if any (shown in the history). */
  executionArn?: string;
  /** More attributes to set on the patent in the same update (e.g. the tier and its inputs). */
  set?: Record<string, unknown>;
  /** Attributes to remove from the patent in the same update. */
  remove?: string[];
  /** Carried on the pipeline event (as `details`) and the audit entry. */
  details?: Record<string, unknown>;
}

/** The deadline index partition (gsi3pk) that belongs to a state, removed when the patent leaves it. */
const stateDeadlines: Partial<Record<LifecycleState, string>> = {
  'high-value': indexes.duePromotion,
  'key-industry-pool': indexes.duePromotion,
  'under-evaluation': indexes.dueEvaluationWindow,
};

/** Attributes a transition sets itself: `set` and `remove` may not name them. */
const reservedFields = new Set([
  'pk',
  'sk',
  'version',
  'lifecycle',
  'lifecycleChangedAt',
  'lifecycleEvent',
  'updatedAt',
  'updatedBy',
]);

export const patentPk = keys.patentPk;
export const appliedMarkerKey = keys.appliedEvent;

/**
 * The lifecycle of a patent item. Items written before the lifecycle attribute existed are read from
 * their review, pool and evaluation status.
 */
export function currentLifecycle(patent: TransitionSubject): LifecycleState {
  if (patent.lifecycle) return patent.lifecycle;
  if (patent.reviewStatus !== 'approved') return 'registered';
  if (patent.poolStatus !== 'conversion') return 'base-pool';
  if (patent.evaluationStatus === 'open') return 'under-evaluation';
  if (patent.evaluationStatus === 'closed') return 'evaluated';
  return 'conversion-pool';
}

/** Plans a transition: the next state, or IllegalTransitionError with the allowed events. Pure. */
export function planTransition(
  patent: TransitionSubject,
  request: Pick<TransitionRequest, 'event' | 'context'>,
) {
  const from = currentLifecycle(patent);
  const outcome = nextLifecycle(from, request.event, request.context);
  if (!outcome.ok) {
    throw new IllegalTransitionError(
      `${outcome.reason} (patent ${patent.applicationNumber}). Allowed now: ${
        outcome.allowed.map((a) => a.event).join(', ') || 'nothing (final state)'
      }.`,
      {
        applicationNumber: patent.applicationNumber,
        current: from,
        event: request.event,
        allowed: outcome.allowed,
      },
    );
  }
  return outcome;
}

/**
 * The transaction items of one transition (4 items: patent update, audit, event, marker). Throws
 * IllegalTransitionError when the table does not allow it.
 */
/**
 * The conditional update of an item on its `version` (the next one set, `updatedAt` / `updatedBy` with
 * it), with the caller's `set` and `remove`; `own` adds expressions of the writer's own (a transition's
 * lifecycle fields). Shared by transitions and the other versioned patent changes (the review).
 */
export function versionedUpdate(
  tableName: string,
  key: { pk: string; sk: string },
  { version, by, at }: { version: number; by: string; at: string },
  change: { set?: Record<string, unknown>; remove?: string[] },
  own: { sets: string[]; names: Record<string, string>; values: Record<string, unknown> } = {
    sets: [],
    names: {},
    values: {},
  },
): TransactItem {
  const names: Record<string, string> = { ...own.names };
  const values: Record<string, unknown> = {
    ':version': version,
    ':next': version + 1,
    ':at': at,
    ':by': by,
    ...own.values,
  };
  const sets = ['version = :next', ...own.sets, 'updatedAt = :at', 'updatedBy = :by'];
  Object.entries(change.set ?? {}).forEach(([field, value], i) => {
    names[`#s${i}`] = field;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  });
  const removes = (change.remove ?? []).map((field, i) => {
    names[`#r${i}`] = field;
    return `#r${i}`;
  });
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: 'version = :version',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

export function transitionWrites(
  tableName: string,
  patent: TransitionSubject,
  request: TransitionRequest,
  at: string,
): TransactItem[] {
  const { from, to } = planTransition(patent, request);
  const clash = [...Object.keys(request.set ?? {}), ...(request.remove ?? [])].filter((f) =>
    reservedFields.has(f),
  );
  if (clash.length)
    throw new Error(
      `transitionWrites: set/remove may not name ${clash.join(', ')} (the transition sets them)`,
    );
  const pk = patentPk(patent.applicationNumber);
  // Leaving a state with a deadline (a promotion's window, an evaluation window) by another way than its
  // own end: the deadline entry goes, unless the caller sets the index itself (e.g. a deal's filing
  // deadline) or removes it (closing the window).
  const leavesDeadline =
    patent.gsi3pk !== undefined &&
    stateDeadlines[from] === patent.gsi3pk &&
    to !== from &&
    ![...Object.keys(request.set ?? {}), ...(request.remove ?? [])].some(
      (f) => f === 'gsi3pk' || f === 'gsi3sk',
    );
  const removeFields = [...(request.remove ?? []), ...(leavesDeadline ? ['gsi3pk', 'gsi3sk'] : [])];
  const nextVersion = patent.version + 1;
  const details = request.details ?? {};
  return [
    versionedUpdate(
      tableName,
      { pk, sk: 'PATENT' },
      { version: patent.version, by: actorLabel(request.actor), at },
      { set: request.set, remove: removeFields },
      {
        sets: ['#lifecycle = :to', 'lifecycleChangedAt = :at', 'lifecycleEvent = :event'],
        names: { '#lifecycle': 'lifecycle' },
        values: { ':to': to, ':event': request.event },
      },
    ),
    {
      Put: {
        TableName: tableName,
        Item: auditItem({
          kind: 'transition',
          pk,
          action: `lifecycle.${request.event}`,
          caller: request.actor,
          at,
          from,
          to,
          // The patent as read: the update is conditioned on its version, so these are the replaced values.
          before: patent,
          after: request.set ?? {},
          removed: removeFields,
          version: nextVersion,
          context: {
            event: request.event,
            eventId: request.eventId,
            ...(request.details ? { details } : {}),
          },
          executionArn: request.executionArn,
        }),
      },
    },
    {
      Put: {
        TableName: tableName,
        // One event per transition: the version makes the key.
        Item: {
          pk,
          sk: keys.pipelineEventSk(nextVersion, request.event),
          entity: 'pipeline-event',
          type: request.event,
          eventId: request.eventId,
          applicationNumber: patent.applicationNumber,
          ...(patent.institutionUscc ? { institutionUscc: patent.institutionUscc } : {}),
          ...(patent.provinceCode ? { provinceCode: patent.provinceCode } : {}),
          version: nextVersion,
          from,
          to,
          at,
          actor: request.actor.sub,
          ...(request.executionArn ? { executionArn: request.executionArn } : {}),
          details,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: { ...appliedMarkerKey(patent.applicationNumber, request.eventId), entity: 'applied-event', at },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
}

/**
 * What failed conditions of a transaction with transition items mean: 'duplicate' when an applied marker
 * (or the caller's own record) of `markerIndexes` already existed (the event was applied before),
 * 'conflict' when a version condition of `patentIndexes` failed (someone else changed the patent
 * first), undefined for anything else. The answer `transact` (functions/shared/dynamo) asks for.
 */
export function transitionCause(
  failed: readonly number[],
  markerIndexes: readonly number[],
  patentIndexes: readonly number[],
): 'duplicate' | 'conflict' | undefined {
  if (markerIndexes.some((i) => failed.includes(i))) return 'duplicate';
  if (patentIndexes.some((i) => failed.includes(i))) return 'conflict';
  return undefined;
}

/** transitionCause read from a TransactionCanceledException. */
export function cancellationCause(
  error: unknown,
  markerIndexes: number[],
  patentIndexes: number[],
): 'duplicate' | 'conflict' | undefined {
  return transitionCause(conditionFailures(error), markerIndexes, patentIndexes);
}

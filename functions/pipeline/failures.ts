/**
 * Recorded pipeline failures: when a stage's task failed through its retries, the workflow's Catch
 * runs RecordFailure (an item the admins list) and ends in its Fail state. The patent stays as it was:
 * a task's writes are one transaction, so a failed task wrote nothing. An admin retries the failure,
 * which starts a new execution with the same event (the applied markers make whatever did succeed
 * before a no-op). Retrying twice starts one execution; a retried event that fails again is listed
 * again and can be retried again.
 */
import type { PipelineFailure } from '../../schemas/pipeline.ts';
import type { Caller } from '../../schemas/roles.ts';
import { actorLabel } from '../shared/audit.ts';
import { ForbiddenError, NotFoundError } from '../shared/errors.ts';
import { type PipelineEvent, stageOf } from './events.ts';
import { type ExecutionStarter, type StartRecorder, startPipeline } from './start.ts';

export interface StoredFailure extends PipelineFailure {
  event: PipelineEvent;
}

export interface FailureStore {
  /** Upserts the failure of `executionArn`; false when that execution's failure was recorded already. */
  record(failure: StoredFailure): Promise<boolean>;
  get(eventId: string): Promise<StoredFailure | undefined>;
  /** Failed (not retried) items, newest first; by province when given. */
  list(
    scope: { provinceCode?: string },
    page: { limit: number; cursor?: string },
  ): Promise<{ items: StoredFailure[]; nextCursor?: string }>;
  /** failed -> retried, if it is still failed after `failures` failures; false otherwise. */
  claimRetry(eventId: string, failures: number, by: string, at: string): Promise<boolean>;
  /** Notes the execution the retry started. */
  noteRetryExecution(eventId: string, executionArn: string): Promise<void>;
  /** Undoes a claim whose execution could not be started. */
  releaseRetry(eventId: string): Promise<void>;
}

export interface FailureDeps {
  store: FailureStore;
  starter: ExecutionStarter;
  recorder?: StartRecorder;
  now: () => Date;
}

const maxCause = 2000;

/** The RecordFailure task: `error` is what the Catch put at $.error ({ Error, Cause }). */
export async function recordFailure(
  deps: Pick<FailureDeps, 'store' | 'now'>,
  input: { event: PipelineEvent; error?: { Error?: string; Cause?: string }; executionArn?: string },
) {
  const { event } = input;
  if (!event?.eventId || !event.applicationNumber)
    throw new Error(`RecordFailure needs the pipeline event; got ${JSON.stringify(input).slice(0, 300)}`);
  const executionArn = input.executionArn ?? 'unknown';
  const recorded = await deps.store.record({
    eventId: event.eventId,
    applicationNumber: event.applicationNumber,
    ...(event.institutionUscc ? { institutionUscc: event.institutionUscc } : {}),
    ...(event.provinceCode ? { provinceCode: event.provinceCode } : {}),
    eventType: event.type,
    stage: stageOf(event) ?? 'Route',
    status: 'failed',
    error: input.error?.Error ?? 'Error',
    cause: (input.error?.Cause ?? '').slice(0, maxCause),
    failures: 1,
    executionArn,
    failedAt: deps.now().toISOString(),
    retries: 0,
    event,
  });
  return { eventId: event.eventId, recorded };
}

function scopeOf(caller: Caller, province: string | undefined): { provinceCode?: string } {
  if (caller.roles.includes('national-admin')) return province ? { provinceCode: province } : {};
  if (caller.roles.includes('province-admin')) {
    if (!caller.provinceCode)
      throw new ForbiddenError(
        'Your account has no province (custom:province): ask the national administrators to set it.',
      );
    if (province && province !== caller.provinceCode)
      throw new ForbiddenError(
        `Province admins see the failures of their own province (${caller.provinceCode}): leave out "province" or use ${caller.provinceCode}.`,
      );
    return { provinceCode: caller.provinceCode };
  }
  throw new ForbiddenError('Only administrators see pipeline failures.');
}

const view = ({ event: _event, ...failure }: StoredFailure): PipelineFailure => failure;

export async function listFailures(
  deps: Pick<FailureDeps, 'store'>,
  caller: Caller,
  query: { limit: number; cursor?: string; province?: string },
) {
  const page = await deps.store.list(scopeOf(caller, query.province), {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  return { items: page.items.map(view), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export async function retryFailure(deps: FailureDeps, caller: Caller, eventId: string) {
  const failure = await deps.store.get(eventId);
  const scope = scopeOf(caller, undefined);
  if (!failure || (scope.provinceCode && failure.provinceCode !== scope.provinceCode)) {
    throw new NotFoundError(
      `No pipeline failure ${eventId} in your scope: list them with GET /v1/pipeline/failures.`,
    );
  }
  if (failure.status === 'retried') {
    return { eventId, executionArn: failure.retryExecutionArn ?? '', alreadyRetried: true };
  }
  const at = deps.now().toISOString();
  if (!(await deps.store.claimRetry(eventId, failure.failures, actorLabel(caller), at))) {
    // Someone retried it at the same moment: answer with theirs.
    const now = await deps.store.get(eventId);
    return { eventId, executionArn: now?.retryExecutionArn ?? '', alreadyRetried: true };
  }
  try {
    const started = await startPipeline(deps, failure.event, failure.retries + 1);
    const executionArn = started.started ? (started.executionArn ?? '') : '';
    if (executionArn) await deps.store.noteRetryExecution(eventId, executionArn);
    return { eventId, executionArn, alreadyRetried: false };
  } catch (error) {
    await deps.store.releaseRetry(eventId);
    throw error;
  }
}

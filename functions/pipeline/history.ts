/**
 * GET /v1/patents/{applicationNumber}/history: every lifecycle transition of a patent, oldest first,
 * with its time, actor, event and the execution that ran it, read from the audit entries written in
 * the same transaction as each transition (functions/pipeline/transitions.ts). Scope as for GET
 * /v1/patents/{n}: the owning institution and the admins of its scope; enterprises, experts and
 * everybody else get 404. Only lifecycle entries are shown: the other audit entries (evaluations,
 * requests) would name evaluators, whose identity is shared only with their consent.
 */
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import type { LifecycleEvent, LifecycleState } from '../../schemas/lifecycle.ts';
import type { HistoryEntry } from '../../schemas/pipeline.ts';
import type { Caller } from '../../schemas/roles.ts';
import { NotFoundError } from '../shared/errors.ts';

export interface StoredAudit {
  action: string;
  actor: string;
  at: string;
  changes?: Record<string, unknown>;
  executionArn?: string;
  /** The pipeline execution the transition's event started, if any. */
  startedExecutionArn?: string;
}

export interface HistoryStore {
  owner(applicationNumber: string): Promise<{ institutionUscc: string; provinceCode: string } | undefined>;
  /** Lifecycle audit entries of the patent, oldest first, a page at a time (with the executions their events started). */
  transitions(
    applicationNumber: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: StoredAudit[]; nextCursor?: string }>;
}

export function inScope(caller: Caller, owner: { institutionUscc: string; provinceCode: string }): boolean {
  if (caller.roles.includes('national-admin')) return true;
  if (caller.roles.includes('province-admin') && caller.provinceCode === owner.provinceCode) return true;
  return caller.roles.includes('institution') && caller.orgUscc === owner.institutionUscc;
}

export function historyEntry(audit: StoredAudit): HistoryEntry {
  const changes = audit.changes ?? {};
  const lifecycle = changes.lifecycle as { from?: LifecycleState; to?: LifecycleState } | undefined;
  const details = changes.details as Record<string, unknown> | undefined;
  return {
    at: audit.at,
    actor: audit.actor,
    action: audit.action,
    event:
      (changes.event as LifecycleEvent | undefined) ??
      (audit.action.slice('lifecycle.'.length) as LifecycleEvent),
    ...(lifecycle?.from ? { from: lifecycle.from } : {}),
    ...(lifecycle?.to ? { to: lifecycle.to } : {}),
    ...(typeof changes.version === 'number' ? { version: changes.version } : {}),
    ...(typeof changes.eventId === 'string' ? { eventId: changes.eventId } : {}),
    ...(audit.executionArn ? { executionArn: audit.executionArn } : {}),
    ...(audit.startedExecutionArn ? { startedExecutionArn: audit.startedExecutionArn } : {}),
    ...(details ? { details } : {}),
  };
}

export async function patentHistory(
  deps: { store: HistoryStore },
  caller: Caller,
  applicationNumber: string,
  page: { limit: number; cursor?: string },
) {
  const number = normalizeApplicationNumber(applicationNumber);
  const owner = await deps.store.owner(number);
  if (!owner || !inScope(caller, owner)) {
    throw new NotFoundError(
      `No patent ${number} in your scope: check the application number, or list patents with GET /v1/patents.`,
    );
  }
  const found = await deps.store.transitions(number, page);
  return {
    applicationNumber: number,
    items: found.items.map(historyEntry),
    ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
  };
}

/**
 * GET /v1/patents/{applicationNumber}/history: every lifecycle transition of a patent, oldest first,
 * with its time, who (organization and role, never the account id), event, the fields it changed
 * (before / after) and the execution that ran it, read from the audit entries written in
 * the same transaction as each transition (functions/pipeline/transitions.ts). Scope as for GET
 * /v1/patents/{n}: the owning institution and the admins of its scope (a ministry admin: the institutions
 * its ministry supervises); enterprises, experts and
 * everybody else get 404. Only lifecycle entries are shown: the other audit entries (evaluations,
 * requests) would name evaluators, whose identity is shared only with their consent.
 */
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import type { LifecycleEvent, LifecycleState } from '../../schemas/lifecycle.ts';
import { type OpenLicense, publicOpenLicense } from '../../schemas/open-license.ts';
import type { HistoryEntry } from '../../schemas/pipeline.ts';
import type { Caller } from '../../schemas/roles.ts';
import { isStorageAttribute } from '../../schemas/storage.ts';
import { type InstitutionStore, ministrySupervises } from '../institutions/institutions.ts';
import { actorName } from '../shared/audit.ts';
import { NotFoundError } from '../shared/errors.ts';

/**
 * An audit entry as stored (functions/shared/audit.ts). Entries written before the before/after shape
 * carry `changes: { lifecycle: { from, to }, event, eventId, version, set?, details? }` and no `kind`,
 * `context` or actor organization: both are read.
 */
export interface StoredAudit {
  action: string;
  actor: string;
  actorRoles?: string[];
  actorOrg?: string;
  actorProvince?: string;
  at: string;
  kind?: string;
  changes?: Record<string, unknown>;
  context?: Record<string, unknown>;
  version?: number;
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

/** Who made a change, as history shows it (`actorName`): the organization and the role, never the account id. */
export function historyActor(
  audit: Pick<StoredAudit, 'actor' | 'actorRoles' | 'actorOrg' | 'actorProvince'>,
): Pick<HistoryEntry, 'actor' | 'actorRole' | 'actorOrganization'> {
  const { label, role, organization } = actorName({
    id: audit.actor,
    roles: audit.actorRoles,
    org: audit.actorOrg,
    province: audit.actorProvince,
  });
  return { actor: label, actorRole: role, ...(organization ? { actorOrganization: organization } : {}) };
}

/** `{ before, after }` of each changed field (storage attributes left out), for entries that have them. */
function fieldChanges(changes: Record<string, unknown>): HistoryEntry['changes'] {
  const out: NonNullable<HistoryEntry['changes']> = {};
  for (const [field, change] of Object.entries(changes)) {
    if (isStorageAttribute(field) || !change || typeof change !== 'object') continue;
    let { before, after } = change as { before?: unknown; after?: unknown };
    // A declaration recorded before `declaredBy` named the organization holds a Cognito sub there.
    if (field === 'openLicense') [before, after] = [before, after].map(shownDeclaration);
    out[field] = {
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    };
  }
  return out;
}

const shownDeclaration = (value: unknown) =>
  value && typeof value === 'object' && typeof (value as OpenLicense).declaredBy === 'string'
    ? publicOpenLicense(value as OpenLicense)
    : value;

export function historyEntry(audit: StoredAudit): HistoryEntry {
  const changes = audit.changes ?? {};
  // Entries with `kind` keep the event in `context` and each field as { before, after }.
  const shaped = audit.kind !== undefined;
  const context = (shaped ? audit.context : changes) ?? {};
  const lifecycle = changes.lifecycle as
    | { from?: LifecycleState; to?: LifecycleState; before?: LifecycleState; after?: LifecycleState }
    | undefined;
  const from = lifecycle?.before ?? lifecycle?.from;
  const to = lifecycle?.after ?? lifecycle?.to;
  const version = shaped ? audit.version : context.version;
  const details = context.details as Record<string, unknown> | undefined;
  return {
    at: audit.at,
    ...historyActor(audit),
    action: audit.action,
    event:
      (context.event as LifecycleEvent | undefined) ??
      (audit.action.slice('lifecycle.'.length) as LifecycleEvent),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(typeof version === 'number' ? { version } : {}),
    ...(typeof context.eventId === 'string' ? { eventId: context.eventId } : {}),
    ...(shaped ? { changes: fieldChanges(changes) } : {}),
    ...(audit.executionArn ? { executionArn: audit.executionArn } : {}),
    ...(audit.startedExecutionArn ? { startedExecutionArn: audit.startedExecutionArn } : {}),
    ...(details ? { details } : {}),
  };
}

export async function patentHistory(
  deps: { store: HistoryStore; institutions?: Pick<InstitutionStore, 'get'> },
  caller: Caller,
  applicationNumber: string,
  page: { limit: number; cursor?: string },
) {
  const number = normalizeApplicationNumber(applicationNumber);
  const owner = await deps.store.owner(number);
  const visible =
    owner !== undefined &&
    (inScope(caller, owner) ||
      (deps.institutions !== undefined &&
        (await ministrySupervises(deps.institutions, caller, owner.institutionUscc))));
  if (!visible) {
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

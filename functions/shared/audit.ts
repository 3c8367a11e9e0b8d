/**
 * Audit entries live in the partition of the item they describe (sk AUDIT#<time>#<id>), so an item's
 * history is one Query, and are written in the same transaction as the change itself (a creation in
 * the transaction that creates the item, an update in the transaction conditioned on the version read).
 *
 * auditItem is the one way to build an entry; every store calls it, none builds an entry by hand. Three
 * kinds, one shape (docs/data-model.md, "Audit entries"):
 *
 * - `created`: `after` holds the created record (without its storage attributes);
 * - `updated`: `changes` holds exactly the fields that changed, each `{ before, after }`. `before` is the
 *   value in the item as read for the write (the write is conditioned on that item's version, so it is
 *   the value the change replaced, never one read on the side); `before` absent: the field did not exist;
 *   `after` absent: the field was removed;
 * - `transition`: a lifecycle transition, `changes.lifecycle` `{ before, after }` plus the fields the
 *   transition set or removed, as for `updated`.
 *
 * Who: `actor` (the account id, or `system:...` / `upload:<jobId>`), `actorRoles`, and the organization
 * the actor spoke for (`actorOrg`, `actorProvince`): reads that show history name the organization and
 * role, never the account id (functions/pipeline/history.ts). When: `at`.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type Role, roleLabels } from '../../schemas/roles.ts';
import { keys } from './dynamo/keys.ts';
import { isStorageAttribute } from './dynamo/strip.ts';

export type AuditKind = 'created' | 'updated' | 'transition';

/** Who made the change: a caller read from a token, or a system actor (`system:...`, `upload:<jobId>`). */
export interface AuditActor {
  sub: string;
  roles: readonly string[];
  orgUscc?: string;
  provinceCode?: string;
  /** The department (院系) of a department user: its writes are limited to that department. */
  department?: string;
}

/**
 * The actors that are not people, each named once: a scheduled sweep, a pipeline step or the system
 * receiving a dropped file. Audit entries record them as `system:<name>` with the role `system`.
 */
export type SystemActorName =
  | 'deadline-sweep'
  | 'evaluation-window'
  | 'late-evaluation'
  | 'matching'
  | 'need-deadline'
  | 'need-matching'
  | 'pipeline'
  | 'promotion'
  | 'quarterly-report'
  | 'receive-upload'
  | 'spot-checks';

export const systemActor = (name: SystemActorName): AuditActor => ({
  sub: `system:${name}`,
  roles: ['system'],
});

const unknownRole = '角色未知 / unknown role';
const unknownOrganization = '机构未知 / unknown organization';

/** How an actor is named wherever people read it: the organization and the role, never the account id. */
export interface ActorName {
  /** `'<organization>（<role>）'`, or the system actor's name (`system:...`, `upload:<jobId>`). */
  label: string;
  role: Role | 'system' | 'unknown';
  organization?: string;
}

/**
 * Names an actor by its organization and role. A Cognito sub is personal data and means nothing to the
 * reader, so it stays in the audit entry (`actor`) and never in a field a view returns: `createdBy`,
 * `updatedBy`, `recordedBy`, `reviewedBy` hold this label. System actors (`system:...`) and uploads
 * (`upload:<jobId>`) keep their name. Without an organization: the province, CNIPA for national
 * admins, else `unknown organization` (entries written before the organization was recorded).
 */
export function actorName(who: {
  id: string;
  roles?: readonly string[];
  org?: string;
  province?: string;
}): ActorName {
  if (who.id.startsWith('system:') || who.id.startsWith('upload:')) return { label: who.id, role: 'system' };
  const role = who.roles?.find((r): r is Role => r in roleLabels);
  const organization =
    who.org ??
    (who.province
      ? `省 ${who.province} / province ${who.province}`
      : role === 'national-admin'
        ? '国家知识产权局 / CNIPA'
        : undefined);
  return {
    label: `${organization ?? unknownOrganization}（${role ? roleLabels[role] : unknownRole}）`,
    role: role ?? 'unknown',
    ...(organization ? { organization } : {}),
  };
}

/** The label of the caller behind a change, for `createdBy` / `updatedBy` and the like. */
export const actorLabel = (actor: AuditActor): string =>
  actorName({ id: actor.sub, roles: actor.roles, org: actor.orgUscc, province: actor.provinceCode }).label;

/** One changed field: `before` absent = the field did not exist; `after` absent = it was removed. */
export interface FieldChange {
  before?: unknown;
  after?: unknown;
}

interface AuditCommon {
  /** The partition of the item described. */
  pk: string;
  /** `<entity>.<what happened>` in the domain's words (`patent.registered`, `deal.filed`, `lifecycle.<event>`). */
  action: string;
  caller: AuditActor;
  at: string;
  /** What is not a field of the item but explains the change (job id, comment, event id ...). */
  context?: Record<string, unknown>;
  /** The item version the change produced, when the item is versioned. */
  version?: number;
  executionArn?: string;
}

export interface CreatedAudit extends AuditCommon {
  kind: 'created';
  /** The created record (storage attributes are left out). */
  after: object;
}

export interface UpdatedAudit extends AuditCommon {
  kind: 'updated';
  /** The item as read for the write (the version the write is conditioned on). */
  before: object;
  /** The values written: only the fields named here (and in `removed`) are compared. */
  after: object;
  removed?: readonly string[];
  /**
   * `after` is the whole new record (a Put that replaces the item): the fields of `before` it lacks
   * were removed.
   */
  replaces?: boolean;
}

export interface TransitionAudit extends AuditCommon {
  kind: 'transition';
  from: string;
  to: string;
  /** The patent as read for the transition (the version it is conditioned on). */
  before: object;
  /** Fields the transition set besides the lifecycle. */
  after: object;
  removed?: readonly string[];
}

export type AuditInput = CreatedAudit | UpdatedAudit | TransitionAudit;

/** The stored entry (what auditItem returns; the storage attributes pk, sk, entity included). */
export type AuditEntry = {
  pk: string;
  sk: string;
  entity: 'audit';
  kind: AuditKind;
  action: string;
  at: string;
  actor: string;
  actorRoles: string[];
  actorOrg?: string;
  actorProvince?: string;
  after?: Record<string, unknown>;
  changes?: Record<string, FieldChange>;
  context?: Record<string, unknown>;
  version?: number;
  executionArn?: string;
};

/**
 * Fields never compared: the storage attributes (keys, index keys, write tokens, content hashes) and the
 * bookkeeping every write sets (`version`, `updatedAt`, `updatedBy`: the entry's own `version`, `at`
 * and `actor` say it).
 */
const bookkeeping = new Set(['version', 'updatedAt', 'updatedBy']);
const audited = (field: string) => !isStorageAttribute(field) && !bookkeeping.has(field);

/** The record without storage attributes and undefined values (what a created entry keeps). */
export function auditedRecord(record: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([field, value]) => value !== undefined && !isStorageAttribute(field)),
  );
}

/** Exactly the fields of `after` (and `removed`) whose value differs from `before`, as `{ before, after }`. */
export function fieldChanges(
  read: object,
  after: object,
  removed: readonly string[] = [],
): Record<string, FieldChange> {
  const before = read as Record<string, unknown>;
  const changes: Record<string, FieldChange> = {};
  for (const [field, value] of Object.entries(after)) {
    if (!audited(field) || isDeepStrictEqual(before[field], value)) continue;
    changes[field] = {
      ...(before[field] !== undefined ? { before: before[field] } : {}),
      ...(value !== undefined ? { after: value } : {}),
    };
  }
  for (const field of removed) {
    if (!audited(field) || field in after || before[field] === undefined) continue;
    changes[field] = { before: before[field] };
  }
  return changes;
}

export function auditItem(input: AuditInput): AuditEntry {
  const entry: AuditEntry = {
    pk: input.pk,
    sk: keys.auditSk(input.at, randomUUID()),
    entity: 'audit',
    kind: input.kind,
    action: input.action,
    at: input.at,
    actor: input.caller.sub,
    actorRoles: [...input.caller.roles],
    ...(input.caller.orgUscc ? { actorOrg: input.caller.orgUscc } : {}),
    ...(input.caller.provinceCode ? { actorProvince: input.caller.provinceCode } : {}),
    ...(input.context ? { context: input.context } : {}),
    ...(input.version !== undefined ? { version: input.version } : {}),
    ...(input.executionArn ? { executionArn: input.executionArn } : {}),
  };
  switch (input.kind) {
    case 'created':
      return { ...entry, after: auditedRecord(input.after) };
    case 'updated': {
      const removed = input.replaces
        ? Object.keys(input.before).filter((field) => !(field in input.after))
        : input.removed;
      return { ...entry, changes: fieldChanges(input.before, input.after, removed) };
    }
    case 'transition':
      return {
        ...entry,
        changes: {
          lifecycle: { ...(input.from ? { before: input.from } : {}), after: input.to },
          ...fieldChanges(input.before, input.after, input.removed),
        },
      };
  }
}

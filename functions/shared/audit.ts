/**
 * Audit entries live in the partition of the item they describe (sk AUDIT#<time>#<id>), so an item's
 * history is one Query, and are written in the same transaction as the change itself.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../schemas/roles.ts';
import { keys } from './dynamo/keys.ts';

export interface AuditInput {
  pk: string;
  action: string;
  caller: Pick<Caller, 'sub' | 'roles'> | { sub: string; roles: string[] };
  at: string;
  changes: Record<string, unknown>;
  executionArn?: string;
}

export function auditItem(input: AuditInput) {
  return {
    pk: input.pk,
    sk: keys.auditSk(input.at, randomUUID()),
    entity: 'audit',
    action: input.action,
    actor: input.caller.sub,
    actorRoles: input.caller.roles,
    at: input.at,
    changes: input.changes,
    ...(input.executionArn ? { executionArn: input.executionArn } : {}),
  };
}

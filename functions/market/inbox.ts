/** GET /v1/inbox: an enterprise's or expert's evaluation requests, newest first, filterable, paginated. */
import type { Caller } from '../../schemas/roles.ts';
import { indexes } from '../shared/dynamo/keys.ts';
import { ForbiddenError } from '../shared/errors.ts';

export interface InboxStore {
  list(
    inbox: string,
    query: { status?: string; limit: number; cursor?: string },
  ): Promise<{ items: Array<Record<string, unknown>>; nextCursor?: string }>;
}

export function inboxOf(caller: Caller): string {
  if (caller.roles.includes('enterprise')) {
    if (!caller.orgUscc)
      throw new ForbiddenError(
        'Your enterprise account names no organization (custom:uscc): ask your administrator.',
      );
    return indexes.inbox({ kind: 'enterprise', id: caller.orgUscc });
  }
  if (caller.roles.includes('expert')) return indexes.inbox({ kind: 'expert', id: caller.sub });
  throw new ForbiddenError('The inbox is for enterprises and experts.');
}

export async function listInbox(
  deps: { store: InboxStore },
  caller: Caller,
  query: { status?: string; limit: number; cursor?: string },
) {
  const { items, nextCursor } = await deps.store.list(inboxOf(caller), query);
  return {
    items: items.map(({ pk, sk, gsi1pk, gsi1sk, entity, pushDay, ...request }) => request),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

/**
 * Saved searches and alerts (issue 15 item 6), plain TypeScript over two ports (the SavedSearchStore
 * and the search port), tested without AWS (docs/market.md, "Saved searches and alerts").
 *
 * - A verified enterprise saves up to `maxSavedSearches` queries with filters, validated as
 *   GET /v1/search/patents validates them; it lists and deletes its own. Other roles: 403 (the route).
 * - Once a day (the daily digest's schedule) every saved search is run again through the search port,
 *   restricted to the patents that entered the conversion pool (`inventoriedAt`) since the later of the
 *   enterprise's previous alert and the day the search was saved, and the new matches arrive as ONE email per enterprise, the patents listed per saved
 *   search with why each matched (the words and the filters). The window's end and the email are
 *   written together, so a re-run mails nothing twice and a patent is alerted once per saved search.
 */
import { randomUUID } from 'node:crypto';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Enterprise } from '../../schemas/market.ts';
import type { Caller } from '../../schemas/roles.ts';
import { maxSavedSearches, type SavedSearch, type SavedSearchInput } from '../../schemas/saved-search.ts';
import { actorLabel } from '../shared/audit.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';

export interface AlertState {
  enterpriseUscc: string;
  /**
   * The end of the last window searched (ISO instant): the next alert covers what entered after it.
   * Absent: never alerted (each saved search from the day it was saved, each need from its opening).
   */
  alertedUntil?: string;
  /** The China day of the last alert email (at most one a day). */
  alertedDay?: string;
}

export interface SavedSearchStore {
  enterprise(uscc: string): Promise<Enterprise | undefined>;
  list(uscc: string): Promise<SavedSearch[]>;
  /** Adds it unless the enterprise keeps `max` already ('full'); the alert window is left as it is. */
  add(search: SavedSearch, max: number): Promise<'created' | 'full'>;
  /** false when the enterprise has no such saved search. */
  remove(uscc: string, savedSearchId: string): Promise<boolean>;
  /** Every enterprise with saved searches, and where its alerts stand. */
  alertStates(): Promise<AlertState[]>;
  /**
   * Moves the enterprise's window to `until` on `day` (conditioned on it still ending at
   * `previous.alertedUntil`) and queues `mail` with it; false when another run moved it meanwhile.
   */
  markAlerted(
    previous: AlertState,
    until: string,
    day: string,
    mail: MailMessage | undefined,
  ): Promise<boolean>;
}

export interface SavedSearchDeps {
  store: SavedSearchStore;
  now: () => Date;
  newId?: () => string;
}

function ownVerifiedEnterprise(caller: Caller): string {
  if (!caller.roles.includes('enterprise'))
    throw new ForbiddenError('Saved searches are for enterprises: sign in with an enterprise account.');
  if (!caller.orgUscc)
    throw new ForbiddenError(
      'Your account has no enterprise code (custom:uscc): register your enterprise with POST /v1/enterprises first.',
    );
  return caller.orgUscc;
}

/** The rules of GET /v1/search/patents that need no engine (functions/search/search.ts). */
export function checkSearchQuery(
  input: Pick<SavedSearchInput, 'q' | 'trlMin' | 'trlMax'>,
  where: 'body' | 'query',
) {
  if (!/[\p{L}\p{N}]/u.test(input.q))
    throw new ValidationError(
      'The query has no words to search for (only punctuation, symbols or emoji): send words, e.g. 锂电池 隔膜.',
      [{ in: where, field: 'q', message: 'no letters or digits' }],
    );
  if (input.trlMin !== undefined && input.trlMax !== undefined && input.trlMin > input.trlMax)
    throw new ValidationError(`trlMin (${input.trlMin}) is above trlMax (${input.trlMax}): swap them.`, [
      { in: where, field: 'trlMin', message: 'above trlMax' },
    ]);
}

export async function saveSearch(
  deps: SavedSearchDeps,
  caller: Caller,
  input: SavedSearchInput,
): Promise<SavedSearch> {
  const uscc = ownVerifiedEnterprise(caller);
  const enterprise = await deps.store.enterprise(uscc);
  if (enterprise?.status !== 'verified')
    throw new ForbiddenError(
      `Enterprise ${uscc} is ${enterprise?.status ?? 'not registered'}: only a verified enterprise saves searches. ${
        enterprise
          ? 'Ask the administrator of your province to verify the registration (GET /v1/enterprises/{uscc} shows its state).'
          : 'Register it with POST /v1/enterprises first.'
      }`,
    );
  checkSearchQuery(input, 'body');
  const { name, ...query } = input;
  const search: SavedSearch = {
    savedSearchId: deps.newId?.() ?? randomUUID(),
    enterpriseUscc: uscc,
    name: name ?? query.q,
    ...query,
    createdAt: deps.now().toISOString(),
    createdBy: actorLabel(caller),
  };
  if ((await deps.store.add(search, maxSavedSearches)) === 'full')
    throw new ValidationError(
      `Your enterprise keeps ${maxSavedSearches} saved searches already, the most allowed: delete one (DELETE /v1/saved-searches/{id}) before saving another.`,
      [{ in: 'body', field: 'q', message: `at most ${maxSavedSearches} saved searches` }],
    );
  return search;
}

export async function listSavedSearches(deps: SavedSearchDeps, caller: Caller) {
  const uscc = ownVerifiedEnterprise(caller);
  return { items: await deps.store.list(uscc), limit: maxSavedSearches };
}

export async function deleteSavedSearch(deps: SavedSearchDeps, caller: Caller, savedSearchId: string) {
  const uscc = ownVerifiedEnterprise(caller);
  if (!(await deps.store.remove(uscc, savedSearchId)))
    throw new NotFoundError(
      `No saved search ${savedSearchId} of your enterprise: list yours with GET /v1/saved-searches.`,
    );
}

/**
 * Co-owners read the patents they co-own (issue 12, item 5: "a patent may be owned by several
 * institutions; each sees it"). A patent lists its co-owners by name (`coOwners`, from the inventory's
 * 专利权人 / 共有专利权人: schemas/inventory/patent-row.ts), as the patent register writes them, not by
 * code. An institution whose registered name is one of them (schemas/organization-name.ts: width, case
 * and spaces aside, nothing guessed) reads the patent: `GET /v1/patents/{n}` answers it, and
 * `GET /v1/institutions/{uscc}/co-owned-patents` lists them.
 *
 * What a co-owner sees: the public view (the fields enterprises see), whatever the patent's pool status,
 * never the owning institution's own records (self-assessment, inventors' shares, funded project). It
 * changes nothing: only the institution that recorded the patent edits it; a transfer needs every
 * co-owner's consent (专利法 art. 14, functions/transfer/rules.ts), recorded by that institution.
 *
 * How: a link item per co-owner name and patent (keys.coOwnership), kept by the core stream's reader
 * from each new version of a patent (coOwnershipConsumer): the names added are put, the names removed
 * deleted. Keyed by the name and not by an institution's code, it needs no lookup when the patent is
 * written, and an institution registered later, or renamed, reads its patents by its current name.
 * The links follow the patent within seconds (the stream); patents recorded before this change get
 * theirs on their next version (docs/data-model.md says how to backfill).
 */

import { organizationKey } from '../../schemas/organization-name.ts';
import type { PublicPatent } from '../../schemas/patent.ts';
import type { Caller } from '../../schemas/roles.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { NotFoundError } from '../shared/errors.ts';

/** A co-owner's link to a patent: the name as the patent writes it, the patent and its owner. */
export interface CoOwnership {
  nameKey: string;
  name: string;
  applicationNumber: string;
  ownerUscc: string;
}

export type StoreKey = Record<string, unknown>;

/** Storage of the links (functions/patents/co-ownership-store.ts). */
export interface CoOwnershipStore {
  /** Puts `put` and deletes `remove` (idempotent: a replayed version changes nothing). */
  apply(changes: {
    put: CoOwnership[];
    remove: Array<Pick<CoOwnership, 'nameKey' | 'applicationNumber'>>;
  }): Promise<void>;
  has(nameKey: string, applicationNumber: string): Promise<boolean>;
  list(
    nameKey: string,
    limit: number,
    start: StoreKey | undefined,
  ): Promise<{ items: CoOwnership[]; lastKey?: StoreKey }>;
}

/** A patent version as the stream carries it: only what the links need. */
interface PatentImage {
  applicationNumber?: unknown;
  institutionUscc?: unknown;
  coOwners?: unknown;
}

const namesOf = (image: PatentImage | undefined): Map<string, string> => {
  const names = new Map<string, string>();
  const list = Array.isArray(image?.coOwners) ? image.coOwners : [];
  for (const name of list)
    if (typeof name === 'string' && name.trim()) names.set(organizationKey(name), name);
  return names;
};

/**
 * The link changes from one version of a patent to the next (pure): every co-owner of the new version
 * is put (a put of an unchanged link rewrites the same item, so a redelivered record converges), the
 * co-owners of the old version that the new one no longer names are removed.
 */
export function coOwnershipChanges(
  before: PatentImage | undefined,
  after: PatentImage | undefined,
): Parameters<CoOwnershipStore['apply']>[0] {
  const n = String(after?.applicationNumber ?? before?.applicationNumber ?? '');
  if (!n) return { put: [], remove: [] };
  const old = namesOf(before);
  const current = namesOf(after);
  const ownerUscc = String(after?.institutionUscc ?? '');
  return {
    put: ownerUscc
      ? [...current].map(([nameKey, name]) => ({ nameKey, name, applicationNumber: n, ownerUscc }))
      : [],
    remove: [...old.keys()]
      .filter((nameKey) => !current.has(nameKey))
      .map((nameKey) => ({ nameKey, applicationNumber: n })),
  };
}

/** Whether the version changes any link (most versions do not: the consumer skips them). */
export const changesCoOwnership = (before: PatentImage | undefined, after: PatentImage | undefined) => {
  const old = namesOf(before);
  const current = namesOf(after);
  return (
    old.size !== current.size ||
    [...current.keys()].some((key) => !old.has(key)) ||
    (current.size > 0 && before?.institutionUscc !== after?.institutionUscc)
  );
};

export interface CoOwnerDeps {
  coOwnership: Pick<CoOwnershipStore, 'has' | 'list'>;
  institutions: { get(uscc: string): Promise<{ name: string } | undefined> };
}

/** The key of an institution's registered name, or undefined when it is not registered. */
async function institutionNameKey(deps: CoOwnerDeps, uscc: string): Promise<string | undefined> {
  const institution = await deps.institutions.get(uscc);
  return institution ? organizationKey(institution.name) : undefined;
}

/** Whether the institution `uscc` is, by its registered name, a co-owner of patent `n`. */
export async function isCoOwner(
  deps: CoOwnerDeps,
  uscc: string,
  applicationNumber: string,
): Promise<boolean> {
  const nameKey = await institutionNameKey(deps, uscc);
  return nameKey ? deps.coOwnership.has(nameKey, applicationNumber) : false;
}

export interface CoOwnedPatent {
  applicationNumber: string;
  /** The co-owner's name as the patent writes it. */
  coOwnerName: string;
  /** The public view of the patent (undefined if it is no longer stored). */
  patent?: PublicPatent;
}

/**
 * GET /v1/institutions/{uscc}/co-owned-patents: the patents another institution recorded that name the
 * caller's institution as a co-owner. Only the institution itself (its users, departments included);
 * another institution's list is 404, as every read outside one's scope.
 */
export async function listCoOwnedPatents(
  deps: CoOwnerDeps & { publicViews(numbers: readonly string[]): Promise<Map<string, PublicPatent>> },
  caller: Caller,
  uscc: string,
  query: { limit: number; cursor?: string },
): Promise<{ items: CoOwnedPatent[]; nextCursor?: string }> {
  const notFound = new NotFoundError(
    `No institution ${uscc} in your scope: list the patents your own institution co-owns with GET /v1/institutions/<your USCC>/co-owned-patents.`,
  );
  if (!caller.roles.includes('institution') || caller.orgUscc !== uscc) throw notFound;
  const nameKey = await institutionNameKey(deps, uscc);
  if (!nameKey) throw notFound;
  const listing = `co-owned:${uscc}`;
  const page = await deps.coOwnership.list(nameKey, query.limit, decodeCursor(listing, query.cursor));
  const views = await deps.publicViews(page.items.map((link) => link.applicationNumber));
  const items = page.items.map((link) => {
    const patent = views.get(link.applicationNumber);
    return {
      applicationNumber: link.applicationNumber,
      coOwnerName: link.name,
      ...(patent ? { patent } : {}),
    };
  });
  const nextCursor = encodeCursor(listing, page.lastKey);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}

/**
 * The province feed of the conversion pool (GET /v1/pool): the Work Plan's "push by province through a
 * data interface". Plain functions over a port (PoolStore), tested without AWS.
 *
 * How it works at scale. A province's patents are one gsi2 partition, `PROV#<code>#PAT`, sorted by
 * `<USCC>#<application number>` (unique, never rewritten: a stable order). The conversion pool is a
 * share of it (100k+ patents in a large province) and `since` a further filter, so each request walks
 * the partition from the cursor with a FilterExpression `poolStatus = conversion AND updatedAt >= since`,
 * at most feedReads.maxReads reads of feedReads.readLimit items (DynamoDB applies Limit before the
 * filter, and a read stops at 1 MB anyway): a request costs the same however large the province is, and
 * the cursor carries the position. Within one walk no patent is skipped or repeated.
 *
 * Between walks: the first page fixes the walk's start time; every page returns `nextSince` = that time
 * minus syncMargin. A consumer that finished a walk passes it as `since` next time, so a change made
 * while the walk ran (behind the cursor), a late index update or a function clock slightly behind are
 * all delivered on the next sync; a few patents may come twice (consumers upsert by application
 * number). A patent that leaves the pool comes once more, as a tombstone (`removed: true` and the
 * reason): by an exit (withdrawn, lapsed, expired, rescreened: `poolRemoval` on the item, read by the
 * filter) or by a transfer that takes it off the market (assigned, equity, an exclusive or sole license
 * in force: the availability rules, functions/patents/availability.ts), so that a province copy stays true.
 *
 * Cost: a sync reads the whole province partition whatever `since` says (read units for every patent,
 * base pool included). Fine for a daily sync; if frequent syncs of large provinces get expensive, the
 * next step is a sparse index `POOL#<province>` / `<updatedAt>#<n>` written with the patent, which makes
 * a `since` query read only what changed.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { EvaluationAggregate } from '../../schemas/evaluation.ts';
import { toPublicPatent } from '../../schemas/patent.ts';
import type {
  EvaluationStatus,
  PoolFeedQuery,
  PoolPage,
  PoolPatent,
  PoolTombstone,
} from '../../schemas/pool.ts';
import { type Caller, roles } from '../../schemas/roles.ts';
import { type AvailabilitySubject, unavailability } from '../patents/availability.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../shared/cursor.ts';
import { ForbiddenError, ValidationError } from '../shared/errors.ts';

// ------------------------------------------------------------------------------------------ ports

/** A patent item as stored, without table and index keys (public and private fields, evaluation state). */
export type StoredPoolPatent = Record<string, unknown> & {
  applicationNumber: string;
  provinceCode: string;
  poolStatus: string;
  updatedAt: string;
  evaluationStatus?: string;
  evaluationDeadline?: string;
  evaluationAggregate?: Record<string, unknown>;
};
/** A position in the province index (DynamoDB's LastEvaluatedKey); opaque to the use-cases. */
export type StoreKey = Record<string, unknown>;

export interface PoolStore {
  /**
   * One read of the province's patents in index order after `startKey`: examines at most `readLimit`
   * items and returns those in the conversion pool with updatedAt >= `since` (when given), each with its
   * own index key, and `lastKey` when reading stopped before the end of the partition. A start key that
   * is not a key of this province's partition is refused with a ValidationError.
   */
  readPage(
    provinceCode: string,
    since: string | undefined,
    startKey: StoreKey | undefined,
    readLimit: number,
  ): Promise<{ items: Array<{ patent: StoredPoolPatent; key: StoreKey }>; lastKey?: StoreKey }>;
}

// ------------------------------------------------------------------------------------------ scope

/**
 * The province a pool request is about. National admins name any province (400 without one); province
 * admins get their own (403 when they name another). Other roles are refused (the route declares the
 * same; this keeps the use-case safe on its own).
 */
export function poolProvince(caller: Caller, requested: string | undefined): string {
  if (requested !== undefined && !provinceNames.has(requested)) {
    throw new ValidationError(
      `"${requested}" is not a GB/T 2260 province-level code: use one such as 110000 (北京市) or 310000 (上海市).`,
      [{ in: 'query', field: 'province', message: 'unknown province code' }],
    );
  }
  if (caller.roles.includes('national-admin')) {
    if (requested !== undefined) return requested;
    throw new ValidationError('Name the province whose conversion pool you want: add ?province=110000.', [
      { in: 'query', field: 'province', message: 'required for national administrators' },
    ]);
  }
  if (caller.roles.includes('province-admin')) {
    const own = caller.provinceCode;
    if (own === undefined) {
      throw new ForbiddenError(
        'Your account names no province (custom:province): ask the national administrators to set it.',
      );
    }
    if (requested !== undefined && requested !== own) {
      throw new ForbiddenError(
        `You administer province ${own} and receive its conversion pool only: drop "province" or set it to ${own}.`,
      );
    }
    return own;
  }
  throw new ForbiddenError(
    `The province pool feed is for province and national administrators (your role: ${caller.roles.join(', ')}; roles: ${roles.join(', ')}).`,
  );
}

// ------------------------------------------------------------------------------------------- view

const evaluationStatuses: readonly string[] = ['open', 'closed'];

/** Public fields plus the evaluation state (never the contacts, amounts or bookkeeping). */
export function toPoolPatent(patent: Readonly<StoredPoolPatent>): PoolPatent {
  const status = patent.evaluationStatus;
  const view: PoolPatent = {
    ...toPublicPatent(patent),
    evaluationStatus: (status !== undefined && evaluationStatuses.includes(status)
      ? status
      : 'none') as EvaluationStatus,
  };
  if (typeof patent.evaluationDeadline === 'string') view.evaluationDeadline = patent.evaluationDeadline;
  // As the closing of the window stored it (schemas/evaluation.ts): counts only, no evaluator identities.
  if (patent.evaluationAggregate && typeof patent.evaluationAggregate === 'object')
    view.evaluationAggregate = patent.evaluationAggregate as EvaluationAggregate;
  return view;
}

/**
 * The tombstone of a patent read from the province partition that is no longer in the pool, or
 * undefined when it is: its recorded exit (`poolRemoval`), else the availability rules on `day`.
 */
export function removal(patent: Readonly<StoredPoolPatent>, day: string): PoolTombstone | undefined {
  const exit = patent.poolRemoval as { reason: PoolTombstone['removedReason']; at: string } | undefined;
  if (exit && typeof exit === 'object')
    return {
      applicationNumber: patent.applicationNumber,
      removed: true,
      removedReason: exit.reason,
      removedAt: exit.at,
    };
  const gone = unavailability(patent as unknown as AvailabilitySubject, day);
  if (gone && gone.reason !== 'not-granted')
    return {
      applicationNumber: patent.applicationNumber,
      removed: true,
      removedReason: gone.reason,
      removedAt: patent.updatedAt,
      ...(gone.until ? { until: gone.until } : {}),
    };
  // Read by the filter because it carries a removal, yet back in the pool: a plain pool patent.
  return undefined;
}

// ------------------------------------------------------------------------------------------- feed

/** What one request may read: at most maxReads reads of readLimit items each (before the filter). */
export const feedReads = { readLimit: 500, maxReads: 8 };
/** nextSince lies this far before the walk began: index propagation and clock skew between functions. */
export const syncMarginMs = 5 * 60_000;

export interface PoolFeedDeps {
  pool: PoolStore;
  now: () => Date;
  /** Overrides feedReads (tests). */
  reads?: { readLimit: number; maxReads: number };
}

/** `since` as stored times are written (toISOString, UTC): string order is then time order. */
function normalizeSince(since: string | undefined): string | undefined {
  if (since === undefined) return undefined;
  const time = Date.parse(since);
  if (Number.isNaN(time)) {
    throw new ValidationError(`"${since}" is not a time: use ISO 8601 such as 2024-07-01T00:00:00Z.`, [
      { in: 'query', field: 'since', message: 'not an ISO 8601 time' },
    ]);
  }
  return new Date(time).toISOString();
}

const badCursor = () => new InvalidCursorError('feed');

/**
 * GET /v1/pool. Reads province pages until `limit` patents are collected, the partition ends, or the
 * read budget is spent. The next cursor points right after the last patent returned when the page was
 * cut inside a read, and where the read stopped otherwise (the patents in between failed the filter),
 * so nothing is skipped or repeated and a request whose reads matched nothing still moves forward.
 */
export async function poolFeed(deps: PoolFeedDeps, caller: Caller, query: PoolFeedQuery): Promise<PoolPage> {
  const province = poolProvince(caller, query.province);
  const since = normalizeSince(query.since);
  const listing = `pool:${province}:${since ?? '*'}`;
  const decoded = decodeCursor(listing, query.cursor, 'feed');
  let startKey: StoreKey | undefined;
  let walkStarted: string;
  if (decoded) {
    const { k, t } = decoded;
    if (typeof t !== 'string' || Number.isNaN(Date.parse(t))) throw badCursor();
    if (!(k === null || (typeof k === 'object' && !Array.isArray(k)))) throw badCursor();
    startKey = (k ?? undefined) as StoreKey | undefined;
    walkStarted = t;
  } else {
    walkStarted = deps.now().toISOString();
  }

  const { readLimit, maxReads } = deps.reads ?? feedReads;
  const found: StoredPoolPatent[] = [];
  let done = false;
  for (let reads = 0; !done && found.length < query.limit && reads < maxReads; reads++) {
    const page = await deps.pool.readPage(province, since, startKey, readLimit);
    const wanted = query.limit - found.length;
    found.push(...page.items.slice(0, wanted).map((item) => item.patent));
    if (page.items.length > wanted) startKey = page.items[wanted - 1]!.key;
    else if (page.lastKey) startKey = page.lastKey;
    else done = true;
  }
  const nextSince = new Date(Date.parse(walkStarted) - syncMarginMs).toISOString();
  const nextCursor = done ? undefined : encodeCursor(listing, { k: startKey ?? null, t: walkStarted });
  // The day of the walk's start (no further clock read: every page of a walk judges by the same day).
  const day = chinaDate(new Date(walkStarted));
  const items = found.map((patent) => removal(patent, day) ?? toPoolPatent(patent));
  return { items, ...(nextCursor ? { nextCursor } : {}), nextSince };
}

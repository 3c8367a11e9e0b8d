/**
 * The expert pool (专利评价专家库; issue 15 item 7; docs/market.md, "The expert pool"). The Work Plan:
 * "各省级知识产权局会同当地有关部门……推荐懂技术和产品的专家入库" and "综合服务平台按产业领域组建专家库，供有需求的企业、
 * 高校进行选择". An expert saves its profile (PUT /v1/experts/me, functions/market/evaluators.ts) and
 * waits; the administrator of its province verifies it (it joins the pool) or rejects it with a reason
 * (it corrects its profile and saves again: pending again). Enterprises, institutions and
 * administrators list the verified experts by field: name, title, affiliation, fields, never a contact.
 * The DynamoDB adapter is expert-pool-store.ts; commissions are in commissions.ts.
 */
import type { ExpertListing, ExpertListQuery, VerifyExpert } from '../../schemas/experts.ts';
import type { Expert, ExpertStatus } from '../../schemas/market.ts';
import type { Caller } from '../../schemas/roles.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { allExpertsKey, expertStatusOf, fieldKey, toListing } from './directory.ts';

type Key = Record<string, unknown>;
export interface Page<T> {
  items: T[];
  lastKey?: Key;
}

export interface ExpertPoolStore {
  expert(expertId: string): Promise<Expert | undefined>;
  /**
   * Writes the decision on `previous` (the profile as read: conditioned on its version) with its audit
   * entry, then the directory entries; false when the profile changed meanwhile.
   */
  decideExpert(after: Expert, previous: Expert, caller: Caller): Promise<boolean>;
  /** One page of the directory partition of a field key (verified experts). */
  directory(fieldKey: string, limit: number, start?: Key): Promise<Page<ExpertListing>>;
  /** One page of a province's experts of a status (profiles saved before verification count as pending). */
  provinceExperts(
    provinceCode: string,
    status: ExpertStatus,
    limit: number,
    start?: Key,
  ): Promise<Page<Expert>>;
}

export interface ExpertPoolDeps {
  store: ExpertPoolStore;
  now: () => Date;
}

const isNational = (caller: Caller) => caller.roles.includes('national-admin');
const isAdmin = (caller: Caller) => isNational(caller) || caller.roles.includes('province-admin');
const administers = (caller: Caller, expert: Pick<Expert, 'provinceCode'>) =>
  isNational(caller) ||
  (caller.roles.includes('province-admin') && caller.provinceCode === expert.provinceCode);

/**
 * POST /v1/experts/{expertId}/verification: the administrator of the expert's province (or a national
 * one) verifies a pending expert (it is listed in the pool and can be commissioned) or rejects it with
 * a reason. Anyone else: 404. Deciding again: 409 naming the current status.
 */
export async function decideExpert(
  deps: ExpertPoolDeps,
  caller: Caller,
  expertId: string,
  decision: VerifyExpert,
): Promise<Expert> {
  const expert = await deps.store.expert(expertId);
  if (!expert || !administers(caller, expert))
    throw new NotFoundError(
      `No expert ${expertId} in your province: check the id (GET /v1/experts?status=pending lists those waiting).`,
    );
  const status = expertStatusOf(expert);
  if (status !== 'pending') {
    throw new ConflictError(
      `Expert ${expertId} is ${status}; only a pending profile can be verified or rejected${
        status === 'rejected'
          ? ': the expert corrects the profile and saves it again (it is then pending)'
          : ''
      }.`,
      { currentState: status, allowed: ['pending'] },
    );
  }
  if (decision.decision === 'rejected' && !decision.reason) {
    throw new ValidationError(
      'Say why the expert is not admitted to the pool, so the expert can correct the profile: add "reason".',
      [{ in: 'body', field: 'reason', message: 'required when rejecting' }],
    );
  }
  const at = deps.now().toISOString();
  const { rejectionReason: _previousReason, ...rest } = expert;
  const decided: Expert = {
    ...rest,
    status: decision.decision,
    ...(decision.decision === 'rejected' ? { rejectionReason: decision.reason } : {}),
    decidedAt: at,
    updatedAt: at,
    version: expert.version + 1,
  };
  if (!(await deps.store.decideExpert(decided, expert, caller)))
    throw new ConflictError(`Expert ${expertId} changed while you decided: read it again and decide again.`);
  return decided;
}

/**
 * GET /v1/experts: the pool (verified experts) by field, for enterprises, institutions and
 * administrators; with status pending / rejected, the experts of a province for its administrators.
 */
export async function listExperts(
  deps: ExpertPoolDeps,
  caller: Caller,
  query: ExpertListQuery,
): Promise<{ items: ExpertListing[]; nextCursor?: string }> {
  if (query.status === 'verified') {
    const key = query.field ? fieldKey(query.field) : allExpertsKey;
    const listing = `experts:${key}`;
    const page = await deps.store.directory(key, query.limit, decodeCursor(listing, query.cursor));
    const nextCursor = encodeCursor(listing, page.lastKey);
    return { items: page.items, ...(nextCursor ? { nextCursor } : {}) };
  }
  if (!isAdmin(caller)) {
    throw new ForbiddenError(
      'The expert pool lists verified experts only (status=verified, the default); experts waiting for verification are listed to the administrators of their province.',
    );
  }
  const province = isNational(caller) ? query.province : caller.provinceCode;
  if (!province) {
    throw new ValidationError('Name the province: add ?province=<GB/T 2260 code>.', [
      { in: 'query', field: 'province', message: 'required' },
    ]);
  }
  if (query.province && query.province !== province) {
    throw new ForbiddenError(
      `You administer province ${province}; you cannot list the experts of province ${query.province}.`,
    );
  }
  const listing = `experts:${province}:${query.status}`;
  const page = await deps.store.provinceExperts(
    province,
    query.status,
    query.limit,
    decodeCursor(listing, query.cursor),
  );
  const nextCursor = encodeCursor(listing, page.lastKey);
  return { items: page.items.map(toListing), ...(nextCursor ? { nextCursor } : {}) };
}

/**
 * The status a profile saved again takes: a new profile is pending; a verified one stays verified
 * unless its province (which recommends it) or its affiliation (which decides conflicts of interest)
 * changed; a rejected one, corrected, is pending again.
 */
export function statusAfterSave(
  previous: Expert | undefined,
  saved: Pick<Expert, 'provinceCode' | 'affiliationUscc'>,
): Pick<Expert, 'status' | 'decidedAt'> {
  if (
    previous &&
    expertStatusOf(previous) === 'verified' &&
    previous.provinceCode === saved.provinceCode &&
    previous.affiliationUscc === saved.affiliationUscc
  )
    return { status: 'verified', ...(previous.decidedAt ? { decidedAt: previous.decidedAt } : {}) };
  return { status: 'pending' };
}

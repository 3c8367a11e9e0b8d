/**
 * Enterprise technology needs (技术需求 / 揭榜挂帅), issue 15 item 4, and the institutions' answers
 * (揭榜: proposing their patents), item 5. Plain TypeScript over the NeedStore port, tested without AWS.
 *
 * Who may do what (docs/market.md, "Technology needs"):
 * - a verified enterprise posts its own needs; they wait for the review of its province; a province
 *   administrator (or a national one) posts for a verified enterprise of its province, open at once
 *   (the administrator is the reviewer, as with bulk-registered enterprises);
 * - the province administrator approves (open: listed, searchable, answerable) or rejects with a comment;
 * - the enterprise or an administrator closes a need (withdrawn) or marks it fulfilled;
 * - institutions read open needs and propose their own available patents for them; the enterprise and
 *   administrators read every proposal, an institution its own.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chinaDate } from '../../schemas/china-date.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Enterprise } from '../../schemas/market.ts';
import type { Need, NeedFunnel, NeedMatch, NeedStatus, PostNeed, Proposal } from '../../schemas/need.ts';
import type { Caller } from '../../schemas/roles.ts';
import { isAvailable } from '../search/availability.ts';
import { type AuditActor, actorLabel } from '../shared/audit.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';

type Page<T> = { items: T[]; nextCursor?: string };
type PageRequest = { limit: number; cursor?: string };

/** What proposing reads of a patent (the stored patent item). */
export interface NeedPatent {
  applicationNumber: string;
  institutionUscc: string;
  department?: string;
  title?: string;
  poolStatus?: string;
  legalStatus?: string;
  lifecycle?: string;
}

export interface NeedStore {
  enterprise(uscc: string): Promise<Enterprise | undefined>;
  need(needId: string): Promise<Need | undefined>;
  /**
   * Creates the need with its `need.posted` audit entry, one transaction, keeping the hash of the
   * request that posted it (Idempotency-Key); 'exists' when a need of that id exists already.
   */
  create(need: Need, caller: Caller, requestHash?: string): Promise<'created' | 'exists'>;
  /** The need with the hash of the request that posted it (for a replayed Idempotency-Key). */
  posted(needId: string): Promise<{ need: Need; requestHash?: string } | undefined>;
  /**
   * Replaces `previous` (conditioned on its version) with its audit entry, and queues `mail` with it when
   * given (one transaction); false when it changed meanwhile.
   */
  update(
    need: Need,
    previous: Need,
    action: string,
    caller: AuditActor,
    mail?: MailMessage,
  ): Promise<boolean>;
  /** Open needs whose deadline is before `day` (gsi3: soonest first), at most `limit`. */
  listOpenDue(day: string, limit: number): Promise<Need[]>;
  listOfEnterprise(uscc: string, status: NeedStatus | undefined, page: PageRequest): Promise<Page<Need>>;
  listOfProvince(provinceCode: string, status: NeedStatus, page: PageRequest): Promise<Page<Need>>;
  /** Open needs of every province, soonest deadline first (no deadline last). */
  listOpen(page: PageRequest): Promise<Page<Need>>;
  patent(applicationNumber: string): Promise<NeedPatent | undefined>;
  institutionName(uscc: string): Promise<string | undefined>;
  /**
   * Adds a proposal (one per need and patent) and counts it on the need, conditioned on the need being
   * open, with its audit entry: 'exists' when the patent was proposed already, 'closed' when the need
   * is no longer open.
   */
  addProposal(proposal: Proposal, caller: Caller): Promise<'created' | 'exists' | 'closed'>;
  listProposals(
    needId: string,
    institutionUscc: string | undefined,
    page: PageRequest,
  ): Promise<Page<Proposal>>;
  /** The need's matches with pool patents (need-matching.ts); an institution's only when named. */
  listMatches(
    needId: string,
    institutionUscc: string | undefined,
    page: PageRequest,
  ): Promise<Page<NeedMatch>>;
  /**
   * What the need's funnel counts (each list read up to `max` items; complete false beyond): its
   * matched and proposed patents (with the proposing institution), and the enterprise's requests to
   * negotiate (patent, status) and deals (their patents) created on or after `since`.
   */
  funnelReads(
    need: Need,
    since: string,
    max: number,
  ): Promise<{
    matched: string[];
    proposals: Array<{ applicationNumber: string; institutionUscc: string }>;
    interests: Array<{ applicationNumber: string; status: string }>;
    dealPatents: string[];
    complete: boolean;
  }>;
}

export interface NeedDeps {
  store: NeedStore;
  now: () => Date;
  newId?: () => string;
  /**
   * Matches a need that just opened with the pool and pushes the best patents to their institutions
   * (need-matching.ts). Absent: no matching (unit tests of the rest). A failure is reported, never
   * undoes the decision: `POST /v1/needs/{id}/review` stands, the need is open and searchable.
   */
  matchOpened?: (need: Need) => Promise<unknown>;
  onMatchFailed?: (needId: string, error: unknown) => void;
  /**
   * The email telling the enterprise of a review (need-mails.ts `renderNeedReviewed`), wired by the
   * review function only (it carries the portal setting and the mail layout); absent: not mailed.
   */
  reviewMail?: (decided: Need, enterpriseName: string) => MailMessage;
}

async function matchOpened(deps: NeedDeps, need: Need) {
  if (need.status !== 'open' || !deps.matchOpened) return;
  try {
    await deps.matchOpened(need);
  } catch (error) {
    deps.onMatchFailed?.(need.needId, error);
  }
}

const isNational = (caller: Caller) => caller.roles.includes('national-admin');
const isAdmin = (caller: Caller) => isNational(caller) || caller.roles.includes('province-admin');
const administers = (caller: Caller, provinceCode: string) =>
  isNational(caller) || (caller.roles.includes('province-admin') && caller.provinceCode === provinceCode);
const ownsNeed = (caller: Caller, need: Need) =>
  caller.roles.includes('enterprise') && caller.orgUscc === need.enterpriseUscc;
/** Once approved a need is public to institutions and experts (also after it closed: its history). */
const isPublished = (need: Need) => need.status !== 'pending' && need.status !== 'rejected';

function checkVersion(need: Need, expectedVersion: number | undefined) {
  if (expectedVersion !== undefined && expectedVersion !== need.version)
    throw new ConflictError(
      `Need ${need.needId} is at version ${need.version}, not ${expectedVersion}: read it again (GET /v1/needs/${need.needId}) and decide on what it says now.`,
      { currentVersion: need.version },
    );
}

/** A short stable hash of a value (the need's id from an Idempotency-Key, the request's hash). */
const hashOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22);

export async function postNeed(deps: NeedDeps, caller: Caller, input: PostNeed): Promise<Need> {
  return (await postNeedOnce(deps, caller, input)).need;
}

/**
 * POST /v1/needs. With an Idempotency-Key the need's id is derived from the enterprise and the key, so a
 * retried request (a lost answer, a double click, two concurrent sends) posts one need: the replay answers
 * the first need (created false, HTTP 200); the same key with another body is refused (409), as for
 * deals and payments (functions/transfer/deals.ts).
 */
export async function postNeedOnce(
  deps: NeedDeps,
  caller: Caller,
  input: PostNeed,
  idempotencyKey?: string,
): Promise<{ created: boolean; need: Need }> {
  const enterpriseCaller = caller.roles.includes('enterprise');
  let uscc = input.enterpriseUscc;
  if (enterpriseCaller) {
    if (!caller.orgUscc)
      throw new ForbiddenError(
        'Your account has no enterprise code (custom:uscc): register your enterprise with POST /v1/enterprises first.',
      );
    if (uscc && uscc !== caller.orgUscc)
      throw new ForbiddenError(
        `Your account belongs to ${caller.orgUscc}: an enterprise posts its own needs only, not those of ${uscc}.`,
      );
    uscc = caller.orgUscc;
  } else if (!uscc) {
    throw new ValidationError('Name the enterprise the need is posted for: add "enterpriseUscc".', [
      { in: 'body', field: 'enterpriseUscc', message: 'required for administrators' },
    ]);
  }
  const now = deps.now();
  const today = chinaDate(now);
  if (input.deadline !== undefined && input.deadline < today)
    throw new ValidationError(
      `The deadline ${input.deadline} is in the past (today is ${today} in China): give a date from today on.`,
      [{ in: 'body', field: 'deadline', message: 'in the past' }],
    );
  const enterprise = await deps.store.enterprise(uscc);
  if (!enterpriseCaller && (!enterprise || !administers(caller, enterprise.provinceCode)))
    throw new NotFoundError(
      `No enterprise ${uscc} in your province: register it first (POST /v1/enterprises), or check the code.`,
    );
  if (enterprise?.status !== 'verified')
    throw new ForbiddenError(
      `Enterprise ${uscc} is ${enterprise?.status ?? 'not registered'}: only a verified enterprise posts technology needs. ${
        enterprise
          ? 'Ask the administrator of your province to verify the registration (GET /v1/enterprises/{uscc} shows its state).'
          : 'Register it with POST /v1/enterprises first.'
      }`,
    );
  const at = now.toISOString();
  const byAdmin = !enterpriseCaller;
  const { enterpriseUscc: _named, ...fields } = input;
  const requestHash = hashOf({ enterpriseUscc: enterprise.uscc, ...fields });
  const needId = idempotencyKey
    ? `n-${hashOf(['need', enterprise.uscc, idempotencyKey])}`
    : (deps.newId?.() ?? randomUUID());
  const replay = async () => {
    const existing = await deps.store.posted(needId);
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash)
      throw new ConflictError(
        `The Idempotency-Key "${idempotencyKey}" already posted need ${needId} with other contents: read it with GET /v1/needs/${needId}, or send a new key for a new need.`,
        { needId },
      );
    return { created: false, need: existing.need };
  };
  if (idempotencyKey) {
    const earlier = await replay();
    if (earlier) return earlier;
  }
  const need: Need = {
    needId,
    ...fields,
    enterpriseUscc: enterprise.uscc,
    enterpriseName: enterprise.name,
    provinceCode: enterprise.provinceCode,
    status: byAdmin ? 'open' : 'pending',
    ...(byAdmin
      ? {
          reviewedAt: at,
          reviewedBy: actorLabel(caller),
          reviewComment: '由省级管理员代为发布 / posted by the administrator',
        }
      : {}),
    proposalCount: 0,
    createdAt: at,
    createdBy: actorLabel(caller),
    updatedAt: at,
    version: 1,
  };
  if ((await deps.store.create(need, caller, idempotencyKey ? requestHash : undefined)) === 'exists') {
    // A concurrent request with the same key posted it first: answer that one.
    const earlier = idempotencyKey ? await replay() : undefined;
    if (earlier) return earlier;
    throw new ConflictError(
      `Need ${needId} was being posted at the same moment: list your needs with GET /v1/needs and post again if it is absent.`,
    );
  }
  await matchOpened(deps, need);
  return { created: true, need };
}

/** The need as the caller may see it, or 404 (another enterprise's, another province's, not yet public). */
export async function getNeed(deps: NeedDeps, caller: Caller, needId: string): Promise<Need> {
  const need = await deps.store.need(needId);
  const visible =
    need &&
    (ownsNeed(caller, need) ||
      administers(caller, need.provinceCode) ||
      ((caller.roles.includes('institution') || caller.roles.includes('expert')) && isPublished(need)));
  if (!need || !visible)
    throw new NotFoundError(
      `No need ${needId} in your scope: list the needs you may see with GET /v1/needs.`,
    );
  return need;
}

export async function listNeeds(
  deps: NeedDeps,
  caller: Caller,
  query: { status?: NeedStatus; province?: string; limit: number; cursor?: string },
): Promise<Page<Need>> {
  if (caller.roles.includes('enterprise')) {
    if (!caller.orgUscc) return { items: [] };
    return deps.store.listOfEnterprise(caller.orgUscc, query.status, query);
  }
  if (isAdmin(caller)) {
    const province = isNational(caller) ? query.province : caller.provinceCode;
    if (!isNational(caller) && query.province && query.province !== province)
      throw new ForbiddenError(
        `You administer province ${province}; you cannot list the needs of ${query.province}.`,
      );
    if (!province) {
      if (query.status === 'open') return deps.store.listOpen(query);
      throw new ValidationError(
        'Name the province: add ?province=<GB/T 2260 code> (or ?status=open for every open need).',
        [{ in: 'query', field: 'province', message: 'required' }],
      );
    }
    return deps.store.listOfProvince(province, query.status ?? 'pending', query);
  }
  // Institutions and experts: the open needs, every province.
  if (query.status && query.status !== 'open')
    throw new ValidationError(
      'Institutions and experts list open needs only: drop status or send status=open.',
      [{ in: 'query', field: 'status', message: 'only open is allowed for your role' }],
    );
  if (query.province)
    throw new ValidationError(
      'The open needs are listed for every province at once: drop province, or search them with GET /v1/search/needs?q=...&province=.',
      [{ in: 'query', field: 'province', message: 'not a filter of this listing for your role' }],
    );
  return deps.store.listOpen(query);
}

async function needToDecide(deps: NeedDeps, caller: Caller, needId: string) {
  const need = await deps.store.need(needId);
  if (!need || !administers(caller, need.provinceCode))
    throw new NotFoundError(
      `No need ${needId} in your province: list them with GET /v1/needs?status=pending.`,
    );
  return need;
}

export async function reviewNeed(
  deps: NeedDeps,
  caller: Caller,
  needId: string,
  input: { decision: 'approved' | 'rejected'; comment?: string; expectedVersion?: number },
): Promise<Need> {
  const need = await needToDecide(deps, caller, needId);
  checkVersion(need, input.expectedVersion);
  if (need.status !== 'pending')
    throw new ConflictError(
      `Need ${needId} is ${need.status}; only a pending need is approved or rejected.`,
      {
        currentState: need.status,
        allowed: ['pending'],
      },
    );
  if (input.decision === 'rejected' && !input.comment)
    throw new ValidationError('Say why the need is rejected, so the enterprise can fix it: add "comment".', [
      { in: 'body', field: 'comment', message: 'required when rejecting' },
    ]);
  const at = deps.now().toISOString();
  const decided: Need = {
    ...need,
    status: input.decision === 'approved' ? 'open' : 'rejected',
    ...(input.comment ? { reviewComment: input.comment } : {}),
    reviewedAt: at,
    reviewedBy: actorLabel(caller),
    updatedAt: at,
    version: need.version + 1,
  };
  // The enterprise is told the outcome, in the same transaction as the decision.
  const enterprise = deps.reviewMail ? await deps.store.enterprise(need.enterpriseUscc) : undefined;
  const email = enterprise?.contact?.email;
  const mail =
    email && deps.reviewMail ? { ...deps.reviewMail(decided, enterprise.name), to: [email] } : undefined;
  if (!(await deps.store.update(decided, need, `need.${input.decision}`, caller, mail)))
    throw new ConflictError(`Need ${needId} changed while you reviewed it: read it again.`);
  await matchOpened(deps, decided);
  return decided;
}

export async function closeNeed(
  deps: NeedDeps,
  caller: Caller,
  needId: string,
  input: { outcome: 'closed' | 'fulfilled'; comment?: string; expectedVersion?: number },
): Promise<Need> {
  const need = await deps.store.need(needId);
  if (!need || !(ownsNeed(caller, need) || administers(caller, need.provinceCode)))
    throw new NotFoundError(`No need ${needId} of yours: list yours with GET /v1/needs.`);
  checkVersion(need, input.expectedVersion);
  const allowed: NeedStatus[] = input.outcome === 'fulfilled' ? ['open'] : ['pending', 'open'];
  if (!allowed.includes(need.status))
    throw new ConflictError(
      `Need ${needId} is ${need.status}: it can be marked ${input.outcome} only while ${allowed.join(' or ')}.`,
      { currentState: need.status, allowed },
    );
  const at = deps.now().toISOString();
  const closed: Need = {
    ...need,
    status: input.outcome,
    ...(input.outcome === 'closed' ? { closeReason: 'withdrawn' as const } : {}),
    closedAt: at,
    ...(input.comment ? { closeComment: input.comment } : {}),
    updatedAt: at,
    version: need.version + 1,
  };
  if (!(await deps.store.update(closed, need, `need.${input.outcome}`, caller)))
    throw new ConflictError(`Need ${needId} changed meanwhile: read it again.`);
  return closed;
}

/**
 * 揭榜: an institution proposes its own available patents for an open need whose deadline has not
 * passed. Another institution's patent is refused (403) before anything is written; a patent proposed
 * already is reported under `existing`.
 */
export async function proposePatents(
  deps: NeedDeps,
  caller: Caller,
  needId: string,
  input: { applicationNumbers: string[]; message: string },
): Promise<{ created: Proposal[]; existing: string[] }> {
  const uscc = caller.orgUscc;
  if (!uscc)
    throw new ForbiddenError(
      'Your account has no institution (custom:uscc): ask your province administrator to set it.',
    );
  const need = await getNeed(deps, caller, needId);
  const today = chinaDate(deps.now());
  if (need.status !== 'open' || (need.deadline !== undefined && need.deadline < today))
    throw new ConflictError(
      need.status === 'open'
        ? `Need ${needId} took proposals until ${need.deadline}: it is past its deadline.`
        : `Need ${needId} is ${need.status}: proposals are taken while a need is open.`,
      { currentState: need.status, allowed: ['open'] },
    );
  const numbers = [...new Set(input.applicationNumbers)];
  const patents: NeedPatent[] = [];
  for (const number of numbers) {
    const patent = await deps.store.patent(number);
    if (!patent) throw new NotFoundError(`No patent ${number}: check the application number.`);
    if (patent.institutionUscc !== uscc || (caller.department && patent.department !== caller.department))
      throw new ForbiddenError(
        `Patent ${number} is not ${caller.department ? "your department's" : "your institution's"}: propose your own patents only.`,
      );
    if (!isAvailable(patent as unknown as Record<string, unknown>))
      throw new ConflictError(
        `Patent ${number} is not available for conversion (it is not in the conversion pool, not in force, or transferred): propose patents in the pool.`,
      );
    patents.push(patent);
  }
  const institutionName = (await deps.store.institutionName(uscc)) ?? uscc;
  const at = deps.now().toISOString();
  const created: Proposal[] = [];
  const existing: string[] = [];
  for (const patent of patents) {
    const proposal: Proposal = {
      needId,
      applicationNumber: patent.applicationNumber,
      institutionUscc: uscc,
      institutionName,
      patentTitle: patent.title ?? '',
      message: input.message,
      createdAt: at,
      createdBy: actorLabel(caller),
    };
    const outcome = await deps.store.addProposal(proposal, caller);
    if (outcome === 'closed')
      throw new ConflictError(`Need ${needId} closed while you proposed: read it again.`, {
        proposed: created.map((p) => p.applicationNumber),
      });
    if (outcome === 'exists') existing.push(patent.applicationNumber);
    else created.push(proposal);
  }
  return { created, existing };
}

export async function listProposals(
  deps: NeedDeps,
  caller: Caller,
  needId: string,
  page: PageRequest,
): Promise<Page<Proposal>> {
  const need = await getNeed(deps, caller, needId);
  if (ownsNeed(caller, need) || administers(caller, need.provinceCode))
    return deps.store.listProposals(needId, undefined, page);
  if (caller.roles.includes('institution') && caller.orgUscc)
    return deps.store.listProposals(needId, caller.orgUscc, page);
  throw new NotFoundError(
    `No proposals of need ${needId} in your scope: the enterprise and institutions read them.`,
  );
}

/** The pool patents matched with a need: the enterprise and administrators read all, an institution its own. */
export async function listMatches(
  deps: NeedDeps,
  caller: Caller,
  needId: string,
  page: PageRequest,
): Promise<Page<NeedMatch>> {
  const need = await getNeed(deps, caller, needId);
  if (ownsNeed(caller, need) || administers(caller, need.provinceCode))
    return deps.store.listMatches(needId, undefined, page);
  if (caller.roles.includes('institution') && caller.orgUscc)
    return deps.store.listMatches(needId, caller.orgUscc, page);
  throw new NotFoundError(
    `No matches of need ${needId} in your scope: the enterprise and institutions read them.`,
  );
}

/** How many items each list of a need's funnel reads at most (bounded cost; `complete: false` beyond). */
export const needFunnelLimit = 5_000;

/**
 * GET /v1/needs/{id}/funnel: need -> patents matched and proposed -> the enterprise's requests to
 * negotiate about them -> negotiations opened (accepted) -> deals with the enterprise, counted from the
 * day the need was posted. The enterprise that posted it and the administrators of its province.
 */
export async function needFunnel(deps: NeedDeps, caller: Caller, needId: string): Promise<NeedFunnel> {
  const need = await deps.store.need(needId);
  if (!need || !(ownsNeed(caller, need) || administers(caller, need.provinceCode)))
    throw new NotFoundError(
      `No need ${needId} of yours: the enterprise that posted it and its province's administrators read its funnel (GET /v1/needs lists yours).`,
    );
  const reads = await deps.store.funnelReads(need, need.createdAt, needFunnelLimit);
  const patents = new Set([...reads.matched, ...reads.proposals.map((p) => p.applicationNumber)]);
  const asked = reads.interests.filter((i) => patents.has(i.applicationNumber));
  return {
    needId,
    enterpriseUscc: need.enterpriseUscc,
    status: need.status,
    matched: new Set(reads.matched).size,
    proposed: new Set(reads.proposals.map((p) => p.applicationNumber)).size,
    proposingInstitutions: new Set(reads.proposals.map((p) => p.institutionUscc)).size,
    patents: patents.size,
    interest: new Set(asked.map((i) => i.applicationNumber)).size,
    negotiation: new Set(asked.filter((i) => i.status === 'accepted').map((i) => i.applicationNumber)).size,
    deal: new Set(reads.dealPatents.filter((n) => patents.has(n))).size,
    complete: reads.complete,
  };
}

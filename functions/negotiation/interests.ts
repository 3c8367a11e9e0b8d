/**
 * Negotiation (issue 13, item 8; docs/transfer.md, "Negotiation"). Pure use-cases over the ports below;
 * the DynamoDB adapter is interest-store.ts.
 *
 * - An enterprise that found a patent (a push, the pool, search) asks the institution to negotiate or
 *   for a contact: POST /v1/patents/{n}/interest. Only verified enterprises, only patents on offer. One
 *   request per enterprise and patent (the item's key): the same request again answers the recorded one.
 *   The institution is told by mail, in the transaction of the request.
 * - The institution answers: accept (its contact is revealed to that enterprise only, and the patent
 *   takes `negotiationOpened`, a versioned transition with its audit entry and pipeline event, in the
 *   same transaction) or decline with a reason. The enterprise is told by mail, in the same
 *   transaction. An answer is final: answering again is 409 saying what to do instead.
 * - Who sees a request: its enterprise and its institution (department users: their department's
 *   patents, read only: answering binds the institution, like deals). Nobody else (404).
 * - The funnel pushed -> evaluated -> interest -> negotiation -> deal, per patent and per institution.
 */
import { chinaDate } from '../../schemas/china-date.ts';
import type {
  InstitutionFunnel,
  Interest,
  InterestDecision,
  InterestInput,
  InterestListQuery,
  InterestStatus,
  PatentFunnel,
} from '../../schemas/interest.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Caller } from '../../schemas/roles.ts';
import type { AvailabilitySubject } from '../patents/availability.ts';
import { notAvailableError, PatentNotAvailableError } from '../patents/availability.ts';
import { planTransition, type TransitionSubject } from '../pipeline/transitions.ts';
import { actorLabel } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.ts';
import { hashOf, ownOrganization, requireVerifiedEnterprise } from '../transfer/access.ts';
import type { EnterpriseProfile, InstitutionProfile, Page } from '../transfer/ports.ts';

// --------------------------------------------------------------------------------------------- ports

export interface InterestPatent extends TransitionSubject, AvailabilitySubject {
  institutionUscc: string;
  provinceCode: string;
  title?: string;
  department?: string;
  poolStatus?: string;
  poolRemoval?: { reason: string; at: string };
}

export interface InterestEnterprise extends EnterpriseProfile {
  contact?: { name: string; email?: string; phone?: string };
}

/** The stored request: the view plus what only the writers read. */
export interface StoredInterest extends Interest {
  enterpriseProvinceCode?: string;
  /** sha256 of what was asked: the same request again is recognized by it. */
  requestHash: string;
  idempotencyKey?: string;
}

export type InterestListing =
  | { by: 'institution'; uscc: string; department?: string }
  | { by: 'enterprise'; uscc: string };

/** What the accept writes on the patent: the `negotiationOpened` transition of the patent as read. */
export interface NegotiationTransition {
  patent: InterestPatent;
  eventId: string;
  details: Record<string, unknown>;
}

export interface InterestStore {
  patent(applicationNumber: string): Promise<InterestPatent | undefined>;
  institution(uscc: string): Promise<InstitutionProfile | undefined>;
  enterprise(uscc: string): Promise<InterestEnterprise | undefined>;
  interest(applicationNumber: string, enterpriseUscc: string): Promise<StoredInterest | undefined>;
  /** Creates the request (absent before) with its audit entry and the mail: 'exists' when it was there. */
  create(
    interest: StoredInterest,
    caller: Caller,
    mail: MailMessage | undefined,
  ): Promise<'created' | 'exists'>;
  /**
   * Writes the answer (conditioned on the version read and the status pending) with its audit entry,
   * the mail and, on accept, the transition: 'conflict' when the request or the patent changed since read.
   */
  decide(
    before: StoredInterest,
    after: StoredInterest,
    caller: Caller,
    mail: MailMessage | undefined,
    transition: NegotiationTransition | undefined,
  ): Promise<'saved' | 'conflict'>;
  list(
    listing: InterestListing,
    status: InterestStatus | undefined,
    limit: number,
    start?: Record<string, unknown>,
  ): Promise<Page<StoredInterest>>;
  /** The counts of one patent's partition: requests pushed, evaluations, requests by status, deals. */
  patentCounts(applicationNumber: string): Promise<{
    pushed: number;
    evaluated: number;
    interests: Record<InterestStatus, number>;
    deals: number;
  }>;
  /** The institution's patents as the funnel reads them, up to `max`; complete false when more exist. */
  institutionPatents(
    uscc: string,
    max: number,
  ): Promise<{
    patents: Array<{ applicationNumber: string; evaluationOpenedAt?: string; evaluationCount?: number }>;
    complete: boolean;
  }>;
  /** The application numbers of the institution's deals. */
  institutionDealPatents(uscc: string): Promise<string[]>;
  /** Every request the institution received: number and status. */
  institutionInterests(uscc: string): Promise<Array<{ applicationNumber: string; status: InterestStatus }>>;
}

export interface InterestDeps {
  store: InterestStore;
  now: () => Date;
}

// ------------------------------------------------------------------------------------------- errors

/** 409: the request was answered already; the message says what to do instead. */
export class InterestAlreadyDecidedError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'INTEREST_ALREADY_DECIDED';
}

/** 409: the enterprise asked about this patent before, with other contents. */
export class InterestExistsError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'INTEREST_EXISTS';
}

// -------------------------------------------------------------------------------------------- views

export const interestIdOf = (applicationNumber: string, enterpriseUscc: string) =>
  `${applicationNumber}~${enterpriseUscc}`;

/** The number and the enterprise of a request id, or undefined when it is not one. */
export function parseInterestId(
  interestId: string,
): { applicationNumber: string; enterpriseUscc: string } | undefined {
  const at = interestId.lastIndexOf('~');
  if (at <= 0 || at === interestId.length - 1) return undefined;
  return { applicationNumber: interestId.slice(0, at), enterpriseUscc: interestId.slice(at + 1) };
}

const viewFields = [
  'interestId',
  'applicationNumber',
  'title',
  'institutionUscc',
  'institutionName',
  'department',
  'enterprise',
  'purpose',
  'message',
  'foundVia',
  'status',
  'createdAt',
  'decidedAt',
  'decidedBy',
  'declineReason',
  'answer',
  'institutionContact',
  'version',
] as const satisfies ReadonlyArray<keyof Interest>;

/** The view of a stored request: the declared fields only (never the hash, key or storage attributes). */
export function toInterestView(stored: StoredInterest): Interest {
  const view: Record<string, unknown> = {};
  for (const field of viewFields) if (stored[field] !== undefined) view[field] = stored[field];
  return view as Interest;
}

// -------------------------------------------------------------------------------------------- scope

const isEnterprise = (caller: Caller) => caller.roles.includes('enterprise');
const isInstitution = (caller: Caller) => caller.roles.includes('institution');

/** Whether the caller sees the request: its enterprise, its institution (a department user: its department's). */
export function canSeeInterest(
  caller: Caller,
  interest: Pick<StoredInterest, 'institutionUscc' | 'department' | 'enterprise'>,
): boolean {
  if (isEnterprise(caller) && caller.orgUscc === interest.enterprise.uscc) return true;
  if (isInstitution(caller) && caller.orgUscc === interest.institutionUscc)
    return caller.department === undefined || caller.department === interest.department;
  return false;
}

const notFound = (interestId: string) =>
  new NotFoundError(
    `No request ${interestId} in your scope: check the id, or list your requests with GET /v1/interests.`,
  );

async function interestInScope(deps: InterestDeps, caller: Caller, interestId: string) {
  const id = parseInterestId(interestId);
  const stored = id ? await deps.store.interest(id.applicationNumber, id.enterpriseUscc) : undefined;
  if (!stored || !canSeeInterest(caller, stored)) throw notFound(interestId);
  return stored;
}

// ------------------------------------------------------------------------------------------ ask

const enterpriseView = (enterprise: InterestEnterprise): StoredInterest['enterprise'] => ({
  uscc: enterprise.uscc,
  ...(enterprise.name ? { name: enterprise.name } : {}),
  ...(enterprise.contact ? { contact: enterprise.contact } : {}),
});

/** Why the patent takes no request (409 PATENT_NOT_AVAILABLE with the reason), or 404 when never offered. */
function refuseUnavailable(patent: InterestPatent | undefined, applicationNumber: string, day: string) {
  const notOffered = new NotFoundError(
    `No patent ${applicationNumber} in the conversion pool: check the application number (GET /v1/search/patents and GET /v1/patents list the patents on offer).`,
  );
  if (!patent || (patent.poolStatus !== 'conversion' && !patent.poolRemoval)) throw notOffered;
  const gone = notAvailableError(patent, day, {
    en: 'not open to negotiation',
    next: 'look for other patents in the pool (GET /v1/search/patents).',
  });
  if (gone) throw gone;
  if (patent.poolStatus !== 'conversion') {
    throw new PatentNotAvailableError(
      `Patent ${applicationNumber} left the conversion pool (${patent.poolRemoval?.reason ?? 'base pool'}), so it is not open to negotiation: look for other patents in the pool (GET /v1/search/patents).`,
      {
        applicationNumber,
        reason: 'not-in-pool',
        messageZh: `专利 ${applicationNumber} 已移出转化资源库`,
      },
    );
  }
}

const institutionMail = (interest: StoredInterest, to: string): MailMessage => {
  const who = interest.enterprise.name ?? interest.enterprise.uscc;
  return {
    to: [to],
    subject: `专利 ${interest.applicationNumber} 收到洽谈请求 / A request to negotiate for patent ${interest.applicationNumber}`,
    text: [
      `${who}（${interest.enterprise.uscc}）${interest.purpose === 'contact' ? '希望获得联系方式' : '希望洽谈'}：专利 ${interest.applicationNumber}${interest.title ? `「${interest.title}」` : ''}。`,
      `留言：${interest.message}`,
      '',
      `${who} asks ${interest.purpose === 'contact' ? 'for a contact' : 'to negotiate'} about patent ${interest.applicationNumber}.`,
      `Accept (your contact is then shown to this enterprise only) or decline with a reason: POST /v1/interests/${interest.interestId}/decision (the request: GET /v1/interests/${interest.interestId}).`,
    ].join('\n'),
    attachments: [],
  };
};

/**
 * POST /v1/patents/{n}/interest: a verified enterprise asks to negotiate or for a contact. Answers
 * `created: false` with the recorded request when the same request was made before.
 */
export async function expressInterest(
  deps: InterestDeps,
  caller: Caller,
  applicationNumber: string,
  input: InterestInput,
  idempotencyKey?: string,
): Promise<{ created: boolean; interest: Interest }> {
  const uscc = ownOrganization(caller, 'enterprise');
  await requireVerifiedEnterprise(deps, uscc, 'ask to negotiate for a patent');
  const requestHash = hashOf({ purpose: input.purpose, message: input.message, foundVia: input.foundVia });
  const interestId = interestIdOf(applicationNumber, uscc);
  const replay = (existing: StoredInterest) => {
    if (existing.requestHash === requestHash) return { created: false, interest: toInterestView(existing) };
    if (idempotencyKey && existing.idempotencyKey === idempotencyKey) {
      throw new ConflictError(
        `The Idempotency-Key "${idempotencyKey}" already recorded request ${interestId} with other contents: read it with GET /v1/interests/${interestId}; a request with other contents needs no key reuse.`,
        { interestId },
      );
    }
    throw new InterestExistsError(
      `You asked about patent ${applicationNumber} on ${existing.createdAt.slice(0, 10)} already (status ${existing.status}): one request per patent; ${
        existing.status === 'pending'
          ? 'wait for the institution to answer'
          : existing.status === 'accepted'
            ? 'the contact is in the request'
            : `it was declined (${existing.declineReason ?? 'no reason given'})`
      }: read it with GET /v1/interests/${interestId}.`,
      { interestId, status: existing.status },
    );
  };
  const existing = await deps.store.interest(applicationNumber, uscc);
  if (existing) return replay(existing);

  const patent = await deps.store.patent(applicationNumber);
  const now = deps.now();
  refuseUnavailable(patent, applicationNumber, chinaDate(now));
  const offered = patent!;
  const [enterprise, institution] = await Promise.all([
    deps.store.enterprise(uscc),
    deps.store.institution(offered.institutionUscc),
  ]);
  const createdAt = now.toISOString();
  const interest: StoredInterest = {
    interestId,
    applicationNumber,
    ...(offered.title ? { title: offered.title } : {}),
    institutionUscc: offered.institutionUscc,
    ...(institution?.name ? { institutionName: institution.name } : {}),
    ...(offered.department ? { department: offered.department } : {}),
    enterprise: enterpriseView(enterprise ?? { uscc }),
    ...(enterprise?.provinceCode ? { enterpriseProvinceCode: enterprise.provinceCode } : {}),
    purpose: input.purpose,
    message: input.message,
    ...(input.foundVia ? { foundVia: input.foundVia } : {}),
    status: 'pending',
    createdAt,
    version: 1,
    requestHash,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
  const mail = institution?.contactEmail ? institutionMail(interest, institution.contactEmail) : undefined;
  if ((await deps.store.create(interest, caller, mail)) === 'exists') {
    // Made at the same moment by another request of the same enterprise.
    const raced = await deps.store.interest(applicationNumber, uscc);
    if (raced) return replay(raced);
    throw new ConflictError(
      `Your request for patent ${applicationNumber} was being recorded at the same moment: read it with GET /v1/interests/${interestId} and send it again if absent.`,
    );
  }
  return { created: true, interest: toInterestView(interest) };
}

// -------------------------------------------------------------------------------------------- read

export async function getInterest(deps: InterestDeps, caller: Caller, interestId: string): Promise<Interest> {
  return toInterestView(await interestInScope(deps, caller, interestId));
}

/** GET /v1/interests: institutions the requests they received (department users: their department's), enterprises their own. */
export async function listInterests(deps: InterestDeps, caller: Caller, query: InterestListQuery) {
  const listing: InterestListing = isInstitution(caller)
    ? {
        by: 'institution',
        uscc: ownOrganization(caller, 'institution'),
        ...(caller.department !== undefined ? { department: caller.department } : {}),
      }
    : { by: 'enterprise', uscc: ownOrganization(caller, 'enterprise') };
  const name = `interests:${JSON.stringify(listing)}:${query.status ?? ''}`;
  const page = await deps.store.list(listing, query.status, query.limit, decodeCursor(name, query.cursor));
  const items = page.items.filter((item) => canSeeInterest(caller, item)).map(toInterestView);
  return { items, ...(page.lastKey ? { nextCursor: encodeCursor(name, page.lastKey) } : {}) };
}

// ------------------------------------------------------------------------------------------ answer

const enterpriseMail = (interest: StoredInterest, to: string): MailMessage => {
  const accepted = interest.status === 'accepted';
  const contact = interest.institutionContact;
  const who = interest.institutionName ?? interest.institutionUscc;
  return {
    to: [to],
    subject: `专利 ${interest.applicationNumber} 洽谈请求${accepted ? '已接受' : '未被接受'} / Your request for patent ${interest.applicationNumber} was ${accepted ? 'accepted' : 'declined'}`,
    text: [
      accepted
        ? `${who} 已接受您关于专利 ${interest.applicationNumber} 的洽谈请求。联系人：${contact?.name ?? ''} ${contact?.email ?? ''} ${contact?.phone ?? ''}`.trim()
        : `${who} 未接受您关于专利 ${interest.applicationNumber} 的洽谈请求。原因：${interest.declineReason ?? ''}`,
      ...(interest.answer ? [`留言：${interest.answer}`] : []),
      '',
      accepted
        ? `${who} accepted your request about patent ${interest.applicationNumber}: contact ${contact?.name ?? ''} ${contact?.email ?? ''} ${contact?.phone ?? ''}`.trim()
        : `${who} declined your request about patent ${interest.applicationNumber}: ${interest.declineReason ?? ''}`,
      `The request: GET /v1/interests/${interest.interestId}`,
    ].join('\n'),
    attachments: [],
  };
};

/**
 * POST /v1/interests/{id}/decision: the institution accepts (contact revealed to that enterprise,
 * `negotiationOpened`) or declines with a reason. Institution-level users of the patent's institution.
 */
export async function decideInterest(
  deps: InterestDeps,
  caller: Caller,
  interestId: string,
  decision: InterestDecision,
): Promise<Interest> {
  const stored = await interestInScope(deps, caller, interestId);
  if (!isInstitution(caller) || caller.orgUscc !== stored.institutionUscc) {
    // The enterprise sees its request but does not answer it.
    throw new ForbiddenError(
      'The institution that holds the patent answers a request: you can read it (GET /v1/interests/{interestId}) and wait for the answer.',
    );
  }
  if (caller.department !== undefined) {
    throw new ForbiddenError(
      `Only institution-level users (technology transfer office) answer a request to negotiate: it binds the whole institution, and your account is scoped to the department ${caller.department}. Ask them to answer it.`,
    );
  }
  if (decision.decision === 'decline' && !decision.reason) {
    throw new ValidationError('Say why you decline (reason): the enterprise is told.', [
      { in: 'body', field: 'reason', message: 'required to decline' },
    ]);
  }
  if (stored.status !== 'pending') {
    throw new InterestAlreadyDecidedError(
      stored.status === 'accepted'
        ? `Request ${interestId} was accepted on ${stored.decidedAt?.slice(0, 10)}: the enterprise has your contact and the negotiation is open. ${
            decision.decision === 'accept'
              ? 'Nothing more to do here; when you agree, record the deal (POST /v1/deals).'
              : 'To end it without a deal, tell the enterprise directly (its contact is in the request).'
          }`
        : `Request ${interestId} was declined on ${stored.decidedAt?.slice(0, 10)} (${stored.declineReason ?? 'no reason'}): an answer is final. To negotiate after all, write to the enterprise at its contact (enterprise.contact in the request), and record the deal when you agree (POST /v1/deals).`,
      { interestId, status: stored.status, decidedAt: stored.decidedAt },
    );
  }
  const now = deps.now();
  const at = now.toISOString();
  let transition: NegotiationTransition | undefined;
  let institutionContact: StoredInterest['institutionContact'];
  if (decision.decision === 'accept') {
    const patent = await deps.store.patent(stored.applicationNumber);
    if (!patent || patent.institutionUscc !== stored.institutionUscc) throw notFound(interestId);
    const gone = notAvailableError(patent, chinaDate(now), {
      en: 'no longer open to negotiation',
      next: 'decline the request with that reason (decision decline).',
    });
    if (gone) throw gone;
    // 409 ILLEGAL_TRANSITION (current state, allowed events) before anything is written.
    planTransition(patent, { event: 'negotiationOpened' });
    const institution = await deps.store.institution(stored.institutionUscc);
    institutionContact = decision.contact
      ? {
          name: decision.contact.name,
          email: decision.contact.email,
          ...(decision.contact.phone ? { phone: decision.contact.phone } : {}),
        }
      : institution?.contactEmail
        ? { name: institution.name ?? stored.institutionUscc, email: institution.contactEmail }
        : undefined;
    if (!institutionContact) {
      throw new ValidationError(
        'Your institution has no contact email on record: give the contact to reveal to the enterprise (contact: { name, email, phone? }).',
        [{ in: 'body', field: 'contact', message: 'required: the institution has no contact email' }],
      );
    }
    transition = {
      patent,
      // One negotiation per enterprise and patent: a replay finds the marker.
      eventId: `negotiationOpened:${stored.applicationNumber}:${stored.enterprise.uscc}`,
      details: { interestId, enterpriseUscc: stored.enterprise.uscc, purpose: stored.purpose },
    };
  }
  const after: StoredInterest = {
    ...stored,
    status: decision.decision === 'accept' ? 'accepted' : 'declined',
    decidedAt: at,
    decidedBy: actorLabel(caller),
    ...(decision.decision === 'decline' ? { declineReason: decision.reason } : {}),
    ...(institutionContact ? { institutionContact } : {}),
    ...(decision.message ? { answer: decision.message } : {}),
    version: stored.version + 1,
  };
  const to = stored.enterprise.contact?.email;
  const mail = to ? enterpriseMail(after, to) : undefined;
  if ((await deps.store.decide(stored, after, caller, mail, transition)) === 'conflict') {
    throw new ConflictError(
      `Request ${interestId} or its patent changed at the same moment: read the request again (GET /v1/interests/${interestId}) and answer again if it is still pending.`,
    );
  }
  return toInterestView(after);
}

// ------------------------------------------------------------------------------------------ funnel

/** The funnel of one patent: the owning institution (any department), its province admins, national admins. */
export async function patentFunnel(
  deps: InterestDeps,
  caller: Caller,
  applicationNumber: string,
): Promise<PatentFunnel> {
  const patent = await deps.store.patent(applicationNumber);
  const visible =
    patent &&
    (caller.roles.includes('national-admin') ||
      (caller.roles.includes('province-admin') && caller.provinceCode === patent.provinceCode) ||
      (isInstitution(caller) && caller.orgUscc === patent.institutionUscc));
  if (!visible) {
    throw new NotFoundError(
      `No patent ${applicationNumber} in your scope: check the application number, or list patents with GET /v1/patents.`,
    );
  }
  const counts = await deps.store.patentCounts(applicationNumber);
  return {
    applicationNumber,
    institutionUscc: patent.institutionUscc,
    pushed: counts.pushed,
    evaluated: counts.evaluated,
    interest: counts.interests.pending + counts.interests.accepted + counts.interests.declined,
    negotiation: counts.interests.accepted,
    deal: counts.deals,
    declined: counts.interests.declined,
    pending: counts.interests.pending,
  };
}

/** How many patents one funnel answer reads at most (bounded cost; `complete: false` beyond). */
export const funnelPatentLimit = 20_000;

/** The funnel of an institution: its own users, its province admins, national admins. */
export async function institutionFunnel(
  deps: InterestDeps,
  caller: Caller,
  uscc: string,
): Promise<InstitutionFunnel> {
  const institution = await deps.store.institution(uscc);
  const visible =
    institution &&
    (caller.roles.includes('national-admin') ||
      (caller.roles.includes('province-admin') && caller.provinceCode === institution.provinceCode) ||
      (isInstitution(caller) && caller.orgUscc === uscc));
  if (!visible) {
    throw new NotFoundError(
      `No institution ${uscc} in your scope: check the code (institutions see their own, province admins their province's).`,
    );
  }
  const [{ patents, complete }, dealPatents, interests] = await Promise.all([
    deps.store.institutionPatents(uscc, funnelPatentLimit),
    deps.store.institutionDealPatents(uscc),
    deps.store.institutionInterests(uscc),
  ]);
  const requests = { pending: 0, accepted: 0, declined: 0 };
  for (const interest of interests) requests[interest.status]++;
  return {
    institutionUscc: uscc,
    patents: {
      pushed: patents.filter((p) => p.evaluationOpenedAt !== undefined).length,
      evaluated: patents.filter((p) => (p.evaluationCount ?? 0) > 0).length,
      interest: new Set(interests.map((i) => i.applicationNumber)).size,
      negotiation: new Set(interests.filter((i) => i.status === 'accepted').map((i) => i.applicationNumber))
        .size,
      deal: new Set(dealPatents).size,
    },
    requests,
    complete,
  };
}

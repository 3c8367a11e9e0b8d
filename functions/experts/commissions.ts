/**
 * Commissions of the expert pool (issue 15 item 7; docs/market.md, "The expert pool"). The Work Plan:
 * "相关领域的入库专家可以……接受高校、科研机构以及相关企业的委托，对专利转化资源库中的专利进行评价" and "高校、科研机构和企业
 * ……可以根据实际情况和需求，从专家库中选择相关专家寻求技术指导和服务".
 *
 * - A verified enterprise, or an institution, asks a verified expert of the pool to evaluate a patent
 *   on offer (POST /v1/experts/{expertId}/commissions). Not an expert of the patent's own institution
 *   (the conflict-of-interest rule of the evaluations, `expertHasConflict`): 409. One commission per
 *   requester, expert and patent (its id is made of the three): the same request again answers the
 *   recorded one; other contents are 409. The expert is told by mail, in the same transaction.
 * - The expert accepts or declines (with a reason). On accept, in one transaction: the commission
 *   (conditioned on its version and status pending), its audit entry, the mail to the requester, and an
 *   evaluation request in the expert's inbox, the same item a push writes
 *   (functions/market/push-store.ts, `evaluationRequestItem`): the evaluation is then delivered through
 *   PUT /v1/patents/{n}/evaluations/mine like any requested one. The requester sees the expert's
 *   contact from then on. An answer is final: answering again is 409 and changes nothing.
 * - Who sees a commission: its requester (the organization) and its expert; nobody else (404).
 */
import { chinaDate } from '../../schemas/china-date.ts';
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import type {
  Commission,
  CommissionDecision,
  CommissionInput,
  CommissionListQuery,
  CommissionStatus,
} from '../../schemas/experts.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Expert } from '../../schemas/market.ts';
import type { Caller } from '../../schemas/roles.ts';
import { expertHasConflict } from '../evaluations/conflict-of-interest.ts';
import type { PatentSummary } from '../market/push.ts';
import { notAvailableError } from '../patents/availability.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.ts';
import { hashOf, ownOrganization, requireVerifiedEnterprise } from '../transfer/access.ts';
import { expertStatusOf } from './directory.ts';
import type { Page } from './pool.ts';

type Key = Record<string, unknown>;

export interface CommissionPatent extends PatentSummary {
  poolRemoval?: { reason: string; at: string };
}

export interface StoredCommission extends Commission {
  /** sha256 of what was asked: the same request again is recognized by it. */
  requestHash: string;
}

export type CommissionListing =
  | { by: 'expert'; expertId: string }
  | { by: 'requester'; kind: 'enterprise' | 'institution'; uscc: string };

export interface CommissionStore {
  expert(expertId: string): Promise<Expert | undefined>;
  patent(applicationNumber: string): Promise<CommissionPatent | undefined>;
  enterprise(
    uscc: string,
  ): Promise<
    { status?: string; name?: string; contact?: { name: string; email?: string; phone?: string } } | undefined
  >;
  institution(uscc: string): Promise<{ name?: string; contactEmail?: string } | undefined>;
  commission(commissionId: string): Promise<StoredCommission | undefined>;
  /** Whether the expert has an evaluation request (pushed or commissioned) for the patent. */
  hasRequest(applicationNumber: string, expertId: string): Promise<boolean>;
  /** Creates the commission (absent before) with its audit entry and the mail: 'exists' when it was there. */
  create(
    commission: StoredCommission,
    caller: Caller,
    mail: MailMessage | undefined,
  ): Promise<'created' | 'exists'>;
  /**
   * Writes the answer (conditioned on the version read and status pending) with its audit entry and the
   * mail and, when `request` is given, the expert's evaluation request (conditioned on its absence):
   * 'conflict' when the commission changed or a request appeared since read.
   */
  decide(
    before: StoredCommission,
    after: StoredCommission,
    caller: Caller,
    mail: MailMessage | undefined,
    request: { patent: CommissionPatent } | undefined,
  ): Promise<'saved' | 'conflict'>;
  list(
    listing: CommissionListing,
    status: CommissionStatus | undefined,
    limit: number,
    start?: Key,
  ): Promise<Page<StoredCommission>>;
}

export interface CommissionDeps {
  store: CommissionStore;
  now: () => Date;
}

/** 409: the expert answered the commission already; the message says what to do instead. */
export class CommissionAlreadyDecidedError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'COMMISSION_ALREADY_DECIDED';
}
/** 409: the requester commissioned this expert for this patent before, with other contents. */
export class CommissionExistsError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'COMMISSION_EXISTS';
}
/** 409: the expert works for the patent's institution (conflict of interest). */
export class ConflictOfInterestError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'CONFLICT_OF_INTEREST';
}

/** The normalized application number of the body (ZL / CN prefixes, full-width digits accepted), or 400. */
function patentNumber(raw: string): string {
  const number = normalizeApplicationNumber(raw);
  if (!/^(\d{12}|\d{8})\.[\dX]$/.test(number)) {
    throw new ValidationError(
      `"${raw}" is not a patent application number: use the form 202010123456.2 (12 digits, '.', check character; ZL or CN prefixes are fine).`,
      [{ in: 'body', field: 'applicationNumber', message: 'not an application number' }],
    );
  }
  return number;
}

export const commissionIdOf = (applicationNumber: string, requesterUscc: string, expertId: string) =>
  `${applicationNumber}~${requesterUscc}~${expertId}`;

const viewFields = [
  'commissionId',
  'applicationNumber',
  'title',
  'institutionUscc',
  'expert',
  'requester',
  'message',
  'status',
  'createdAt',
  'decidedAt',
  'declineReason',
  'expertContact',
  'version',
] as const satisfies ReadonlyArray<keyof Commission>;

export function toCommissionView(stored: StoredCommission): Commission {
  const view: Record<string, unknown> = {};
  for (const field of viewFields) if (stored[field] !== undefined) view[field] = stored[field];
  return view as Commission;
}

const canSee = (caller: Caller, c: Pick<Commission, 'expert' | 'requester'>) =>
  (caller.roles.includes('expert') && caller.sub === c.expert.expertId) ||
  (caller.roles.includes(c.requester.kind) && caller.orgUscc === c.requester.uscc);

function requesterOf(caller: Caller): { kind: 'enterprise' | 'institution'; uscc: string } {
  if (caller.roles.includes('enterprise'))
    return { kind: 'enterprise', uscc: ownOrganization(caller, 'enterprise') };
  if (caller.roles.includes('institution'))
    return { kind: 'institution', uscc: ownOrganization(caller, 'institution') };
  throw new ForbiddenError('Enterprises and institutions commission experts of the pool.');
}

const notInPool = (expertId: string) =>
  new NotFoundError(
    `No verified expert ${expertId} in the expert pool: only experts verified by their province are commissioned; choose one from GET /v1/experts?field=<your field>.`,
  );

const expertMail = (c: StoredCommission, to: string): MailMessage => {
  const who = c.requester.name ?? c.requester.uscc;
  return {
    to: [to],
    subject: `专利评价委托：专利 ${c.applicationNumber} / A commission to evaluate patent ${c.applicationNumber}`,
    text: [
      `${who}（${c.requester.uscc}）委托您评价专利 ${c.applicationNumber}${c.title ? `「${c.title}」` : ''}。`,
      `留言：${c.message}`,
      '',
      `${who} asks you to evaluate patent ${c.applicationNumber}.`,
      `Accept (your contact is then shown to the requester, and the patent is in your inbox to evaluate) or decline with a reason: POST /v1/commissions/${c.commissionId}/decision (your commissions: GET /v1/commissions).`,
    ].join('\n'),
    attachments: [],
  };
};

const requesterMail = (c: StoredCommission, to: string): MailMessage => {
  const accepted = c.status === 'accepted';
  const who = `${c.expert.name}（${c.expert.title}）`;
  const contact = [c.expertContact?.email, c.expertContact?.phone].filter(Boolean).join(' ');
  return {
    to: [to],
    subject: `专家${accepted ? '已接受' : '未接受'}评价委托：专利 ${c.applicationNumber} / The expert ${accepted ? 'accepted' : 'declined'} your commission for patent ${c.applicationNumber}`,
    text: [
      accepted
        ? `${who} 已接受对专利 ${c.applicationNumber} 的评价委托。联系方式：${contact}`
        : `${who} 未接受对专利 ${c.applicationNumber} 的评价委托。原因：${c.declineReason ?? ''}`,
      '',
      accepted
        ? `${c.expert.name} accepted to evaluate patent ${c.applicationNumber}: contact ${contact}. The evaluation reaches the institution through the platform.`
        : `${c.expert.name} declined to evaluate patent ${c.applicationNumber}: ${c.declineReason ?? ''}. Choose another expert: GET /v1/experts?field=<your field>.`,
      'Your commissions: GET /v1/commissions',
    ].join('\n'),
    attachments: [],
  };
};

/** Not in the conversion pool: 404; not available (lapsed, assigned, exclusively licensed ...): 409. */
function refuseUnavailable(
  patent: CommissionPatent | undefined,
  number: string,
  day: string,
  next: string,
): asserts patent is CommissionPatent {
  if (patent?.poolStatus !== 'conversion' && !patent?.poolRemoval) {
    throw new NotFoundError(
      `No patent ${number} in the conversion pool: experts are commissioned for patents on offer (GET /v1/search/patents lists them).`,
    );
  }
  const gone = notAvailableError(patent, day, { en: 'not evaluated on commission', next });
  if (gone) throw gone;
  if (patent.poolStatus !== 'conversion') {
    throw new ConflictError(
      `Patent ${number} left the conversion pool (${patent.poolRemoval?.reason ?? 'base pool'}), so it is not evaluated on commission: ${next}`,
      { applicationNumber: number, reason: 'not-in-pool' },
    );
  }
}

/**
 * POST /v1/experts/{expertId}/commissions: a verified enterprise or an institution asks a verified
 * expert to evaluate a patent on offer. `created: false` with the recorded commission when the same
 * request was made before.
 */
export async function requestCommission(
  deps: CommissionDeps,
  caller: Caller,
  expertId: string,
  input: CommissionInput,
): Promise<{ created: boolean; commission: Commission }> {
  const requester = requesterOf(caller);
  if (requester.kind === 'enterprise')
    await requireVerifiedEnterprise(deps, requester.uscc, 'commission an expert of the pool');
  const number = patentNumber(input.applicationNumber);
  const commissionId = commissionIdOf(number, requester.uscc, expertId);
  const requestHash = hashOf({ message: input.message, contact: input.contact ?? null });
  const replay = (existing: StoredCommission) => {
    if (existing.requestHash === requestHash)
      return { created: false, commission: toCommissionView(existing) };
    throw new CommissionExistsError(
      `You commissioned this expert for patent ${number} on ${existing.createdAt.slice(0, 10)} already (status ${existing.status}): one commission per expert and patent; ${
        existing.status === 'pending'
          ? 'wait for the expert to answer'
          : existing.status === 'accepted'
            ? "the expert's contact is in the commission"
            : `it was declined (${existing.declineReason ?? 'no reason given'}): choose another expert (GET /v1/experts)`
      }. Read it with GET /v1/commissions.`,
      { commissionId, status: existing.status },
    );
  };
  const existing = await deps.store.commission(commissionId);
  if (existing) return replay(existing);

  const expert = await deps.store.expert(expertId);
  if (!expert || expertStatusOf(expert) !== 'verified' || expert.active === false) throw notInPool(expertId);
  const now = deps.now();
  const patent = await deps.store.patent(number);
  refuseUnavailable(
    patent,
    number,
    chinaDate(now),
    'choose another patent of the pool (GET /v1/search/patents).',
  );
  if (expertHasConflict(expert, patent)) {
    throw new ConflictOfInterestError(
      `Expert ${expertId} works for ${patent.institutionUscc}, the institution that holds patent ${number}: an expert never evaluates the patents of its own organization (conflict of interest). Choose another expert of the field (GET /v1/experts?field=...).`,
      { reason: 'conflict-of-interest', expertId, institutionUscc: patent.institutionUscc },
    );
  }
  let name: string | undefined;
  let contact = input.contact;
  if (requester.kind === 'enterprise') {
    const enterprise = await deps.store.enterprise(requester.uscc);
    name = enterprise?.name;
    contact ??= enterprise?.contact;
  } else {
    const institution = await deps.store.institution(requester.uscc);
    name = institution?.name;
    if (!contact && institution?.contactEmail)
      contact = { name: institution.name ?? requester.uscc, email: institution.contactEmail };
  }
  if (!contact) {
    throw new ValidationError(
      'Your organization has no contact on record: give the contact the expert talks to (contact: { name, email or phone }).',
      [{ in: 'body', field: 'contact', message: 'required: no contact on record' }],
    );
  }
  const commission: StoredCommission = {
    commissionId,
    applicationNumber: number,
    ...(patent.title ? { title: patent.title } : {}),
    institutionUscc: patent.institutionUscc,
    expert: {
      expertId,
      name: expert.name,
      title: expert.title,
      affiliationUscc: expert.affiliationUscc,
      ...(expert.affiliationName ? { affiliationName: expert.affiliationName } : {}),
    },
    requester: {
      ...requester,
      ...(name ? { name } : {}),
      contact: {
        name: contact.name,
        ...(contact.email ? { email: contact.email } : {}),
        ...(contact.phone ? { phone: contact.phone } : {}),
      },
    },
    message: input.message,
    status: 'pending',
    createdAt: now.toISOString(),
    version: 1,
    requestHash,
  };
  const mail = expert.email ? expertMail(commission, expert.email) : undefined;
  if ((await deps.store.create(commission, caller, mail)) === 'exists') {
    const raced = await deps.store.commission(commissionId);
    if (raced) return replay(raced);
    throw new ConflictError(
      `Your commission was being recorded at the same moment: read GET /v1/commissions and send it again if absent.`,
    );
  }
  return { created: true, commission: toCommissionView(commission) };
}

/** GET /v1/commissions: an expert those it received, an enterprise or institution those it sent. */
export async function listCommissions(deps: CommissionDeps, caller: Caller, query: CommissionListQuery) {
  const listing: CommissionListing = caller.roles.includes('expert')
    ? { by: 'expert', expertId: caller.sub }
    : { by: 'requester', ...requesterOf(caller) };
  const name = `commissions:${JSON.stringify(listing)}:${query.status ?? ''}`;
  const page = await deps.store.list(listing, query.status, query.limit, decodeCursor(name, query.cursor));
  const items = page.items.filter((item) => canSee(caller, item)).map(toCommissionView);
  const nextCursor = encodeCursor(name, page.lastKey);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}

/**
 * POST /v1/commissions/{commissionId}/decision: the commissioned expert accepts (its contact is
 * revealed to the requester, and the evaluation request is in its inbox) or declines with a reason.
 */
export async function decideCommission(
  deps: CommissionDeps,
  caller: Caller,
  commissionId: string,
  decision: CommissionDecision,
): Promise<Commission> {
  const stored = await deps.store.commission(commissionId);
  if (!stored || !canSee(caller, stored)) {
    throw new NotFoundError(
      `No commission ${commissionId} in your scope: check the id, or list yours with GET /v1/commissions.`,
    );
  }
  if (!caller.roles.includes('expert') || caller.sub !== stored.expert.expertId) {
    throw new ForbiddenError(
      'The commissioned expert answers a commission: you can read it (GET /v1/commissions) and wait for the answer.',
    );
  }
  if (decision.decision === 'decline' && !decision.reason) {
    throw new ValidationError('Say why you decline (reason): the requester is told.', [
      { in: 'body', field: 'reason', message: 'required to decline' },
    ]);
  }
  if (stored.status !== 'pending') {
    throw new CommissionAlreadyDecidedError(
      stored.status === 'accepted'
        ? `You accepted commission ${commissionId} on ${stored.decidedAt?.slice(0, 10)}: an answer is final. Evaluate the patent with PUT /v1/patents/${stored.applicationNumber}/evaluations/mine${
            decision.decision === 'decline'
              ? ', or tell the requester directly (its contact is in the commission)'
              : ''
          }.`
        : `You declined commission ${commissionId} on ${stored.decidedAt?.slice(0, 10)} (${stored.declineReason ?? 'no reason'}): an answer is final. The requester may commission you again for another patent.`,
      { commissionId, status: stored.status, decidedAt: stored.decidedAt },
    );
  }
  const now = deps.now();
  let request: { patent: CommissionPatent } | undefined;
  let expertContact: Commission['expertContact'];
  if (decision.decision === 'accept') {
    const expert = await deps.store.expert(stored.expert.expertId);
    if (!expert || expertStatusOf(expert) !== 'verified') {
      throw new ConflictError(
        `Your expert profile is ${expert ? expertStatusOf(expert) : 'missing'}: only experts verified by their province accept commissions. Decline this one (decision decline) or ask the administrator of your province to verify your profile.`,
        { expertStatus: expert ? expertStatusOf(expert) : null },
      );
    }
    const patent = await deps.store.patent(stored.applicationNumber);
    refuseUnavailable(
      patent,
      stored.applicationNumber,
      chinaDate(now),
      'decline the commission with that reason (decision decline).',
    );
    if (expertHasConflict(expert, patent)) {
      throw new ConflictOfInterestError(
        `You work for ${patent.institutionUscc}, the institution that holds patent ${stored.applicationNumber}: you cannot evaluate it (conflict of interest). Decline the commission (decision decline).`,
        { reason: 'conflict-of-interest' },
      );
    }
    if (!expert.email && !expert.phone) {
      throw new ValidationError(
        'Your profile has no email or phone for the requester: add one (PUT /v1/experts/me), then accept.',
        [{ in: 'body', field: 'decision', message: 'the expert profile needs a contact' }],
      );
    }
    expertContact = {
      ...(expert.email ? { email: expert.email } : {}),
      ...(expert.phone ? { phone: expert.phone } : {}),
    };
    // Pushed before (matching): the request exists, the expert evaluates through it.
    if (!(await deps.store.hasRequest(stored.applicationNumber, expert.expertId))) request = { patent };
  }
  const after: StoredCommission = {
    ...stored,
    status: decision.decision === 'accept' ? 'accepted' : 'declined',
    decidedAt: now.toISOString(),
    ...(decision.decision === 'decline' ? { declineReason: decision.reason } : {}),
    ...(expertContact ? { expertContact } : {}),
    version: stored.version + 1,
  };
  const to = stored.requester.contact.email;
  const mail = to ? requesterMail(after, to) : undefined;
  if ((await deps.store.decide(stored, after, caller, mail, request)) === 'conflict') {
    throw new ConflictError(
      `Commission ${commissionId} changed at the same moment: read it again (GET /v1/commissions) and answer again if it is still pending.`,
    );
  }
  return toCommissionView(after);
}

/**
 * The justification (正当理由) of the 5-year rule. Work Plan 二、（四）1: "对于授权超过5年没有实施且无正当理由的
 * 专利，国家可以无偿实施，也可以许可企业等主体有偿或无偿实施". A patent on the 5-year-rule list (publicly
 * funded, in force, granted at least 5 years ago, never implemented: functions/metrics/counters.ts
 * `isFundedUnimplemented`) may carry the institution's reason why it is not implemented; the
 * administrators of its province accept it (the patent leaves the list and the fiveYearRulePatents
 * figure, through the metrics consumer) or reject it with a comment (the institution may file again).
 *
 * Stored on the patent item (`fiveYearJustification`), written with a version condition and an audit
 * entry (before / after) by the review store; the list and the figure follow from the patent's change.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import type {
  FileJustification,
  FiveYearJustification,
  ReviewJustification,
} from '../../schemas/monitoring.ts';
import type { Caller } from '../../schemas/roles.ts';
import { type MailItem, newMailItem } from '../mail/mail-outbox.ts';
import { isFundedUnimplemented, projectPatent } from '../metrics/counters.ts';
import {
  checkVersion,
  ownPatent,
  type ReviewDeps,
  type ReviewedPatent,
} from '../patents/inventory-review.ts';
import { actorLabel } from '../shared/audit.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors.ts';
import type { justificationReviewMail } from './justification-mail.ts';
import { fiveYearsBefore } from './monitoring.ts';

type JustifiedPatent = ReviewedPatent & {
  provinceCode?: string;
  title?: string;
  grantDate?: string;
  fiveYearJustification?: FiveYearJustification;
};

export interface JustifiedPatentView {
  applicationNumber: string;
  institutionUscc: string;
  provinceCode: string;
  version: number;
  fiveYearJustification: FiveYearJustification;
}

async function save(
  deps: ReviewDeps,
  caller: Caller,
  patent: JustifiedPatent,
  justification: FiveYearJustification,
  action: string,
  at: string,
  mail?: MailItem,
): Promise<JustifiedPatentView> {
  const applied = await deps.store.apply(
    patent,
    { set: { fiveYearJustification: justification }, audit: { action }, ...(mail ? { mail } : {}) },
    caller,
    at,
  );
  if (!applied)
    throw new ConflictError(
      `Patent ${patent.applicationNumber} was changed by someone else at the same moment: read it again and repeat if it still holds.`,
    );
  return {
    applicationNumber: patent.applicationNumber,
    institutionUscc: patent.institutionUscc,
    provinceCode: String(patent.provinceCode ?? ''),
    version: patent.version + 1,
    fiveYearJustification: justification,
  };
}

/**
 * POST .../justification: a user of the owning institution (a department user: its own department's
 * patents) files or re-files the reason. Only a patent on the list today is justified; an accepted
 * justification stands (409).
 */
export async function fileFiveYearJustification(
  deps: ReviewDeps,
  caller: Caller,
  applicationNumber: string,
  input: FileJustification,
): Promise<JustifiedPatentView> {
  const patent = (await ownPatent(deps, caller, applicationNumber)) as JustifiedPatent;
  checkVersion(patent, input.expectedVersion);
  const current = patent.fiveYearJustification;
  if (current?.status === 'accepted')
    throw new ConflictError(
      `The justification of ${applicationNumber} was accepted on ${current.reviewedAt ?? current.filedAt}: the patent is off the 5-year-rule list; nothing to file.`,
      { justification: 'accepted' },
    );
  const now = deps.now();
  const today = chinaDate(now);
  const record = patent as unknown as Record<string, unknown>;
  const listed =
    isFundedUnimplemented(projectPatent(record)) &&
    typeof patent.grantDate === 'string' &&
    patent.grantDate <= fiveYearsBefore(today);
  if (!listed)
    throw new ConflictError(
      `Patent ${applicationNumber} is not on the 5-year-rule list (publicly funded, in force, granted on or before ${fiveYearsBefore(today)} and never implemented): no justification is needed. Record its implementation instead if it is implemented.`,
      { onFiveYearList: false },
    );
  const at = now.toISOString();
  const justification: FiveYearJustification = {
    status: 'filed',
    reason: input.reason,
    ...(input.evidence !== undefined ? { evidence: input.evidence } : {}),
    filedAt: at,
    filedBy: actorLabel(caller),
  };
  return save(deps, caller, patent, justification, 'patent.fiveYearJustificationFiled', at);
}

/** The review's extra ports: the institution's contact and the email (justification-mail.ts). */
export interface JustificationReviewDeps extends ReviewDeps {
  institution(uscc: string): Promise<{ name: string; contactEmail?: string } | undefined>;
  mail: typeof justificationReviewMail;
}

/**
 * PUT .../justification: an administrator of the patent's province (or a national one) accepts the
 * filed justification or rejects it with a comment. Only a justification awaiting review is decided.
 * The decision, the comment and what to do next are emailed to the institution's registered contact
 * (queued in the outbox with the change); without a contact email the justification records why none
 * went out (mailSkipped), as a spot-check verdict does.
 */
export async function reviewFiveYearJustification(
  deps: JustificationReviewDeps,
  caller: Caller,
  applicationNumber: string,
  input: ReviewJustification,
): Promise<JustifiedPatentView> {
  const national = caller.roles.includes('national-admin');
  if (!national && !caller.roles.includes('province-admin'))
    throw new ForbiddenError('Justifications are reviewed by the province (or national) administrators.');
  if (!national && !caller.provinceCode)
    throw new ForbiddenError(
      'Your account has no province (custom:province): ask the national administrators to set it.',
    );
  const patent = (await deps.store.get(applicationNumber)) as JustifiedPatent | undefined;
  if (!patent || (!national && patent.provinceCode !== caller.provinceCode))
    throw new NotFoundError(
      `No patent ${applicationNumber} in your province: GET /v1/monitoring/unimplemented-funded lists the 5-year-rule patents.`,
    );
  checkVersion(patent, input.expectedVersion);
  const current = patent.fiveYearJustification;
  if (current?.status !== 'filed')
    throw new ConflictError(
      current
        ? `The justification of ${applicationNumber} is ${current.status} already (${current.reviewedAt}): the institution files a new one to be reviewed again.`
        : `No justification of ${applicationNumber} awaits review: the institution files one first (POST .../justification).`,
      { justification: current?.status ?? 'none' },
    );
  const now = deps.now();
  const at = now.toISOString();
  const decided: FiveYearJustification = {
    ...current,
    status: input.decision,
    reviewedAt: at,
    reviewedBy: actorLabel(caller),
    ...(input.comment ? { reviewComment: input.comment } : {}),
  };
  const institution = await deps.institution(patent.institutionUscc);
  const mail = institution?.contactEmail
    ? newMailItem(
        {
          ...deps.mail(
            { name: institution.name, contactEmail: institution.contactEmail },
            { applicationNumber, ...(patent.title ? { title: patent.title } : {}) },
            decided,
          ),
          attachments: [],
        },
        now,
      )
    : undefined;
  const justification: FiveYearJustification = {
    ...decided,
    ...(mail ? { mailId: mail.mailId } : { mailSkipped: 'no-contact-email' }),
  };
  return save(
    deps,
    caller,
    patent,
    justification,
    input.decision === 'accepted'
      ? 'patent.fiveYearJustificationAccepted'
      : 'patent.fiveYearJustificationRejected',
    at,
    mail,
  );
}

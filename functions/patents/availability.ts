/**
 * Whether a patent is still on offer, and for how long it can be: the rules every path that offers,
 * pushes, evaluates or transfers a patent reads (market push, evaluations, the province feed, deals and
 * open licenses). Pure; the lifecycle exits that follow from them are in functions/patents/exits.ts.
 *
 * The law, as cited (专利法, 2020 revision in force from 2021-06-01):
 * - art. 42: 发明专利权的期限为二十年，实用新型专利权的期限为十年，外观设计专利权的期限为十五年，均自申请日起计算。
 *   Designs filed before 2021-06-01 keep the 10 years of the 2008 text (the revised term applies to
 *   applications filed from the day the revision took effect). The term compensations of art. 42
 *   para. 2-3 (grant delay, new drugs) are not recorded on the patent yet: an extended invention would
 *   be seen as expired on its plain 20-year date (see docs/pipeline.md, "Exits").
 * - art. 44: the right ends before its term when the annual fee is not paid (未缴年费终止) or the patentee
 *   surrenders it in writing (放弃); art. 45-47: a right declared invalid (无效) is deemed never to have
 *   existed.
 */
import type { LifecycleState } from '../../schemas/lifecycle.ts';
import { designFifteenYearsFrom, statutoryTermYears } from '../../schemas/patent-term.ts';
import { DomainError } from '../shared/errors.ts';

export { designFifteenYearsFrom };

/** The legal statuses (schemas/inventory/template.ts) that say the right ended before its term. */
export const lapseStatuses = ['terminated', 'abandoned', 'invalidated', 'lapsed'] as const;

export const isLapseStatus = (legalStatus: string | undefined) =>
  (lapseStatuses as readonly string[]).includes(legalStatus ?? '');

export interface StatutoryTerm {
  years: number;
  /** The last day the right is in force (YYYY-MM-DD): the day before the anniversary of the filing date. */
  endsOn: string;
  basis: string;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The statutory term of a patent (专利法 art. 42), counted from the filing date: the right is in force
 * up to and including `endsOn`. A filing on 29 February ends on 28 February of a common year.
 * undefined when the type or the date is not known.
 */
export function statutoryTerm(
  patentType: string | undefined,
  applicationDate: string | undefined,
): StatutoryTerm | undefined {
  if (!applicationDate || !isoDate.test(applicationDate)) return undefined;
  const years = statutoryTermYears(patentType, applicationDate);
  if (years === undefined) return undefined;
  const [y, m, d] = applicationDate.split('-').map(Number) as [number, number, number];
  // The anniversary (29 Feb in a common year rolls to 1 March), then the day before it.
  const anniversary = Date.UTC(y + years, m - 1, d);
  const endsOn = new Date(anniversary - 86_400_000).toISOString().slice(0, 10);
  const basis =
    patentType === 'design' && years === 10
      ? `专利法 art. 42 (2008 text): 10 years for a design filed before ${designFifteenYearsFrom}`
      : `专利法 art. 42: ${years} years from the filing date`;
  return { years, endsOn, basis };
}

/** Why a patent is not on offer. */
export type UnavailableReason =
  | 'withdrawn'
  | 'lapsed'
  | 'expired'
  | 'not-granted'
  | 'assigned'
  | 'equity'
  | 'exclusive-license'
  | 'sole-license';

export interface Unavailable {
  reason: UnavailableReason;
  /** A sentence for the user: what holds, since when or until when (Chinese / English). */
  messageZh: string;
  messageEn: string;
  /** The day it holds until, when it ends (an exclusive or sole license). */
  until?: string;
}

/** The fields of a patent item the rules read. */
export interface AvailabilitySubject {
  applicationNumber: string;
  patentType?: string;
  applicationDate?: string;
  legalStatus?: string;
  lifecycle?: LifecycleState;
  withdrawalReason?: string;
  exclusiveGrant?: { dealId: string; licenseType: 'exclusive' | 'sole'; endDate?: string };
  patenteeChange?: { dealId: string; kind: 'assignment' | 'equity' };
}

const legalStatusZh: Record<string, string> = {
  terminated: '权利终止',
  abandoned: '放弃',
  invalidated: '无效',
  lapsed: '失效',
  expired: '届满',
};

/**
 * Whether the patent right is in force on `day` (YYYY-MM-DD), as far as the record tells: granted
 * (legal status 有效), not lapsed, within its statutory term. The reason when not.
 */
export function notInForce(patent: AvailabilitySubject, day: string): Unavailable | undefined {
  const n = patent.applicationNumber;
  if (patent.lifecycle === 'lapsed' || isLapseStatus(patent.legalStatus)) {
    const status = legalStatusZh[patent.legalStatus ?? ''] ?? '权利终止';
    return {
      reason: 'lapsed',
      messageZh: `专利 ${n} 法律状态为${status}，专利权已终止`,
      messageEn: `Patent ${n} has lapsed (legal status ${status}, 专利法 art. 44-47): the right is no longer in force`,
    };
  }
  const term = statutoryTerm(patent.patentType, patent.applicationDate);
  if (patent.lifecycle === 'expired' || patent.legalStatus === 'expired' || (term && term.endsOn < day)) {
    return {
      reason: 'expired',
      messageZh: `专利 ${n} 保护期限已届满${term ? `（${term.endsOn}）` : ''}`,
      messageEn: `Patent ${n} has expired${term ? ` on ${term.endsOn} (${term.basis})` : ''}: the right is no longer in force`,
    };
  }
  if (patent.legalStatus !== undefined && patent.legalStatus !== 'valid') {
    return {
      reason: 'not-granted',
      messageZh: `专利 ${n} 尚未授权（法律状态：审中）`,
      messageEn: `Patent ${n} is not granted yet (legal status ${patent.legalStatus}): there is no patent right to license`,
    };
  }
  return undefined;
}

/**
 * Why the patent is not on offer on `day` (never pushed, never evaluable, a tombstone in the province
 * feed), or undefined when it is: withdrawn, lapsed, expired, assigned or contributed as equity, or
 * under an exclusive or sole license in force. A pending application (审中) is on offer: the screening
 * keeps it out of the conversion pool until it is granted.
 */
export function unavailability(patent: AvailabilitySubject, day: string): Unavailable | undefined {
  const n = patent.applicationNumber;
  if (patent.lifecycle === 'withdrawn') {
    return {
      reason: 'withdrawn',
      messageZh: `专利 ${n} 已由机构撤回${patent.withdrawalReason ? `（${patent.withdrawalReason}）` : ''}`,
      messageEn: `Patent ${n} was withdrawn by its institution${patent.withdrawalReason ? ` (${patent.withdrawalReason})` : ''}`,
    };
  }
  const gone = notInForce(patent, day);
  if (gone && gone.reason !== 'not-granted') return gone;
  if (patent.patenteeChange) {
    const assigned = patent.patenteeChange.kind === 'assignment';
    return {
      reason: assigned ? 'assigned' : 'equity',
      messageZh: `专利 ${n} 已${assigned ? '转让' : '作价入股'}（交易 ${patent.patenteeChange.dealId}）`,
      messageEn: `Patent ${n} was ${assigned ? 'assigned' : 'contributed as equity'} (deal ${patent.patenteeChange.dealId}): the institution no longer offers it`,
    };
  }
  const grant = patent.exclusiveGrant;
  if (grant && (grant.endDate === undefined || grant.endDate >= day)) {
    const exclusive = grant.licenseType === 'exclusive';
    return {
      reason: exclusive ? 'exclusive-license' : 'sole-license',
      messageZh: `专利 ${n} 已${exclusive ? '独占' : '排他'}许可（交易 ${grant.dealId}${grant.endDate ? `，至 ${grant.endDate}` : ''}）`,
      messageEn: `Patent ${n} is under a${exclusive ? 'n exclusive' : ' sole'} license (deal ${grant.dealId}${grant.endDate ? `, until ${grant.endDate}` : ''}): it is not offered to others before it ends`,
      ...(grant.endDate ? { until: grant.endDate } : {}),
    };
  }
  return undefined;
}

/** 409 PATENT_NOT_AVAILABLE: the patent is not on offer (details: reason, until); the message says what to do. */
export class PatentNotAvailableError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'PATENT_NOT_AVAILABLE';
}

/** The refusal of an act on a patent that is not on offer (evaluating, matching ...), or undefined. */
export function notAvailableError(
  patent: AvailabilitySubject,
  day: string,
  act: { en: string; next: string },
): PatentNotAvailableError | undefined {
  const gone = unavailability(patent, day);
  if (!gone) return undefined;
  return new PatentNotAvailableError(
    `${gone.messageEn}, so it is ${act.en}. ${gone.until ? `It may be offered again after ${gone.until}; meanwhile ` : ''}${act.next}`,
    {
      applicationNumber: patent.applicationNumber,
      reason: gone.reason,
      messageZh: gone.messageZh,
      ...(gone.until ? { until: gone.until } : {}),
    },
  );
}

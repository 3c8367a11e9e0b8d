/**
 * The licensing rules a deal or an open-license declaration must pass, as pure functions over what the
 * patent item records (docs/transfer.md, "Rules"):
 *
 * 1. While an open license is active (Patent Law art. 50-52: 开放许可期间不得就该专利给予独占或者排他许可),
 *    exclusive and sole licenses are refused.
 * 2. An exclusive (独占) or sole (排他) license in force excludes any further license to a third party
 *    and an open-license declaration, until its end date: that is what exclusive and sole mean.
 * 3. Once a patent was assigned (转让) or contributed as equity (作价入股), the institution is no longer
 *    the patentee: it records no further deal and declares no open license on it.
 * Assignments and equity contributions are not refused because of licenses in force: licenses granted
 * before survive a change of patentee.
 * 5. A co-owned patent (`coOwners`, from the inventory's 专利权人 / 共有专利权人) is assigned, contributed,
 *    licensed exclusively or solely, declared open or pledged (functions/transfer/pledges.ts) only with the co-owners' consent recorded
 *    (`coOwnerRefusal`; 专利法 art. 14: "没有约定的，共有人可以单独实施或者以普通许可方式许可他人实施该专利；
 *    ……除前款规定的情形外，行使共有的专利申请权或者专利权应当取得全体共有人的同意"). An ordinary license
 *    needs none; its fees are shared among the co-owners (same article), which the deal does not track.
 * 4. The right must be in force (`legalRefusal`): no license, open license or filing on a patent that
 *    lapsed (权利终止 / 未缴年费终止, 放弃: 专利法 art. 44; 无效: art. 45-47) or whose term ended (art. 42),
 *    and no agreement running past the end of the term: a license (or an open license) whose end date
 *    lies after the last day of the statutory term is refused, as a right cannot be licensed for a time
 *    it does not exist. A pending application (审中) may be assigned or contributed (the right to the
 *    application, art. 10), not licensed.
 * 6. A pledged patent (an active pledge, schemas/pledge.ts) is assigned, contributed, licensed (any
 *    kind) or declared open only with the pledgee's consent recorded (`pledgeRefusal`; 民法典 art. 444
 *    ¶2: "知识产权中的财产权出质后，出质人不得转让或者许可他人使用，但是出质人与质权人协商同意的除外").
 */

import type { DealKind, LicenseType } from '../../schemas/deal.ts';
import type { OpenLicense } from '../../schemas/open-license.ts';
import { activePledges, type Pledge } from '../../schemas/pledge.ts';
import { type AvailabilitySubject, notInForce, statutoryTerm } from '../patents/availability.ts';

export interface ExclusiveGrant {
  dealId: string;
  licenseType: 'exclusive' | 'sole';
  enterpriseUscc: string;
  endDate?: string;
}
export interface PatenteeChange {
  dealId: string;
  kind: 'assignment' | 'equity';
  enterpriseUscc: string;
  /** The contract's effective date. */
  effectiveDate: string;
  /**
   * `pending`: the contract is recorded, the registration (转让登记) is not; `registered` on
   * `registeredOn`, the day the assignment took effect (专利法 art. 10: 专利权的转让自登记之日起生效).
   * Absent on changes recorded before registration was tracked (read as registered on effectiveDate).
   */
  registration?: 'pending' | 'registered';
  registeredOn?: string;
}

/** What the rules read on a patent item (written by the transfer transactions through the transition `set`). */
export interface LicensingState {
  applicationNumber: string;
  openLicense?: OpenLicense;
  exclusiveGrant?: ExclusiveGrant;
  patenteeChange?: PatenteeChange;
}

export interface Refusal {
  code:
    | 'OPEN_LICENSE_ACTIVE'
    | 'EXCLUSIVE_LICENSE_IN_FORCE'
    | 'PATENTEE_CHANGED'
    | 'PATENT_NOT_IN_FORCE'
    | 'TERM_ENDS_BEFORE_AGREEMENT'
    | 'CO_OWNER_CONSENT_REQUIRED'
    | 'PLEDGEE_CONSENT_REQUIRED';
  message: string;
  details: Record<string, unknown>;
}

const inForce = (grant: ExclusiveGrant | undefined, on: string) =>
  grant !== undefined && (grant.endDate === undefined || grant.endDate >= on);

/** Why a new deal on this patent is refused, or undefined when the rules allow it. */
export function dealRefusal(
  patent: LicensingState,
  deal: { kind: DealKind; licenseType?: LicenseType; effectiveDate: string },
): Refusal | undefined {
  const n = patent.applicationNumber;
  if (patent.patenteeChange) {
    const change = patent.patenteeChange;
    return {
      code: 'PATENTEE_CHANGED',
      message: `专利 ${n} 已${change.kind === 'assignment' ? '转让' : '作价入股'}（交易 ${change.dealId}），机构不再是专利权人 / Patent ${n} was ${change.kind === 'assignment' ? 'assigned' : 'contributed as equity'} in deal ${change.dealId}: the institution is no longer the patentee and cannot record another deal on it. Remove it from this deal.`,
      details: { applicationNumber: n, ...change },
    };
  }
  if (
    deal.kind === 'license' &&
    (deal.licenseType === 'exclusive' || deal.licenseType === 'sole') &&
    patent.openLicense?.status === 'active'
  ) {
    return {
      code: 'OPEN_LICENSE_ACTIVE',
      message: `专利 ${n} 处于开放许可期间，不得给予独占或排他许可 / Patent ${n} is under an open license (declared ${patent.openLicense.declaredAt.slice(0, 10)}, until ${patent.openLicense.endDate}): exclusive and sole licenses are not allowed while it is open (Patent Law art. 50-52). Record an ordinary license, or withdraw the open license first (POST /v1/patents/${n}/open-license/withdrawal).`,
      details: {
        applicationNumber: n,
        licenseType: deal.licenseType,
        openLicense: { startDate: patent.openLicense.startDate, endDate: patent.openLicense.endDate },
      },
    };
  }
  if (deal.kind === 'license' && inForce(patent.exclusiveGrant, deal.effectiveDate)) {
    const grant = patent.exclusiveGrant!;
    return {
      code: 'EXCLUSIVE_LICENSE_IN_FORCE',
      message: `专利 ${n} 已有${grant.licenseType === 'exclusive' ? '独占' : '排他'}许可（交易 ${grant.dealId}）在有效期内 / Patent ${n} has a${grant.licenseType === 'exclusive' ? 'n exclusive' : ' sole'} license in force (deal ${grant.dealId}${grant.endDate ? `, until ${grant.endDate}` : ''}): no further license can be granted before it ends. Start the new license after ${grant.endDate ?? 'its end'}, or record an assignment instead.`,
      details: { applicationNumber: n, exclusiveGrant: grant },
    };
  }
  return undefined;
}

/** Why an open-license declaration on this patent is refused (state rules; the report rule is checked apart). */
export function declarationRefusal(patent: LicensingState, startDate: string): Refusal | undefined {
  const n = patent.applicationNumber;
  if (patent.patenteeChange) return dealRefusal(patent, { kind: 'license', effectiveDate: startDate });
  if (inForce(patent.exclusiveGrant, startDate)) {
    const grant = patent.exclusiveGrant!;
    return {
      code: 'EXCLUSIVE_LICENSE_IN_FORCE',
      message: `专利 ${n} 有独占或排他许可在有效期内，不能开放许可 / Patent ${n} has a ${grant.licenseType} license in force (deal ${grant.dealId}${grant.endDate ? `, until ${grant.endDate}` : ''}): it cannot be offered to everyone. Declare the open license to start after ${grant.endDate ?? 'that license ends'}.`,
      details: { applicationNumber: n, exclusiveGrant: grant },
    };
  }
  return undefined;
}

/**
 * Why a transfer act on this patent is refused in law (rule 4), or undefined: the right is not in force
 * on `today` (or, for a deal, on its effective date), or the agreement ends after the term does.
 * `act`: what is done, for the message (a deal of a kind, an open license, a filing).
 */
export function legalRefusal(
  patent: AvailabilitySubject,
  act: {
    what: 'deal' | 'open-license' | 'open-license-take' | 'filing';
    kind?: DealKind;
    effectiveDate?: string;
    endDate?: string;
  },
  today: string,
): Refusal | undefined {
  const n = patent.applicationNumber;
  const onDay = act.effectiveDate && act.effectiveDate > today ? act.effectiveDate : today;
  const gone = notInForce(patent, onDay);
  const pendingAssignable =
    gone?.reason === 'not-granted' && (act.kind === 'assignment' || act.kind === 'equity');
  if (gone && !pendingAssignable) {
    const next =
      gone.reason === 'not-granted'
        ? 'Record the license once the patent is granted (an application may be assigned meanwhile).'
        : 'A right that ended cannot be transferred or licensed: remove the patent from this act; if the legal status is wrong, correct it first (re-upload the inventory row with its current status).';
    return {
      code: 'PATENT_NOT_IN_FORCE',
      message: `${gone.messageZh} / ${gone.messageEn}${onDay !== today ? ` on ${onDay}` : ''}. ${next}`,
      details: { applicationNumber: n, reason: gone.reason, legalStatus: patent.legalStatus ?? null },
    };
  }
  const term = statutoryTerm(patent.patentType, patent.applicationDate);
  if (term && act.endDate && act.endDate > term.endsOn) {
    const what = act.what === 'open-license' ? '开放许可期限' : '合同期限';
    return {
      code: 'TERM_ENDS_BEFORE_AGREEMENT',
      message: `专利 ${n} 的保护期限至 ${term.endsOn} 届满，${what}（至 ${act.endDate}）不得超过专利权期限 / The term of patent ${n} ends on ${term.endsOn} (${term.basis}), before this ${act.what === 'open-license' ? 'open license' : 'agreement'} ends (${act.endDate}): set the end date on or before ${term.endsOn}.`,
      details: { applicationNumber: n, termEndsOn: term.endsOn, endDate: act.endDate, basis: term.basis },
    };
  }
  return undefined;
}

/**
 * Why an act on a co-owned patent is refused for want of the co-owners' consent (rule 5), or undefined:
 * the patent has no co-owners, the act is an ordinary license, or the consent is given.
 */
export function coOwnerRefusal(
  patent: { applicationNumber: string; coOwners?: readonly string[] },
  act:
    | { what: 'deal'; kind: DealKind; licenseType?: LicenseType }
    | { what: 'open-license' }
    | { what: 'pledge' },
  consent: { consentedOn: string; reference: string } | undefined,
): Refusal | undefined {
  const coOwners = patent.coOwners ?? [];
  if (coOwners.length === 0 || consent) return undefined;
  if (act.what === 'deal' && act.kind === 'license' && act.licenseType === 'ordinary') return undefined;
  const n = patent.applicationNumber;
  const names = coOwners.join('、');
  const field =
    act.what === 'deal'
      ? `coOwnerConsents: [{ applicationNumber: "${n}", consentedOn, reference }]`
      : 'coOwnerConsent: { consentedOn, reference }';
  const acting = { deal: 'this act', 'open-license': 'an open license', pledge: 'a pledge' }[act.what];
  return {
    code: 'CO_OWNER_CONSENT_REQUIRED',
    message: `专利 ${n} 为共有专利（共有人：${names}），须经全体共有人同意（专利法第十四条）/ Patent ${n} is co-owned with ${names}: ${acting} needs the consent of every co-owner (Patent Law art. 14; without it only the institution's own implementation or an ordinary license is allowed). Obtain their written consent and record it with ${field}.`,
    details: { applicationNumber: n, coOwners },
  };
}

/**
 * A pledged patent (an active pledge) is neither assigned, contributed, licensed (of any kind) nor
 * declared open without the pledgee's consent (民法典 art. 444 ¶2). Unlike co-ownership, an ordinary
 * license needs it too: the article names licensing as such.
 */
export function pledgeRefusal(
  patent: { applicationNumber: string; pledges?: readonly Pledge[] },
  act: { what: 'deal' } | { what: 'open-license' },
  consent: { consentedOn: string; reference: string } | undefined,
): Refusal | undefined {
  const pledges = activePledges(patent);
  if (pledges.length === 0 || consent) return undefined;
  const n = patent.applicationNumber;
  const pledgees = pledges.map((pledge) => `${pledge.pledgee}（${pledge.registrationNumber}）`).join('、');
  const field =
    act.what === 'deal'
      ? `pledgeeConsents: [{ applicationNumber: "${n}", consentedOn, reference }]`
      : 'pledgeeConsent: { consentedOn, reference }';
  return {
    code: 'PLEDGEE_CONSENT_REQUIRED',
    message: `专利 ${n} 已出质（质权人：${pledgees}），转让或许可须经质权人同意（民法典第四百四十四条）/ Patent ${n} is pledged to ${pledgees}: ${act.what === 'open-license' ? 'an open license' : 'an assignment, equity contribution or license'} needs the pledgee's consent (Civil Code art. 444). Obtain the pledgee's written consent and record it with ${field}, or record the release of the pledge first (POST /v1/patents/${n}/pledges/release).`,
    details: {
      applicationNumber: n,
      pledges: pledges.map((pledge) => ({
        pledgee: pledge.pledgee,
        registrationNumber: pledge.registrationNumber,
      })),
    },
  };
}

/** Utility models and designs need a patent evaluation report (专利权评价报告) before an open license. */
export const needsEvaluationReport = (patentType: string | undefined) =>
  patentType === 'utility-model' || patentType === 'design';

/** The calendar date `months` after `date` (YYYY-MM-DD), clamped to the month's last day (11-30 + 3 -> 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export const transferSettings = {
  /** Registration / filing within this many months of the effective date (许可合同备案: 3 months). */
  filingMonths: 3,
};

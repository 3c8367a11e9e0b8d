/**
 * Open licensing (开放许可, Patent Law art. 50-52; Implementing Regulations (2023) art. 85-88): declaration,
 * withdrawal, and an enterprise taking a license by written notice and payment. The declaration lives
 * on the patent item (`openLicense`), written with the openLicenseDeclared / openLicenseWithdrawn
 * transition; a license taken is an ordinary `open` license deal with the usual filing clock.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import type { Deal } from '../../schemas/deal.ts';
import { priceTermIssues } from '../../schemas/deal.ts';
import {
  type OpenLicense,
  type OpenLicenseDeclaration,
  type OpenLicensePublication,
  publicOpenLicense,
  type TakeOpenLicense,
} from '../../schemas/open-license.ts';
import type { Caller } from '../../schemas/roles.ts';
import { planTransition } from '../pipeline/transitions.ts';
import { actorLabel } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.ts';
import {
  hashOf,
  isAdmin,
  LicensingRefusedError,
  ownOrganization,
  patenteePatent,
  requireInstitutionLevel,
  requireVerifiedEnterprise,
} from './access.ts';
import { dealTransitions, toDealView } from './deals.ts';
import type { StoredDeal, TransferDeps, TransferPatent } from './ports.ts';
import {
  addMonths,
  coOwnerRefusal,
  dealRefusal,
  declarationRefusal,
  legalRefusal,
  needsEvaluationReport,
  pledgeRefusal,
  transferSettings,
} from './rules.ts';

type WithHash = TransferPatent & { openLicenseHash?: string };

export async function declareOpenLicense(
  deps: TransferDeps,
  caller: Caller,
  applicationNumber: string,
  input: OpenLicenseDeclaration,
): Promise<{ changed: boolean; openLicense: OpenLicense }> {
  requireInstitutionLevel(caller, 'declare open licenses');
  const patent = (await patenteePatent(deps, caller, applicationNumber)) as WithHash;
  const n = patent.applicationNumber;
  const requestHash = hashOf(input);
  if (patent.openLicense?.status === 'active') {
    if (patent.openLicenseHash === requestHash)
      return { changed: false, openLicense: publicOpenLicense(patent.openLicense) };
    throw new ConflictError(
      `Patent ${n} is already under an open license (until ${patent.openLicense.endDate}): withdraw it first (POST /v1/patents/${n}/open-license/withdrawal) to declare other terms.`,
      { openLicense: patent.openLicense },
    );
  }
  if (needsEvaluationReport(patent.patentType) && !input.evaluationReportRef) {
    throw new ValidationError(
      `Patent ${n} is a ${patent.patentType === 'design' ? 'design' : 'utility model'}: an open license of it needs a patent evaluation report (专利权评价报告, Patent Law art. 50). Request the report from CNIPA and give its number as evaluationReportRef.`,
      [{ in: 'body', field: 'evaluationReportRef', message: `required for a ${patent.patentType}` }],
    );
  }
  const termIssues = priceTermIssues(input.feeStandard, {
    effectiveDate: input.startDate,
    endDate: input.endDate,
  });
  if (termIssues.length) {
    throw new ValidationError(
      `The fee standard is not valid: ${termIssues.map((i) => i.message).join('; ')}.`,
      termIssues.map((i) => ({
        in: 'body',
        field: ['feeStandard', ...i.path].join('.'),
        message: i.message,
      })),
    );
  }
  const refusal =
    legalRefusal(
      patent,
      { what: 'open-license', effectiveDate: input.startDate, endDate: input.endDate },
      chinaDate(deps.now()),
    ) ??
    declarationRefusal(patent, input.startDate) ??
    coOwnerRefusal(patent, { what: 'open-license' }, input.coOwnerConsent) ??
    pledgeRefusal(patent, { what: 'open-license' }, input.pledgeeConsent);
  if (refusal) throw new LicensingRefusedError(refusal);
  planTransition(patent, { event: 'openLicenseDeclared' });

  const at = deps.now().toISOString();
  const institution = await deps.store.institution(patent.institutionUscc);
  const openLicense: OpenLicense = {
    status: 'active',
    applicationNumber: n,
    ...(patent.patentType ? { patentType: patent.patentType } : {}),
    ...(patent.title ? { title: patent.title } : {}),
    patenteeUscc: patent.institutionUscc,
    ...(institution?.name ? { patenteeName: institution.name } : {}),
    feeStandard: input.feeStandard,
    paymentMethod: input.paymentMethod,
    startDate: input.startDate,
    endDate: input.endDate,
    ...(input.evaluationReportRef ? { evaluationReportRef: input.evaluationReportRef } : {}),
    ...(input.contact ? { contact: input.contact } : {}),
    ...(input.coOwnerConsent ? { coOwnerConsent: input.coOwnerConsent } : {}),
    ...(input.pledgeeConsent ? { pledgeeConsent: input.pledgeeConsent } : {}),
    declaredAt: at,
    // Who declared it, as the public may read it: the organization and the role, never a Cognito sub.
    declaredBy: `${institution?.name ?? patent.institutionUscc}（机构管理员 / institution administrator）`,
  };
  const outcome = await deps.store.declareOpenLicense({
    patent: {
      patent,
      transition: {
        event: 'openLicenseDeclared',
        eventId: `open-license#${requestHash}#${patent.version}`,
        actor: caller,
        set: { openLicense, openLicenseHash: requestHash },
        details: { startDate: input.startDate, endDate: input.endDate, feeType: input.feeStandard.type },
      },
    },
    openLicense,
    provinceCode: patent.provinceCode,
    at,
  });
  // The same declaration sent twice at the same moment: the first one recorded it.
  if (outcome === 'duplicate') return { changed: false, openLicense };
  return { changed: true, openLicense };
}

export async function withdrawOpenLicense(
  deps: TransferDeps,
  caller: Caller,
  applicationNumber: string,
  reason: string,
): Promise<{ changed: boolean; openLicense: OpenLicense }> {
  requireInstitutionLevel(caller, 'withdraw open licenses');
  const patent = (await patenteePatent(deps, caller, applicationNumber)) as WithHash;
  const n = patent.applicationNumber;
  const current = patent.openLicense && publicOpenLicense(patent.openLicense);
  if (!current) {
    throw new ConflictError(`Patent ${n} has no open license to withdraw.`);
  }
  if (current.status === 'withdrawn') {
    if (current.withdrawalReason === reason) return { changed: false, openLicense: current };
    throw new ConflictError(
      `The open license of patent ${n} was withdrawn on ${current.withdrawnAt?.slice(0, 10)}.`,
      {
        openLicense: current,
      },
    );
  }
  planTransition(patent, { event: 'openLicenseWithdrawn' });
  const at = deps.now().toISOString();
  const openLicense: OpenLicense = {
    ...current,
    status: 'withdrawn',
    withdrawnAt: at,
    withdrawalReason: reason,
  };
  const outcome = await deps.store.withdrawOpenLicense({
    patent: {
      patent,
      transition: {
        event: 'openLicenseWithdrawn',
        eventId: `open-license-withdrawal#${current.declaredAt}`,
        actor: caller,
        set: { openLicense },
        details: { reason },
      },
    },
    at,
  });
  if (outcome === 'duplicate') return { changed: false, openLicense };
  return { changed: true, openLicense };
}

/**
 * Records CNIPA's announcement of an active declaration (专利法 art. 50: the declaration takes effect as
 * CNIPA publishes it) and the annual-fee reduction granted for it (art. 51). The same record again
 * changes nothing; a different one replaces it (a correction), with the audit entry of the change.
 */
export async function recordOpenLicensePublication(
  deps: TransferDeps,
  caller: Caller,
  applicationNumber: string,
  input: OpenLicensePublication,
): Promise<{ changed: boolean; openLicense: OpenLicense }> {
  requireInstitutionLevel(caller, 'record the publication of open licenses');
  const patent = (await patenteePatent(deps, caller, applicationNumber)) as WithHash;
  const n = patent.applicationNumber;
  const current = patent.openLicense && publicOpenLicense(patent.openLicense);
  if (current?.status !== 'active') {
    throw new ConflictError(
      `Patent ${n} has no active open license: declare it first (POST /v1/patents/${n}/open-license), then record CNIPA's announcement of it.`,
    );
  }
  const declaredOn = chinaDate(new Date(current.declaredAt));
  const today = chinaDate(deps.now());
  if (input.publishedOn < declaredOn || input.publishedOn > today) {
    throw new ValidationError(
      `The announcement date ${input.publishedOn} must lie between the declaration (${declaredOn}) and today (${today}): give the date CNIPA published it.`,
      [{ in: 'body', field: 'publishedOn', message: `between ${declaredOn} and ${today}` }],
    );
  }
  const same =
    current.publication?.reference === input.reference &&
    current.publication.publishedOn === input.publishedOn &&
    hashOf(current.annualFeeReduction ?? null) === hashOf(input.annualFeeReduction ?? null);
  if (same) return { changed: false, openLicense: current };
  planTransition(patent, { event: 'openLicensePublished' });
  const at = deps.now().toISOString();
  const { annualFeeReduction: _, ...rest } = current;
  const openLicense: OpenLicense = {
    ...rest,
    publication: { reference: input.reference, publishedOn: input.publishedOn, recordedAt: at },
    ...(input.annualFeeReduction ? { annualFeeReduction: input.annualFeeReduction } : {}),
  };
  const outcome = await deps.store.declareOpenLicense({
    patent: {
      patent,
      transition: {
        event: 'openLicensePublished',
        eventId: `open-license-publication#${hashOf(input)}#${patent.version}`,
        actor: caller,
        set: { openLicense },
        details: {
          reference: input.reference,
          publishedOn: input.publishedOn,
          ...(current.publication ? { replaces: current.publication.reference } : {}),
        },
      },
    },
    openLicense,
    provinceCode: patent.provinceCode,
    at,
  });
  if (outcome === 'duplicate') return { changed: false, openLicense };
  return { changed: true, openLicense };
}

/** An enterprise takes the open license: written notice + payment -> an ordinary `open` license deal. */
export async function takeOpenLicense(
  deps: TransferDeps,
  caller: Caller,
  applicationNumber: string,
  input: TakeOpenLicense,
): Promise<{ created: boolean; deal: Deal }> {
  const enterpriseUscc = ownOrganization(caller, 'enterprise');
  const n = normalizeApplicationNumber(applicationNumber);
  const patent = (await deps.store.patents([n])).get(n);
  const open = patent?.openLicense;
  if (!patent || open?.status !== 'active') {
    throw new NotFoundError(
      `Patent ${n} is not under an open license: check the number in the list of openly licensed patents, or negotiate a license with its patentee.`,
    );
  }
  await requireVerifiedEnterprise(deps, enterpriseUscc, 'take an open license');
  const enterprise = (await deps.store.enterprise(enterpriseUscc))!;
  const today = chinaDate(deps.now());
  const field = (name: string, message: string) => [{ in: 'body', field: name, message }];
  if (input.noticeDate < open.startDate || input.noticeDate > open.endDate) {
    throw new ValidationError(
      `The notice date ${input.noticeDate} is outside the open license term ${open.startDate} - ${open.endDate}: a license is taken during the term.`,
      field('noticeDate', 'outside the open license term'),
    );
  }
  if (input.noticeDate > today || input.payment.paidOn > today) {
    throw new ValidationError(
      'The notice and the payment are recorded once made: dates cannot be in the future.',
      [
        ...(input.noticeDate > today ? field('noticeDate', 'in the future') : []),
        ...(input.payment.paidOn > today ? field('payment.paidOn', 'in the future') : []),
      ],
    );
  }
  const due =
    open.feeStandard.type === 'lump-sum'
      ? open.feeStandard.amountFen
      : open.feeStandard.type === 'upfront-royalty'
        ? open.feeStandard.upfrontFen
        : 0;
  if (input.payment.amountFen < due) {
    throw new ValidationError(
      `The open license asks for ${(due / 100).toFixed(2)} CNY on taking it (${open.feeStandard.type}); the payment records ${(input.payment.amountFen / 100).toFixed(2)} CNY: pay the difference and record the full payment.`,
      field('payment.amountFen', `less than ${due} fen`),
    );
  }
  // The right must still be in force: an open license on a patent that lapsed since is not taken.
  const refusal =
    legalRefusal(
      patent,
      { what: 'open-license-take', kind: 'license', effectiveDate: input.noticeDate },
      today,
    ) ??
    dealRefusal(patent, {
      kind: 'license',
      licenseType: 'open',
      effectiveDate: input.noticeDate,
    });
  if (refusal) throw new LicensingRefusedError(refusal);

  const dealId = `o-${hashOf(['open', n, enterpriseUscc, input.payment.reference])}`;
  const requestHash = hashOf({ n, ...input });
  const existing = (await deps.store.deal(dealId)) as StoredDeal | undefined;
  if (existing) {
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(
        `The payment reference ${input.payment.reference} already recorded license ${dealId} with other details.`,
        { dealId },
      );
    }
    return { created: false, deal: toDealView(existing) };
  }
  planTransition(patent, { event: 'dealRecorded', context: { dealKind: 'license' } });
  // Effective once both the notice and the payment are made (art. 51): the later of the two dates.
  const effectiveDate = [input.noticeDate, input.payment.paidOn].sort()[1]!;
  const institution = await deps.store.institution(patent.institutionUscc);
  const createdAt = deps.now().toISOString();
  const deal: StoredDeal = {
    dealId,
    kind: 'license',
    licenseType: 'open',
    applicationNumbers: [n],
    institutionUscc: patent.institutionUscc,
    ...(institution?.name ? { institutionName: institution.name } : {}),
    provinceCode: institution?.provinceCode ?? patent.provinceCode,
    enterprise: { uscc: enterpriseUscc, name: enterprise.name ?? enterpriseUscc },
    priceTerms: open.feeStandard,
    contractValueFen: input.payment.amountFen,
    effectiveDate,
    endDate: open.endDate,
    origin: 'open-license',
    payment: input.payment,
    filingKind: 'license-filing',
    filingStatus: 'pending',
    filingDueDate: addMonths(effectiveDate, transferSettings.filingMonths),
    createdAt,
    createdBy: actorLabel(caller),
    version: 1,
    requestHash,
  };
  const outcome = await deps.store.recordDeal({
    deal,
    patents: dealTransitions(deal, [patent], caller),
    actor: caller,
  });
  if (outcome === 'duplicate') {
    const again = (await deps.store.deal(dealId)) as StoredDeal | undefined;
    if (again) return { created: false, deal: toDealView(again) };
  }
  return { created: true, deal: toDealView(deal) };
}

/** GET /v1/open-licenses: the active open licenses (of a province), for enterprises looking for one. */
export async function listOpenLicenses(
  deps: TransferDeps,
  query: { province?: string; limit: number; cursor?: string },
) {
  const name = `open-licenses:${query.province ?? ''}`;
  const today = chinaDate(deps.now());
  const page = await deps.store.listOpenLicenses(
    query.province,
    query.limit,
    decodeCursor(name, query.cursor),
  );
  return {
    // A term that ended is not offered any more (the entry stays until withdrawn or swept).
    items: page.items.filter((entry) => entry.endDate >= today).map(publicOpenLicense),
    ...(page.lastKey ? { nextCursor: encodeCursor(name, page.lastKey) } : {}),
  };
}

/** Used by the route that reads an open license (any signed-in user: the declaration is public). */
export async function getOpenLicense(deps: TransferDeps, applicationNumber: string): Promise<OpenLicense> {
  const n = normalizeApplicationNumber(applicationNumber);
  const open = (await deps.store.patents([n])).get(n)?.openLicense;
  if (!open) throw new NotFoundError(`Patent ${n} has no open license declaration.`);
  return publicOpenLicense(open);
}

export { isAdmin, publicOpenLicense };

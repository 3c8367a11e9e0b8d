/**
 * Deals: record (POST /v1/deals), read, list, and the registration / filing (PUT /v1/deals/{id}/filing).
 * A deal, its party link, its audit entry and the dealRecorded transition of every patent are one
 * transaction: either the deal exists and every patent moved on, or nothing was written.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import {
  contractValueFen,
  type Deal,
  type DealInput,
  type DealListQuery,
  type FilingInput,
  maxPortfolioPatents,
} from '../../schemas/deal.ts';
import type { TransitionContext } from '../../schemas/lifecycle.ts';
import type { Caller } from '../../schemas/roles.ts';
import { isStorageAttribute } from '../../schemas/storage.ts';
import { planTransition } from '../pipeline/transitions.ts';
import { type AuditActor, actorLabel } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import {
  canSeeDeal,
  distinctNumbers,
  hashOf,
  isAdmin,
  LicensingRefusedError,
  ownOrganization,
  requireInstitutionLevel,
  requireVerifiedEnterprise,
} from './access.ts';
import { newLedger } from './obligations.ts';
import type { PatentChange, StoredDeal, TransferDeps, TransferPatent } from './ports.ts';
import {
  addMonths,
  coOwnerRefusal,
  dealRefusal,
  legalRefusal,
  pledgeRefusal,
  type Refusal,
  transferSettings,
} from './rules.ts';

/** The API view of a stored deal: no request hash, no keys, index keys or item type (found by the strict response check). */
export const toDealView = ({ requestHash, ...deal }: StoredDeal): Deal =>
  Object.fromEntries(Object.entries(deal).filter(([field]) => !isStorageAttribute(field))) as Deal;

const implementationByKind = { assignment: 'assigned', license: 'licensed', equity: 'equity' } as const;

/** The patents of a deal, each the institution's own (404 otherwise, without saying whose it is). */
export async function ownPatents(
  deps: TransferDeps,
  numbers: string[],
  institutionUscc: string,
): Promise<TransferPatent[]> {
  const found = await deps.store.patents(numbers);
  const missing = numbers.filter((n) => found.get(n)?.institutionUscc !== institutionUscc);
  if (missing.length) {
    throw new NotFoundError(
      `No patent ${missing.join(', ')} among the patents of institution ${institutionUscc}: check the application numbers (list your patents with GET /v1/patents).`,
      { applicationNumbers: missing },
    );
  }
  return numbers.map((n) => found.get(n)!);
}

/**
 * What a new deal waits for. A license contract is filed within 3 months of its effective date
 * (专利实施许可合同备案办法, SIPO order no. 62 of 2011; `transferSettings.filingMonths`): a deadline, flagged
 * overdue by the deadline sweep. An assignment or equity contribution takes effect on its registration
 * (专利法 art. 10) and the law sets no deadline for it: the institution is reminded once, after the
 * same period, while the patent stays in its stock.
 */
export function filingClock(kind: Deal['kind'], effectiveDate: string) {
  const after = addMonths(effectiveDate, transferSettings.filingMonths);
  return kind === 'license'
    ? { filingKind: 'license-filing' as const, filingDueDate: after }
    : { filingKind: 'assignment-registration' as const, registrationReminderOn: after };
}

/** Plans every transition first, so that one illegal patent refuses the whole portfolio before any write. */
export function planAll(patents: TransferPatent[], event: Parameters<typeof planTransition>[1]) {
  for (const patent of patents) planTransition(patent, event);
}

export function refuseIfAny(refusals: Refusal[]) {
  if (refusals.length) throw new LicensingRefusedError(refusals[0]!, refusals.slice(1));
}

/** The dealRecorded transition of each patent of a deal: what the deal makes of it (shared with open licenses). */
export function dealTransitions(
  deal: StoredDeal,
  patents: TransferPatent[],
  caller: AuditActor,
): PatentChange[] {
  const context: TransitionContext = { dealKind: deal.kind };
  return patents.map((patent) => {
    const set: Record<string, unknown> = {};
    if (patent.implementationStatus !== 'industrialized') {
      set.implementationStatus = implementationByKind[deal.kind];
    }
    if (deal.licenseType === 'exclusive' || deal.licenseType === 'sole') {
      set.exclusiveGrant = {
        dealId: deal.dealId,
        licenseType: deal.licenseType,
        enterpriseUscc: deal.enterprise.uscc,
        ...(deal.endDate ? { endDate: deal.endDate } : {}),
      };
    }
    if (deal.kind === 'assignment' || deal.kind === 'equity') {
      // The right is committed to the enterprise (the patent is no longer offered), but it changes
      // hands on registration (专利法 art. 10): recordFiling sets registeredOn.
      set.patenteeChange = {
        dealId: deal.dealId,
        kind: deal.kind,
        enterpriseUscc: deal.enterprise.uscc,
        effectiveDate: deal.effectiveDate,
        registration: 'pending',
      };
    }
    return {
      patent,
      transition: {
        event: 'dealRecorded',
        context,
        eventId: `deal#${deal.dealId}`,
        actor: caller,
        set,
        details: {
          dealId: deal.dealId,
          dealKind: deal.kind,
          ...(deal.licenseType ? { licenseType: deal.licenseType } : {}),
          enterpriseUscc: deal.enterprise.uscc,
        },
      },
    };
  });
}

/** Records a new deal, or returns the one an earlier identical request recorded. */
export async function createDeal(
  deps: TransferDeps,
  caller: Caller,
  input: DealInput,
  idempotencyKey?: string,
): Promise<{ created: boolean; deal: Deal }> {
  requireInstitutionLevel(caller, 'record deals');
  let institutionUscc: string;
  if (caller.roles.includes('institution') && !isAdmin(caller)) {
    institutionUscc = ownOrganization(caller, 'institution');
    if (input.institutionUscc && input.institutionUscc !== institutionUscc) {
      throw new ForbiddenError(
        `You record deals of your own institution (${institutionUscc}) only: leave institutionUscc out or set it to your own.`,
      );
    }
  } else {
    if (!input.institutionUscc) {
      throw new ValidationError('Name the patentee institution (institutionUscc) you record this deal for.', [
        { in: 'body', field: 'institutionUscc', message: 'required for admins' },
      ]);
    }
    institutionUscc = input.institutionUscc;
  }
  await requireVerifiedEnterprise(deps, input.enterprise.uscc, 'be a party to a deal');
  if (input.enterprise.uscc === institutionUscc) {
    throw new ValidationError('The enterprise must be another organization than the institution.', [
      { in: 'body', field: 'enterprise.uscc', message: 'is the institution itself' },
    ]);
  }
  const numbers = distinctNumbers(input.applicationNumbers);
  const institution = await deps.store.institution(institutionUscc);
  if (caller.roles.includes('province-admin') && !caller.roles.includes('national-admin')) {
    if (!institution || institution.provinceCode !== caller.provinceCode) {
      throw new NotFoundError(
        `No institution ${institutionUscc} in your province: check the code, or ask the admins of its province.`,
      );
    }
  }

  const key = idempotencyKey ?? input.clientReference;
  const requestHash = hashOf({ institutionUscc, ...input, applicationNumbers: numbers });
  const dealId = key ? `d-${hashOf(['deal', institutionUscc, key])}` : deps.ids();
  const replay = async () => {
    const existing = (await deps.store.deal(dealId)) as StoredDeal | undefined;
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(
        `The reference "${key}" already recorded deal ${dealId} with other contents: use a new Idempotency-Key / clientReference for a new deal, or read the existing one with GET /v1/deals/${dealId}.`,
        { dealId },
      );
    }
    return { created: false, deal: toDealView(existing) };
  };
  if (key) {
    const existing = await replay();
    if (existing) return existing;
  }

  const patents = await ownPatents(deps, numbers, institutionUscc);
  const today = chinaDate(deps.now());
  const consents = (input.coOwnerConsents ?? []).map((c) => ({
    ...c,
    applicationNumber: normalizeApplicationNumber(c.applicationNumber),
  }));
  const unknownConsent = consents.find((c) => !numbers.includes(c.applicationNumber));
  if (unknownConsent)
    throw new ValidationError(
      `coOwnerConsents names ${unknownConsent.applicationNumber}, which is not a patent of this deal: give the consent for a patent of applicationNumbers, or leave it out.`,
      [
        {
          in: 'body',
          field: 'coOwnerConsents',
          message: `${unknownConsent.applicationNumber} is not in applicationNumbers`,
        },
      ],
    );
  const consentFor = (n: string) => consents.find((c) => c.applicationNumber === n);
  const pledgeeConsents = (input.pledgeeConsents ?? []).map((c) => ({
    ...c,
    applicationNumber: normalizeApplicationNumber(c.applicationNumber),
  }));
  const unknownPledgeeConsent = pledgeeConsents.find((c) => !numbers.includes(c.applicationNumber));
  if (unknownPledgeeConsent)
    throw new ValidationError(
      `pledgeeConsents names ${unknownPledgeeConsent.applicationNumber}, which is not a patent of this deal: give the consent for a patent of applicationNumbers, or leave it out.`,
      [
        {
          in: 'body',
          field: 'pledgeeConsents',
          message: `${unknownPledgeeConsent.applicationNumber} is not in applicationNumbers`,
        },
      ],
    );
  const pledgeeConsentFor = (n: string) => pledgeeConsents.find((c) => c.applicationNumber === n);
  refuseIfAny(
    patents.flatMap(
      (patent) =>
        legalRefusal(
          patent,
          {
            what: 'deal',
            kind: input.kind,
            effectiveDate: input.effectiveDate,
            ...(input.endDate ? { endDate: input.endDate } : {}),
          },
          today,
        ) ??
        dealRefusal(patent, input) ??
        coOwnerRefusal(
          patent,
          {
            what: 'deal',
            kind: input.kind,
            ...(input.licenseType ? { licenseType: input.licenseType } : {}),
          },
          consentFor(patent.applicationNumber),
        ) ??
        pledgeRefusal(patent, { what: 'deal' }, pledgeeConsentFor(patent.applicationNumber)) ??
        [],
    ),
  );
  planAll(patents, { event: 'dealRecorded', context: { dealKind: input.kind } });

  const createdAt = deps.now().toISOString();
  const deal: StoredDeal = {
    dealId,
    kind: input.kind,
    ...(input.licenseType ? { licenseType: input.licenseType } : {}),
    applicationNumbers: numbers,
    institutionUscc,
    ...(institution?.name ? { institutionName: institution.name } : {}),
    provinceCode: institution?.provinceCode ?? patents[0]!.provinceCode,
    enterprise: input.enterprise,
    priceTerms: input.priceTerms,
    contractValueFen: contractValueFen(input.priceTerms),
    effectiveDate: input.effectiveDate,
    ...(input.endDate ? { endDate: input.endDate } : {}),
    ...(input.clientReference ? { clientReference: input.clientReference } : {}),
    ...(input.notes ? { notes: input.notes } : {}),
    ...(consents.length ? { coOwnerConsents: consents } : {}),
    ...(pledgeeConsents.length ? { pledgeeConsents } : {}),
    origin: 'recorded',
    filingStatus: 'pending',
    ...filingClock(input.kind, input.effectiveDate),
    createdAt,
    createdBy: actorLabel(caller),
    version: 1,
    requestHash,
  };
  const outcome = await deps.store.recordDeal({
    deal,
    patents: dealTransitions(deal, patents, caller),
    actor: caller,
    // Its obligations, stored with it so that the deadline sweep finds them (money.ts).
    ledger: newLedger(deal),
  });
  if (outcome === 'duplicate') {
    const existing = await replay();
    if (existing) return existing;
    throw new ConflictError(
      'This deal was being recorded at the same moment: read it with GET /v1/deals and retry if absent.',
    );
  }
  return { created: true, deal: toDealView(deal) };
}

async function dealInScope(deps: TransferDeps, caller: Caller, dealId: string): Promise<StoredDeal> {
  const deal = (await deps.store.deal(dealId)) as StoredDeal | undefined;
  if (!deal || !canSeeDeal(caller, deal)) {
    throw new NotFoundError(
      `No deal ${dealId} in your scope: check the id, or list your deals with GET /v1/deals.`,
    );
  }
  return deal;
}

export async function getDeal(deps: TransferDeps, caller: Caller, dealId: string): Promise<Deal> {
  return toDealView(await dealInScope(deps, caller, dealId));
}

export async function listDeals(deps: TransferDeps, caller: Caller, query: DealListQuery) {
  const filter = { kind: query.kind, filingStatus: query.filingStatus };
  let listing: Parameters<TransferDeps['store']['listDeals']>[0];
  const admin = isAdmin(caller);
  if (admin && (query.institution || query.enterprise)) {
    listing = query.institution
      ? { by: 'institution', uscc: query.institution }
      : { by: 'enterprise', uscc: query.enterprise! };
  } else if (admin) {
    const province = caller.roles.includes('national-admin') ? query.province : caller.provinceCode;
    if (!province) {
      throw new ValidationError(
        'Name the province (?province=110000), an institution or an enterprise to list.',
        [{ in: 'query', field: 'province', message: 'required for national admins' }],
      );
    }
    listing = { by: 'province', code: province };
  } else if (caller.roles.includes('institution')) {
    listing = { by: 'institution', uscc: ownOrganization(caller, 'institution') };
  } else {
    listing = { by: 'enterprise', uscc: ownOrganization(caller, 'enterprise') };
  }
  if (caller.roles.includes('province-admin') && !caller.roles.includes('national-admin') && query.province) {
    if (query.province !== caller.provinceCode) {
      throw new ForbiddenError(`You see the deals of your province (${caller.provinceCode}) only.`);
    }
  }
  const name = `deals:${JSON.stringify(listing)}:${query.kind ?? ''}:${query.filingStatus ?? ''}`;
  const page = await deps.store.listDeals(listing, filter, query.limit, decodeCursor(name, query.cursor));
  // Admins naming an institution or enterprise outside their province see nothing of it.
  const items = page.items.filter((deal) => canSeeDeal(caller, deal)).map(toDealView);
  return { items, ...(page.lastKey ? { nextCursor: encodeCursor(name, page.lastKey) } : {}) };
}

/** PUT /v1/deals/{id}/filing: the registration / filing number and date; the patents become filed. */
export async function recordFiling(
  deps: TransferDeps,
  caller: Caller,
  dealId: string,
  filing: FilingInput,
): Promise<{ changed: boolean; deal: Deal }> {
  requireInstitutionLevel(caller, 'record filings');
  const deal = await dealInScope(deps, caller, dealId);
  if (
    !isAdmin(caller) &&
    !(caller.roles.includes('institution') && caller.orgUscc === deal.institutionUscc)
  ) {
    throw new ForbiddenError(
      'The institution (patentee) or an admin of its province records the registration / filing: ask the institution to record it.',
    );
  }
  if (deal.filing) {
    if (deal.filing.number === filing.number && deal.filing.date === filing.date) {
      return { changed: false, deal: toDealView(deal) };
    }
    throw new ConflictError(
      `Deal ${dealId} already has the ${deal.filingKind} ${deal.filing.number} of ${deal.filing.date}: a correction goes through the admins of province ${deal.provinceCode}.`,
      { filing: deal.filing },
    );
  }
  if (filing.date < deal.effectiveDate) {
    throw new ValidationError(
      `The filing date ${filing.date} is before the deal's effective date ${deal.effectiveDate}: a contract is registered or filed after it takes effect; check the date on the notice.`,
      [{ in: 'body', field: 'date', message: `before the effective date ${deal.effectiveDate}` }],
    );
  }
  const now = deps.now();
  if (filing.date > chinaDate(now)) {
    throw new ValidationError(
      `The filing date ${filing.date} is in the future: enter the date on the notice.`,
      [{ in: 'body', field: 'date', message: 'in the future' }],
    );
  }
  const patents = await ownPatents(deps, deal.applicationNumbers, deal.institutionUscc);
  // A license of a right that lapsed is not filed (专利法 art. 44-47); an assignment of a pending
  // application is registered all the same.
  refuseIfAny(
    patents.flatMap(
      (patent) => legalRefusal(patent, { what: 'filing', kind: deal.kind }, chinaDate(now)) ?? [],
    ),
  );
  planAll(patents, { event: 'filingConfirmed' });
  const at = now.toISOString();
  const recorded = { ...filing, recordedAt: at, recordedBy: actorLabel(caller) };
  const patentChanges = patents.map(
    (patent): PatentChange => ({
      patent,
      transition: {
        event: 'filingConfirmed',
        eventId: `filing#${dealId}`,
        actor: caller,
        // The registration is the day the assignment takes effect (专利法 art. 10): the patent
        // leaves the institution's stock then (functions/metrics/counters.ts leftStockOn).
        ...(patent.patenteeChange?.dealId === dealId
          ? {
              set: {
                patenteeChange: {
                  ...patent.patenteeChange,
                  registration: 'registered',
                  registeredOn: filing.date,
                },
              },
            }
          : {}),
        details: { dealId, filingKind: deal.filingKind, filingNumber: filing.number },
      },
    }),
  );
  const outcome = await deps.store.recordFiling({
    deal,
    filing: recorded,
    patents: patentChanges,
    actor: caller,
    at,
  });
  if (outcome === 'duplicate') {
    const again = await dealInScope(deps, caller, dealId);
    return { changed: false, deal: toDealView(again) };
  }
  return {
    changed: true,
    deal: toDealView({ ...deal, filing: recorded, filingStatus: 'filed', version: deal.version + 1 }),
  };
}

export { maxPortfolioPatents };

/**
 * After the deal (issue 13, item 6): obligations, payments, royalty reports, receivables, amendments,
 * termination, and the overdue reminders of the deadline sweep. The rules are in obligations.ts (pure);
 * this file reads and writes through MoneyStore (money-store.ts). docs/transfer.md, "After the deal".
 *
 * Every write is one transaction: the ledger (versioned: conditioned on the version read, so two
 * payments at the same moment never overwrite each other: the loser reads again and is applied on
 * top), the record (payment, deal), its audit entry and, on termination, the patents' grants.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import { contractValueFen, type Deal, priceTermIssues } from '../../schemas/deal.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type {
  AmendmentInput,
  ImplementationProfit,
  InventorRewardsQuery,
  InventorRewardsReport,
  ObligationsView,
  Payment,
  PaymentInput,
  PaymentReversalInput,
  Receivables,
  RoyaltyReportInput,
  TerminationInput,
} from '../../schemas/money.ts';
import type { Caller } from '../../schemas/roles.ts';
import { type AuditActor, actorLabel } from '../shared/audit.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { canSeeDeal, hashOf, isAdmin, requireInstitutionLevel } from './access.ts';
import { inventorRewards, type RewardRule, rewardedKinds, ruleOn } from './inventor-rewards.ts';
import {
  allocatePayment,
  applyRoyaltyReport,
  type Ledger,
  MoneyRefusal,
  newLedger,
  obligationsView,
  regenerate,
  reverseAllocations,
  type StoredObligation,
} from './obligations.ts';

/**
 * A payment as stored: with the request hash (idempotency) and its institution and province, so that
 * the metrics count income received from the payment item alone (functions/metrics/counters.ts
 * paymentContribution: incomeReceivedWan in the quarter of paidOn).
 */
export type StoredPayment = Payment & {
  requestHash: string;
  institutionUscc?: string;
  provinceCode?: string;
};
/** An own-implementation year as stored: with the request hash (a replay changes nothing). */
export type StoredImplementationProfit = ImplementationProfit & { requestHash: string };

/** The API view of a stored payment. */
export const toPaymentView = ({
  requestHash,
  institutionUscc,
  provinceCode,
  ...payment
}: StoredPayment): Payment => payment;

/** A patent's exclusive / sole grant, as far as a termination or amendment changes its end date. */
export interface GrantHolder {
  applicationNumber: string;
  /** The patentee institution and its province (own implementation: own-implementation.ts). */
  institutionUscc?: string;
  provinceCode?: string;
  exclusiveGrant?: { dealId: string; endDate?: string };
  /** Read for the inventors' share of a payment (inventor-rewards.ts). */
  inventors?: string[];
  inventorShares?: Array<{ name: string; sharePercent: number }>;
  inventorStaffNumbers?: Array<{ name: string; staffNumber: string }>;
}

export interface MoneyStore {
  deal(dealId: string): Promise<Deal | undefined>;
  ledger(dealId: string): Promise<Ledger | undefined>;
  ledgers(dealIds: string[]): Promise<Ledger[]>;
  payment(dealId: string, paymentId: string): Promise<StoredPayment | undefined>;
  payments(dealId: string): Promise<Payment[]>;
  institution(
    uscc: string,
  ): Promise<
    | { provinceCode?: string; contactEmail?: string; name?: string; inventorRewardRule?: RewardRule }
    | undefined
  >;
  /** Every deal of an institution (all pages). */
  institutionDeals(uscc: string): Promise<Deal[]>;
  patents(numbers: string[]): Promise<GrantHolder[]>;
  /**
   * An institution's own-implementation profit years (own-implementation.ts), all of them or one
   * patent's: at most five per patent, in the institution's partition.
   */
  implementationProfits(uscc: string, applicationNumber?: string): Promise<StoredImplementationProfit[]>;
  /**
   * One year written with its audit entry: created when `before` is absent (and no record exists), else
   * replacing `before` on its version; 'conflict' when another write came first.
   */
  putImplementationProfit(write: {
    before?: StoredImplementationProfit;
    after: StoredImplementationProfit;
    actor: AuditActor;
  }): Promise<'recorded' | 'conflict'>;
  /** Ledgers whose next reminder date is before `date` (gsi3 DUE#payment), read again consistently. */
  dueLedgers(beforeDate: string, limit: number): Promise<Ledger[]>;
  /*
   * The writes: each one transaction with its audit entry, the ledger conditioned on the version it was
   * read at (`ledger.version`, 0 when not stored yet) and the deal on its own: 'conflict' when either
   * moved on since (read again and apply on top).
   */
  /** A payment received and the ledger it was allocated to; 'duplicate' when the payment exists already. */
  recordPayment(write: {
    deal: Deal;
    payment: Payment;
    requestHash: string;
    ledger: Ledger;
    actor: AuditActor;
  }): Promise<'recorded' | 'duplicate' | 'conflict'>;
  /**
   * A payment reversed: the payment as read (`before`, not reversed) written as `after` (with its
   * reversal), the ledger it was taken out of; 'conflict' when either moved on since.
   */
  reversePayment(write: {
    deal: Deal;
    before: StoredPayment;
    after: StoredPayment;
    ledger: Ledger;
    actor: AuditActor;
  }): Promise<'recorded' | 'conflict'>;
  /** A royalty report: the ledger with the reported obligation (`before` as read, `after` as reported). */
  reportRoyalties(write: {
    dealId: string;
    ledger: Ledger;
    before: StoredObligation | undefined;
    after: StoredObligation;
    actor: AuditActor;
    at: string;
  }): Promise<'recorded' | 'conflict'>;
  /** A supplementary agreement: the deal as read with `set` written, its regenerated ledger, the grants' new end. */
  amendDeal(
    write: DealChange & { set: Partial<Deal>; changes: Partial<Deal>; reason: string },
  ): Promise<'recorded' | 'conflict'>;
  /** The termination of the deal as read, its regenerated ledger, the grants' end. */
  terminateDeal(
    write: DealChange & { termination: NonNullable<Deal['termination']> },
  ): Promise<'recorded' | 'conflict'>;
  /** The overdue obligations reminded (on the ledger), the audit entry and the mail to the institution. */
  remindPayments(write: {
    deal: Deal;
    ledger: Ledger;
    reminded: string[];
    notified: string[];
    mail?: MailMessage;
    actor: AuditActor;
    now: Date;
  }): Promise<'reminded' | 'conflict'>;
  /** The ledger written unchanged, so that its due-date index entry follows its next reminder date. */
  reindexLedger(ledger: Ledger): Promise<'reindexed' | 'conflict'>;
}

/** A change of a deal as read (its version), with its ledger regenerated and the patents whose grants end. */
export interface DealChange {
  deal: Deal;
  ledger: Ledger;
  /** The patents whose exclusive / sole grant of this deal now ends on `endDate`. */
  grantsEnding?: { applicationNumbers: string[]; endDate: string };
  actor: AuditActor;
  at: string;
}

export interface MoneyDeps {
  store: MoneyStore;
  now: () => Date;
  ids: () => string;
}

const attempts = 5;

// ------------------------------------------------------------------------------------------ access

/** The deal, if the caller may see its money: its institution's institution-level users, admins in scope. */
async function dealForMoney(deps: MoneyDeps, caller: Caller, dealId: string, write: boolean): Promise<Deal> {
  requireInstitutionLevel(
    caller,
    write ? "record a deal's payments, reports and changes" : "see a deal's money",
  );
  const deal = await deps.store.deal(dealId);
  const own = caller.roles.includes('institution') && caller.orgUscc === deal?.institutionUscc;
  if (!deal || !(own || (!write && isAdmin(caller) && canSeeDeal(caller, deal)))) {
    throw new NotFoundError(
      `No deal ${dealId} among ${write ? "your institution's" : 'the deals in your scope'}: check the id, or list the deals with GET /v1/deals.`,
    );
  }
  if (!write && !own && !isAdmin(caller))
    throw new ForbiddenError('Only the institution and admins see this.');
  return deal;
}

const ledgerOf = async (deps: MoneyDeps, deal: Deal) =>
  (await deps.store.ledger(deal.dealId)) ?? newLedger(deal);

function refusal(error: unknown): never {
  if (error instanceof MoneyRefusal) {
    if (error.kind === 'conflict') throw new ConflictError(error.message);
    throw new ValidationError(error.message, [{ in: 'body', field: error.field, message: error.message }]);
  }
  throw error;
}

async function retrying<T>(what: string, attempt: () => Promise<T | 'conflict'>): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const outcome = await attempt();
    if (outcome !== 'conflict') return outcome;
  }
  throw new ConflictError(
    `${what} changed at the same moment ${attempts} times in a row: retry the request.`,
  );
}

// ------------------------------------------------------------------------------------------- reads

export async function listObligations(
  deps: MoneyDeps,
  caller: Caller,
  dealId: string,
): Promise<ObligationsView> {
  const deal = await dealForMoney(deps, caller, dealId, false);
  return obligationsView(await ledgerOf(deps, deal), chinaDate(deps.now()));
}

export async function listPayments(deps: MoneyDeps, caller: Caller, dealId: string) {
  await dealForMoney(deps, caller, dealId, false);
  const items = await deps.store.payments(dealId);
  return { items: items.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt)) };
}

/** The institution, when the caller may see its money: its institution-level users, admins in scope. */
async function institutionInScope(deps: MoneyDeps, caller: Caller, uscc: string, what: string) {
  requireInstitutionLevel(caller, what);
  const own = caller.roles.includes('institution') && caller.orgUscc === uscc;
  const institution = await deps.store.institution(uscc);
  const inScope =
    own ||
    caller.roles.includes('national-admin') ||
    (caller.roles.includes('province-admin') && institution?.provinceCode === caller.provinceCode);
  if (!institution || !inScope) {
    throw new NotFoundError(`No institution ${uscc} in your scope: check the code.`);
  }
  return institution;
}

/** What the institution is owed, per deal and in total (its institution-level users, admins in scope). */
export async function receivables(deps: MoneyDeps, caller: Caller, uscc: string): Promise<Receivables> {
  await institutionInScope(deps, caller, uscc, "see the institution's receivables");
  const today = chinaDate(deps.now());
  const deals = await deps.store.institutionDeals(uscc);
  const stored = new Map((await deps.store.ledgers(deals.map((d) => d.dealId))).map((l) => [l.dealId, l]));
  const rows = deals.map((deal) => {
    const { totals } = obligationsView(stored.get(deal.dealId) ?? newLedger(deal), today);
    return { dealId: deal.dealId, enterprise: deal.enterprise, status: deal.status ?? 'active', ...totals };
  });
  const sum = (field: keyof (typeof rows)[number] & `${string}Fen`) => rows.reduce((t, r) => t + r[field], 0);
  return {
    institutionUscc: uscc,
    asOf: today,
    deals: rows,
    totals: {
      dueFen: sum('dueFen'),
      paidFen: sum('paidFen'),
      outstandingFen: sum('outstandingFen'),
      overdueFen: sum('overdueFen'),
      overpaidFen: sum('overpaidFen'),
    },
  };
}

// ------------------------------------------------------------------------------------------ writes

/**
 * POST /v1/deals/{id}/payments: a payment received, allocated to what is due; beyond that it is kept
 * and flagged `overpayment`. The same Idempotency-Key twice records one payment (the second answers it).
 */
export async function recordPayment(
  deps: MoneyDeps,
  caller: Caller,
  dealId: string,
  input: PaymentInput,
  idempotencyKey?: string,
): Promise<{ created: boolean; payment: Payment }> {
  const deal = await dealForMoney(deps, caller, dealId, true);
  const today = chinaDate(deps.now());
  if (input.paidOn > today) {
    throw new ValidationError(
      `The payment date ${input.paidOn} is in the future: enter the day it was received.`,
      [{ in: 'body', field: 'paidOn', message: 'in the future' }],
    );
  }
  const requestHash = hashOf(input);
  const paymentId = idempotencyKey ? `p-${hashOf(['payment', dealId, idempotencyKey])}` : deps.ids();
  const replay = async () => {
    const existing = await deps.store.payment(dealId, paymentId);
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(
        `The Idempotency-Key "${idempotencyKey}" already recorded payment ${paymentId} with other contents: use a new key for a new payment.`,
        { paymentId },
      );
    }
    return { created: false, payment: toPaymentView(existing) };
  };
  if (idempotencyKey) {
    const existing = await replay();
    if (existing) return existing;
  }
  if (input.declaredCostsFen !== undefined && input.declaredCostsFen > input.amountFen) {
    throw new ValidationError(
      `The declared costs (${input.declaredCostsFen} fen) exceed the payment (${input.amountFen} fen): declare the costs borne for this payment only.`,
      [{ in: 'body', field: 'declaredCostsFen', message: 'more than the payment' }],
    );
  }
  // Only assignments and licenses share their income with the inventors: no patent read otherwise.
  const rewards = rewardedKinds.has(deal.kind)
    ? inventorRewards(
        deal,
        await deps.store.patents(deal.applicationNumbers),
        input,
        ruleOn((await deps.store.institution(deal.institutionUscc))?.inventorRewardRule, input.paidOn),
      )
    : undefined;
  return retrying(`The payments of deal ${dealId}`, async () => {
    const ledger = await ledgerOf(deps, deal);
    let allocated: ReturnType<typeof allocatePayment>;
    try {
      allocated = allocatePayment(ledger, input);
    } catch (error) {
      refusal(error);
    }
    const at = deps.now().toISOString();
    const payment: Payment = {
      paymentId,
      dealId,
      amountFen: input.amountFen,
      paidOn: input.paidOn,
      evidenceReference: input.evidenceReference,
      ...(input.note ? { note: input.note } : {}),
      allocations: allocated.allocations,
      overpaidFen: allocated.overpaidFen,
      flags: allocated.overpaidFen > 0 ? ['overpayment'] : [],
      ...(input.declaredCostsFen !== undefined ? { declaredCostsFen: input.declaredCostsFen } : {}),
      ...(rewards ? { inventorRewards: rewards } : {}),
      recordedAt: at,
      recordedBy: actorLabel(caller),
    };
    const outcome = await deps.store.recordPayment({
      deal,
      payment,
      requestHash,
      ledger: allocated.ledger,
      actor: caller,
    });
    if (outcome === 'conflict') return 'conflict';
    if (outcome === 'duplicate') {
      const existing = await replay();
      if (existing) return existing;
      return 'conflict';
    }
    return { created: true, payment };
  });
}

/**
 * POST /v1/deals/{id}/payments/{paymentId}/reversal: a payment recorded in error (冲销). A recorded
 * payment is never edited or deleted: the reversal keeps it on record, marked, and takes it out of
 * everything it counted in: its allocations (the obligations are outstanding again), the overpaid
 * total, the receivables, the income figures (functions/metrics/counters.ts paymentContribution: the
 * quarter it was paid in is corrected) and the inventors' rewards. The right payment is then recorded
 * anew. The same reversal again (same reason) changes nothing.
 */
export async function reversePayment(
  deps: MoneyDeps,
  caller: Caller,
  dealId: string,
  paymentId: string,
  input: PaymentReversalInput,
): Promise<{ changed: boolean; payment: Payment }> {
  const deal = await dealForMoney(deps, caller, dealId, true);
  return retrying(`The payments of deal ${dealId}`, async () => {
    const before = await deps.store.payment(dealId, paymentId);
    if (!before) {
      throw new NotFoundError(
        `Deal ${dealId} has no payment ${paymentId}: list its payments with GET /v1/deals/${dealId}/payments.`,
      );
    }
    if (before.reversal) {
      if (before.reversal.reason === input.reason) return { changed: false, payment: toPaymentView(before) };
      throw new ConflictError(
        `Payment ${paymentId} was reversed already on ${before.reversal.reversedAt.slice(0, 10)} (${before.reversal.reason}): a reversal is final. Record the right payment with POST /v1/deals/${dealId}/payments.`,
      );
    }
    const ledger = await ledgerOf(deps, deal);
    const after: StoredPayment = {
      ...before,
      reversal: {
        reason: input.reason,
        reversedAt: deps.now().toISOString(),
        reversedBy: actorLabel(caller),
      },
    };
    const outcome = await deps.store.reversePayment({
      deal,
      before,
      after,
      // Against the deal's terms again: an obligation a termination kept only because it was paid is
      // cancelled once it is not (regenerate keeps paid ones only).
      ledger: regenerate(reverseAllocations(ledger, before), deal),
      actor: caller,
    });
    if (outcome === 'conflict') return 'conflict';
    return { changed: true, payment: toPaymentView(after) };
  });
}

/** POST /v1/deals/{id}/royalty-reports: the net sales of a period; its royalty becomes due. */
export async function reportRoyalties(
  deps: MoneyDeps,
  caller: Caller,
  dealId: string,
  input: RoyaltyReportInput,
): Promise<{ created: boolean; obligations: ObligationsView }> {
  const deal = await dealForMoney(deps, caller, dealId, true);
  return retrying(`The royalty reports of deal ${dealId}`, async () => {
    const ledger = await ledgerOf(deps, deal);
    const at = deps.now().toISOString();
    let applied: ReturnType<typeof applyRoyaltyReport>;
    try {
      applied = applyRoyaltyReport(ledger, deal, input, { at, label: actorLabel(caller) });
    } catch (error) {
      refusal(error);
    }
    const today = chinaDate(deps.now());
    if (applied.replay) return { created: false, obligations: obligationsView(ledger, today) };
    const outcome = await deps.store.reportRoyalties({
      dealId,
      ledger: applied.ledger,
      before: ledger.obligations.find((o) => o.obligationId === applied.obligation.obligationId),
      after: applied.obligation,
      actor: caller,
      at,
    });
    if (outcome === 'conflict') return 'conflict';
    return {
      created: true,
      obligations: obligationsView({ ...applied.ledger, version: ledger.version + 1 }, today),
    };
  });
}

/** The patents whose exclusive / sole grant of this deal is to end on `endDate` (the metrics and the licensing rules read it). */
async function grantsEnding(
  deps: MoneyDeps,
  deal: Deal,
  endDate: string,
): Promise<NonNullable<DealChange['grantsEnding']>> {
  if (deal.licenseType !== 'exclusive' && deal.licenseType !== 'sole')
    return { applicationNumbers: [], endDate };
  const patents = await deps.store.patents(deal.applicationNumbers);
  return {
    applicationNumbers: patents
      .filter((p) => p.exclusiveGrant?.dealId === deal.dealId && p.exclusiveGrant.endDate !== endDate)
      .map((p) => p.applicationNumber),
    endDate,
  };
}

function requireActive(deal: Deal, what: string) {
  if (deal.status === 'terminated') {
    throw new ConflictError(
      `Deal ${deal.dealId} was terminated on ${deal.termination?.date}: it cannot ${what} any more.`,
    );
  }
}

/** POST /v1/deals/{id}/amendments: a supplementary agreement (price terms, end date, notes), with its reason. */
export async function amendDeal(
  deps: MoneyDeps,
  caller: Caller,
  dealId: string,
  input: AmendmentInput,
): Promise<Deal> {
  return retrying(`Deal ${dealId}`, async () => {
    const deal = await dealForMoney(deps, caller, dealId, true);
    requireActive(deal, 'be amended');
    const priceTerms = input.priceTerms ?? deal.priceTerms;
    const endDate = input.endDate ?? deal.endDate;
    const issues: Array<{ field: string; message: string }> = [];
    if ((deal.kind === 'equity') !== (priceTerms.type === 'equity')) {
      issues.push({
        field: 'priceTerms.type',
        message: `a ${deal.kind} deal cannot be priced "${priceTerms.type}"`,
      });
    }
    if (endDate !== undefined && endDate <= deal.effectiveDate) {
      issues.push({ field: 'endDate', message: `must be after the effective date ${deal.effectiveDate}` });
    }
    for (const issue of priceTermIssues(priceTerms, {
      effectiveDate: deal.effectiveDate,
      ...(endDate ? { endDate } : {}),
    })) {
      issues.push({ field: ['priceTerms', ...issue.path].join('.'), message: issue.message });
    }
    if (issues.length) {
      throw new ValidationError(
        `The amended deal would not be valid: ${issues[0]!.field} ${issues[0]!.message}.`,
        issues.map((i) => ({ in: 'body' as const, ...i })),
      );
    }
    const at = deps.now().toISOString();
    const changed = (['priceTerms', 'endDate', 'notes'] as const).filter(
      (field) => input[field] !== undefined && JSON.stringify(input[field]) !== JSON.stringify(deal[field]),
    );
    if (changed.length === 0) return deal;
    const version = deal.version + 1;
    const amendments = [
      ...(deal.amendments ?? []),
      {
        number: (deal.amendments?.length ?? 0) + 1,
        reason: input.reason,
        changed,
        version,
        recordedAt: at,
        recordedBy: actorLabel(caller),
      },
    ];
    const after: Deal = {
      ...deal,
      priceTerms,
      contractValueFen: contractValueFen(priceTerms),
      ...(endDate ? { endDate } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      amendments,
      version,
      updatedAt: at,
    };
    const ledger = await ledgerOf(deps, deal);
    const outcome = await deps.store.amendDeal({
      deal,
      set: {
        priceTerms,
        contractValueFen: after.contractValueFen,
        ...(endDate ? { endDate } : {}),
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
        amendments,
      },
      changes: Object.fromEntries(changed.map((f) => [f, after[f]])),
      reason: input.reason,
      ledger: regenerate(ledger, after),
      ...(endDate && endDate !== deal.endDate
        ? { grantsEnding: await grantsEnding(deps, deal, endDate) }
        : {}),
      actor: caller,
      at,
    });
    if (outcome === 'conflict') return 'conflict';
    return after;
  });
}

/**
 * POST /v1/deals/{id}/termination: the last day the contract is in force and why (合同解除, 民法典 art.
 * 562-566). Obligations due after it are cancelled unless paid; an exclusive / sole grant ends on that
 * day, so the patent stops counting as licensed after it (functions/metrics/counters.ts
 * transactionEvidence) and may be licensed again.
 */
export async function terminateDeal(
  deps: MoneyDeps,
  caller: Caller,
  dealId: string,
  input: TerminationInput,
): Promise<{ changed: boolean; deal: Deal }> {
  return retrying(`Deal ${dealId}`, async () => {
    const deal = await dealForMoney(deps, caller, dealId, true);
    if (deal.status === 'terminated') {
      if (deal.termination?.date === input.date) return { changed: false, deal };
      throw new ConflictError(
        `Deal ${dealId} was terminated already on ${deal.termination?.date}: a correction is recorded by the admins of province ${deal.provinceCode}.`,
      );
    }
    if (input.date < deal.effectiveDate) {
      throw new ValidationError(
        `The termination date ${input.date} is before the effective date ${deal.effectiveDate}: a contract ends after it takes effect.`,
        [{ in: 'body', field: 'date', message: `before the effective date ${deal.effectiveDate}` }],
      );
    }
    if (deal.endDate && input.date > deal.endDate) {
      throw new ValidationError(
        `The termination date ${input.date} is after the end date ${deal.endDate}: the deal ends on its own then; to extend it, amend the end date.`,
        [{ in: 'body', field: 'date', message: `after the end date ${deal.endDate}` }],
      );
    }
    const at = deps.now().toISOString();
    const termination = {
      date: input.date,
      reason: input.reason,
      recordedAt: at,
      recordedBy: actorLabel(caller),
    };
    const after: Deal = {
      ...deal,
      status: 'terminated',
      termination,
      version: deal.version + 1,
      updatedAt: at,
    };
    const ledger = await ledgerOf(deps, deal);
    const outcome = await deps.store.terminateDeal({
      deal,
      termination,
      ledger: regenerate(ledger, after),
      grantsEnding: await grantsEnding(deps, deal, input.date),
      actor: caller,
      at,
    });
    if (outcome === 'conflict') return 'conflict';
    return { changed: true, deal: after };
  });
}

/**
 * GET /v1/institutions/{uscc}/inventor-rewards: the inventors' share recorded on each payment of the
 * institution's deals (inventor-rewards.ts) and on each year of its own implementations
 * (own-implementation.ts, art. 45 (3)), summed per inventor, between two dates if given.
 * An inventor is a staff number (工号) where the inventory gives one, else a name: two inventors of one
 * name with staff numbers are summed apart; without, they are added together, which the lines (patent
 * by patent) let the office separate. A line recorded before its patent had a staff number stays
 * under the name (each payment keeps the distribution of its day).
 */
export async function inventorRewardsReport(
  deps: MoneyDeps,
  caller: Caller,
  uscc: string,
  query: InventorRewardsQuery,
): Promise<InventorRewardsReport> {
  return (await inventorRewardsOf(deps, caller, uscc, query)).report;
}

/** The report and the institution it is of (read once for the scope check, named by the export). */
export async function inventorRewardsOf(
  deps: MoneyDeps,
  caller: Caller,
  uscc: string,
  query: InventorRewardsQuery,
): Promise<{ institution: { name?: string }; report: InventorRewardsReport }> {
  const institution = await institutionInScope(deps, caller, uscc, "see the inventors' rewards");
  const deals = await deps.store.institutionDeals(uscc);
  const inventors = new Map<string, InventorRewardsReport['inventors'][number]>();
  /** An inventor is a staff number where recorded, else a name. */
  const inventorEntry = (line: { name: string; staffNumber?: string }) => {
    const who = line.staffNumber ? `staff:${line.staffNumber}` : `name:${line.name}`;
    let entry = inventors.get(who);
    if (!entry) {
      entry = {
        name: line.name,
        ...(line.staffNumber ? { staffNumber: line.staffNumber } : {}),
        totalFen: 0,
        lines: [],
      };
      inventors.set(who, entry);
    }
    return entry;
  };
  let totalFen = 0;
  let unassignedFen = 0;
  let paymentsCounted = 0;
  let paymentsReversed = 0;
  let paymentsWithoutRewards = 0;
  // Eight deals' payments read at a time (one query each).
  for (let i = 0; i < deals.length; i += 8) {
    const batch = deals.slice(i, i + 8);
    const paymentsOf = await Promise.all(batch.map((deal) => deps.store.payments(deal.dealId)));
    for (const payments of paymentsOf) {
      for (const payment of payments) {
        if ((query.from && payment.paidOn < query.from) || (query.to && payment.paidOn > query.to)) continue;
        if (payment.reversal) {
          paymentsReversed++;
          continue;
        }
        paymentsCounted++;
        const rewards = payment.inventorRewards;
        if (!rewards) {
          paymentsWithoutRewards++;
          continue;
        }
        unassignedFen += rewards.unassignedFen;
        for (const line of rewards.lines) {
          const entry = inventorEntry(line);
          entry.totalFen += line.amountFen;
          entry.lines.push({
            source: 'payment',
            dealId: payment.dealId,
            paymentId: payment.paymentId,
            paidOn: payment.paidOn,
            applicationNumber: line.applicationNumber,
            sharePercent: line.sharePercent,
            amountFen: line.amountFen,
          });
          totalFen += line.amountFen;
        }
      }
    }
  }
  // Own implementation (art. 45 (3)): a year counts when its last day lies in the period.
  let implementationYearsCounted = 0;
  for (const year of await deps.store.implementationProfits(uscc)) {
    const closes = `${year.year}-12-31`;
    if ((query.from && closes < query.from) || (query.to && closes > query.to)) continue;
    implementationYearsCounted++;
    unassignedFen += year.inventorRewards.unassignedFen;
    for (const line of year.inventorRewards.lines) {
      const entry = inventorEntry(line);
      entry.totalFen += line.amountFen;
      entry.lines.push({
        source: 'own-implementation',
        year: year.year,
        applicationNumber: line.applicationNumber,
        sharePercent: line.sharePercent,
        amountFen: line.amountFen,
      });
      totalFen += line.amountFen;
    }
  }
  const report: InventorRewardsReport = {
    institutionUscc: uscc,
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    inventors: [...inventors.values()].sort(
      (a, b) =>
        b.totalFen - a.totalFen ||
        a.name.localeCompare(b.name) ||
        (a.staffNumber ?? '').localeCompare(b.staffNumber ?? ''),
    ),
    totalFen,
    unassignedFen,
    paymentsCounted,
    paymentsReversed,
    paymentsWithoutRewards,
    implementationYearsCounted,
  };
  return { institution, report };
}

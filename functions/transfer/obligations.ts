/**
 * The money of a deal, pure (no AWS): the obligations its price terms generate, payments allocated to
 * them, royalty reports with the tiered rate and the minimum annual royalty, amendments and
 * termination. money.ts runs these against the store. docs/transfer.md, "After the deal".
 *
 * Sources: the price and the way it is paid are terms the parties agree (民法典 art. 470, the content of
 * a contract; art. 845 for technology-transfer contracts: 使用费的支付方式 — a lump sum, installments, or
 * royalties on output / sales, possibly with an entry fee). Article numbers as read in the 民法典 text
 * of 2020; not checked against an official annotated edition here.
 */
import type { Deal } from '../../schemas/deal.ts';
import type { Obligation, ObligationsView, PaymentInput } from '../../schemas/money.ts';
import type { PriceTerms } from '../../schemas/price-terms.ts';

/** An obligation as stored on the ledger: status and outstanding are derived when read. */
export type StoredObligation = Omit<Obligation, 'status' | 'outstandingFen'> & { cancelled?: boolean };

export interface Ledger {
  dealId: string;
  institutionUscc: string;
  provinceCode: string;
  obligations: StoredObligation[];
  /** Paid beyond what was due (kept, flagged on the payment). */
  overpaidFen: number;
  /** 0: not stored yet (generated from the deal on first read). */
  version: number;
}

export const moneySettings = {
  /** A royalty report is due this many days after its period ends (the platform's default; contracts may differ). */
  royaltyReportDays: 30,
  /** Royalty periods generated for a deal without an end date (an assignment paid by royalties). */
  openEndedRoyaltyYears: 10,
};

export type DealTerms = Pick<Deal, 'dealId' | 'priceTerms' | 'effectiveDate' | 'endDate'> & {
  termination?: { date: string };
};

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The last day the deal runs: the termination date, else its end date. */
export const lastDay = (deal: DealTerms): string | undefined => deal.termination?.date ?? deal.endDate;

/** Royalty periods: calendar years of the term, the first and last clipped to it (both days included). */
export function royaltyPeriods(deal: DealTerms): Array<{ start: string; end: string }> {
  const end =
    deal.endDate ??
    `${Number(deal.effectiveDate.slice(0, 4)) + moneySettings.openEndedRoyaltyYears - 1}-12-31`;
  const periods: Array<{ start: string; end: string }> = [];
  for (let year = Number(deal.effectiveDate.slice(0, 4)); `${year}-01-01` <= end; year++) {
    const start = year === Number(deal.effectiveDate.slice(0, 4)) ? deal.effectiveDate : `${year}-01-01`;
    const yearEnd = `${year}-12-31`;
    periods.push({ start, end: yearEnd < end ? yearEnd : end });
  }
  return periods;
}

/** The obligations the price terms generate (none for equity and free deals). */
export function generateObligations(deal: DealTerms): StoredObligation[] {
  const terms: PriceTerms = deal.priceTerms;
  const base = { paidFen: 0 };
  switch (terms.type) {
    case 'lump-sum':
      return [
        {
          ...base,
          obligationId: 'lump-sum',
          kind: 'lump-sum',
          label: '一次性总付 / lump sum',
          dueDate: terms.dueDate ?? deal.effectiveDate,
          amountFen: terms.amountFen,
        },
      ];
    case 'installments':
      return terms.installments.map((installment, i) => ({
        ...base,
        obligationId: `installment-${installment.dueDate}`,
        kind: 'installment',
        label: `第 ${i + 1} 期分期付款 / installment ${i + 1}`,
        dueDate: installment.dueDate,
        amountFen: installment.amountFen,
      }));
    case 'milestones':
      return [
        ...(terms.upfrontFen ? [upfront(deal.effectiveDate, terms.upfrontFen)] : ([] as StoredObligation[])),
        ...terms.milestones.map(
          (milestone, i): StoredObligation => ({
            ...base,
            obligationId: `milestone-${i + 1}`,
            kind: 'milestone',
            label: `里程碑 ${i + 1}：${milestone.description}`,
            ...(milestone.targetDate ? { dueDate: milestone.targetDate } : {}),
            amountFen: milestone.amountFen,
          }),
        ),
      ];
    case 'upfront-royalty':
      return [
        ...(terms.upfrontFen ? [upfront(deal.effectiveDate, terms.upfrontFen)] : []),
        ...royaltyPeriods(deal).map(
          (period): StoredObligation => ({
            ...base,
            obligationId: `royalty-${period.start}`,
            kind: 'royalty',
            label: `提成费 ${period.start} – ${period.end} / royalty`,
            dueDate: addDays(period.end, moneySettings.royaltyReportDays),
            period,
          }),
        ),
      ];
    case 'equity':
    case 'free':
      return [];
  }
}
const upfront = (effectiveDate: string, amountFen: number): StoredObligation => ({
  obligationId: 'upfront',
  kind: 'upfront',
  label: '入门费 / upfront fee',
  dueDate: effectiveDate,
  amountFen,
  paidFen: 0,
});

/**
 * The ledger of a deal before any write: its obligations as generated. A deal taken under an open
 * license carries the payment the enterprise declared when taking it: it counts as paid.
 */
export function newLedger(
  deal: DealTerms & Pick<Deal, 'institutionUscc' | 'provinceCode'> & { payment?: Deal['payment'] },
): Ledger {
  const ledger: Ledger = {
    dealId: deal.dealId,
    institutionUscc: deal.institutionUscc,
    provinceCode: deal.provinceCode,
    obligations: generateObligations(deal),
    overpaidFen: 0,
    version: 0,
  };
  return deal.payment && deal.payment.amountFen > 0
    ? allocatePayment(ledger, { amountFen: deal.payment.amountFen }).ledger
    : ledger;
}

const outstanding = (o: StoredObligation) =>
  o.cancelled || o.amountFen === undefined ? 0 : Math.max(0, o.amountFen - o.paidFen);

export function statusOf(o: StoredObligation): Obligation['status'] {
  if (o.cancelled) return 'cancelled';
  if (o.amountFen === undefined) return 'awaiting-report';
  return o.paidFen >= o.amountFen ? 'paid' : 'open';
}

/** The API view: each obligation with its status and outstanding amount, and the totals as of `today`. */
export function obligationsView(ledger: Ledger, today: string): ObligationsView {
  const obligations = ledger.obligations.map((o) => ({
    ...o,
    outstandingFen: outstanding(o),
    status: statusOf(o),
  }));
  const live = obligations.filter((o) => !o.cancelled);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    dealId: ledger.dealId,
    obligations: obligations.map(({ cancelled, ...o }) => o),
    totals: {
      dueFen: sum(live.map((o) => o.amountFen ?? 0)),
      paidFen: sum(obligations.map((o) => o.paidFen)) + ledger.overpaidFen,
      outstandingFen: sum(live.map((o) => o.outstandingFen)),
      overdueFen: sum(
        live.filter((o) => o.dueDate !== undefined && o.dueDate < today).map((o) => o.outstandingFen),
      ),
      overpaidFen: ledger.overpaidFen,
    },
    version: ledger.version,
  };
}

export class MoneyRefusal extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly kind: 'invalid' | 'not-found' | 'conflict' = 'invalid',
  ) {
    super(message);
  }
}

/**
 * Allocates a payment: to the obligation named, else to the outstanding ones in due-date order (those
 * without a date last). What is left beyond all that is due is kept as overpaid (flagged).
 */
export function allocatePayment(
  ledger: Ledger,
  payment: Pick<PaymentInput, 'amountFen' | 'obligationId'>,
): { ledger: Ledger; allocations: Array<{ obligationId: string; amountFen: number }>; overpaidFen: number } {
  const obligations = ledger.obligations.map((o) => ({ ...o }));
  let targets: StoredObligation[];
  if (payment.obligationId) {
    const named = obligations.find((o) => o.obligationId === payment.obligationId);
    if (!named) {
      throw new MoneyRefusal(
        `The deal has no obligation ${payment.obligationId}: list them with GET /v1/deals/${ledger.dealId}/obligations.`,
        'obligationId',
      );
    }
    if (named.cancelled) {
      throw new MoneyRefusal(
        `Obligation ${payment.obligationId} was cancelled (the deal was terminated or amended): record the payment without obligationId or against another obligation.`,
        'obligationId',
      );
    }
    targets = [named];
  } else {
    targets = obligations
      .filter((o) => outstanding(o) > 0)
      .sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
  }
  let left = payment.amountFen;
  const allocations: Array<{ obligationId: string; amountFen: number }> = [];
  for (const target of targets) {
    const amount = Math.min(left, outstanding(target));
    if (amount <= 0) continue;
    target.paidFen += amount;
    allocations.push({ obligationId: target.obligationId, amountFen: amount });
    left -= amount;
  }
  return {
    ledger: { ...ledger, obligations, overpaidFen: ledger.overpaidFen + left },
    allocations,
    overpaidFen: left,
  };
}

/**
 * Takes a reversed payment back out of the ledger: what it paid on each obligation is outstanding
 * again, and its overpaid part leaves the overpaid total. Credit of it that a later royalty report
 * used up (applyRoyaltyReport pays a new royalty from the overpaid total first) is taken back from the
 * obligations it paid, the latest due first, so no obligation stays paid with money that never
 * arrived. A reopened obligation may be reminded again (`remindedAt` cleared); the caller regenerates
 * the ledger against the deal's terms afterwards (a termination cancels what is no longer paid).
 */
export function reverseAllocations(
  ledger: Ledger,
  payment: { allocations: ReadonlyArray<{ obligationId: string; amountFen: number }>; overpaidFen: number },
): Ledger {
  const taken = new Map<string, number>();
  for (const a of payment.allocations)
    taken.set(a.obligationId, (taken.get(a.obligationId) ?? 0) + a.amountFen);
  const creditUsed = Math.max(0, payment.overpaidFen - ledger.overpaidFen);
  let left = creditUsed;
  const byLatestDue = ledger.obligations
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => o.paidFen - (taken.get(o.obligationId) ?? 0) > 0)
    .sort((a, b) => (b.o.dueDate ?? '').localeCompare(a.o.dueDate ?? '') || b.i - a.i);
  for (const { o } of byLatestDue) {
    if (left <= 0) break;
    const more = Math.min(left, o.paidFen - (taken.get(o.obligationId) ?? 0));
    taken.set(o.obligationId, (taken.get(o.obligationId) ?? 0) + more);
    left -= more;
  }
  return {
    ...ledger,
    obligations: ledger.obligations.map((o) => {
      const back = taken.get(o.obligationId);
      if (back === undefined) return o;
      const { remindedAt: _, ...rest } = o;
      return { ...rest, paidFen: Math.max(0, o.paidFen - back) };
    }),
    overpaidFen: Math.max(0, ledger.overpaidFen - payment.overpaidFen),
  };
}

/**
 * The tiered royalty of one period, rounded to the fen once (half up). Sales tiers apply to cumulative
 * net sales (the earlier periods' sales first); date tiers split the period's sales by days.
 */
export function tieredRoyalty(
  terms: Extract<PriceTerms, { type: 'upfront-royalty' }>,
  period: { start: string; end: string },
  netSalesFen: number,
  salesBeforeFen: number,
): number {
  let royalty = 0;
  if (terms.royalty.basis === 'sales') {
    const from = salesBeforeFen;
    const to = salesBeforeFen + netSalesFen;
    for (const tier of terms.royalty.tiers) {
      const overlap = Math.min(to, tier.toFen ?? Number.POSITIVE_INFINITY) - Math.max(from, tier.fromFen);
      if (overlap > 0) royalty += (overlap * tier.ratePercent) / 100;
    }
  } else {
    const periodDays = daysBetween(period.start, addDays(period.end, 1));
    for (const tier of terms.royalty.tiers) {
      // The later of two dates (strings: Math.max does not apply).
      const start = [tier.fromDate, period.start].sort()[1]!;
      const endExclusive = addDays(period.end, 1);
      const end = tier.toDate && tier.toDate < endExclusive ? tier.toDate : endExclusive;
      const days = daysBetween(start, end);
      if (days > 0) royalty += (netSalesFen * (days / periodDays) * tier.ratePercent) / 100;
    }
  }
  return Math.round(royalty);
}

/** The minimum annual royalty for a period: pro rata by days for a period shorter than its year. */
export function minimumForPeriod(minimumAnnualFen: number, period: { start: string; end: string }): number {
  const year = period.start.slice(0, 4);
  const yearDays = daysBetween(`${year}-01-01`, `${Number(year) + 1}-01-01`);
  const days = daysBetween(period.start, addDays(period.end, 1));
  return Math.round((minimumAnnualFen * days) / yearDays);
}

/** Records the royalty report of a period: the obligation's amount becomes known. */
export function applyRoyaltyReport(
  ledger: Ledger,
  deal: DealTerms,
  report: { periodStart: string; periodEnd: string; netSalesFen: number; evidenceReference?: string },
  by: { at: string; label: string },
): { ledger: Ledger; obligation: StoredObligation; replay: boolean } {
  const terms = deal.priceTerms;
  if (terms.type !== 'upfront-royalty') {
    throw new MoneyRefusal(
      `Deal ${deal.dealId} is priced "${terms.type}", not with a royalty: there is nothing to report.`,
      'periodStart',
      'conflict',
    );
  }
  const end = lastDay(deal);
  if (report.periodEnd < report.periodStart) {
    throw new MoneyRefusal(
      `The period ends (${report.periodEnd}) before it starts (${report.periodStart}).`,
      'periodEnd',
    );
  }
  if (report.periodStart < deal.effectiveDate || (end !== undefined && report.periodEnd > end)) {
    throw new MoneyRefusal(
      `The period ${report.periodStart} – ${report.periodEnd} lies outside the license, which runs from ${deal.effectiveDate} to ${end ?? 'open'}${deal.termination ? ' (terminated)' : ''}: report a period within it.`,
      report.periodStart < deal.effectiveDate ? 'periodStart' : 'periodEnd',
    );
  }
  const obligations = ledger.obligations.map((o) => ({ ...o }));
  const target = obligations.find(
    (o) =>
      o.kind === 'royalty' &&
      !o.cancelled &&
      o.period?.start === report.periodStart &&
      o.period.end === report.periodEnd,
  );
  if (!target) {
    const periods = obligations
      .filter((o) => o.kind === 'royalty' && !o.cancelled)
      .map((o) => `${o.period!.start} – ${o.period!.end}`);
    throw new MoneyRefusal(
      `The license reports royalties per calendar year within its term: ${report.periodStart} – ${report.periodEnd} is not one of its periods (${periods.slice(0, 4).join(', ')}${periods.length > 4 ? ', ...' : ''}).`,
      'periodStart',
    );
  }
  if (target.report) {
    if (target.report.netSalesFen === report.netSalesFen) {
      return { ledger, obligation: target, replay: true };
    }
    throw new MoneyRefusal(
      `The period ${report.periodStart} – ${report.periodEnd} was reported already (net sales ${target.report.netSalesFen} fen): a correction is an amendment of the deal.`,
      'netSalesFen',
      'conflict',
    );
  }
  const earlier = obligations.filter(
    (o) => o.kind === 'royalty' && !o.cancelled && o.period!.start < report.periodStart,
  );
  const missing = earlier.find((o) => !o.report);
  if (terms.royalty.basis === 'sales' && missing) {
    throw new MoneyRefusal(
      `The royalty tiers apply to cumulative sales: report the earlier period ${missing.period!.start} – ${missing.period!.end} first.`,
      'periodStart',
      'conflict',
    );
  }
  const before = earlier.reduce((sum, o) => sum + (o.report?.netSalesFen ?? 0), 0);
  const royaltyFen = tieredRoyalty(terms, target.period!, report.netSalesFen, before);
  const minimum =
    terms.minimumAnnualRoyaltyFen !== undefined
      ? minimumForPeriod(terms.minimumAnnualRoyaltyFen, target.period!)
      : 0;
  const minimumTopUpFen = Math.max(0, minimum - royaltyFen);
  target.amountFen = royaltyFen + minimumTopUpFen;
  target.report = {
    netSalesFen: report.netSalesFen,
    royaltyFen,
    minimumTopUpFen,
    reportedAt: by.at,
    reportedBy: by.label,
    ...(report.evidenceReference ? { evidenceReference: report.evidenceReference } : {}),
  };
  // A credit kept from an overpayment settles the new amount first.
  let overpaidFen = ledger.overpaidFen;
  if (overpaidFen > 0) {
    const settle = Math.min(overpaidFen, target.amountFen - target.paidFen);
    target.paidFen += settle;
    overpaidFen -= settle;
  }
  return { ledger: { ...ledger, obligations, overpaidFen }, obligation: target, replay: false };
}

/**
 * The obligations after an amendment or a termination: regenerated from the deal as it now is, each
 * keeping what was paid and reported on it; an obligation no longer generated is kept as cancelled
 * when something was paid on it (the money stays on record), else dropped. Obligations due after a
 * termination date (royalty periods starting after it) are cancelled unless paid; the period running
 * on that day is clipped to it.
 */
export function regenerate(ledger: Ledger, deal: DealTerms): Ledger {
  const end = lastDay(deal);
  const fresh = generateObligations(deal).flatMap((o): StoredObligation[] => {
    if (deal.termination && end !== undefined) {
      if (o.period) {
        if (o.period.start > end) return [{ ...o, cancelled: true }];
        if (o.period.end > end) {
          const period = { start: o.period.start, end };
          return [
            {
              ...o,
              period,
              label: `提成费 ${period.start} – ${period.end} / royalty`,
              dueDate: addDays(end, moneySettings.royaltyReportDays),
            },
          ];
        }
      } else if (o.dueDate !== undefined && o.dueDate > end) {
        return [{ ...o, cancelled: true }];
      }
    }
    return [o];
  });
  const old = new Map(ledger.obligations.map((o) => [o.obligationId, o]));
  const merged = fresh.map((o) => {
    const previous = old.get(o.obligationId);
    old.delete(o.obligationId);
    if (!previous) return o;
    const keep: StoredObligation = {
      ...o,
      paidFen: previous.paidFen,
      ...(previous.remindedAt ? { remindedAt: previous.remindedAt } : {}),
    };
    if (previous.report && o.period?.end === previous.period?.end) {
      keep.report = previous.report;
      keep.amountFen = previous.amountFen;
    }
    // Paid already: a cancellation does not take it back.
    if (keep.cancelled && keep.paidFen > 0) delete keep.cancelled;
    return keep;
  });
  const dropped = [...old.values()].filter((o) => o.paidFen > 0).map((o) => ({ ...o, cancelled: true }));
  return { ...ledger, obligations: [...merged, ...dropped] };
}

/** The next day the sweep looks at the deal: the earliest due date of an unpaid, not yet reminded obligation. */
export function nextReminderDate(ledger: Ledger): string | undefined {
  const dates = ledger.obligations
    .filter(
      (o) =>
        !o.cancelled &&
        !o.remindedAt &&
        o.dueDate !== undefined &&
        (o.amountFen === undefined || outstanding(o) > 0),
    )
    .map((o) => o.dueDate!)
    .sort();
  return dates[0];
}

/** Obligations overdue on `today` (past due, unpaid or unreported) and not yet reminded. */
export function overdueToRemind(ledger: Ledger, today: string): StoredObligation[] {
  return ledger.obligations.filter(
    (o) =>
      !o.cancelled &&
      !o.remindedAt &&
      o.dueDate !== undefined &&
      o.dueDate < today &&
      (o.amountFen === undefined || outstanding(o) > 0),
  );
}

/**
 * After the deal (functions/transfer/money.ts, obligations.ts): obligations from the price terms,
 * payments, royalty reports, amendments, termination, receivables, overdue reminders. In memory: the
 * fake store checks the same conditions DynamoDB would (absent item, version).
 */
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import {
  amendDeal,
  type DealChange,
  type GrantHolder,
  inventorRewardsReport,
  listObligations,
  listPayments,
  type MoneyDeps,
  type MoneyStore,
  receivables,
  recordPayment,
  reportRoyalties,
  reversePayment,
  type StoredImplementationProfit,
  type StoredPayment,
  terminateDeal,
  toPaymentView,
} from '../../functions/transfer/money.ts';
import {
  generateObligations,
  type Ledger,
  nextReminderDate,
  tieredRoyalty,
} from '../../functions/transfer/obligations.ts';
import { recordImplementationProfit } from '../../functions/transfer/own-implementation.ts';
import { remindOverduePayments } from '../../functions/transfer/payment-reminders.ts';
import type { Deal } from '../../schemas/deal.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import {
  implementationProfitInputSchema,
  implementationProfitParamsSchema,
  paymentInputSchema,
  royaltyReportInputSchema,
} from '../../schemas/money.ts';
import type { Caller } from '../../schemas/roles.ts';
import { recordedDeal, royaltyTerms } from '../support/deals.ts';

const INST = '12140000MB0000001A';
const OTHER = '12140000MB0000002B';
const ENT = '91140000MA0000001C';

const inst: Caller = { sub: 'tto', roles: ['institution'], orgUscc: INST, provinceCode: '140000' };
const other: Caller = { sub: 'tto2', roles: ['institution'], orgUscc: OTHER, provinceCode: '140000' };
const dept: Caller = { ...inst, sub: 'dept', department: '化学学院' };
const padmin: Caller = { sub: 'padmin', roles: ['province-admin'], provinceCode: '140000' };

const baseDeal = (over: Partial<Deal> = {}): Deal =>
  recordedDeal(
    {
      applicationNumbers: ['202010000001.1'],
      institutionUscc: INST,
      provinceCode: '140000',
      enterprise: { uscc: ENT, name: '山西某某科技有限公司' },
    },
    over,
  );

const royaltyDeal = baseDeal({
  dealId: 'd-roy',
  priceTerms: royaltyTerms,
  contractValueFen: 50_000,
  effectiveDate: '2026-07-01',
  endDate: '2028-06-30',
});

/**
 * The store as plain maps of domain objects, with the answers of the adapter's conditions: a payment
 * recorded before is 'duplicate'; a deal, ledger or grant changed since read is 'conflict'.
 */
function fakeStore(dealList: Deal[], contactEmail = 'tto@sxu.example.edu.cn') {
  const deals = new Map(dealList.map((deal) => [deal.dealId, structuredClone(deal)]));
  const ledgers = new Map<string, Ledger>();
  const payments = new Map<string, StoredPayment>();
  const patents = new Map<string, GrantHolder & { version: number }>([
    [
      '202010000001.1',
      {
        applicationNumber: '202010000001.1',
        version: 3,
        exclusiveGrant: { dealId: 'd-1', licenseType: 'exclusive', endDate: '2030-02-28' } as never,
      },
    ],
  ]);
  const mails: MailMessage[] = [];
  const profits = new Map<string, StoredImplementationProfit>();
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
  /** The ledger stored on the next version, if it was read at the stored one (0: none stored). */
  const ledgerMoved = (ledger: Ledger) => (ledgers.get(ledger.dealId)?.version ?? 0) !== ledger.version;
  const storeLedger = (ledger: Ledger) =>
    ledgers.set(ledger.dealId, structuredClone({ ...ledger, version: ledger.version + 1 }));
  async function changeDeal(change: DealChange, set: Partial<Deal>) {
    await tick();
    const { deal, ledger, grantsEnding, at } = change;
    const grants = (grantsEnding?.applicationNumbers ?? []).map((n) => patents.get(n));
    if (
      deals.get(deal.dealId)?.version !== deal.version ||
      ledgerMoved(ledger) ||
      grants.some((p) => p?.exclusiveGrant?.dealId !== deal.dealId)
    )
      return 'conflict' as const;
    deals.set(deal.dealId, {
      ...deals.get(deal.dealId)!,
      ...structuredClone(set),
      version: deal.version + 1,
      updatedAt: at,
    });
    storeLedger(ledger);
    for (const patent of grants) {
      patent!.exclusiveGrant = { ...patent!.exclusiveGrant!, endDate: grantsEnding!.endDate };
      patent!.version++;
    }
    return 'recorded' as const;
  }
  const store: MoneyStore & { grantHolders: typeof patents; mails: typeof mails } = {
    grantHolders: patents,
    mails,
    async deal(id) {
      await tick();
      return structuredClone(deals.get(id));
    },
    async ledger(id) {
      await tick();
      return structuredClone(ledgers.get(id));
    },
    async ledgers(ids) {
      return ids.flatMap((id) => (ledgers.has(id) ? [structuredClone(ledgers.get(id)!)] : []));
    },
    async payment(dealId, paymentId) {
      return structuredClone(payments.get(`${dealId}|${paymentId}`));
    },
    async payments(dealId) {
      return [...payments.values()].filter((p) => p.dealId === dealId).map(toPaymentView);
    },
    async institution(uscc) {
      return uscc === INST || uscc === OTHER ? { provinceCode: '140000', contactEmail } : undefined;
    },
    async institutionDeals(uscc) {
      return [...deals.values()].filter((d) => d.institutionUscc === uscc).map((d) => structuredClone(d));
    },
    async patents(numbers) {
      return numbers.flatMap((n) => (patents.has(n) ? [structuredClone(patents.get(n)!)] : []));
    },
    async implementationProfits(uscc, n) {
      await tick();
      return [...profits.values()]
        .filter((p) => p.institutionUscc === uscc && (!n || p.applicationNumber === n))
        .map((p) => structuredClone(p));
    },
    async putImplementationProfit({ before, after }) {
      await tick();
      const key = `${after.institutionUscc}|${after.applicationNumber}|${after.year}`;
      if ((profits.get(key)?.version ?? 0) !== (before?.version ?? 0)) return 'conflict';
      profits.set(key, structuredClone(after));
      return 'recorded';
    },
    async dueLedgers(before) {
      return [...ledgers.values()]
        .filter((l) => (nextReminderDate(l) ?? '9999') < before)
        .map((l) => structuredClone(l));
    },
    async recordPayment({ deal, payment, requestHash, ledger }) {
      await tick();
      if (payments.has(`${deal.dealId}|${payment.paymentId}`)) return 'duplicate';
      if (ledgerMoved(ledger)) return 'conflict';
      const { institutionUscc, provinceCode } = deal;
      payments.set(`${deal.dealId}|${payment.paymentId}`, {
        ...structuredClone(payment),
        requestHash,
        institutionUscc,
        provinceCode,
      });
      storeLedger(ledger);
      return 'recorded';
    },
    async reversePayment({ deal, before, after, ledger }) {
      await tick();
      const key = `${deal.dealId}|${before.paymentId}`;
      if (!payments.has(key) || payments.get(key)!.reversal || ledgerMoved(ledger)) return 'conflict';
      payments.set(key, structuredClone(after));
      storeLedger(ledger);
      return 'recorded';
    },
    async reportRoyalties({ ledger }) {
      await tick();
      if (ledgerMoved(ledger)) return 'conflict';
      storeLedger(ledger);
      return 'recorded';
    },
    amendDeal: ({ set, changes, reason, ...change }) => changeDeal(change, set),
    terminateDeal: ({ termination, ...change }) => changeDeal(change, { status: 'terminated', termination }),
    async remindPayments({ ledger, mail }) {
      await tick();
      if (ledgerMoved(ledger)) return 'conflict';
      storeLedger(ledger);
      if (mail) mails.push(mail);
      return 'reminded';
    },
    async reindexLedger(ledger) {
      if (ledgerMoved(ledger)) return 'conflict';
      storeLedger(ledger);
      return 'reindexed';
    },
  };
  return store;
}

const depsOf = (store: ReturnType<typeof fakeStore>, today = '2026-10-15'): MoneyDeps => {
  let n = 0;
  return { store, now: () => new Date(`${today}T04:00:00Z`), ids: () => `p-${++n}` };
};

describe('obligations from the price terms', () => {
  it('generates upfront, installments, milestones and one royalty period per calendar year', () => {
    expect(generateObligations(baseDeal()).map((o) => [o.obligationId, o.dueDate, o.amountFen])).toEqual([
      ['installment-2026-03-01', '2026-03-01', 100_000],
      ['installment-2026-09-01', '2026-09-01', 200_000],
    ]);
    const royalty = generateObligations(royaltyDeal);
    expect(royalty.map((o) => o.obligationId)).toEqual([
      'upfront',
      'royalty-2026-07-01',
      'royalty-2027-01-01',
      'royalty-2028-01-01',
    ]);
    expect(royalty[3]!.period).toEqual({ start: '2028-01-01', end: '2028-06-30' });
    expect(royalty[1]!.dueDate).toBe('2027-01-30');
    const milestones = generateObligations(
      baseDeal({
        priceTerms: {
          type: 'milestones',
          upfrontFen: 10_000,
          milestones: [{ description: '中试完成', amountFen: 90_000, targetDate: '2027-01-01' }],
        },
      }),
    );
    expect(milestones.map((o) => [o.kind, o.amountFen])).toEqual([
      ['upfront', 10_000],
      ['milestone', 90_000],
    ]);
    expect(generateObligations(baseDeal({ priceTerms: { type: 'free' } }))).toEqual([]);
  });

  it('applies sales tiers to cumulative sales and date tiers by days', () => {
    const terms = royaltyDeal.priceTerms as Extract<Deal['priceTerms'], { type: 'upfront-royalty' }>;
    // 8,000,000 before: 2,000,000 at 3% + 3,000,000 at 2%.
    expect(tieredRoyalty(terms, { start: '2027-01-01', end: '2027-12-31' }, 5_000_000, 8_000_000)).toBe(
      120_000,
    );
    const byDate = {
      type: 'upfront-royalty' as const,
      upfrontFen: 0,
      royalty: {
        basis: 'date' as const,
        tiers: [
          { fromDate: '2026-01-01', toDate: '2026-07-01', ratePercent: 4 },
          { fromDate: '2026-07-01', ratePercent: 2 },
        ],
      },
    };
    // 181 days at 4%, 184 at 2% of 3,650,000.
    expect(tieredRoyalty(byDate, { start: '2026-01-01', end: '2026-12-31' }, 3_650_000, 0)).toBe(
      Math.round((3_650_000 * 181 * 4) / 36_500 + (3_650_000 * 184 * 2) / 36_500),
    );
  });
});

describe('payments', () => {
  it('refuses negative or fractional fen (schema)', () => {
    const base = { paidOn: '2026-03-02', evidenceReference: '回单 1' };
    expect(paymentInputSchema.safeParse({ ...base, amountFen: -100 }).success).toBe(false);
    expect(paymentInputSchema.safeParse({ ...base, amountFen: 100.5 }).success).toBe(false);
    expect(paymentInputSchema.safeParse({ ...base, amountFen: 0 }).success).toBe(false);
    expect(paymentInputSchema.safeParse({ ...base, amountFen: 100 }).success).toBe(true);
    expect(
      royaltyReportInputSchema.safeParse({
        periodStart: '2026-07-01',
        periodEnd: '2026-12-31',
        netSalesFen: 1.5,
      }).success,
    ).toBe(false);
  });

  it('allocates to the oldest due, keeps and flags an overpayment, and the totals follow', async () => {
    const store = fakeStore([baseDeal()]);
    const deps = depsOf(store);
    const first = await recordPayment(deps, inst, 'd-1', {
      amountFen: 100_000,
      paidOn: '2026-03-05',
      evidenceReference: '回单 1',
    });
    expect(first.payment).toMatchObject({
      allocations: [{ obligationId: 'installment-2026-03-01', amountFen: 100_000 }],
      overpaidFen: 0,
      flags: [],
    });
    const over = await recordPayment(deps, inst, 'd-1', {
      amountFen: 250_000,
      paidOn: '2026-09-03',
      evidenceReference: '回单 2',
    });
    expect(over.payment).toMatchObject({ overpaidFen: 50_000, flags: ['overpayment'] });
    const view = await listObligations(deps, inst, 'd-1');
    expect(view.totals).toEqual({
      dueFen: 300_000,
      paidFen: 350_000,
      outstandingFen: 0,
      overdueFen: 0,
      overpaidFen: 50_000,
    });
    expect(view.obligations.map((o) => o.status)).toEqual(['paid', 'paid']);
    expect((await listPayments(deps, padmin, 'd-1')).items).toHaveLength(2);
  });

  it('stores a payment once per Idempotency-Key; the key with other contents is a conflict', async () => {
    const store = fakeStore([baseDeal()]);
    const deps = depsOf(store);
    const input = { amountFen: 40_000, paidOn: '2026-03-05', evidenceReference: '回单 7' };
    const a = await recordPayment(deps, inst, 'd-1', input, 'key-1');
    const b = await recordPayment(deps, inst, 'd-1', input, 'key-1');
    expect(a.created).toBe(true);
    expect(b).toEqual({ created: false, payment: a.payment });
    expect((await listPayments(deps, inst, 'd-1')).items).toHaveLength(1);
    expect((await listObligations(deps, inst, 'd-1')).totals.paidFen).toBe(40_000);
    await expect(recordPayment(deps, inst, 'd-1', { ...input, amountFen: 1 }, 'key-1')).rejects.toThrow(
      ConflictError,
    );
  });

  it('loses no payment made at the same moment (versioned ledger, the loser applied on top)', async () => {
    const store = fakeStore([baseDeal()]);
    const deps = depsOf(store);
    await Promise.all(
      [1, 2, 3, 4].map((i) =>
        recordPayment(deps, inst, 'd-1', {
          amountFen: 10_000,
          paidOn: '2026-03-05',
          evidenceReference: `回单 ${i}`,
        }),
      ),
    );
    expect((await listPayments(deps, inst, 'd-1')).items).toHaveLength(4);
    expect((await listObligations(deps, inst, 'd-1')).totals.paidFen).toBe(40_000);
  });

  it("is 404 on another institution's deal, 403 for department users", async () => {
    const deps = depsOf(fakeStore([baseDeal()]));
    const input = { amountFen: 1_000, paidOn: '2026-03-05', evidenceReference: '回单' };
    await expect(recordPayment(deps, other, 'd-1', input)).rejects.toThrow(NotFoundError);
    await expect(recordPayment(deps, padmin, 'd-1', input)).rejects.toThrow(NotFoundError);
    await expect(recordPayment(deps, dept, 'd-1', input)).rejects.toThrow(ForbiddenError);
    await expect(listObligations(deps, other, 'd-1')).rejects.toThrow(NotFoundError);
    await expect(recordPayment(deps, inst, 'd-1', { ...input, paidOn: '2027-01-01' })).rejects.toThrow(
      /in the future/,
    );
  });
});

describe('payment reversal (a payment recorded in error)', () => {
  const received = { amountFen: 150_000, paidOn: '2026-03-05', evidenceReference: '回单 9' };
  const reason = '金额录入错误，已按正确金额重新登记';

  it('opens what it paid again, takes its overpaid part back, keeps it listed as reversed', async () => {
    const deps = depsOf(fakeStore([baseDeal()]));
    const { payment } = await recordPayment(deps, inst, 'd-1', { ...received, amountFen: 350_000 });
    expect(payment.overpaidFen).toBe(50_000);
    const reversed = await reversePayment(deps, inst, 'd-1', payment.paymentId, { reason });
    expect(reversed.changed).toBe(true);
    expect(reversed.payment.reversal).toMatchObject({ reason, reversedBy: expect.any(String) });
    const view = await listObligations(deps, inst, 'd-1');
    expect(view.totals).toMatchObject({ paidFen: 0, outstandingFen: 300_000, overpaidFen: 0 });
    expect(view.obligations.map((o) => o.status)).toEqual(['open', 'open']);
    expect((await listPayments(deps, inst, 'd-1')).items.map((p) => p.reversal?.reason)).toEqual([reason]);
    // The right payment recorded anew is allocated as if the wrong one had never been.
    const right = await recordPayment(deps, inst, 'd-1', { ...received, amountFen: 100_000 });
    expect(right.payment.allocations).toEqual([
      { obligationId: 'installment-2026-03-01', amountFen: 100_000 },
    ]);
    expect((await listObligations(deps, inst, 'd-1')).totals.paidFen).toBe(100_000);
  });

  it('leaves other payments on the same obligation paid', async () => {
    const deps = depsOf(fakeStore([baseDeal()]));
    const a = await recordPayment(deps, inst, 'd-1', { ...received, amountFen: 60_000 });
    await recordPayment(deps, inst, 'd-1', { ...received, amountFen: 40_000, evidenceReference: '回单 10' });
    await reversePayment(deps, inst, 'd-1', a.payment.paymentId, { reason });
    const [first] = (await listObligations(deps, inst, 'd-1')).obligations;
    expect(first).toMatchObject({ paidFen: 40_000, outstandingFen: 60_000, status: 'open' });
  });

  it('changes nothing the second time; another reason is a conflict; two at once reverse once', async () => {
    const deps = depsOf(fakeStore([baseDeal()]));
    const { payment } = await recordPayment(deps, inst, 'd-1', received);
    const both = await Promise.all([
      reversePayment(deps, inst, 'd-1', payment.paymentId, { reason }),
      reversePayment(deps, inst, 'd-1', payment.paymentId, { reason }),
    ]);
    expect(both.map((r) => r.changed).sort()).toEqual([false, true]);
    expect((await listObligations(deps, inst, 'd-1')).totals.paidFen).toBe(0);
    await expect(
      reversePayment(deps, inst, 'd-1', payment.paymentId, { reason: '另一个理由' }),
    ).rejects.toThrow(/reversed already/);
  });

  it('takes back the credit of it that a later royalty report used: nothing stays paid with money that never came', async () => {
    const deps = depsOf(fakeStore([royaltyDeal]), '2027-02-01');
    // 50,000 upfront due; 250,000 received: 200,000 overpaid, then the first royalty (184,000) is
    // settled from that credit.
    const { payment } = await recordPayment(deps, inst, 'd-roy', { ...received, amountFen: 250_000 });
    expect(payment.overpaidFen).toBe(200_000);
    await reportRoyalties(deps, inst, 'd-roy', {
      periodStart: '2026-07-01',
      periodEnd: '2026-12-31',
      netSalesFen: 2_000_000,
    });
    const before = await listObligations(deps, inst, 'd-roy');
    expect(before.totals).toMatchObject({ overpaidFen: 16_000 });
    await reversePayment(deps, inst, 'd-roy', payment.paymentId, { reason });
    const after = await listObligations(deps, inst, 'd-roy');
    expect(after.totals).toMatchObject({ paidFen: 0, overpaidFen: 0, outstandingFen: 234_000 });
    expect(after.obligations.find((o) => o.obligationId === 'royalty-2026-07-01')).toMatchObject({
      paidFen: 0,
      status: 'open',
    });
  });

  it('an obligation a termination kept only because this payment paid it is cancelled with the reversal', async () => {
    const store = fakeStore([baseDeal()]);
    const deps = depsOf(store, '2026-05-01');
    // Both installments paid early, then the license is terminated before the second falls due.
    const { payment } = await recordPayment(deps, inst, 'd-1', {
      ...received,
      amountFen: 300_000,
      paidOn: '2026-04-20',
    });
    await terminateDeal(deps, inst, 'd-1', { date: '2026-06-30', reason: '协商解除' });
    expect((await listObligations(deps, inst, 'd-1')).obligations.map((o) => o.status)).toEqual([
      'paid',
      'paid',
    ]);
    await reversePayment(deps, inst, 'd-1', payment.paymentId, { reason });
    const view = await listObligations(deps, inst, 'd-1');
    expect(view.obligations.map((o) => o.status)).toEqual(['open', 'cancelled']);
    expect(view.totals).toMatchObject({ outstandingFen: 100_000, paidFen: 0 });
  });

  it('a reopened obligation that was reminded once is reminded again', async () => {
    const store = fakeStore([baseDeal()]);
    const deps = depsOf(store);
    await recordPayment(deps, inst, 'd-1', { ...received, amountFen: 100_000 });
    expect(await remindOverduePayments(deps, { now: '2026-10-15T04:00:00Z' })).toMatchObject({ reminded: 1 });
    // The overdue second installment paid late, then that payment reversed: overdue again.
    const late = await recordPayment(deps, inst, 'd-1', { ...received, amountFen: 200_000 });
    await reversePayment(deps, inst, 'd-1', late.payment.paymentId, { reason });
    expect(nextReminderDate((await store.ledger('d-1'))!)).toBe('2026-09-01');
    expect(await remindOverduePayments(deps, { now: '2026-10-16T04:00:00Z' })).toMatchObject({ reminded: 1 });
    expect(store.mails).toHaveLength(2);
  });

  it("is 404 for an unknown payment or another institution's deal, 403 for department users", async () => {
    const deps = depsOf(fakeStore([baseDeal()]));
    const { payment } = await recordPayment(deps, inst, 'd-1', received);
    await expect(reversePayment(deps, inst, 'd-1', 'p-none', { reason })).rejects.toThrow(NotFoundError);
    await expect(reversePayment(deps, other, 'd-1', payment.paymentId, { reason })).rejects.toThrow(
      NotFoundError,
    );
    await expect(reversePayment(deps, padmin, 'd-1', payment.paymentId, { reason })).rejects.toThrow(
      NotFoundError,
    );
    await expect(reversePayment(deps, dept, 'd-1', payment.paymentId, { reason })).rejects.toThrow(
      ForbiddenError,
    );
    expect((await listObligations(deps, inst, 'd-1')).totals.paidFen).toBe(150_000);
  });
});

describe("the inventors' rewards report", () => {
  it('sums per staff number (工号) where the inventory gives one: two inventors of one name are paid apart', async () => {
    const deal = baseDeal({ applicationNumbers: ['202010000001.1', '202010000002.X'] });
    const store = fakeStore([deal]);
    store.grantHolders.set('202010000001.1', {
      ...store.grantHolders.get('202010000001.1')!,
      inventors: ['张伟', '李娜'],
      inventorStaffNumbers: [{ name: '张伟', staffNumber: '20080123' }],
    });
    store.grantHolders.set('202010000002.X', {
      applicationNumber: '202010000002.X',
      version: 1,
      inventors: ['张伟'],
      inventorStaffNumbers: [{ name: '张伟', staffNumber: '20150456' }],
    });
    const deps = depsOf(store);
    await recordPayment(deps, inst, 'd-1', {
      amountFen: 100_000,
      paidOn: '2026-03-05',
      evidenceReference: '回单 1',
    });
    const report = await inventorRewardsReport(deps, inst, INST, {});
    // 50 % of 100,000 fen: 25,000 per patent; the first split between 张伟 and 李娜.
    expect(report.inventors.map((i) => [i.name, i.staffNumber, i.totalFen])).toEqual([
      ['张伟', '20150456', 25_000],
      ['张伟', '20080123', 12_500],
      ['李娜', undefined, 12_500],
    ]);
    expect(report.totalFen).toBe(50_000);
  });
});

describe("own implementation: the inventors' share of the operating profit (促进科技成果转化法 art. 45 (3))", () => {
  const N = '202010000001.1';
  const year2025 = {
    productionStartedOn: '2024-05-20',
    operatingProfitFen: 2_000_001,
    evidenceReference: '2025 年度专项审计报告 审字(2026)第 018 号',
  };
  const withInventors = () => {
    const store = fakeStore([baseDeal()]);
    store.grantHolders.set(N, {
      ...store.grantHolders.get(N)!,
      institutionUscc: INST,
      provinceCode: '140000',
      inventors: ['张伟', '李娜'],
      inventorShares: [
        { name: '张伟', sharePercent: 70 },
        { name: '李娜', sharePercent: 30 },
      ],
      inventorStaffNumbers: [{ name: '张伟', staffNumber: '20080123' }],
    });
    return store;
  };

  it('records a year at 5 % by default, split by the contribution shares; the report and its lines count it beside the payments', async () => {
    const store = withInventors();
    const deps = depsOf(store);
    const first = await recordImplementationProfit(deps, inst, 'ZL 2020 1000 0001.1', 2025, year2025);
    expect(first).toMatchObject({ created: true, changed: true });
    // 5 % of 2,000,001 fen = 100,000.05: whole fen, floored; 70 / 30.
    expect(first.record).toMatchObject({
      applicationNumber: N,
      year: 2025,
      yearOfImplementation: 2,
      version: 1,
      inventorRewards: { ratePercent: 5, netIncomeFen: 2_000_001, poolFen: 100_000, unassignedFen: 0 },
    });
    expect(first.record.inventorRewards.basis).toContain('art. 45 (3)');
    expect(first.record.inventorRewards.lines.map((l) => [l.name, l.staffNumber, l.amountFen])).toEqual([
      ['张伟', '20080123', 70_000],
      ['李娜', undefined, 30_000],
    ]);
    // The same request again changes nothing.
    expect(await recordImplementationProfit(deps, inst, N, 2025, year2025)).toMatchObject({
      created: false,
      changed: false,
      record: { version: 1 },
    });
    await recordPayment(deps, inst, 'd-1', {
      amountFen: 100_000,
      paidOn: '2026-03-05',
      evidenceReference: '回单 1',
    });
    const report = await inventorRewardsReport(deps, inst, INST, {});
    expect(report.implementationYearsCounted).toBe(1);
    expect(report.paymentsCounted).toBe(1);
    const zhang = report.inventors.find((i) => i.staffNumber === '20080123')!;
    expect(zhang.lines.map((l) => [l.source, l.year ?? l.paidOn, l.amountFen])).toEqual([
      ['payment', '2026-03-05', 35_000],
      ['own-implementation', 2025, 70_000],
    ]);
    expect(report.totalFen).toBe(150_000);
    // A period that ends before the year closes leaves it out.
    const before = await inventorRewardsReport(deps, inst, INST, { to: '2025-12-30' });
    expect([before.implementationYearsCounted, before.totalFen]).toEqual([0, 0]);
  });

  it('a correction replaces the year (version 2), recomputed; two corrections at once: one wins, the other 409 or a replay', async () => {
    const store = withInventors();
    const deps = depsOf(store);
    await recordImplementationProfit(deps, inst, N, 2025, year2025);
    const corrected = await recordImplementationProfit(deps, inst, N, 2025, {
      ...year2025,
      operatingProfitFen: 1_000_000,
      ratePercent: 8,
      basis: '《某大学科技成果转化管理办法》第十五条',
    });
    expect(corrected).toMatchObject({ created: false, changed: true, record: { version: 2 } });
    expect(corrected.record.inventorRewards).toMatchObject({ ratePercent: 8, poolFen: 80_000 });
    expect(corrected.record.inventorRewards.basis).toContain('第十五条');
    const results = await Promise.allSettled([
      recordImplementationProfit(deps, inst, N, 2025, { ...year2025, operatingProfitFen: 10 }),
      recordImplementationProfit(deps, inst, N, 2025, { ...year2025, operatingProfitFen: 20 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toBeInstanceOf(ConflictError);
    expect(loser.reason.message).toContain('send yours again');
    const same = await Promise.all([
      recordImplementationProfit(deps, inst, N, 2024, year2025),
      recordImplementationProfit(deps, inst, N, 2024, year2025),
    ]);
    expect(same.map((r) => r.created).sort()).toEqual([false, true]);
  });

  it('refuses years outside the three to five years, the future, a rate below 5 % without its basis, another start day; 404 and 403 for others', async () => {
    const store = withInventors();
    const deps = depsOf(store);
    const refused = async (year: number, body: object) =>
      recordImplementationProfit(deps, inst, N, year, { ...year2025, ...body }).catch((e) => e);
    const early = await refused(2023, {});
    expect(early).toBeInstanceOf(ValidationError);
    expect(early.message).toContain('before production started');
    const late = await refused(2025, { productionStartedOn: '2020-03-01' });
    expect(late).toBeInstanceOf(ValidationError);
    expect(late.message).toContain('year 6');
    expect(late.message).toContain('2020 to 2024');
    expect(await refused(2027, {})).toBeInstanceOf(ValidationError); // 2026-10-15 today: 2027 has not begun
    expect(await refused(2026, { productionStartedOn: '2026-11-01' })).toBeInstanceOf(ValidationError);
    const low = await refused(2025, { ratePercent: 3 });
    expect(low).toBeInstanceOf(ValidationError);
    expect(low.details[0].field).toBe('basis');
    expect(
      (
        await recordImplementationProfit(deps, inst, N, 2026, {
          ...year2025,
          ratePercent: 3,
          basis: '与发明人约定 2024-05',
        })
      ).record.inventorRewards.poolFen,
    ).toBe(60_000);
    const otherStart = await refused(2025, { productionStartedOn: '2024-06-01' });
    expect(otherStart).toBeInstanceOf(ConflictError);
    expect(otherStart.message).toContain('2024-05-20');
    expect(await recordImplementationProfit(deps, other, N, 2025, year2025).catch((e) => e)).toBeInstanceOf(
      NotFoundError,
    );
    expect(
      await recordImplementationProfit(deps, inst, '202010000009.9', 2025, year2025).catch((e) => e),
    ).toBeInstanceOf(NotFoundError);
    expect(await recordImplementationProfit(deps, dept, N, 2025, year2025).catch((e) => e)).toBeInstanceOf(
      ForbiddenError,
    );
    expect((await inventorRewardsReport(deps, inst, INST, {})).implementationYearsCounted).toBe(1);
  });

  it('the schema: whole fen, a loss is 0, the year a calendar year from the path', () => {
    expect(implementationProfitInputSchema.safeParse({ ...year2025, operatingProfitFen: -5 }).success).toBe(
      false,
    );
    expect(implementationProfitInputSchema.safeParse({ ...year2025, operatingProfitFen: 1.5 }).success).toBe(
      false,
    );
    expect(implementationProfitInputSchema.safeParse({ ...year2025, ratePercent: 0 }).success).toBe(false);
    expect(implementationProfitParamsSchema.parse({ applicationNumber: N, year: '2025' }).year).toBe(2025);
    expect(implementationProfitParamsSchema.safeParse({ applicationNumber: N, year: '2025.5' }).success).toBe(
      false,
    );
    expect(implementationProfitParamsSchema.safeParse({ applicationNumber: N, year: 'abc' }).success).toBe(
      false,
    );
  });
});

describe('royalty reports', () => {
  it('makes the tiered royalty due, topped up to the pro-rata minimum; a period outside the license is refused', async () => {
    const deps = depsOf(fakeStore([royaltyDeal]), '2027-02-01');
    const { obligations } = await reportRoyalties(deps, inst, 'd-roy', {
      periodStart: '2026-07-01',
      periodEnd: '2026-12-31',
      netSalesFen: 2_000_000,
    });
    const period = obligations.obligations.find((o) => o.obligationId === 'royalty-2026-07-01')!;
    // 3% of 2,000,000 = 60,000; the minimum for 184 days of 365: 184,000.
    expect(period.report).toMatchObject({ royaltyFen: 60_000, minimumTopUpFen: 124_000 });
    expect(period.amountFen).toBe(184_000);
    expect(period.status).toBe('open');
    const again = await reportRoyalties(deps, inst, 'd-roy', {
      periodStart: '2026-07-01',
      periodEnd: '2026-12-31',
      netSalesFen: 2_000_000,
    });
    expect(again.created).toBe(false);

    const outside = reportRoyalties(deps, inst, 'd-roy', {
      periodStart: '2028-07-01',
      periodEnd: '2028-12-31',
      netSalesFen: 1,
    });
    await expect(outside).rejects.toThrow(ValidationError);
    await expect(outside).rejects.toThrow(/outside the license, which runs from 2026-07-01 to 2028-06-30/);
    await expect(
      reportRoyalties(deps, inst, 'd-roy', {
        periodStart: '2026-01-01',
        periodEnd: '2026-12-31',
        netSalesFen: 1,
      }),
    ).rejects.toThrow(/outside the license/);
    // Sales tiers are cumulative: 2028 before 2027 is refused.
    await expect(
      reportRoyalties(deps, inst, 'd-roy', {
        periodStart: '2028-01-01',
        periodEnd: '2028-06-30',
        netSalesFen: 1,
      }),
    ).rejects.toThrow(/report the earlier period 2027-01-01/);
  });
});

describe('amendment and termination', () => {
  it('amends with a reason (new version), regenerating the obligations and keeping what was paid', async () => {
    const store = fakeStore([baseDeal()]);
    const deps = depsOf(store);
    await recordPayment(deps, inst, 'd-1', {
      amountFen: 100_000,
      paidOn: '2026-03-05',
      evidenceReference: '回单',
    });
    const amended = await amendDeal(deps, inst, 'd-1', {
      reason: '补充协议：第二期拆分',
      priceTerms: {
        type: 'installments',
        totalFen: 300_000,
        installments: [
          { dueDate: '2026-03-01', amountFen: 100_000 },
          { dueDate: '2026-12-01', amountFen: 100_000 },
          { dueDate: '2027-06-01', amountFen: 100_000 },
        ],
      },
    });
    expect(amended.version).toBe(2);
    expect(amended.amendments).toMatchObject([
      { number: 1, reason: '补充协议：第二期拆分', changed: ['priceTerms'] },
    ]);
    const view = await listObligations(deps, inst, 'd-1');
    expect(view.obligations.map((o) => [o.obligationId, o.paidFen, o.status])).toEqual([
      ['installment-2026-03-01', 100_000, 'paid'],
      ['installment-2026-12-01', 0, 'open'],
      ['installment-2027-06-01', 0, 'open'],
    ]);
    await expect(amendDeal(deps, inst, 'd-1', { reason: '延期', endDate: '2026-01-01' })).rejects.toThrow(
      ValidationError,
    );
  });

  it('refuses a termination before the effective date; a termination cancels later obligations and ends the grant', async () => {
    const store = fakeStore([baseDeal()]);
    const deps = depsOf(store);
    await expect(terminateDeal(deps, inst, 'd-1', { date: '2026-02-28', reason: '解除' })).rejects.toThrow(
      /before the effective date 2026-03-01/,
    );
    const { deal } = await terminateDeal(deps, inst, 'd-1', {
      date: '2026-06-30',
      reason: '被许可方违约，依约解除',
    });
    expect(deal).toMatchObject({ status: 'terminated', termination: { date: '2026-06-30' }, version: 2 });
    const view = await listObligations(deps, inst, 'd-1');
    expect(view.obligations.map((o) => o.status)).toEqual(['open', 'cancelled']);
    expect(store.grantHolders.get('202010000001.1')).toMatchObject({
      exclusiveGrant: { dealId: 'd-1', endDate: '2026-06-30' },
      version: 4,
    });
    expect((await terminateDeal(deps, inst, 'd-1', { date: '2026-06-30', reason: '再次' })).changed).toBe(
      false,
    );
    await expect(terminateDeal(deps, inst, 'd-1', { date: '2026-07-30', reason: '再次' })).rejects.toThrow(
      ConflictError,
    );
    await expect(amendDeal(deps, inst, 'd-1', { reason: '改', notes: 'x' })).rejects.toThrow(/terminated/);
  });
});

describe('receivables and overdue reminders', () => {
  it('sums per deal and institution, and reminds each overdue obligation once by mail to the institution', async () => {
    const store = fakeStore([baseDeal(), royaltyDeal]);
    const deps = depsOf(store, '2026-10-15');
    await recordPayment(deps, inst, 'd-1', {
      amountFen: 100_000,
      paidOn: '2026-03-05',
      evidenceReference: '回单',
    });
    const r = await receivables(deps, inst, INST);
    expect(r.totals).toMatchObject({
      dueFen: 350_000,
      paidFen: 100_000,
      outstandingFen: 250_000,
      overdueFen: 250_000,
    });
    await expect(receivables(deps, other, INST)).rejects.toThrow(NotFoundError);
    expect((await receivables(deps, padmin, INST)).deals).toHaveLength(2);

    const outcome = await remindOverduePayments(deps, { now: '2026-10-15T04:00:00Z' });
    expect(outcome).toMatchObject({ reminded: 1, mailed: 1, failed: [] });
    expect(store.mails).toHaveLength(1);
    expect(String(store.mails[0]!.subject)).toContain('d-1');
    expect(String(store.mails[0]!.html)).toContain('第 2 期分期付款');
    // d-roy's upfront (2026-07-01) has no ledger yet: ledgers are stored with their first write.
    const again = await remindOverduePayments(deps, { now: '2026-10-16T04:00:00Z' });
    expect(again.reminded).toBe(0);
    expect(store.mails).toHaveLength(1);
  });
});

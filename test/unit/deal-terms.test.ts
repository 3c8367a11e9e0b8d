/** Deal input and price terms: the validators name the field and say what to fix (fast-check for tiers and installments). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths } from '../../functions/transfer/rules.ts';
import {
  contractValueFen,
  dealInputSchema,
  installmentIssues,
  priceTermIssues,
  royaltyTierIssues,
} from '../../schemas/deal.ts';

const ENT = '91110000802100433B';
const base = {
  kind: 'license',
  licenseType: 'exclusive',
  applicationNumbers: ['202010123456.2'],
  enterprise: { uscc: ENT, name: '北京某某科技有限公司' },
  effectiveDate: '2026-03-01',
  endDate: '2036-02-28',
};
const issuesOf = (input: unknown) => {
  const result = dealInputSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('deal input', () => {
  it('accepts the realistic shapes of DOMAIN.md', () => {
    // Peking University: exclusive license, upfront 2.3 million CNY plus tiered royalties on sales.
    expect(
      issuesOf({
        ...base,
        priceTerms: {
          type: 'upfront-royalty',
          upfrontFen: 230_000_000,
          royalty: {
            basis: 'sales',
            tiers: [
              { fromFen: 0, toFen: 10_000_000_000, ratePercent: 3 },
              { fromFen: 10_000_000_000, ratePercent: 2 },
            ],
          },
        },
      }),
    ).toEqual([]);
    // Nankai University: 4 patents contributed as equity valued at 105 million CNY.
    expect(
      issuesOf({
        kind: 'equity',
        applicationNumbers: ['202010123456.2', '202110234567.X', '201910000001.5', '201810000002.1'],
        enterprise: { uscc: ENT, name: '天津某某新材料有限公司' },
        priceTerms: { type: 'equity', valuationFen: 10_500_000_000, sharePercent: 30 },
        effectiveDate: '2026-01-15',
      }),
    ).toEqual([]);
    // Zhongshan Hospital: upfront fee plus a 1% sales royalty.
    expect(
      issuesOf({
        ...base,
        licenseType: 'ordinary',
        priceTerms: {
          type: 'upfront-royalty',
          upfrontFen: 50_000_000,
          royalty: { basis: 'sales', tiers: [{ fromFen: 0, ratePercent: 1 }] },
        },
      }),
    ).toEqual([]);
  });

  it('royalty tiers that overlap or leave a gap are refused naming the tier and what to fix', () => {
    const tiers = (second: number) => ({
      ...base,
      priceTerms: {
        type: 'upfront-royalty',
        upfrontFen: 0,
        royalty: {
          basis: 'sales',
          tiers: [
            { fromFen: 0, toFen: 1_000_000, ratePercent: 5 },
            { fromFen: second, ratePercent: 3 },
          ],
        },
      },
    });
    const overlap = issuesOf(tiers(900_000));
    expect(overlap).toHaveLength(1);
    expect(overlap[0]!.path).toBe('priceTerms.royalty.tiers.1.fromFen');
    expect(overlap[0]!.message).toMatch(/tier 2 overlaps tier 1.*start tier 2 at 10,000\.00 CNY/);
    const gap = issuesOf(tiers(1_200_000));
    expect(gap[0]!.path).toBe('priceTerms.royalty.tiers.1.fromFen');
    expect(gap[0]!.message).toMatch(/tier 2 leaves a gap after tier 1/);
  });

  it('date tiers start on the effective date and stay within the term', () => {
    const issues = issuesOf({
      ...base,
      priceTerms: {
        type: 'upfront-royalty',
        upfrontFen: 0,
        royalty: {
          basis: 'date',
          tiers: [
            { fromDate: '2026-04-01', toDate: '2031-03-01', ratePercent: 4 },
            { fromDate: '2031-03-01', toDate: '2037-01-01', ratePercent: 2 },
          ],
        },
      },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'priceTerms.royalty.tiers.0.fromDate',
      'priceTerms.royalty.tiers.1.toDate',
      'priceTerms.royalty.tiers.1.toDate',
    ]);
    expect(issues[0]!.message).toContain('must start at 2026-03-01 (the effective date)');
  });

  it('installments that do not sum to the price are refused with the difference', () => {
    const issues = issuesOf({
      ...base,
      licenseType: 'ordinary',
      priceTerms: {
        type: 'installments',
        totalFen: 300_000_00,
        installments: [
          { dueDate: '2026-03-01', amountFen: 100_000_00 },
          { dueDate: '2027-03-01', amountFen: 100_000_00 },
        ],
      },
    });
    expect(issues).toEqual([
      {
        path: 'priceTerms.installments',
        message: expect.stringMatching(
          /sum to 200,000\.00 CNY .* totalFen is 300,000\.00 CNY.*add 100,000\.00 CNY/,
        ),
      },
    ]);
  });

  it('installment dates ascend within the term', () => {
    const issues = issuesOf({
      ...base,
      licenseType: 'ordinary',
      priceTerms: {
        type: 'installments',
        totalFen: 300,
        installments: [
          { dueDate: '2026-02-01', amountFen: 100 },
          { dueDate: '2027-03-01', amountFen: 100 },
          { dueDate: '2027-03-01', amountFen: 100 },
        ],
      },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'priceTerms.installments.0.dueDate',
      'priceTerms.installments.2.dueDate',
    ]);
  });

  it('kind, license type, price type and term must agree', () => {
    expect(issuesOf({ ...base, licenseType: undefined, priceTerms: { type: 'free' } })[0]!.path).toBe(
      'licenseType',
    );
    expect(issuesOf({ ...base, licenseType: 'open', priceTerms: { type: 'free' } })[0]!.message).toMatch(
      /open-license\/licenses/,
    );
    expect(
      issuesOf({
        ...base,
        kind: 'assignment',
        licenseType: undefined,
        priceTerms: { type: 'equity', valuationFen: 1, sharePercent: 1 },
      })[0]!.path,
    ).toBe('priceTerms.type');
    expect(issuesOf({ ...base, endDate: '2026-03-01', priceTerms: { type: 'free' } })[0]).toEqual({
      path: 'endDate',
      message: 'the end date 2026-03-01 must be after the effective date 2026-03-01',
    });
    expect(issuesOf({ ...base, endDate: undefined, priceTerms: { type: 'free' } })[0]!.path).toBe('endDate');
    expect(issuesOf({ ...base, priceTerms: { type: 'lump-sum', amountFen: 12.5 } })[0]!.path).toBe(
      'priceTerms.amountFen',
    );
    expect(
      issuesOf({
        ...base,
        priceTerms: {
          type: 'upfront-royalty',
          upfrontFen: 0,
          royalty: { basis: 'sales', tiers: [{ fromFen: 0, ratePercent: 120 }] },
        },
      })[0]!.path,
    ).toBe('priceTerms.royalty.tiers.0.ratePercent');
    expect(
      issuesOf({
        ...base,
        applicationNumbers: Array.from({ length: 21 }, (_, i) => `2020101234${i}`),
        priceTerms: { type: 'free' },
      })[0]!.message,
    ).toMatch(/at most 20 patents/);
  });

  it('contract value: fixed amounts, the upfront part of royalties, nothing for free', () => {
    expect(contractValueFen({ type: 'lump-sum', amountFen: 5 })).toBe(5);
    expect(
      contractValueFen({
        type: 'upfront-royalty',
        upfrontFen: 7,
        royalty: { basis: 'sales', tiers: [{ fromFen: 0, ratePercent: 1 }] },
      }),
    ).toBe(7);
    expect(
      contractValueFen({
        type: 'milestones',
        upfrontFen: 1,
        milestones: [
          { description: 'a', amountFen: 2 },
          { description: 'b', amountFen: 3 },
        ],
      }),
    ).toBe(6);
    expect(contractValueFen({ type: 'free' })).toBe(0);
  });
});

describe('royalty tiers and installments (properties)', () => {
  const term = { effectiveDate: '2026-01-01', endDate: '2035-12-31' };
  /** Strictly increasing sales bounds starting at 0. */
  const bounds = fc
    .uniqueArray(fc.integer({ min: 1, max: 1_000_000_000 }), { minLength: 0, maxLength: 8 })
    .map((values) => [0, ...values.sort((a, b) => a - b)]);
  const salesTiers = (starts: number[], rates: number[]) =>
    starts.map((fromFen, i) => ({
      fromFen,
      ...(i < starts.length - 1 ? { toFen: starts[i + 1]! } : {}),
      ratePercent: rates[i % rates.length]!,
    }));
  const rates = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 9 });

  it('contiguous tiers from 0 with an open last tier are accepted', () => {
    fc.assert(
      fc.property(bounds, rates, (starts, r) => {
        expect(royaltyTierIssues({ basis: 'sales', tiers: salesTiers(starts, r) }, term)).toEqual([]);
      }),
    );
  });

  it('moving one tier start makes an overlap or a gap, reported on that tier', () => {
    fc.assert(
      fc.property(
        bounds.filter((b) => b.length >= 2),
        rates,
        fc.nat(),
        fc.integer({ min: -1000, max: 1000 }).filter((d) => d !== 0),
        (starts, r, pick, delta) => {
          const tiers = salesTiers(starts, r);
          const i = 1 + (pick % (tiers.length - 1));
          const moved = tiers[i]!.fromFen + delta;
          fc.pre(moved >= 0);
          tiers[i] = { ...tiers[i]!, fromFen: moved };
          const issues = royaltyTierIssues({ basis: 'sales', tiers }, term);
          const onTier = issues.filter((issue) => issue.path[1] === i && issue.path[2] === 'fromFen');
          expect(onTier).toHaveLength(1);
          expect(onTier[0]!.message).toContain(delta < 0 ? 'overlaps' : 'leaves a gap');
        },
      ),
    );
  });

  const schedule = fc
    .uniqueArray(fc.integer({ min: 0, max: 3600 }), { minLength: 1, maxLength: 24 })
    .chain((offsets) =>
      fc.tuple(
        fc.constant(offsets.sort((a, b) => a - b)),
        fc.array(fc.integer({ min: 1, max: 1_000_000_000 }), {
          minLength: offsets.length,
          maxLength: offsets.length,
        }),
      ),
    )
    .map(([offsets, amounts]) =>
      offsets.map((days, i) => ({
        dueDate: new Date(Date.UTC(2026, 0, 1) + days * 86_400_000).toISOString().slice(0, 10),
        amountFen: amounts[i]!,
      })),
    );

  it('installments summing to the price, ascending within the term, are accepted; any other total is refused', () => {
    fc.assert(
      fc.property(schedule, fc.integer({ min: -5000, max: 5000 }), (installments, delta) => {
        const sum = installments.reduce((total, i) => total + i.amountFen, 0);
        expect(installmentIssues({ type: 'installments', totalFen: sum, installments }, term)).toEqual([]);
        fc.pre(delta !== 0 && sum + delta > 0);
        const issues = installmentIssues({ type: 'installments', totalFen: sum + delta, installments }, term);
        expect(issues).toHaveLength(1);
        expect(issues[0]!.path).toEqual(['installments']);
      }),
    );
  });

  it('price terms without cross-field rules have no issues', () => {
    expect(priceTermIssues({ type: 'free' }, term)).toEqual([]);
    expect(priceTermIssues({ type: 'equity', valuationFen: 1, sharePercent: 50 }, term)).toEqual([]);
  });

  it('the filing due date is 3 months on, clamped to the end of the month', () => {
    expect(addMonths('2026-03-01', 3)).toBe('2026-06-01');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2026-10-15', 3)).toBe('2027-01-15');
  });
});

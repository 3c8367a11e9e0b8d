import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inventorRewards, ruleOn, splitFen } from '../../functions/transfer/inventor-rewards.ts';

const license = { kind: 'license', applicationNumbers: ['A', 'B'] };

describe("the inventors' share of a payment (促进科技成果转化法 art. 45)", () => {
  it('50 % of the net income, split equally among the patents, then by contribution shares', () => {
    const rewards = inventorRewards(
      license,
      [
        {
          applicationNumber: 'A',
          inventors: ['张三', '李四'],
          inventorShares: [
            { name: '张三', sharePercent: 60 },
            { name: '李四', sharePercent: 40 },
          ],
        },
        { applicationNumber: 'B', inventors: ['王五', '赵六', '钱七'] },
      ],
      { amountFen: 1_000_000_00, declaredCostsFen: 100_000_00 },
    );
    expect(rewards).toMatchObject({
      ratePercent: 50,
      netIncomeFen: 900_000_00,
      poolFen: 450_000_00,
      unassignedFen: 0,
    });
    expect(rewards!.lines).toEqual([
      { applicationNumber: 'A', name: '张三', sharePercent: 60, amountFen: 135_000_00 },
      { applicationNumber: 'A', name: '李四', sharePercent: 40, amountFen: 90_000_00 },
      { applicationNumber: 'B', name: '王五', sharePercent: 33.33, amountFen: 75_000_00 },
      { applicationNumber: 'B', name: '赵六', sharePercent: 33.33, amountFen: 75_000_00 },
      { applicationNumber: 'B', name: '钱七', sharePercent: 33.33, amountFen: 75_000_00 },
    ]);
    expect(rewards!.equalShares).toEqual(['B']);
  });

  it('a patent without inventors leaves its part unassigned; equity is rewarded in shares, not payments', () => {
    const rewards = inventorRewards(license, [{ applicationNumber: 'A', inventors: ['张三'] }], {
      amountFen: 1001,
    });
    expect(rewards).toMatchObject({ poolFen: 500, unassignedFen: 250 });
    expect(rewards!.lines).toEqual([
      { applicationNumber: 'A', name: '张三', sharePercent: 100, amountFen: 250 },
    ]);
    expect(
      inventorRewards({ kind: 'equity', applicationNumbers: ['A'] }, [], { amountFen: 100 }),
    ).toBeUndefined();
  });

  it("the institution's own rule (art. 44) sets the share from its effective date; before it, the art. 45 default", () => {
    const rule = {
      ratePercent: 62.5,
      basis: '《某大学科技成果转化管理办法》第十二条',
      effectiveFrom: '2026-07-01',
    };
    const patents = [{ applicationNumber: 'A', inventors: ['张三', '李四'] }];
    const one = { kind: 'license', applicationNumbers: ['A'] };
    const own = inventorRewards(one, patents, { amountFen: 100_001 }, ruleOn(rule, '2026-07-01'));
    expect(own).toMatchObject({ ratePercent: 62.5, netIncomeFen: 100_001, poolFen: 62_500 });
    expect(own!.basis).toContain('art. 44');
    expect(own!.basis).toContain(rule.basis);
    expect(own!.lines.reduce((sum, line) => sum + line.amountFen, 0)).toBe(62_500);
    const before = inventorRewards(one, patents, { amountFen: 100_001 }, ruleOn(rule, '2026-06-30'));
    expect(before).toMatchObject({ ratePercent: 50, poolFen: 50_000 });
    expect(before!.basis).toContain('art. 45 (1)');
  });

  it("each line carries the inventor's staff number (工号) where the inventory gives one", () => {
    const rewards = inventorRewards(
      { kind: 'license', applicationNumbers: ['A'] },
      [
        {
          applicationNumber: 'A',
          inventors: ['张伟', '外聘专家'],
          inventorStaffNumbers: [{ name: '张伟', staffNumber: '20080123' }],
        },
      ],
      { amountFen: 1_000 },
    );
    expect(rewards!.lines).toEqual([
      { applicationNumber: 'A', name: '张伟', staffNumber: '20080123', sharePercent: 50, amountFen: 250 },
      { applicationNumber: 'A', name: '外聘专家', sharePercent: 50, amountFen: 250 },
    ]);
  });

  it('costs above the payment leave nothing to share (never negative)', () => {
    expect(inventorRewards(license, [], { amountFen: 100, declaredCostsFen: 500 })).toMatchObject({
      netIncomeFen: 0,
      poolFen: 0,
    });
  });

  it('whole fen that always add up to the pool (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }),
        (total, weights) => {
          const parts = splitFen(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          for (const part of parts) expect(Number.isInteger(part) && part >= 0).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the inventors' rewards workbook", () => {
  it('a summary per inventor (yuan, two decimals) and the lines; formula-like names stay text', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const { inventorRewardsWorkbook } = await import('../../functions/transfer/inventor-rewards-export.ts');
    const xlsx = await inventorRewardsWorkbook(
      {
        institutionUscc: '12100000400000624D',
        from: '2026-01-01',
        inventors: [
          {
            name: '张三',
            staffNumber: '20080123',
            totalFen: 123_456,
            lines: [
              {
                source: 'payment',
                dealId: 'd-1',
                paymentId: 'p-1',
                paidOn: '2026-03-05',
                applicationNumber: 'A',
                sharePercent: 60,
                amountFen: 123_456,
              },
            ],
          },
          { name: '=HYPERLINK("x")', totalFen: 1, lines: [] },
        ],
        totalFen: 123_457,
        unassignedFen: 50,
        paymentsCounted: 1,
        paymentsReversed: 0,
        paymentsWithoutRewards: 0,
        implementationYearsCounted: 0,
      },
      '清华大学',
      new Date('2026-12-06T02:00:00Z'),
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx as unknown as ArrayBuffer);
    const summary = book.worksheets[0]!;
    expect(summary.name).toBe('汇总 Summary');
    expect(String(summary.getCell('A1').value)).toContain('清华大学');
    expect(String(summary.getCell('A1').value)).toContain('2026-01-01');
    expect(summary.getCell('A5').value).toBe('张三');
    expect(summary.getCell('B5').value).toBe('20080123');
    expect(summary.getCell('C5').value).toBe(1234.56);
    expect(summary.getCell('C5').numFmt).toBe('#,##0.00');
    expect(summary.getCell('A6').value).toBe('\'=HYPERLINK("x")');
    expect(summary.getCell('C7').value).toBe(1234.57);
    expect(summary.getCell('C8').value).toBe(0.5);
    const lines = book.worksheets[1]!;
    expect(lines.getRow(2).values).toEqual([
      undefined,
      '张三',
      '20080123',
      'A',
      'd-1',
      'p-1',
      '2026-03-05',
      60,
      1234.56,
    ]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inventorRewards, splitFen } from '../../functions/transfer/inventor-rewards.ts';

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

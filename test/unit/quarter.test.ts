import { describe, expect, it } from 'vitest';
import {
  addQuarters,
  checkQuarter,
  lastEndedQuarter,
  previousQuarter,
  type Quarter,
  quarterBounds,
  quarterOf,
  quarterSchema,
  quartersBetween,
  sameQuarterLastYear,
} from '../../schemas/metrics.ts';

const now = new Date('2026-02-10T03:00:00Z');

describe('quarters', () => {
  it('parses YYYYQn and refuses quarter 5 with a message saying what to send', () => {
    expect(checkQuarter('2025Q4', now)).toEqual({ ok: true, quarter: '2025Q4' });
    expect(checkQuarter(' 2025q1 ', now)).toEqual({ ok: true, quarter: '2025Q1' });
    const q5 = checkQuarter('2025Q5', now);
    expect(q5.ok).toBe(false);
    expect(!q5.ok && q5.message).toMatch(/2025Q5 does not exist.*e\.g\. 2025Q4/);
    const junk = checkQuarter('Q4-2025', now);
    expect(!junk.ok && junk.message).toMatch(/use the form YYYYQn/);
  });

  it('refuses a quarter that has not started (China time), accepts the current one', () => {
    const future = checkQuarter('2026Q2', now);
    expect(future.ok).toBe(false);
    expect(!future.ok && future.message).toMatch(/2026Q2 has not started yet.*ask for 2026Q1/);
    expect(checkQuarter('2026Q1', now).ok).toBe(true);
    // 2025-12-31 17:00 UTC is already 2026-01-01 in China.
    expect(checkQuarter('2026Q1', new Date('2025-12-31T17:00:00Z')).ok).toBe(true);
    expect(checkQuarter('2026Q1', new Date('2025-12-31T15:59:59Z')).ok).toBe(false);
  });

  it('the zod schema gives a 400-style issue with the same message', () => {
    const parsed = quarterSchema.safeParse('2025Q5');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/2025Q5/);
    expect(quarterSchema.parse('2024Q3')).toBe('2024Q3');
  });

  it('quarter of an instant in Asia/Shanghai, and of a China date', () => {
    expect(quarterOf('2025-12-31T15:59:59Z')).toBe('2025Q4');
    expect(quarterOf('2025-12-31T16:00:00Z')).toBe('2026Q1');
    expect(quarterOf('2025-07-01')).toBe('2025Q3');
    expect(quarterOf(new Date('2025-03-31T16:30:00Z'))).toBe('2025Q2');
  });

  it('previous quarter, same quarter last year, ranges and bounds', () => {
    expect(previousQuarter('2025Q1')).toBe('2024Q4');
    expect(sameQuarterLastYear('2025Q4')).toBe('2024Q4');
    expect(addQuarters('2024Q4', 5)).toBe('2026Q1');
    expect(quartersBetween('2024Q3', '2025Q1')).toEqual(['2024Q3', '2024Q4', '2025Q1']);
    expect(quartersBetween('2025Q1' as Quarter, '2024Q4')).toEqual([]);
    expect(quarterBounds('2025Q4')).toEqual({
      firstDay: '2025-10-01',
      lastDay: '2025-12-31',
      start: '2025-09-30T16:00:00.000Z',
      endExclusive: '2025-12-31T16:00:00.000Z',
    });
    expect(quarterBounds('2024Q1').lastDay).toBe('2024-03-31');
    expect(lastEndedQuarter(new Date('2026-01-01T00:30:00+08:00'))).toBe('2025Q4');
  });
});

/** China time in one module: calendar dates, the day before, minutes in Beijing time and ISO weeks. */
import { describe, expect, it } from 'vitest';
import { chinaDate, chinaDateTime, chinaDayBefore, chinaIsoWeek } from '../../schemas/china-date.ts';

describe('china-date', () => {
  it('a China calendar date starts at 16:00 UTC of the day before', () => {
    expect(chinaDate('2026-03-31T15:59:59Z')).toBe('2026-03-31');
    expect(chinaDate(new Date('2026-03-31T16:00:00Z'))).toBe('2026-04-01');
  });

  it('the day before, across a month and a year', () => {
    expect(chinaDayBefore(new Date('2026-03-01T00:00:00Z'))).toBe('2026-02-28'); // 08:00 on 1 March in China
    expect(chinaDayBefore(new Date('2025-12-31T16:30:00Z'))).toBe('2025-12-31'); // 00:30 on 1 January
  });

  it('minutes in Beijing time', () => {
    expect(chinaDateTime('2026-01-01T01:02:03Z')).toBe('2026-01-01 09:02');
    expect(chinaDateTime(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01 00:00');
  });

  it.each([
    ['2024-12-29T16:30:00Z', '2025-W01'], // Monday 30 December 2024 in China belongs to 2025's first week
    ['2024-12-29T15:30:00Z', '2024-W52'], // still Sunday 29 December in China
    ['2026-12-31T20:00:00Z', '2026-W53'], // Friday 1 January 2027 in China: 2026 has 53 ISO weeks
    ['2027-01-03T15:59:00Z', '2026-W53'], // Sunday 3 January 2027, 23:59 in China
    ['2027-01-03T16:00:00Z', '2027-W01'], // Monday 4 January 2027, 00:00 in China
    ['2026-11-23T02:00:00Z', '2026-W48'],
  ])('ISO week of %s in China is %s', (at, week) => {
    expect(chinaIsoWeek(new Date(at))).toBe(week);
  });
});

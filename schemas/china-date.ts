/**
 * Dates in China time, in one module (no other file shifts by eight hours). China keeps one time zone
 * (Asia/Shanghai, UTC+8) and no daylight saving since 1991, so a China calendar date is the UTC date of
 * the instant shifted by eight hours: that arithmetic is exact for every date the system handles and
 * costs nothing in loops over many patents. Calendar rules (ISO weeks) come from date-fns in the
 * Asia/Shanghai zone (@date-fns/tz), not from hand-written week arithmetic. Kept free of schema code:
 * handlers that only need today's date stay small (docs/bundles.md, cold starts).
 */
import { TZDate } from '@date-fns/tz';
import { getISOWeek, getISOWeekYear } from 'date-fns';

export const chinaOffsetMs = 8 * 3_600_000;

/** The calendar date (YYYY-MM-DD) of an instant in China. */
export function chinaDate(at: Date | string): string {
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(time + chinaOffsetMs).toISOString().slice(0, 10);
}

/** The calendar date in China of the day before `at` (a daily job at 08:00 covers yesterday). */
export function chinaDayBefore(at: Date): string {
  return chinaDate(new Date(at.getTime() - 86_400_000));
}

/** Date and minute in Beijing time, `2026-01-01 09:00`, of an instant. */
export function chinaDateTime(at: Date | string): string {
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(time + chinaOffsetMs).toISOString().slice(0, 16).replace('T', ' ');
}

/** The ISO 8601 week of an instant in China, e.g. `2026-W48` (weeks start on Monday; week 1 holds 4 January). */
export function chinaIsoWeek(at: Date): string {
  const inChina = new TZDate(at.getTime(), 'Asia/Shanghai');
  return `${getISOWeekYear(inChina)}-W${String(getISOWeek(inChina)).padStart(2, '0')}`;
}

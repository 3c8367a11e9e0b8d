/**
 * Dates in China time. China keeps one time zone (Asia/Shanghai, UTC+8) and no daylight saving, so
 * a China calendar date is the UTC date of the instant shifted by eight hours. Kept free of schema
 * code: handlers that only need today's date stay small (docs/bundles.md, cold starts).
 */

export const chinaOffsetMs = 8 * 3_600_000;

/** The calendar date (YYYY-MM-DD) of an instant in China. */
export function chinaDate(at: Date | string): string {
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(time + chinaOffsetMs).toISOString().slice(0, 10);
}

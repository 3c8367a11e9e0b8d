/**
 * The statutory term of a patent in years (专利法 art. 42, 2020 revision in force from 2021-06-01):
 * 发明专利权的期限为二十年，实用新型专利权的期限为十年，外观设计专利权的期限为十五年，均自申请日起计算。
 * Designs filed before 2021-06-01 keep the 10 years of the 2008 text (the revised term applies to
 * applications filed from the day the revision took effect). One rule for the row check (维持年限) and
 * the lifecycle (functions/patents/availability.ts).
 */

/** Designs filed from this day have the 15-year term of the 2020 revision (in force 2021-06-01). */
export const designFifteenYearsFrom = '2021-06-01';

/** The term in years, or undefined when the type is unknown or a design's filing date is not known. */
export function statutoryTermYears(
  patentType: string | undefined,
  applicationDate: string | undefined,
): number | undefined {
  if (patentType === 'invention') return 20;
  if (patentType === 'utility-model') return 10;
  if (patentType !== 'design' || !applicationDate) return undefined;
  return applicationDate >= designFifteenYearsFrom ? 15 : 10;
}

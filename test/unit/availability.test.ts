import { describe, expect, it } from 'vitest';
import { notInForce, statutoryTerm, unavailability } from '../../functions/patents/availability.ts';

const patent = {
  applicationNumber: '202010123456.2',
  patentType: 'invention',
  applicationDate: '2020-03-10',
  legalStatus: 'valid',
  lifecycle: 'listed' as const,
};

describe('statutory term (专利法 art. 42)', () => {
  it('invention 20 years, utility model 10, counted from the filing date, in force to the day before the anniversary', () => {
    expect(statutoryTerm('invention', '2005-03-10')).toMatchObject({ years: 20, endsOn: '2025-03-09' });
    expect(statutoryTerm('utility-model', '2015-01-01')).toMatchObject({ years: 10, endsOn: '2024-12-31' });
  });

  it('designs: 10 years when filed before 2021-06-01, 15 from that day', () => {
    expect(statutoryTerm('design', '2021-05-31')).toMatchObject({ years: 10, endsOn: '2031-05-30' });
    expect(statutoryTerm('design', '2021-05-31')?.basis).toContain('2008 text');
    expect(statutoryTerm('design', '2021-06-01')).toMatchObject({ years: 15, endsOn: '2036-05-31' });
  });

  it('a filing on 29 February ends on 28 February of a common year; unknown type or date gives no term', () => {
    expect(statutoryTerm('utility-model', '2016-02-29')).toMatchObject({ endsOn: '2026-02-28' });
    expect(statutoryTerm('invention', '2004-02-29')).toMatchObject({ endsOn: '2024-02-28' });
    expect(statutoryTerm('invention', undefined)).toBeUndefined();
    expect(statutoryTerm('plant-variety', '2020-01-01')).toBeUndefined();
    expect(statutoryTerm('invention', '10.3.2020')).toBeUndefined();
  });
});

describe('in force and on offer', () => {
  it('a valid patent within its term is in force and on offer', () => {
    expect(notInForce(patent, '2026-12-05')).toBeUndefined();
    expect(unavailability(patent, '2026-12-05')).toBeUndefined();
  });

  it('every lapse status and the lapsed state say lapsed', () => {
    for (const legalStatus of ['terminated', 'abandoned', 'invalidated', 'lapsed'])
      expect(unavailability({ ...patent, legalStatus }, '2026-12-05')).toMatchObject({ reason: 'lapsed' });
    expect(unavailability({ ...patent, lifecycle: 'lapsed' }, '2026-12-05')).toMatchObject({
      reason: 'lapsed',
    });
  });

  it('expired: by status, by state, or on the day after the term ends', () => {
    expect(unavailability({ ...patent, legalStatus: 'expired' }, '2026-12-05')).toMatchObject({
      reason: 'expired',
    });
    const old = { ...patent, applicationDate: '2006-12-05' };
    expect(unavailability(old, '2026-12-04')).toBeUndefined();
    expect(unavailability(old, '2026-12-05')).toMatchObject({ reason: 'expired' });
    expect(unavailability(old, '2026-12-05')?.messageEn).toContain('2026-12-04');
  });

  it('withdrawn (with its reason), assigned, equity', () => {
    expect(
      unavailability({ ...patent, lifecycle: 'withdrawn', withdrawalReason: '拟自行实施' }, '2026-12-05'),
    ).toMatchObject({ reason: 'withdrawn', messageZh: expect.stringContaining('拟自行实施') });
    expect(
      unavailability({ ...patent, patenteeChange: { dealId: 'd1', kind: 'assignment' } }, '2026-12-05'),
    ).toMatchObject({ reason: 'assigned' });
    expect(
      unavailability({ ...patent, patenteeChange: { dealId: 'd1', kind: 'equity' } }, '2026-12-05'),
    ).toMatchObject({ reason: 'equity' });
  });

  it('an exclusive or sole license holds until its end date, inclusive', () => {
    const exclusive = {
      ...patent,
      exclusiveGrant: { dealId: 'd2', licenseType: 'exclusive' as const, endDate: '2035-12-31' },
    };
    expect(unavailability(exclusive, '2026-12-05')).toMatchObject({
      reason: 'exclusive-license',
      until: '2035-12-31',
    });
    expect(unavailability(exclusive, '2035-12-31')).toMatchObject({ reason: 'exclusive-license' });
    expect(unavailability(exclusive, '2036-01-01')).toBeUndefined();
    const sole = { ...patent, exclusiveGrant: { dealId: 'd3', licenseType: 'sole' as const } };
    expect(unavailability(sole, '2026-12-05')).toMatchObject({ reason: 'sole-license' });
  });

  it('a pending application is not in force (nothing to license) but not removed from offer either', () => {
    const pending = { ...patent, legalStatus: 'pending' };
    expect(notInForce(pending, '2026-12-05')).toMatchObject({ reason: 'not-granted' });
    expect(unavailability(pending, '2026-12-05')).toBeUndefined();
  });
});

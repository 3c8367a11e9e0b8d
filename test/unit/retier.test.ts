/** Late evaluations and re-tiering (issue 13 item 3): the pure decision and plan. */
import { describe, expect, it } from 'vitest';
import {
  lateDecision,
  nextChinaDay,
  planLateEvaluation,
  takesLateEvaluations,
} from '../../functions/evaluations/late.ts';
import type { EvaluatedPatent, StoredEvaluation } from '../../functions/evaluations/ports.ts';
import { lateTiering } from '../../functions/evaluations/tiering-deps.ts';
import { defaultTieringRules } from '../../functions/promotion/tiering-rules.ts';
import { nextLifecycle } from '../../schemas/lifecycle.ts';

const N = '202010123456.2';
const ENT = '91110000802100433B';

const evaluation = (id: string, prospect: number, intents: string[] = ['license']): StoredEvaluation => ({
  evaluationId: `e-${id}`,
  applicationNumber: N,
  institutionUscc: '12100000400000624D',
  provinceCode: '110000',
  evaluatorKind: 'enterprise',
  evaluatorId: id,
  matched: true,
  industrializationProspect: prospect,
  maturityTrl: 5,
  improvementNeeds: { categories: [] },
  cooperationIntents: intents as StoredEvaluation['cooperationIntents'],
  reasonCodes: [],
  consentToShareIdentity: false,
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
  version: 1,
});
const patent = (fields: Partial<EvaluatedPatent>): EvaluatedPatent => ({
  applicationNumber: N,
  institutionUscc: '12100000400000624D',
  provinceCode: '110000',
  poolStatus: 'conversion',
  version: 12,
  patentType: 'invention',
  evaluationStatus: 'closed',
  ...fields,
});
const plan = (p: EvaluatedPatent, evaluations: StoredEvaluation[], retieredToday = false) =>
  planLateEvaluation({
    patent: p,
    state: p.lifecycle!,
    evaluations,
    enterprises: new Map([[ENT, { uscc: ENT, name: '企业', industryCodes: ['C38'] }]]),
    tiering: lateTiering(defaultTieringRules, []),
    now: new Date('2026-03-10T02:00:00.000Z'),
    retieredToday,
  });

describe('the re-tier decision', () => {
  it('retier when the outcome differs and the day is unused; deferred when used; unchanged when the same; pending without a tier', () => {
    const base = { state: 'listed' as const, currentTier: 'ordinary' as const, retieredToday: false };
    expect(lateDecision({ ...base, outcomeTier: 'high-value' })).toBe('retier');
    expect(lateDecision({ ...base, outcomeTier: 'high-value', retieredToday: true })).toBe('deferred');
    expect(lateDecision({ ...base, outcomeTier: 'ordinary' })).toBe('unchanged');
    expect(lateDecision({ ...base, outcomeTier: 'ordinary', retieredToday: true })).toBe('unchanged');
    // Evaluated: the pipeline's TierPatent task has not run yet.
    expect(
      lateDecision({ ...base, state: 'evaluated', currentTier: undefined, outcomeTier: 'high-value' }),
    ).toBe('pending');
    expect(lateDecision({ ...base, currentTier: undefined, outcomeTier: 'high-value' })).toBe('pending');
  });

  it('the states that take late evaluations, and where a re-tier moves the state or keeps it', () => {
    for (const state of [
      'evaluated',
      'high-value',
      'listed',
      'open-license',
      'in-negotiation',
      'licensed',
    ] as const)
      expect(takesLateEvaluations(state), state).toBe(true);
    for (const state of [
      'registered',
      'under-evaluation',
      'assigned',
      'withdrawn',
      'lapsed',
      'expired',
    ] as const)
      expect(takesLateEvaluations(state), state).toBe(false);
    expect(nextLifecycle('listed', 'retiered', { tier: 'key-industry' })).toMatchObject({
      to: 'key-industry-pool',
    });
    expect(nextLifecycle('high-value', 'retiered', { tier: 'ordinary' })).toMatchObject({ to: 'listed' });
    expect(nextLifecycle('open-license', 'retiered', { tier: 'high-value' })).toMatchObject({
      to: 'open-license',
    });
    expect(nextLifecycle('evaluated', 'retiered', { tier: 'high-value' })).toMatchObject({ ok: false });
    expect(nextLifecycle('listed', 'retiered')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('the tier'),
    });
    expect(nextLifecycle('licensed', 'reevaluated')).toMatchObject({ ok: true, to: 'licensed' });
  });

  it('the next China day', () => {
    expect(nextChinaDay('2026-03-10')).toBe('2026-03-11');
    expect(nextChinaDay('2026-12-31')).toBe('2027-01-01');
    expect(nextChinaDay('2028-02-28')).toBe('2028-02-29');
  });
});

describe('the plan of a late evaluation', () => {
  const strong = [evaluation(ENT, 5), evaluation('91440300MA5F1BQQ5D', 4, ['none'])];

  it('listed ordinary -> high-value: the retiered transition with the reason, a promotion window, the day marker', () => {
    const p = plan(patent({ lifecycle: 'listed', tier: 'ordinary', tierVersion: 1 }), strong);
    expect(p.tiering).toEqual({
      outcome: 'retiered',
      tier: 'high-value',
      previousTier: 'ordinary',
      tierVersion: 2,
    });
    expect(p.retierDay).toBe('2026-03-10');
    expect(p.transition).toMatchObject({
      event: 'retiered',
      context: { tier: 'high-value' },
      eventId: `retiered:${N}:12`,
      actor: { sub: 'system:late-evaluation' },
      set: {
        tier: 'high-value',
        tierVersion: 2,
        retieredAt: '2026-03-10T02:00:00.000Z',
        tierReason: { from: 'ordinary', to: 'high-value', evaluations: 2, prospectMean: 4.5 },
        promotionDueAt: '2026-09-06T02:00:00.000Z',
        gsi3pk: 'DUE#promotion',
        evaluationAggregate: { count: 2 },
      },
    });
    expect(p.transition.remove).toEqual(expect.arrayContaining(['tierDeferred', 'poolNomination']));
    expect(p.transition.remove).not.toContain('promotionDueAt');
  });

  it('high-value -> key-industry keeps the running promotion; an open license keeps its state and starts no promotion', () => {
    const due = '2026-06-01T00:00:00.000Z';
    const key = plan(
      patent({
        lifecycle: 'high-value',
        tier: 'high-value',
        tierVersion: 2,
        promotionDueAt: due,
        gsi3pk: 'DUE#promotion',
        strategicIndustries: [{ code: '1.2' }],
      }),
      strong,
    );
    expect(key.transition.set).toMatchObject({
      tier: 'key-industry',
      promotionDueAt: due,
      gsi3sk: `${due}#${N}`,
    });
    const open = plan(patent({ lifecycle: 'open-license', tier: 'ordinary' }), strong);
    expect(open.tiering).toMatchObject({ outcome: 'retiered', tier: 'high-value' });
    expect(open.transition.set).not.toHaveProperty('promotionDueAt');
    expect(open.transition.set).not.toHaveProperty('gsi3pk');
  });

  it('deferred: the reevaluated transition records the deferred tier (its first day kept); unchanged removes it', () => {
    const deferred = plan(patent({ lifecycle: 'listed', tier: 'ordinary' }), strong, true);
    expect(deferred.tiering).toEqual({
      outcome: 'deferred',
      tier: 'ordinary',
      outcomeTier: 'high-value',
      retierFrom: '2026-03-11',
    });
    expect(deferred.retierDay).toBeUndefined();
    expect(deferred.transition).toMatchObject({
      event: 'reevaluated',
      eventId: `reevaluated:${N}:12`,
      set: { tierDeferred: { tier: 'high-value', since: '2026-03-10T02:00:00.000Z', evaluations: 2 } },
    });
    const again = plan(
      patent({
        lifecycle: 'listed',
        tier: 'ordinary',
        tierDeferred: { tier: 'high-value', since: '2026-03-09T00:00:00.000Z', evaluations: 2 },
      }),
      strong,
      true,
    );
    expect(again.transition.set).toMatchObject({ tierDeferred: { since: '2026-03-09T00:00:00.000Z' } });
    const unchanged = plan(
      patent({
        lifecycle: 'listed',
        tier: 'ordinary',
        tierDeferred: { tier: 'high-value', since: '2026-03-09T00:00:00.000Z', evaluations: 2 },
      }),
      [evaluation(ENT, 2, ['none'])],
    );
    expect(unchanged.tiering).toEqual({ outcome: 'unchanged', tier: 'ordinary' });
    expect(unchanged.transition.remove).toEqual(['tierDeferred']);
  });
});

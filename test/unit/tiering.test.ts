/** The tiering rules (functions/promotion/tiering-rules.ts): examples, overrides and monotonicity. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvaluation } from '../../functions/evaluations/ports.ts';
import { tieringInputs } from '../../functions/promotion/promotion.ts';
import { matchProviders, serviceProviders } from '../../functions/promotion/service-providers.ts';
import {
  decideTier,
  defaultTieringRules,
  industryField,
  rulesVersion,
  type TieringInputs,
  tieringRules,
  tierRank,
} from '../../functions/promotion/tiering-rules.ts';
import { cooperationIntents } from '../../schemas/evaluation.ts';

type Intent = StoredEvaluation['cooperationIntents'][number];
let seq = 0;
function evaluation(
  prospect: number,
  intents: Intent[],
  kind: 'enterprise' | 'expert' = 'enterprise',
  evaluatorId = `E${seq++}`,
): StoredEvaluation {
  return {
    evaluationId: `id-${evaluatorId}`,
    applicationNumber: '202010123456.2',
    institutionUscc: '12100000400000624D',
    provinceCode: '11',
    evaluatorKind: kind,
    evaluatorId,
    matched: true,
    industrializationProspect: prospect,
    maturityTrl: 5,
    improvementNeeds: { categories: [] },
    cooperationIntents: intents,
    reasonCodes: [],
    consentToShareIdentity: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    version: 1,
  };
}

const enterprisesOf = (fields: Record<string, string>) =>
  new Map(
    Object.entries(fields).map(([uscc, code]) => [
      uscc,
      { uscc, name: `企业${uscc}`, industryCodes: [code] },
    ]),
  );

const invention = { patentType: 'invention' as const, strategicIndustries: [] };

describe('decideTier', () => {
  it('high value: strong prospect, cooperation intent, invention', () => {
    const inputs = tieringInputs(invention, [evaluation(5, ['license']), evaluation(4, ['none'])], new Map());
    expect(inputs).toMatchObject({ evaluations: 2, prospectMean: 4.5, evaluationsWithIntent: 1 });
    expect(decideTier(inputs).tier).toBe('high-value');
  });

  it('key industry: the same in a strategic emerging industry -> pool nomination', () => {
    const patent = {
      patentType: 'invention' as const,
      strategicIndustries: [{ code: '1.5' }, { code: '1.5' }],
    };
    const decision = decideTier(
      tieringInputs(patent, [evaluation(5, ['equity']), evaluation(4, ['pilot'])], new Map()),
    );
    expect(decision.tier).toBe('key-industry');
    expect(decision.keyIndustries).toEqual(['1.5']);
    // Only some industries key: 1.5 is not under 3
    const rules = { ...defaultTieringRules, keyIndustry: { industries: ['3'] } };
    expect(
      decideTier(
        tieringInputs(patent, [evaluation(5, ['equity']), evaluation(4, ['pilot'])], new Map()),
        rules,
      ).tier,
    ).toBe('high-value');
  });

  it('a utility model is never high value by default, whatever its evaluations', () => {
    const inputs = tieringInputs(
      { patentType: 'utility-model', strategicIndustries: [{ code: '1' }] },
      [evaluation(5, ['license']), evaluation(5, ['license'])],
      new Map(),
    );
    const decision = decideTier(inputs);
    expect(decision.tier).toBe('ordinary');
    expect(decision.checks).toMatchObject({
      strongProspect: true,
      cooperationIntent: true,
      highValueType: false,
    });
  });

  it('no cooperation intent: not high value even with top prospects', () => {
    expect(
      decideTier(tieringInputs(invention, [evaluation(5, ['none']), evaluation(5, ['none'])], new Map()))
        .tier,
    ).toBe('ordinary');
  });

  it('broad applicability: three interested enterprises in two fields -> open-license proposal', () => {
    const evaluations = [
      evaluation(3, ['license'], 'enterprise', 'A'),
      evaluation(3, ['further-contact'], 'enterprise', 'B'),
      evaluation(3, ['pilot'], 'enterprise', 'C'),
    ];
    const inputs = tieringInputs(invention, evaluations, enterprisesOf({ A: '3911', B: '3912', C: '2710' }));
    expect(inputs.interestedFields).toEqual(['27', '39']);
    const decision = decideTier(inputs);
    expect(decision).toMatchObject({ tier: 'broad-applicability', openLicenseProposal: true });
    // all in one field: ordinary
    const sameField = tieringInputs(invention, evaluations, enterprisesOf({ A: '3911', B: '3912', C: '39' }));
    expect(decideTier(sameField).tier).toBe('ordinary');
  });

  it('experts and "none" do not count as interested enterprises', () => {
    const inputs = tieringInputs(
      invention,
      [evaluation(3, ['license'], 'expert', 'X'), evaluation(3, ['none'], 'enterprise', 'A')],
      enterprisesOf({ A: '39' }),
    );
    expect(inputs.interestedEnterprises).toBe(0);
  });

  it('no evaluations: ordinary', () => {
    const inputs = tieringInputs(invention, [], new Map());
    expect(inputs.prospectMean).toBeUndefined();
    expect(decideTier(inputs).tier).toBe('ordinary');
  });
});

describe('tieringRules (configuration)', () => {
  it('defaults, and a partial JSON override merged over them', () => {
    expect(tieringRules({})).toEqual(defaultTieringRules);
    const rules = tieringRules({
      TIERING_RULES: JSON.stringify({ highValue: { minProspectMean: 4.5 } }),
      PROMOTION_WINDOW_DAYS: '90',
    });
    expect(rules.highValue).toEqual({ ...defaultTieringRules.highValue, minProspectMean: 4.5 });
    expect(rules.promotionWindowDays).toBe(90);
    expect(rulesVersion(rules)).not.toBe(rulesVersion(defaultTieringRules));
    expect(rulesVersion(tieringRules({}))).toBe(rulesVersion(defaultTieringRules));
    expect(rulesVersion(rules)).toMatch(/^v1#[0-9a-f]{8}$/);
  });

  it('refuses an override that does not parse or breaks a bound', () => {
    expect(() => tieringRules({ TIERING_RULES: '{oops' })).toThrow(/TIERING_RULES is not valid JSON/);
    expect(() => tieringRules({ TIERING_RULES: '{"highValue":{"minProspectMean":-1}}' })).toThrow(
      /highValue.minProspectMean must be a number >= 0/,
    );
    expect(() => tieringRules({ PROMOTION_WINDOW_DAYS: '0' })).toThrow(/PROMOTION_WINDOW_DAYS/);
  });
});

describe('industryField', () => {
  it('the GB/T 4754 division of a code, or its section letter', () => {
    expect(industryField('3911')).toBe('39');
    expect(industryField('39')).toBe('39');
    expect(industryField('C')).toBe('C');
    expect(industryField('c3911')).toBe('39');
  });
});

describe('service providers', () => {
  it('per kind, industry-specific providers first, within the province', () => {
    const matches = matchProviders(serviceProviders({}), {
      strategicIndustries: ['1.2'],
      provinceCode: '11',
    });
    expect(matches.filter((m) => m.kind === 'investor').map((m) => m.id)).toEqual([
      'inv-hardtech',
      'inv-general',
    ]);
    expect(new Set(matches.map((m) => m.kind))).toEqual(
      new Set(['investor', 'pledge-financing', 'insurance', 'listing']),
    );
    const other = matchProviders(serviceProviders({}), { strategicIndustries: ['7'] });
    expect(other.filter((m) => m.kind === 'investor').map((m) => m.id)).toEqual(['inv-general']);
    const local = serviceProviders({
      SERVICE_PROVIDERS: JSON.stringify([{ id: 'sh', name: '上海', kind: 'insurance', provinces: ['31'] }]),
    });
    expect(matchProviders(local, { strategicIndustries: [], provinceCode: '11' })).toEqual([]);
    expect(matchProviders(local, { strategicIndustries: [], provinceCode: '31' })).toHaveLength(1);
    expect(() => serviceProviders({ SERVICE_PROVIDERS: '[{"id":"x","name":"y","kind":"bank"}]' })).toThrow(
      /needs id, name and kind/,
    );
  });
});

describe('monotonicity (fast-check)', () => {
  const arbIntents = fc.subarray(cooperationIntents.filter((i) => i !== 'none') as Intent[]);
  const arbEvaluation = fc.record({
    prospect: fc.integer({ min: 1, max: 5 }),
    intents: arbIntents,
    kind: fc.constantFrom('enterprise' as const, 'expert' as const),
    field: fc.constantFrom('3911', '2710', '1310', 'C', '6510'),
  });
  const arbCase = fc.record({
    evaluations: fc.array(arbEvaluation, { maxLength: 8 }),
    patentType: fc.constantFrom('invention' as const, 'utility-model' as const, 'design' as const),
    strategic: fc.subarray(['1.2', '3', '7.1', '10']),
  });
  const tierOf = (
    patentType: 'invention' | 'utility-model' | 'design',
    strategic: string[],
    evals: Array<{ prospect: number; intents: Intent[]; kind: 'enterprise' | 'expert'; field: string }>,
  ) => {
    const stored = evals.map((e, i) =>
      evaluation(e.prospect, e.intents.length ? e.intents : ['none'], e.kind, `U${i}`),
    );
    const enterprises = enterprisesOf(Object.fromEntries(evals.map((e, i) => [`U${i}`, e.field])));
    const inputs: TieringInputs = tieringInputs(
      { patentType, strategicIndustries: strategic.map((code) => ({ code })) },
      stored,
      enterprises,
    );
    return tierRank(decideTier(inputs).tier);
  };

  it('raising one evaluation’s prospect never lowers the tier', () => {
    fc.assert(
      fc.property(arbCase, fc.nat(), (c, pick) => {
        fc.pre(c.evaluations.length > 0);
        const i = pick % c.evaluations.length;
        const raised = c.evaluations.map((e, j) =>
          j === i ? { ...e, prospect: Math.min(5, e.prospect + 1) } : e,
        );
        return tierOf(c.patentType, c.strategic, raised) >= tierOf(c.patentType, c.strategic, c.evaluations);
      }),
      { numRuns: 500 },
    );
  });

  it('adding a cooperation intent to an evaluation never lowers the tier', () => {
    fc.assert(
      fc.property(
        arbCase,
        fc.nat(),
        fc.constantFrom(...(cooperationIntents.filter((i) => i !== 'none') as Intent[])),
        (c, pick, intent) => {
          fc.pre(c.evaluations.length > 0);
          const i = pick % c.evaluations.length;
          const more = c.evaluations.map((e, j) =>
            j === i ? { ...e, intents: [...new Set([...e.intents, intent])] } : e,
          );
          return tierOf(c.patentType, c.strategic, more) >= tierOf(c.patentType, c.strategic, c.evaluations);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a key industry or the invention type never lowers the tier', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const base = tierOf(c.patentType, c.strategic, c.evaluations);
        return (
          tierOf(c.patentType, [...c.strategic, '1.1'], c.evaluations) >= base &&
          tierOf('invention', c.strategic, c.evaluations) >= base
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the tier is one of four and key-industry implies high value and a key industry', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const stored = c.evaluations.map((e, i) =>
          evaluation(e.prospect, e.intents.length ? e.intents : ['none'], e.kind, `U${i}`),
        );
        const decision = decideTier(
          tieringInputs(
            { patentType: c.patentType, strategicIndustries: c.strategic.map((code) => ({ code })) },
            stored,
            new Map(),
          ),
        );
        if (decision.tier === 'key-industry')
          return (
            decision.checks.keyIndustry && decision.checks.strongProspect && c.patentType === 'invention'
          );
        if (decision.tier === 'high-value') return !decision.checks.keyIndustry;
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

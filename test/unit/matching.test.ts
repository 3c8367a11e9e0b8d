import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  interestKeys,
  ipcPrefixKey,
  patentMatchKeys,
  scoreCandidates,
} from '../../functions/market/matching.ts';
import { findCandidates } from '../../functions/market/push.ts';

const patent = {
  applicationNumber: '202010123456.2',
  institutionUscc: '12100000400000624D',
  provinceCode: '110000',
  industryCode: '3841',
  strategicIndustries: [{ code: '6.3' }],
  classifications: ['H01M 4/525', 'H01M 10/0525'],
};
const options = { maxEnterprises: 20, maxExperts: 5 };

describe('matching keys', () => {
  it('a patent is looked up under its fields and every broader one', () => {
    const keys = patentMatchKeys(patent).map((k) => k.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'IND#3841',
        'IND#384',
        'IND#38',
        'IND#C',
        'SEI#6.3',
        'SEI#6',
        'IPC#H01M4',
        'IPC#H01M10',
        'IPC#H01M',
        'IPC#H01',
      ]),
    );
  });

  it('an evaluator is listed under its declared fields, normalized; unknown ones are dropped', () => {
    expect(
      interestKeys({
        industryCodes: ['C38', '3841', '9999x'],
        strategicIndustries: ['6', '7.9'],
        ipcInterests: ['h01m 4', 'G06F', 'nonsense'],
      }).sort(),
    ).toEqual(['IND#38', 'IND#3841', 'IPC#G06F', 'IPC#H01M4', 'SEI#6'].sort());
    expect(ipcPrefixKey('H01 4')).toBeUndefined();
  });
});

describe('scoring', () => {
  const candidate = (
    kind: Candidate['kind'],
    id: string,
    key: string,
    extra: Partial<Candidate> = {},
  ): Candidate => ({ kind, id, name: id, provinceCode: '310000', key, ...extra });
  const keys = patentMatchKeys(patent);

  it('the most specific shared field per facet counts, plus the province bonus, with the reasons spelled out', () => {
    const [best, second] = scoreCandidates(
      patent,
      keys,
      [
        candidate('enterprise', 'A', 'IND#3841'),
        candidate('enterprise', 'A', 'IND#38'),
        candidate('enterprise', 'A', 'IPC#H01M4'),
        candidate('enterprise', 'B', 'IPC#H01', { provinceCode: '110000' }),
      ],
      options,
    );
    expect(best).toMatchObject({ id: 'A', score: 4 + 4 });
    expect(best!.explanationZh).toContain('国民经济行业 3841');
    expect(best!.explanationEn).toContain('IPC main group H01M 4');
    expect(second).toMatchObject({ id: 'B', score: 1 + 1 });
    expect(second!.reasons.map((r) => r.facet)).toEqual(['ipc', 'province']);
  });

  it("an expert of the patent's own institution is never matched (conflict of interest)", () => {
    const matches = scoreCandidates(
      patent,
      keys,
      [
        candidate('expert', 'e1', 'IPC#H01M', { affiliationUscc: patent.institutionUscc }),
        candidate('expert', 'e2', 'IPC#H01M', { affiliationUscc: '121100004000018521' }),
      ],
      options,
    );
    expect(matches.map((m) => m.id)).toEqual(['e2']);
  });

  it('an expert not verified by its province is never matched; a verified one is', () => {
    const matches = scoreCandidates(
      patent,
      keys,
      [
        candidate('expert', 'pending', 'IPC#H01M', { verified: false }),
        candidate('expert', 'verified', 'IPC#H01M', { verified: true }),
      ],
      options,
    );
    expect(matches.map((m) => m.id)).toEqual(['verified']);
  });

  it('caps enterprises and experts separately, deterministically', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('enterprise', 'expert') as fc.Arbitrary<Candidate['kind']>,
            fc.integer({ min: 0, max: 60 }),
            fc.constantFrom(...keys.map((k) => k.key)),
          ),
          { maxLength: 300 },
        ),
        (raw) => {
          const candidates = raw.map(([kind, n, key]) => candidate(kind, `${kind}-${n}`, key));
          const a = scoreCandidates(patent, keys, candidates, { maxEnterprises: 7, maxExperts: 3 });
          const b = scoreCandidates(patent, keys, [...candidates].reverse(), {
            maxEnterprises: 7,
            maxExperts: 3,
          });
          expect(a).toEqual(b);
          expect(a.filter((m) => m.kind === 'enterprise').length).toBeLessThanOrEqual(7);
          expect(a.filter((m) => m.kind === 'expert').length).toBeLessThanOrEqual(3);
          const scores = a.filter((m) => m.kind === 'enterprise').map((m) => m.score);
          expect(scores).toEqual([...scores].sort((x, y) => y - x));
        },
      ),
    );
  });
});

describe('progressive widening', () => {
  const settings = { maxEnterprises: 2, maxExperts: 1, capPerDay: 20, windowDays: 60 };
  const keys = patentMatchKeys(patent);
  const storeWith = (perKey: (key: string) => number) => {
    const read: string[] = [];
    return {
      read,
      store: {
        async candidates(list: string[]) {
          read.push(...list);
          return list.flatMap((key) =>
            Array.from({ length: perKey(key) }, (_, i) => ({
              kind: 'enterprise' as const,
              id: `${key}-${i}`,
              name: 'x',
              provinceCode: '110000',
              key,
            })),
          );
        },
      },
    };
  };

  it('reads only the specific keys when they give enough evaluators to choose from', async () => {
    const { store, read } = storeWith(() => 5);
    await findCandidates(store, keys, settings);
    expect(read.sort()).toEqual(
      keys
        .filter((k) => k.weight >= 3)
        .map((k) => k.key)
        .sort(),
    );
  });

  it('widens to the broad keys when the specific ones find too few', async () => {
    const { store, read } = storeWith((key) => (key === 'IND#C' ? 100 : 0));
    const found = await findCandidates(store, keys, settings);
    expect(read).toContain('IND#C');
    expect(found).toHaveLength(100);
  });
});

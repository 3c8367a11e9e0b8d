import { describe, expect, it } from 'vitest';
import { planStatusChange, withdrawPatent } from '../../functions/patents/exits.ts';
import {
  expirePatents,
  latestFilingThatMayHaveExpired,
  type PatentExpiryStore,
} from '../../functions/patents/expire-patents.ts';
import type { ReviewChange, ReviewedPatent, ReviewStore } from '../../functions/patents/inventory-review.ts';
import type { TransitionRequest } from '../../functions/pipeline/transitions.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../functions/shared/errors.ts';
import type { Caller } from '../../schemas/roles.ts';

const at = '2026-12-05T02:00:00.000Z';
const approved = {
  applicationNumber: '202010123456.2',
  version: 7,
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  legalStatus: 'valid',
  conversionIntents: ['license'],
  lifecycle: 'listed' as const,
};

describe('planStatusChange: a new legal status or intent on an approved patent', () => {
  it('nothing when both are as stored (intents in any order)', () => {
    expect(
      planStatusChange(
        { ...approved, conversionIntents: ['license', 'assignment'] },
        {
          legalStatus: 'valid',
          conversionIntents: ['assignment', 'license'],
        },
        at,
      ),
    ).toBeUndefined();
  });

  it('a lapse status is the lapsed exit, final, with the pool removal; 届满 is the expiry', () => {
    for (const legalStatus of ['terminated', 'abandoned', 'invalidated', 'lapsed']) {
      expect(planStatusChange(approved, { legalStatus, conversionIntents: ['none'] }, at)).toEqual({
        transition: {
          event: 'lapsed',
          eventId: 'lapsed:202010123456.2',
          details: {
            legalStatus: { before: 'valid', after: legalStatus },
            conversionIntents: { before: ['license'], after: ['none'] },
            source: 'legal-status',
          },
        },
        set: {
          legalStatus,
          conversionIntents: ['none'],
          legalStatusChangedAt: at,
          poolRemoval: { reason: 'lapsed', at },
        },
        remove: [],
      });
    }
    expect(
      planStatusChange(approved, { legalStatus: 'expired', conversionIntents: ['license'] }, at)?.transition,
    ).toMatchObject({ event: 'expired', eventId: 'expired:202010123456.2' });
    // Out of the conversion pool already: no tombstone to send.
    expect(
      planStatusChange(
        { ...approved, poolStatus: 'base', lifecycle: 'base-pool' },
        { legalStatus: 'terminated', conversionIntents: ['license'] },
        at,
      )?.set,
    ).not.toHaveProperty('poolRemoval');
  });

  it('intent 暂无 (or a status not 有效) screens it out; an intent again screens it back in', () => {
    const out = planStatusChange(approved, { legalStatus: 'valid', conversionIntents: ['none'] }, at);
    expect(out).toMatchObject({
      transition: { event: 'rescreened', context: { pool: 'base' }, eventId: 'rescreened:202010123456.2:7' },
      set: { poolStatus: 'base', poolRemoval: { reason: 'rescreened', at } },
      remove: [],
    });
    const back = planStatusChange(
      { ...approved, poolStatus: 'base', lifecycle: 'base-pool', conversionIntents: ['none'] },
      { legalStatus: 'valid', conversionIntents: ['license'] },
      at,
    );
    expect(back).toMatchObject({
      transition: { event: 'rescreened', context: { pool: 'conversion' } },
      set: { poolStatus: 'conversion' },
      remove: ['poolRemoval'],
    });
  });

  it('a change that screens the same, or on a transferred patent, updates the two fields without a transition', () => {
    expect(
      planStatusChange(approved, { legalStatus: 'valid', conversionIntents: ['license', 'equity'] }, at),
    ).toEqual({ set: { legalStatus: 'valid', conversionIntents: ['license', 'equity'] }, remove: [] });
    expect(
      planStatusChange(
        { ...approved, lifecycle: 'licensed' },
        { legalStatus: 'valid', conversionIntents: ['none'] },
        at,
      ),
    ).not.toHaveProperty('transition');
  });
});

const uscc = '12100000400000624D';
const reviewer: Caller = { sub: 'rev', roles: ['institution'], orgUscc: uscc };
const department: Caller = { ...reviewer, sub: 'dept', department: '化学学院' };
function memoryStore(patent: Partial<ReviewedPatent> & Record<string, unknown> = {}) {
  const item = {
    applicationNumber: '202010123456.2',
    institutionUscc: uscc,
    reviewStatus: 'approved',
    poolStatus: 'conversion',
    legalStatus: 'valid',
    conversionIntents: ['license'],
    lifecycle: 'listed',
    version: 4,
    department: '化学学院',
    ...patent,
  } as ReviewedPatent;
  const changes: ReviewChange[] = [];
  const store: ReviewStore = {
    async get(n) {
      return n === item.applicationNumber ? { ...item } : undefined;
    },
    async apply(read, change) {
      if (read.version !== item.version) return false;
      Object.assign(item, change.set, { version: item.version + 1 });
      changes.push(change);
      return true;
    },
  };
  return { store, item, changes };
}
const now = () => new Date(at);

describe('withdrawPatent', () => {
  it('withdraws with the reason: the withdrawn transition, its event id, the pool removal', async () => {
    const { store, changes } = memoryStore();
    const patent = await withdrawPatent({ store, now }, reviewer, '202010123456.2', { reason: '拟自行实施' });
    expect(patent).toMatchObject({ lifecycle: 'withdrawn', withdrawalReason: '拟自行实施', version: 5 });
    expect(changes).toEqual([
      {
        set: { withdrawalReason: '拟自行实施', withdrawnAt: at, poolRemoval: { reason: 'withdrawn', at } },
        audit: { action: 'patent.withdrawn' },
        transition: {
          event: 'withdrawn',
          context: {},
          eventId: 'withdrawn:202010123456.2',
          details: { reason: '拟自行实施' },
        },
      },
    ]);
  });

  it('refuses department users, other institutions, a stale version, an active open license, a transferred patent', async () => {
    const cases: Array<[Partial<ReviewedPatent> & Record<string, unknown>, Caller, unknown]> = [
      [{}, department, ForbiddenError],
      [{ department: '材料学院' }, department, NotFoundError],
      [{ institutionUscc: '121100004000018521' }, reviewer, NotFoundError],
      [{ openLicense: { status: 'active' } }, reviewer, ConflictError],
    ];
    for (const [fields, caller, error] of cases) {
      const { store, changes } = memoryStore(fields);
      await expect(
        withdrawPatent({ store, now }, caller, '202010123456.2', { reason: '拟自行实施' }),
      ).rejects.toBeInstanceOf(error as typeof Error);
      expect(changes).toHaveLength(0);
    }
    const stale = memoryStore();
    await expect(
      withdrawPatent({ store: stale.store, now }, reviewer, '202010123456.2', {
        reason: 'x',
        expectedVersion: 3,
      }),
    ).rejects.toMatchObject({ details: { currentVersion: 4 } });
    const licensed = memoryStore({ lifecycle: 'licensed' });
    await expect(
      withdrawPatent({ store: licensed.store, now }, reviewer, '202010123456.2', { reason: 'x' }),
    ).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { current: 'licensed' } });
  });
});

describe('expirePatents: the sweep round', () => {
  function expiryStore(patents: Array<Record<string, unknown>>) {
    const transitions: TransitionRequest[] = [];
    const byNumber = new Map(patents.map((p) => [p.applicationNumber as string, p]));
    const filedOnOrBefore: string[] = [];
    const store: PatentExpiryStore = {
      async candidates(filed, pageSize, cursor) {
        filedOnOrBefore.push(filed);
        const start = (cursor?.at as number | undefined) ?? 0;
        const items = patents.slice(start, start + pageSize).map((p) => ({
          applicationNumber: p.applicationNumber as string,
        }));
        const next = start + pageSize < patents.length ? { at: start + pageSize } : undefined;
        return { items, ...(next ? { next } : {}) };
      },
      async patent(n) {
        return byNumber.get(n) as Awaited<ReturnType<PatentExpiryStore['patent']>>;
      },
      async transition(_patent, request) {
        transitions.push(request);
        return 'applied';
      },
    };
    return { store, transitions, filedOnOrBefore };
  }
  const patent = (n: string, patentType: string, applicationDate: string, fields = {}) => ({
    applicationNumber: n,
    patentType,
    applicationDate,
    version: 3,
    lifecycle: 'listed',
    poolStatus: 'conversion',
    ...fields,
  });

  it('expires the patents whose term ended (China day), pages on with the cursor, counts the others stale', async () => {
    const { store, transitions, filedOnOrBefore } = expiryStore([
      patent('a', 'utility-model', '2016-12-05'), // ends 2026-12-04: expired on 2026-12-05
      patent('b', 'utility-model', '2016-12-06'), // ends 2026-12-05: still in force
      patent('c', 'design', '2016-01-01', { poolStatus: 'base' }),
      patent('d', 'invention', '2010-01-01'),
      patent('e', 'utility-model', '2010-01-01', { lifecycle: 'lapsed' }),
      { applicationNumber: 'f' },
    ]);
    // 02:00 UTC is 10:00 in China on 2026-12-05.
    const first = await expirePatents({ store, now, pageSize: 2, maxPages: 1 });
    expect(first).toMatchObject({ more: true, rounds: 1, totals: { expired: 1, stale: 1 } });
    const rest = await expirePatents({ store, now, pageSize: 2, maxPages: 10 }, first);
    expect(rest).toMatchObject({ more: false, rounds: 2, totals: { expired: 2, stale: 3, failed: 1 } });
    expect(rest.failures).toEqual([{ applicationNumber: 'f', error: expect.stringContaining('version') }]);
    expect(transitions.map((t) => [t.eventId, t.set])).toEqual([
      ['expired:a', { termEndsOn: '2026-12-04', poolRemoval: { reason: 'expired', at } }],
      ['expired:c', { termEndsOn: '2025-12-31' }],
    ]);
    expect(transitions[0]).toMatchObject({
      event: 'expired',
      actor: { sub: 'system:deadline-sweep' },
      details: { termEndsOn: '2026-12-04', termYears: 10 },
    });
    expect(new Set(filedOnOrBefore)).toEqual(new Set(['2016-12-05']));
  });

  it('the filing-date bound is 10 years back (the shortest term), 29 February rolling to 1 March', () => {
    expect(latestFilingThatMayHaveExpired('2026-12-05')).toBe('2016-12-05');
    expect(latestFilingThatMayHaveExpired('2028-02-29')).toBe('2018-03-01');
  });
});

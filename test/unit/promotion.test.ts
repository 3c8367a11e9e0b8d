/**
 * Tiering and promotion expiry (functions/promotion/promotion.ts) over an in-memory store that keeps
 * the adapter's conditions: the transition table, the version, the applied marker, mail in the same
 * write.
 */
import { describe, expect, it } from 'vitest';
import { aggregateEvaluations } from '../../functions/evaluations/aggregate.ts';
import type { StoredEvaluation } from '../../functions/evaluations/ports.ts';
import type { MailItem } from '../../functions/mail/mail-outbox.ts';
import { planTransition } from '../../functions/pipeline/transitions.ts';
import {
  expirePromotions,
  type PromotedPatent,
  type PromotionDeps,
  type PromotionStore,
  renderTierMail,
  tierPatent,
} from '../../functions/promotion/promotion.ts';
import { demoServiceProviders } from '../../functions/promotion/service-providers.ts';
import { decideTier, defaultTieringRules, rulesVersion } from '../../functions/promotion/tiering-rules.ts';

const INSTITUTION = '12100000400000624D';

function evaluation(
  n: string,
  id: string,
  prospect: number,
  intents: StoredEvaluation['cooperationIntents'],
  extra: Partial<StoredEvaluation> = {},
): StoredEvaluation {
  return {
    evaluationId: id,
    applicationNumber: n,
    institutionUscc: INSTITUTION,
    provinceCode: '11',
    evaluatorKind: 'enterprise',
    evaluatorId: id,
    matched: true,
    industrializationProspect: prospect,
    maturityTrl: 6,
    improvementNeeds: { categories: ['pilot-scale-up'], text: '需要中试' },
    cooperationIntents: intents,
    reasonCodes: ['commercial-route-unclear'],
    consentToShareIdentity: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    version: 1,
    ...extra,
  };
}

function memoryStore() {
  const patents = new Map<string, PromotedPatent & Record<string, unknown>>();
  const evaluations = new Map<string, StoredEvaluation[]>();
  const markers = new Set<string>();
  const mails: MailItem[] = [];
  const events: Array<{ n: string; event: string; eventId: string }> = [];
  let interfere = 0;
  const store: PromotionStore = {
    async patent(n) {
      const p = patents.get(n);
      return p ? structuredClone(p) : undefined;
    },
    async evaluations(n) {
      return evaluations.get(n) ?? [];
    },
    async enterprise(uscc) {
      return { uscc, name: `企业${uscc}`, industryCodes: [uscc.startsWith('A') ? '3911' : '2710'] };
    },
    async institution() {
      return { name: '示例大学', contactEmail: 'tt@univ.example.edu.cn' };
    },
    async applied(n, eventId) {
      return markers.has(`${n}|${eventId}`);
    },
    async transition(patent, request, at, mail) {
      const { to } = planTransition(patent, request);
      if (markers.has(`${patent.applicationNumber}|${request.eventId}`)) return 'duplicate';
      const current = patents.get(patent.applicationNumber)!;
      if (interfere > 0) {
        interfere--;
        current.version++;
      }
      if (current.version !== patent.version) return 'conflict';
      Object.assign(current, request.set, {
        lifecycle: to,
        version: patent.version + 1,
        lifecycleChangedAt: at,
      });
      for (const field of request.remove ?? []) delete current[field];
      markers.add(`${patent.applicationNumber}|${request.eventId}`);
      events.push({ n: patent.applicationNumber, event: request.event, eventId: request.eventId });
      if (mail) mails.push(mail);
      return 'applied';
    },
    async duePromotions(now, limit, cursor) {
      // Key-based like DynamoDB's LastEvaluatedKey: items that left the index do not shift the next page.
      const after = (cursor?.after as string | undefined) ?? '';
      const due = [...patents.values()]
        .map((p) => ({ n: p.applicationNumber, key: String(p.gsi3sk) }))
        .filter((p) => patents.get(p.n)!.gsi3pk === 'DUE#promotion' && p.key <= `${now}#~` && p.key > after)
        .sort((a, b) => a.key.localeCompare(b.key));
      const page = due.slice(0, limit);
      return {
        applicationNumbers: page.map((p) => p.n),
        ...(due.length > limit ? { next: { after: page.at(-1)!.key } } : {}),
      };
    },
    async clearDue(patent) {
      const current = patents.get(patent.applicationNumber)!;
      if (current.version !== patent.version || current.gsi3pk !== 'DUE#promotion') return false;
      delete current.gsi3pk;
      delete current.gsi3sk;
      return true;
    },
  };
  return { store, patents, evaluations, mails, events, interfereTimes: (n: number) => (interfere = n) };
}

function setup(now = new Date('2026-11-25T02:30:00.000Z')) {
  const memory = memoryStore();
  const deps: PromotionDeps = {
    store: memory.store,
    now: () => now,
    rules: defaultTieringRules,
    providers: demoServiceProviders,
  };
  const addPatent = (n: string, extra: Partial<PromotedPatent> = {}) =>
    memory.patents.set(n, {
      applicationNumber: n,
      title: '一种电池极片',
      version: 3,
      lifecycle: 'evaluated',
      patentType: 'invention',
      strategicIndustries: [],
      institutionUscc: INSTITUTION,
      provinceCode: '11',
      ...extra,
    });
  return { ...memory, deps, addPatent };
}

describe('tierPatent', () => {
  it('high value: tier, inputs, rules version, providers and the due date on the patent; the institution emailed', async () => {
    const t = setup();
    t.addPatent('202010000001.1');
    t.evaluations.set('202010000001.1', [
      evaluation('202010000001.1', 'A1', 5, ['license'], { consentToShareIdentity: true }),
      evaluation('202010000001.1', 'B1', 4, ['none']),
    ]);
    const result = await tierPatent(t.deps, {
      applicationNumber: '202010000001.1',
      eventId: 'evaluationClosed:x',
    });
    expect(result).toMatchObject({
      outcome: 'tiered',
      tier: 'high-value',
      state: 'high-value',
      mailed: true,
    });
    const patent = t.patents.get('202010000001.1')!;
    expect(patent).toMatchObject({
      lifecycle: 'high-value',
      version: 4,
      tier: 'high-value',
      // The first tiering is tier version 1 (a re-tier after late evaluations adds 1).
      tierVersion: 1,
      tierRulesVersion: rulesVersion(defaultTieringRules),
      promotionDueAt: '2027-05-24T02:30:00.000Z',
      gsi3pk: 'DUE#promotion',
      gsi3sk: '2027-05-24T02:30:00.000Z#202010000001.1',
      tierInputs: { evaluations: 2, prospectMean: 4.5, evaluationsWithIntent: 1, interestedEnterprises: 1 },
    });
    expect((patent.serviceProviders as unknown[]).length).toBeGreaterThanOrEqual(4);
    expect(t.events).toEqual([
      { n: '202010000001.1', event: 'tiered', eventId: 'tiered:evaluationClosed:x' },
    ]);
    expect(t.mails).toHaveLength(1);
    const mail = t.mails[0]!;
    expect(mail.to).toEqual(['tt@univ.example.edu.cn']);
    expect(mail.text).toContain('高价值专利');
    expect(mail.text).toContain('产业化前景均分 4.5');
    expect(mail.text).toContain('中试放大 2');
    expect(mail.text).toContain('商业化路径不清晰 2');
    expect(mail.text).toContain('企业A1'); // consented
    expect(mail.text).not.toContain('企业B1'); // did not consent
    expect(mail.text).toContain('示例技术交易所挂牌服务');
  });

  it('a replay of the same event changes nothing and sends nothing', async () => {
    const t = setup();
    t.addPatent('202010000002.X');
    t.evaluations.set('202010000002.X', [evaluation('202010000002.X', 'A1', 2, ['none'])]);
    const first = await tierPatent(t.deps, { applicationNumber: '202010000002.X', eventId: 'e1' });
    expect(first).toMatchObject({ outcome: 'tiered', tier: 'ordinary', state: 'listed' });
    expect(t.patents.get('202010000002.X')!.promotionDueAt).toBeUndefined();
    const before = structuredClone(t.patents.get('202010000002.X'));
    const again = await tierPatent(t.deps, { applicationNumber: '202010000002.X', eventId: 'e1' });
    expect(again).toEqual({ outcome: 'duplicate', applicationNumber: '202010000002.X' });
    expect(t.patents.get('202010000002.X')).toEqual(before);
    expect(t.mails).toHaveLength(1);
    // another event for a patent that moved on: not-evaluated, nothing written
    const other = await tierPatent(t.deps, { applicationNumber: '202010000002.X', eventId: 'e2' });
    expect(other).toMatchObject({ outcome: 'not-evaluated', state: 'listed' });
    expect(t.mails).toHaveLength(1);
  });

  it('broad applicability: listed, open-license proposal flagged on the patent and in the email', async () => {
    const t = setup();
    t.addPatent('202010000003.8', { patentType: 'utility-model' });
    t.evaluations.set('202010000003.8', [
      evaluation('202010000003.8', 'A1', 3, ['license']),
      evaluation('202010000003.8', 'A2', 4, ['pilot']),
      evaluation('202010000003.8', 'B1', 3, ['further-contact']),
    ]);
    const result = await tierPatent(t.deps, { applicationNumber: '202010000003.8', eventId: 'e' });
    expect(result).toMatchObject({ tier: 'broad-applicability', state: 'listed' });
    expect(t.patents.get('202010000003.8')).toMatchObject({ openLicenseProposed: true, lifecycle: 'listed' });
    expect(t.mails[0]!.text).toContain('开放许可');
  });

  it('key industry: pool nomination recorded', async () => {
    const t = setup();
    t.addPatent('202010000004.6', { strategicIndustries: [{ code: '1.2' }] });
    t.evaluations.set('202010000004.6', [
      evaluation('202010000004.6', 'A1', 5, ['equity']),
      evaluation('202010000004.6', 'A2', 5, ['license']),
    ]);
    await tierPatent(t.deps, { applicationNumber: '202010000004.6', eventId: 'e' });
    expect(t.patents.get('202010000004.6')).toMatchObject({
      lifecycle: 'key-industry-pool',
      poolNomination: { industries: ['1.2'] },
      gsi3pk: 'DUE#promotion',
    });
    expect(t.patents.get('202010000004.6')!.serviceProviders).toBeUndefined();
  });

  it('re-reads after a concurrent change, and gives up after three', async () => {
    const t = setup();
    t.addPatent('202010000005.4');
    t.interfereTimes(1);
    expect(await tierPatent(t.deps, { applicationNumber: '202010000005.4', eventId: 'e' })).toMatchObject({
      outcome: 'tiered',
    });
    t.addPatent('202010000006.2');
    t.interfereTimes(3);
    await expect(tierPatent(t.deps, { applicationNumber: '202010000006.2', eventId: 'e' })).rejects.toThrow(
      /changed three times/,
    );
    expect(t.mails).toHaveLength(1);
  });
});

describe('expirePromotions', () => {
  it('lists promotions past their window, cleans stale entries, leaves the others, counts', async () => {
    const t = setup(new Date('2027-06-01T00:00:00.000Z'));
    const due = (n: string, at: string, lifecycle: PromotedPatent['lifecycle']) =>
      t.addPatent(n, {
        lifecycle,
        promotionDueAt: at,
        gsi3pk: 'DUE#promotion',
        gsi3sk: `${at}#${n}`,
      } as never);
    due('202010000011.1', '2027-05-01T00:00:00.000Z', 'high-value');
    due('202010000012.X', '2027-05-02T00:00:00.000Z', 'key-industry-pool');
    due('202010000013.8', '2027-05-03T00:00:00.000Z', 'licensed'); // moved on: stale entry
    due('202010000014.6', '2027-07-01T00:00:00.000Z', 'high-value'); // not due yet
    const out = await expirePromotions({ ...t.deps, pageSize: 2 });
    expect(out).toMatchObject({
      totals: { expired: 2, stale: 1, duplicate: 0, conflict: 0, failed: 0 },
      more: false,
      rounds: 1,
      failures: [],
    });
    expect(t.patents.get('202010000011.1')).toMatchObject({
      lifecycle: 'listed',
      promotionExpiredAt: '2027-06-01T00:00:00.000Z',
    });
    expect(t.patents.get('202010000011.1')!.gsi3pk).toBeUndefined();
    expect(t.patents.get('202010000013.8')).toMatchObject({ lifecycle: 'licensed' });
    expect(t.patents.get('202010000013.8')!.gsi3pk).toBeUndefined();
    expect(t.patents.get('202010000014.6')).toMatchObject({
      lifecycle: 'high-value',
      gsi3pk: 'DUE#promotion',
    });
    expect(t.events.map((e) => e.eventId)).toEqual([
      'promotionExpired:202010000011.1:2027-05-01T00:00:00.000Z',
      'promotionExpired:202010000012.X:2027-05-02T00:00:00.000Z',
    ]);
    // a second sweep finds nothing
    expect((await expirePromotions(t.deps)).totals.expired).toBe(0);
  });

  it('is bounded: stops after maxPages with more=true and a cursor, the next round continues the totals', async () => {
    const t = setup(new Date('2027-06-01T00:00:00.000Z'));
    for (let i = 0; i < 5; i++) {
      const n = `20201000002${i}.1`;
      // failing items stay in the index, so the cursor (not a re-query) moves past them
      t.addPatent(n, {
        lifecycle: 'high-value',
        promotionDueAt: '2027-05-01T00:00:00.000Z',
        gsi3pk: 'DUE#promotion',
        gsi3sk: `2027-05-01T00:00:00.000Z#${n}`,
        ...(i === 0 ? { version: undefined } : {}),
      } as never);
    }
    const first = await expirePromotions({ ...t.deps, pageSize: 2, maxPages: 1 });
    expect(first).toMatchObject({ more: true, rounds: 1, totals: { expired: 1, failed: 1 } });
    expect(first.failures[0]).toMatchObject({
      applicationNumber: '202010000020.1',
      error: expect.stringMatching(/version/),
    });
    const second = await expirePromotions({ ...t.deps, pageSize: 2, maxPages: 1 }, first);
    expect(second).toMatchObject({ more: true, rounds: 2, totals: { expired: 3, failed: 1 } });
  });
});

describe('renderTierMail', () => {
  it('ordinary: no providers, no due date, still the feedback', () => {
    const evaluations = [evaluation('202010000001.1', 'X', 2, ['none'])];
    const mail = renderTierMail({
      institutionName: '示例大学',
      patent: { applicationNumber: '202010000001.1' },
      decision: decideTier({
        strategicIndustries: [],
        evaluations: 1,
        prospectMean: 2,
        prospectDistribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 0 },
        evaluationsWithIntent: 0,
        cooperationIntents: {},
        interestedEnterprises: 0,
        interestedFields: [],
      }),
      aggregate: aggregateEvaluations(evaluations),
      providers: [],
      consentingEnterprises: [],
    });
    expect(mail.subject).toContain('普通专利');
    expect(mail.text).not.toContain('推广期至');
    expect(mail.text).toContain('合作意向：暂无合作意向 1');
  });
});

import { describe, expect, it } from 'vitest';
import { renderNeedDigest } from '../../functions/market/digest.ts';
import { expireNeeds } from '../../functions/needs/need-expiry.ts';
import { renderNeedReviewed } from '../../functions/needs/need-mails.ts';
import { matchNeedToPool } from '../../functions/needs/need-matching.ts';
import {
  closeNeed,
  getNeed,
  listNeeds,
  listProposals,
  type NeedPatent,
  type NeedStore,
  needFunnel,
  postNeed,
  postNeedOnce,
  proposePatents,
  reviewNeed,
} from '../../functions/needs/needs.ts';
import { EmbeddedPatentIndex } from '../../functions/search/embedded-index.ts';
import { needDocument } from '../../functions/search/need-documents.ts';
import { unconfiguredSearchIndex } from '../../functions/search/search-deps.ts';
import { searchNeeds } from '../../functions/search/search-needs.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Enterprise } from '../../schemas/market.ts';
import {
  type Need,
  type NeedMatch,
  needFunnelSchema,
  type PostNeed,
  type Proposal,
  postNeedSchema,
} from '../../schemas/need.ts';
import { needSearchQuerySchema } from '../../schemas/need-search.ts';
import type { Caller } from '../../schemas/roles.ts';

const P1 = '440000';
const P2 = '310000';
const E1 = '91440300MA5F1BQQ5D';
const E2 = '91440300MA5F1BQQ6X';
const INST = '12440000MB0000001X';
const OTHER_INST = '12440000MB0000002X';

function enterprise(uscc: string, status: Enterprise['status'], provinceCode = P1): Enterprise {
  return {
    uscc,
    name: `企业${uscc.slice(-4)}`,
    provinceCode,
    types: ['high-tech'],
    industryCodes: ['384'],
    strategicIndustries: [],
    ipcInterests: ['H01M'],
    contact: { name: '张三' },
    status,
    usccChecksumValid: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
  };
}

function memoryStore() {
  const enterprises = new Map<string, Enterprise>([
    [E1, enterprise(E1, 'verified')],
    [E2, enterprise(E2, 'pending')],
  ]);
  const needs = new Map<string, Need>();
  const requests = new Map<string, string>();
  const proposals = new Map<string, Proposal>();
  const matches = new Map<string, NeedMatch>();
  const audit: string[] = [];
  const actors: string[] = [];
  /** The enterprises' requests to negotiate and deals, as the funnel reads them. */
  const interests: Array<{
    applicationNumber: string;
    status: string;
    enterpriseUscc: string;
    createdAt: string;
  }> = [];
  const deals: Array<{ applicationNumbers: string[]; enterpriseUscc: string; createdAt: string }> = [];
  const mails: MailMessage[] = [];
  const patents = new Map<string, NeedPatent>([
    [
      '202010123456.2',
      {
        applicationNumber: '202010123456.2',
        institutionUscc: INST,
        title: '电池热管理',
        poolStatus: 'conversion',
        legalStatus: 'valid',
      },
    ],
    [
      '202010123457.0',
      {
        applicationNumber: '202010123457.0',
        institutionUscc: OTHER_INST,
        title: '隔膜',
        poolStatus: 'conversion',
        legalStatus: 'valid',
      },
    ],
    [
      '202010123458.9',
      { applicationNumber: '202010123458.9', institutionUscc: INST, title: '未入池', poolStatus: 'base' },
    ],
  ]);
  const page = <T>(items: T[]) => ({ items });
  const store: NeedStore = {
    async enterprise(uscc) {
      return enterprises.get(uscc);
    },
    async need(id) {
      return needs.get(id);
    },
    async create(need, _caller, requestHash) {
      if (needs.has(need.needId)) return 'exists';
      needs.set(need.needId, need);
      if (requestHash) requests.set(need.needId, requestHash);
      audit.push('need.posted');
      return 'created';
    },
    async posted(id) {
      const need = needs.get(id);
      const requestHash = requests.get(id);
      return need && { need, ...(requestHash ? { requestHash } : {}) };
    },
    async update(need, previous, action, caller, mail) {
      if (needs.get(need.needId)?.version !== previous.version) return false;
      needs.set(need.needId, need);
      audit.push(action);
      actors.push(caller.sub);
      if (mail) mails.push(mail);
      return true;
    },
    async listOpenDue(day, limit) {
      return [...needs.values()]
        .filter((n) => n.status === 'open' && n.deadline !== undefined && n.deadline < day)
        .slice(0, limit);
    },
    async listOfEnterprise(uscc, status) {
      return page(
        [...needs.values()].filter((n) => n.enterpriseUscc === uscc && (!status || n.status === status)),
      );
    },
    async listOfProvince(province, status) {
      return page([...needs.values()].filter((n) => n.provinceCode === province && n.status === status));
    },
    async listOpen() {
      return page([...needs.values()].filter((n) => n.status === 'open'));
    },
    async patent(n) {
      return patents.get(n);
    },
    async institutionName(uscc) {
      return uscc === INST ? '示范大学' : undefined;
    },
    async addProposal(proposal) {
      const need = needs.get(proposal.needId)!;
      if (need.status !== 'open') return 'closed';
      const key = `${proposal.needId}#${proposal.applicationNumber}`;
      if (proposals.has(key)) return 'exists';
      proposals.set(key, proposal);
      needs.set(need.needId, { ...need, proposalCount: need.proposalCount + 1, version: need.version + 1 });
      audit.push('need.proposed');
      return 'created';
    },
    async listMatches(needId, institutionUscc) {
      return page(
        [...matches.values()].filter(
          (m) => m.needId === needId && (!institutionUscc || m.institutionUscc === institutionUscc),
        ),
      );
    },
    async listProposals(needId, institutionUscc) {
      return page(
        [...proposals.values()].filter(
          (p) => p.needId === needId && (!institutionUscc || p.institutionUscc === institutionUscc),
        ),
      );
    },
    async funnelReads(need, since) {
      return {
        matched: [...matches.values()]
          .filter((m) => m.needId === need.needId)
          .map((m) => m.applicationNumber),
        proposals: [...proposals.values()].filter((p) => p.needId === need.needId),
        interests: interests.filter((i) => i.enterpriseUscc === need.enterpriseUscc && i.createdAt >= since),
        dealPatents: deals
          .filter((d) => d.enterpriseUscc === need.enterpriseUscc && d.createdAt >= since)
          .flatMap((d) => d.applicationNumbers),
        complete: true,
      };
    },
  };
  let id = 0;
  return {
    deps: { store, now: () => new Date('2026-12-06T04:00:00Z'), newId: () => `need-${++id}` },
    needs,
    audit,
    actors,
    mails,
    matches,
    enterprises,
    interests,
    deals,
  };
}

const ent = (uscc = E1): Caller => ({
  sub: `u-${uscc}`,
  roles: ['enterprise'],
  orgUscc: uscc,
  provinceCode: P1,
});
const padmin = (provinceCode = P1): Caller => ({ sub: 'pa', roles: ['province-admin'], provinceCode });
const inst = (uscc = INST): Caller => ({ sub: 'i', roles: ['institution'], orgUscc: uscc, provinceCode: P1 });
const expert: Caller = { sub: 'x', roles: ['expert'] };

const input = (extra: Record<string, unknown> = {}): PostNeed =>
  postNeedSchema.parse({
    title: '动力电池热失控早期预警',
    description: '需要在电池包内提前五分钟发现热失控的技术方案',
    ipcInterests: ['H01M'],
    ...extra,
  });

describe('technology needs: posting', () => {
  it('a verified enterprise posts a need that waits for the province review, with an audit entry', async () => {
    const { deps, audit } = memoryStore();
    const need = await postNeed(deps, ent(), input());
    expect(need).toMatchObject({
      status: 'pending',
      enterpriseUscc: E1,
      provinceCode: P1,
      version: 1,
      proposalCount: 0,
    });
    expect(audit).toEqual(['need.posted']);
  });

  it('an Idempotency-Key posts one need: the replay answers it, another body with the key is 409', async () => {
    const { deps, needs, audit } = memoryStore();
    const first = await postNeedOnce(deps, ent(), input(), 'req-1');
    const again = await postNeedOnce(deps, ent(), input(), 'req-1');
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, need: first.need });
    expect(needs.size).toBe(1);
    expect(audit).toEqual(['need.posted']);
    const other = postNeedOnce(deps, ent(), input({ title: '另一个需求标题' }), 'req-1');
    await expect(other).rejects.toBeInstanceOf(ConflictError);
    await expect(other).rejects.toThrow(/new key/);
    // The key is the enterprise's: another key posts another need.
    expect((await postNeedOnce(deps, ent(), input(), 'req-2')).created).toBe(true);
    expect(needs.size).toBe(2);
  });

  it('concurrent requests with one Idempotency-Key post one need and both answer it', async () => {
    const { deps, needs } = memoryStore();
    const [a, b] = await Promise.all([
      postNeedOnce(deps, ent(), input(), 'same'),
      postNeedOnce(deps, ent(), input(), 'same'),
    ]);
    expect(needs.size).toBe(1);
    expect(a.need.needId).toBe(b.need.needId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
  });

  it('refuses an unverified (pending) enterprise with 403 naming its status', async () => {
    const { deps } = memoryStore();
    const posting = postNeed(deps, ent(E2), input());
    await expect(posting).rejects.toBeInstanceOf(ForbiddenError);
    await expect(posting).rejects.toThrow(/pending.*verified/);
  });

  it('refuses an enterprise posting for another enterprise', async () => {
    const { deps } = memoryStore();
    await expect(postNeed(deps, ent(), input({ enterpriseUscc: E2 }))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses a reward below 0 at the edge, and a deadline in the past in the use-case', async () => {
    const reward = postNeedSchema.safeParse({ ...input(), rewardYuan: -1 });
    expect(reward.success).toBe(false);
    expect(reward.error?.issues[0]?.message).toMatch(/cannot be below 0/);
    const { deps } = memoryStore();
    const past = postNeed(deps, ent(), input({ deadline: '2026-12-05' }));
    await expect(past).rejects.toBeInstanceOf(ValidationError);
    await expect(past).rejects.toThrow(/in the past.*2026-12-06/);
    // Today (China time) is still accepted.
    await expect(postNeed(deps, ent(), input({ deadline: '2026-12-06' }))).resolves.toBeDefined();
  });

  it('a 揭榜挂帅 challenge must state a reward and a deadline', () => {
    const parsed = postNeedSchema.safeParse({ ...input(), kind: 'challenge', rewardYuan: 500000 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/reward.*deadline/);
    expect(
      postNeedSchema.safeParse({ ...input(), kind: 'challenge', rewardYuan: 0, deadline: '2027-06-30' })
        .success,
    ).toBe(true);
  });

  it('a province administrator posts for a verified enterprise of its province, open at once; not for another province', async () => {
    const { deps } = memoryStore();
    const need = await postNeed(deps, padmin(), input({ enterpriseUscc: E1 }));
    expect(need.status).toBe('open');
    await expect(postNeed(deps, padmin(P2), input({ enterpriseUscc: E1 }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(postNeed(deps, padmin(), input())).rejects.toBeInstanceOf(ValidationError);
    await expect(postNeed(deps, padmin(), input({ enterpriseUscc: E2 }))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('technology needs: review, visibility, closing', () => {
  it('the enterprise is mailed the outcome with the review, in the same write; a rejection says what to change', async () => {
    const { deps, mails, enterprises } = memoryStore();
    enterprises.set(E1, {
      ...enterprises.get(E1)!,
      contact: { name: '张三', email: 'zhang@ent.example.com' },
    });
    const mailing = {
      ...deps,
      reviewMail: (need: Need, name: string) =>
        renderNeedReviewed(need, name, `https://portal/needs/${need.needId}`),
    };
    const first = await postNeed(deps, ent(), input());
    await reviewNeed(mailing, padmin(), first.needId, { decision: 'approved', comment: '符合条件' });
    const second = await postNeed(deps, ent(), input({ title: '另一项需求：电池回收' }));
    await reviewNeed(mailing, padmin(), second.needId, { decision: 'rejected', comment: '请补充技术指标' });
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringContaining('已通过审核并发布'),
      expect.stringContaining('未通过审核'),
    ]);
    expect(mails[0]!.to).toEqual(['zhang@ent.example.com']);
    expect(mails[0]!.text).toContain(`https://portal/needs/${first.needId}`);
    expect(mails[1]!.text).toContain('审核意见：请补充技术指标');
    expect(mails[1]!.text).toContain('POST /v1/needs');
    // Without the mail wiring (every other function), a review writes no mail.
    const third = await postNeed(deps, ent(), input({ title: '第三项需求：涂层检测' }));
    await reviewNeed(deps, padmin(), third.needId, { decision: 'approved' });
    expect(mails).toHaveLength(2);
  });

  it('the province approves or rejects (comment required), once; other provinces see nothing', async () => {
    const { deps, audit } = memoryStore();
    const need = await postNeed(deps, ent(), input());
    await expect(reviewNeed(deps, padmin(P2), need.needId, { decision: 'approved' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(reviewNeed(deps, padmin(), need.needId, { decision: 'rejected' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      reviewNeed(deps, padmin(), need.needId, { decision: 'approved', expectedVersion: 7 }),
    ).rejects.toBeInstanceOf(ConflictError);
    const approved = await reviewNeed(deps, padmin(), need.needId, { decision: 'approved', comment: '同意' });
    expect(approved).toMatchObject({ status: 'open', version: 2, reviewComment: '同意' });
    await expect(reviewNeed(deps, padmin(), need.needId, { decision: 'approved' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(audit).toEqual(['need.posted', 'need.approved']);
  });

  it('institutions and experts see a need once approved; other enterprises never', async () => {
    const { deps } = memoryStore();
    const need = await postNeed(deps, ent(), input());
    await expect(getNeed(deps, inst(), need.needId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getNeed(deps, expert, need.needId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listNeeds(deps, inst(), { limit: 25 })).items).toEqual([]);
    await reviewNeed(deps, padmin(), need.needId, { decision: 'approved' });
    await expect(getNeed(deps, inst(), need.needId)).resolves.toMatchObject({ status: 'open' });
    await expect(getNeed(deps, ent(E2), need.needId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listNeeds(deps, inst(), { limit: 25 })).items).toHaveLength(1);
    expect((await listNeeds(deps, padmin(), { limit: 25 })).items).toEqual([]); // pending: none left
    expect((await listNeeds(deps, ent(), { limit: 25 })).items).toHaveLength(1);
    await expect(listNeeds(deps, inst(), { limit: 25, status: 'pending' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('the enterprise closes or fulfils; fulfilled only while open; closed is final', async () => {
    const { deps } = memoryStore();
    const need = await postNeed(deps, ent(), input());
    await expect(closeNeed(deps, ent(), need.needId, { outcome: 'fulfilled' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(closeNeed(deps, ent(E2), need.needId, { outcome: 'closed' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await reviewNeed(deps, padmin(), need.needId, { decision: 'approved' });
    const done = await closeNeed(deps, ent(), need.needId, {
      outcome: 'fulfilled',
      comment: '已与示范大学签约',
    });
    expect(done).toMatchObject({ status: 'fulfilled', closeComment: '已与示范大学签约' });
    await expect(closeNeed(deps, ent(), need.needId, { outcome: 'closed' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});

describe('揭榜: institutions propose their patents', () => {
  async function openNeed(extra: Record<string, unknown> = {}) {
    const store = memoryStore();
    const need = await postNeed(store.deps, padmin(), input({ enterpriseUscc: E1, ...extra }));
    return { ...store, need };
  }

  it('an institution proposes its own available patent; the enterprise sees it, another institution does not', async () => {
    const { deps, need, needs } = await openNeed();
    const result = await proposePatents(deps, inst(), need.needId, {
      applicationNumbers: ['202010123456.2'],
      message: '本专利可提前预警',
    });
    expect(result.created).toHaveLength(1);
    expect(result.created[0]).toMatchObject({ institutionName: '示范大学', patentTitle: '电池热管理' });
    expect(needs.get(need.needId)?.proposalCount).toBe(1);
    const again = await proposePatents(deps, inst(), need.needId, {
      applicationNumbers: ['202010123456.2'],
      message: '再次',
    });
    expect(again).toEqual({ created: [], existing: ['202010123456.2'] });
    expect((await listProposals(deps, ent(), need.needId, { limit: 25 })).items).toHaveLength(1);
    expect((await listProposals(deps, inst(OTHER_INST), need.needId, { limit: 25 })).items).toEqual([]);
    await expect(listProposals(deps, ent(E2), need.needId, { limit: 25 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("refuses another institution's patent (403) and writes nothing", async () => {
    const { deps, need, needs } = await openNeed();
    await expect(
      proposePatents(deps, inst(), need.needId, {
        applicationNumbers: ['202010123456.2', '202010123457.0'],
        message: 'x',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(needs.get(need.needId)?.proposalCount).toBe(0);
  });

  it('refuses a patent outside the conversion pool, a pending need, and a need past its deadline', async () => {
    const { deps, need } = await openNeed({ deadline: '2026-12-06' });
    await expect(
      proposePatents(deps, inst(), need.needId, { applicationNumbers: ['202010123458.9'], message: 'x' }),
    ).rejects.toBeInstanceOf(ConflictError);
    const later = { ...deps, now: () => new Date('2026-12-07T04:00:00Z') };
    await expect(
      proposePatents(later, inst(), need.needId, { applicationNumbers: ['202010123456.2'], message: 'x' }),
    ).rejects.toThrow(/past its deadline/);
    const pending = await postNeed(deps, ent(), input());
    await expect(
      proposePatents(deps, inst(), pending.needId, { applicationNumbers: ['202010123456.2'], message: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('the funnel of a need: matched and proposed -> interest -> negotiation -> deal', () => {
  it("counts the need's patents and what the enterprise did about them since it was posted; others 404", async () => {
    const store = memoryStore();
    const { deps, matches, interests, deals } = store;
    const need = await postNeed(deps, padmin(), input({ enterpriseUscc: E1 }));
    await proposePatents(deps, inst(), need.needId, {
      applicationNumbers: ['202010123456.2'],
      message: '可用',
    });
    await proposePatents(deps, inst(OTHER_INST), need.needId, {
      applicationNumbers: ['202010123457.0'],
      message: '可用',
    });
    // The pool matched one of the proposed patents too: it counts once.
    matches.set('m', { needId: need.needId, applicationNumber: '202010123456.2' } as NeedMatch);
    const after = '2026-12-06T05:00:00Z';
    interests.push(
      { applicationNumber: '202010123456.2', status: 'accepted', enterpriseUscc: E1, createdAt: after },
      { applicationNumber: '202010123457.0', status: 'pending', enterpriseUscc: E1, createdAt: after },
      // Not the need's patent; another enterprise's request; one before the need: none counts.
      { applicationNumber: '202010999999.9', status: 'accepted', enterpriseUscc: E1, createdAt: after },
      { applicationNumber: '202010123457.0', status: 'accepted', enterpriseUscc: E2, createdAt: after },
      {
        applicationNumber: '202010123457.0',
        status: 'accepted',
        enterpriseUscc: E1,
        createdAt: '2026-01-01T00:00:00Z',
      },
    );
    deals.push(
      { applicationNumbers: ['202010123456.2', '202010999999.9'], enterpriseUscc: E1, createdAt: after },
      { applicationNumbers: ['202010123457.0'], enterpriseUscc: E1, createdAt: '2026-01-01T00:00:00Z' },
    );
    const funnel = await needFunnel(deps, ent(), need.needId);
    expect(funnel).toEqual({
      needId: need.needId,
      enterpriseUscc: E1,
      status: 'open',
      matched: 1,
      proposed: 2,
      proposingInstitutions: 2,
      patents: 2,
      interest: 2,
      negotiation: 1,
      deal: 1,
      complete: true,
    });
    expect(needFunnelSchema.parse(funnel)).toEqual(funnel);
    expect(await needFunnel(deps, padmin(), need.needId)).toEqual(funnel);
    for (const caller of [ent(E2), padmin(P2), inst(), expert]) {
      await expect(needFunnel(deps, caller, need.needId), caller.sub).rejects.toBeInstanceOf(NotFoundError);
    }
    await expect(needFunnel(deps, ent(), 'no-such-need')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('GET /v1/search/needs: the query', () => {
  it('an empty query says what to send; a 10,000-character one is refused with the limit', () => {
    const empty = needSearchQuerySchema.safeParse({ q: '  ' });
    expect(empty.error?.issues[0]?.message).toMatch(/send the words to search for, e\.g\. \?q=防腐涂层/);
    const long = needSearchQuerySchema.safeParse({ q: '防腐'.repeat(5000) });
    expect(long.error?.issues[0]?.message).toMatch(/at most 200 characters/);
  });
});

describe('GET /v1/search/needs: one engine over needs', () => {
  const needOf = (id: string, uscc: string, status: Need['status'], title: string): Need => ({
    needId: id,
    kind: 'need',
    title,
    description: `需要${title}的技术方案，要求长期稳定使用。`,
    expectedOutcome: '寿命十年以上',
    industryCodes: [],
    strategicIndustries: [],
    ipcInterests: ['C09D'],
    enterpriseUscc: uscc,
    enterpriseName: '企业',
    provinceCode: P1,
    status,
    proposalCount: 0,
    createdAt: '2026-12-01T00:00:00.000Z',
    createdBy: 'x',
    updatedAt: '2026-12-01T00:00:00.000Z',
    version: 1,
  });
  const index = new EmbeddedPatentIndex();
  index.upsert(needDocument(needOf('open-1', E1, 'open', '风电塔筒防腐涂层')));
  index.upsert(needDocument(needOf('pending-1', E1, 'pending', '风电塔筒防腐涂层（待审）')));
  index.upsert(needDocument(needOf('open-2', E2, 'open', '锂电池隔膜')));
  const query = (q: string) => needSearchQuerySchema.parse({ q });

  it('institutions find open needs only, with highlights and reasons named in the need fields', async () => {
    const result = await searchNeeds({ index }, inst(), query('防腐涂层'));
    expect(result.items.map((i) => i.need.needId)).toEqual(['open-1']);
    const [hit] = result.items;
    expect(hit?.highlights.map((h) => h.field)).toContain('title');
    expect(hit?.reasons.fields).toEqual(expect.arrayContaining(['title', 'description']));
    expect(hit?.reasons.filters).toEqual([
      { filter: 'open', value: 'true', matched: 'approved, not closed' },
    ]);
  });

  it('an enterprise searches its own needs, whatever their state; never another enterprise’s', async () => {
    const own = await searchNeeds({ index }, ent(), query('防腐涂层 隔膜'));
    expect(own.items.map((i) => i.need.needId).sort()).toEqual(['open-1', 'pending-1']);
  });

  it('a query of common words only is a 400 saying what to write', async () => {
    await expect(searchNeeds({ index }, inst(), query('一种 方法'))).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('need -> pool matching: the best patents pushed to their institutions, with why, capped per day', () => {
  const patent = (
    n: string,
    institutionUscc: string,
    title: string,
    extra: Record<string, unknown> = {},
  ) => ({
    applicationNumber: n,
    institutionUscc,
    title,
    abstract: `${title}，可用于海上风电和船舶。`,
    patentType: 'invention',
    poolStatus: 'conversion',
    legalStatus: 'valid',
    classifications: ['C09D 5/08'],
    ...extra,
  });
  function pool() {
    const index = new EmbeddedPatentIndex();
    index.upsert(patent('202010000001.1', INST, '石墨烯改性防腐涂层'));
    index.upsert(patent('202010000002.1', OTHER_INST, '海洋环境长效防腐涂层的制备方法'));
    index.upsert(patent('202010000003.1', INST, '锂电池隔膜', { classifications: ['H01M 50/40'] }));
    index.upsert(patent('202010000004.1', INST, '防腐涂层（已转让）', { lifecycle: 'assigned' }));
    return index;
  }
  const pushed = (cap: number) => {
    const items = new Map<string, NeedMatch>();
    const perInstitution = new Map<string, number>();
    return {
      items,
      store: {
        async pushMatch(match: NeedMatch, day: string, capPerDay: number) {
          const key = `${match.needId}#${match.applicationNumber}`;
          if (items.has(key)) return 'exists' as const;
          const count = perInstitution.get(`${match.institutionUscc}#${day}`) ?? 0;
          if (count >= Math.min(cap, capPerDay)) return 'capped' as const;
          perInstitution.set(`${match.institutionUscc}#${day}`, count + 1);
          items.set(key, match);
          return 'pushed' as const;
        },
      },
    };
  };

  it('an opened need is matched by its words and codes; each match keeps its reasons; a transferred patent is not pushed', async () => {
    const { deps } = memoryStore();
    const target = pushed(20);
    const need = await postNeed(
      {
        ...deps,
        matchOpened: (n) => matchNeedToPool({ index: pool(), store: target.store, now: deps.now }, n),
      },
      padmin(),
      input({
        enterpriseUscc: E1,
        title: '海上风电防腐涂层',
        description: '用于海上风电塔筒的长效防腐方案',
        ipcInterests: ['C09D'],
      }),
    );
    expect(need.status).toBe('open');
    const numbers = [...target.items.values()].map((m) => m.applicationNumber).sort();
    expect(numbers).toEqual(['202010000001.1', '202010000002.1']);
    const match = [...target.items.values()][0]!;
    expect(match.reasons.terms.length).toBeGreaterThan(0);
    expect(match.reasons.codes).toEqual([{ facet: 'ipc', need: 'C09D', patent: 'C09D 5/08' }]);
    expect(match.explanationZh).toMatch(/企业需求“海上风电防腐涂层”.*IPC C09D 5\/08/);
    // Matching again changes nothing.
    const again = await matchNeedToPool({ index: pool(), store: target.store, now: deps.now }, need);
    expect(again).toMatchObject({ pushed: 0, exists: 2 });
  });

  it('stops at the per-day cap of an institution', async () => {
    const target = pushed(1);
    const { deps } = memoryStore();
    const need = await postNeed(
      deps,
      padmin(),
      input({
        enterpriseUscc: E1,
        title: '防腐涂层',
        description: '需要长效防腐的涂层方案',
        ipcInterests: ['C09D'],
      }),
    );
    const outcome = await matchNeedToPool({ index: pool(), store: target.store, now: deps.now }, need);
    expect(outcome).toMatchObject({ pushed: 2, capped: 0 }); // one each for INST and OTHER_INST
    const second = await postNeed(
      deps,
      padmin(),
      input({
        enterpriseUscc: E1,
        title: '防腐涂层 海洋',
        description: '海洋环境下的防腐涂层',
        ipcInterests: ['C09D'],
      }),
    );
    expect(
      await matchNeedToPool({ index: pool(), store: target.store, now: deps.now }, second),
    ).toMatchObject({
      pushed: 0,
      capped: 2,
    });
  });

  it('a pending need is not matched; a failed matching never undoes the approval', async () => {
    const { deps } = memoryStore();
    const failures: string[] = [];
    const failing = {
      ...deps,
      matchOpened: async () => {
        throw new Error('engine down');
      },
      onMatchFailed: (id: string) => failures.push(id),
    };
    const need = await postNeed(failing, ent(), input());
    expect(failures).toEqual([]);
    const approved = await reviewNeed(failing, padmin(), need.needId, { decision: 'approved' });
    expect(approved.status).toBe('open');
    expect(failures).toEqual([need.needId]);
  });

  it('is skipped, not failed, when the deployment has no search engine', async () => {
    const { deps } = memoryStore();
    const need = await postNeed(deps, padmin(), input({ enterpriseUscc: E1 }));
    const outcome = await matchNeedToPool(
      { index: unconfiguredSearchIndex, store: pushed(5).store, now: deps.now },
      need,
    );
    expect(outcome).toMatchObject({ skipped: expect.stringMatching(/search unavailable/) });
  });

  it("the institution's digest says an enterprise needs the patent, and why", () => {
    const mail = renderNeedDigest(
      '示范大学',
      '2026-12-06',
      [
        {
          applicationNumber: '202010000001.1',
          score: 1.25,
          explanationZh: '企业需求“海上风电防腐涂层”（企业）：匹配词 防腐；IPC C09D 5/08',
          explanationEn: 'x',
          patent: { title: '石墨烯改性防腐涂层', patentType: 'invention' },
          need: { title: '海上风电防腐涂层', enterpriseName: '示范企业' },
        },
      ],
      'https://patents.example.org/',
    );
    expect(mail.subject).toContain('企业技术需求匹配到您的专利 1 件');
    expect(mail.html).toContain('海上风电防腐涂层');
    expect(mail.html).toContain('IPC C09D 5/08');
  });
});

describe('needs past their deadline', () => {
  it('the daily job closes an open need past its deadline as expired: versioned, audited by the system, one email, proposals kept', async () => {
    const { deps, needs, audit, actors, mails, enterprises } = memoryStore();
    enterprises.set(E1, {
      ...enterprise(E1, 'verified'),
      contact: { name: '张三', email: 'zhang@example.com' },
    });
    const due = await postNeed(deps, padmin(), input({ enterpriseUscc: E1, deadline: '2026-12-06' }));
    const later = await postNeed(deps, padmin(), input({ enterpriseUscc: E1, deadline: '2026-12-07' }));
    const none = await postNeed(deps, padmin(), input({ enterpriseUscc: E1 }));
    await proposePatents(deps, inst(), due.needId, {
      applicationNumbers: ['202010123456.2'],
      message: '可转化',
    });
    const proposed = needs.get(due.needId)!;

    // 2026-12-06 is still the deadline's day in China: nothing closes.
    const sameDay = await expireNeeds({
      store: deps.store,
      now: deps.now,
      needUrl: (id) => `https://p/needs/${id}`,
    });
    expect(sameDay).toMatchObject({ expired: 0, complete: true });

    const nextDay = () => new Date('2026-12-06T16:30:00Z'); // 2026-12-07 00:30 in China
    const outcome = await expireNeeds({
      store: deps.store,
      now: nextDay,
      needUrl: (id) => `https://p/needs/${id}`,
    });
    expect(outcome).toMatchObject({ day: '2026-12-07', expired: 1, mailed: 1, complete: true });
    expect(needs.get(due.needId)).toMatchObject({
      status: 'closed',
      closeReason: 'expired',
      proposalCount: 1,
      version: proposed.version + 1,
      closedAt: '2026-12-06T16:30:00.000Z',
    });
    expect(needs.get(later.needId)?.status).toBe('open');
    expect(needs.get(none.needId)?.status).toBe('open');
    expect(audit.at(-1)).toBe('need.expired');
    expect(actors.at(-1)).toBe('system:need-deadline');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: ['zhang@example.com'] });
    expect(mails[0]!.subject).toContain(due.title);
    expect(mails[0]!.text).toContain('1 件');
    expect(mails[0]!.text).toContain(`https://p/needs/${due.needId}`);

    // A re-run closes and mails nothing more; the proposals stay readable.
    expect(await expireNeeds({ store: deps.store, now: nextDay, needUrl: () => '' })).toMatchObject({
      expired: 0,
    });
    expect(mails).toHaveLength(1);
    expect((await listProposals(deps, ent(), due.needId, { limit: 10 })).items).toHaveLength(1);
    // An expired need takes no more proposals.
    await expect(
      proposePatents({ ...deps, now: nextDay }, inst(), due.needId, {
        applicationNumbers: ['202010123456.2'],
        message: 'x',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('an enterprise without an email address: closed all the same, counted withoutEmail', async () => {
    const { deps, needs, mails } = memoryStore();
    const due = await postNeed(deps, padmin(), input({ enterpriseUscc: E1, deadline: '2026-12-06' }));
    const outcome = await expireNeeds({
      store: deps.store,
      now: () => new Date('2026-12-08T00:00:00Z'),
      needUrl: () => '',
    });
    expect(outcome).toMatchObject({ expired: 1, mailed: 0, withoutEmail: 1 });
    expect(needs.get(due.needId)?.status).toBe('closed');
    expect(mails).toHaveLength(0);
  });
});

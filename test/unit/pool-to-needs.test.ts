/**
 * Pool -> open needs (issue 15 item 5, second half) without AWS: patents new to the pool matched with an
 * enterprise's open needs, recorded with why, pushed in the enterprise's one daily alert email (with its
 * saved searches), capped per need and enterprise, never twice.
 */
import { describe, expect, it } from 'vitest';
import { type PoolToNeedStore, poolToNeedSettings } from '../../functions/needs/pool-to-needs.ts';
import { EmbeddedPatentIndex } from '../../functions/search/embedded-index.ts';
import type { AlertState, SavedSearchStore } from '../../functions/search/saved-searches.ts';
import { sendSearchAlerts } from '../../functions/search/search-alerts.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Enterprise } from '../../schemas/market.ts';
import type { Need, NeedMatch, Proposal } from '../../schemas/need.ts';

const E1 = '91440300MA5F1BQQ5D';
const INST = '12440000MB0000001X';

const enterprise: Enterprise = {
  uscc: E1,
  name: '需求企业',
  provinceCode: '440000',
  types: ['high-tech'],
  industryCodes: [],
  strategicIndustries: [],
  ipcInterests: [],
  contact: { name: '张三', email: 'need-owner@example.com' },
  status: 'verified',
  usccChecksumValid: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};

const need = (needId: string, title: string, extra: Partial<Need> = {}): Need => ({
  needId,
  kind: 'need',
  title,
  description: `${title}，用于海上风电塔筒的长效防护。`,
  industryCodes: [],
  strategicIndustries: [],
  ipcInterests: ['C09D'],
  enterpriseUscc: E1,
  enterpriseName: '需求企业',
  provinceCode: '440000',
  status: 'open',
  proposalCount: 0,
  reviewedAt: '2026-12-01T00:00:00.000Z',
  createdAt: '2026-11-30T00:00:00.000Z',
  createdBy: 'test',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 2,
  ...extra,
});

const patent = (n: string, title: string, inventoriedAt: string, classifications = ['C09D 5/08']) => ({
  applicationNumber: n,
  institutionUscc: INST,
  title,
  abstract: `${title}的制备工艺。`,
  patentType: 'invention',
  poolStatus: 'conversion',
  legalStatus: 'valid',
  classifications,
  inventoriedAt,
});

function setUp(needs: Need[]) {
  let crash = false;
  const states = new Map<string, AlertState>();
  const matches = new Map<string, NeedMatch>();
  const proposals: Proposal[] = [];
  const mails: MailMessage[] = [];
  const store: SavedSearchStore = {
    enterprise: async (uscc) => (uscc === E1 ? enterprise : undefined),
    list: async () => [],
    add: async () => 'created',
    remove: async () => false,
    alertStates: async () => [...states.values()],
    async markAlerted(previous, until, day, mail) {
      if (crash) {
        crash = false;
        throw new Error('crashed before its email');
      }
      if (states.get(previous.enterpriseUscc)?.alertedUntil !== previous.alertedUntil) return false;
      states.set(previous.enterpriseUscc, {
        enterpriseUscc: previous.enterpriseUscc,
        alertedUntil: until,
        alertedDay: day,
      });
      if (mail) mails.push(mail);
      return true;
    },
  };
  const needStore: PoolToNeedStore = {
    openNeeds: async () => needs.filter((n) => n.status === 'open'),
    proposalsOf: async (needId) => proposals.filter((x) => x.needId === needId),
    async recordPoolMatch(match) {
      const key = `${match.needId}#${match.applicationNumber}`;
      if (matches.has(key)) return 'exists';
      matches.set(key, match);
      return 'created';
    },
  };
  const index = new EmbeddedPatentIndex();
  let now = new Date('2026-12-02T00:00:00Z');
  const run = () =>
    sendSearchAlerts({
      store,
      index,
      now: () => now,
      portalUrl: 'https://portal.example/',
      needs: { index, store: needStore },
    });
  return {
    index,
    matches,
    proposals,
    mails,
    states,
    run,
    at: (iso: string) => (now = new Date(iso)),
    crashNextMark: () => (crash = true),
  };
}

describe('pool -> open needs: new patents pushed to the enterprise in its daily alert', () => {
  it('matches only patents that entered after the need opened, with why; one email; never twice', async () => {
    const { index, matches, mails, run, at } = setUp([
      need('n1', '海洋工程防腐涂层'),
      need('n2', '锂电池隔膜', { ipcInterests: ['H01M'] }),
      need('n3', '船舶防腐涂层（已关闭）', { status: 'closed' }),
    ]);
    index.upsert(patent('202010000001.1', '石墨烯防腐涂层', '2026-11-20T00:00:00.000Z')); // before n1 opened
    index.upsert(patent('202010000002.1', '海洋防腐涂层及其制备方法', '2026-12-01T06:00:00.000Z'));
    index.upsert(patent('202010000003.1', '一种茶叶揉捻机', '2026-12-01T06:00:00.000Z', ['A23F 3/12']));
    const outcome = await run();
    expect(outcome).toMatchObject({ mailed: 1 });
    expect([...matches.keys()]).toEqual(['n1#202010000002.1']);
    const match = matches.get('n1#202010000002.1')!;
    expect(match).toMatchObject({ direction: 'pool-to-need', pushDay: '2026-12-02', institutionUscc: INST });
    expect(match.reasons.codes).toEqual([{ facet: 'ipc', need: 'C09D', patent: 'C09D 5/08' }]);
    expect(match.explanationZh).toMatch(
      /^新入库专利（2026-12-01）与需求“海洋工程防腐涂层”匹配：(匹配词 [^；]+；)?IPC C09D 5\/08$/,
    );
    expect(match.explanationEn).toMatch(
      /^New in the pool \(2026-12-01\), matches need "海洋工程防腐涂层": (matched words [^;]+; )?ipc C09D 5\/08$/,
    );
    expect(match.need).toMatchObject({ title: '海洋工程防腐涂层' });
    expect(match.patent).toEqual({ title: '海洋防腐涂层及其制备方法', patentType: expect.any(String) });
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(['need-owner@example.com']);
    expect(mails[0]?.text).toContain('您的技术需求“海洋工程防腐涂层”：新入库专利 1 件');
    expect(mails[0]?.text).toContain('IPC C09D 5/08');
    expect(mails[0]?.text).not.toContain('202010000001.1');
    expect(mails[0]?.text).not.toContain('202010000003.1');

    // The next day: only what entered since the last alert; nothing new, no email.
    at('2026-12-03T00:00:00Z');
    await run();
    expect(mails).toHaveLength(1);
    index.upsert(patent('202010000004.1', '防腐涂层喷涂装置', '2026-12-03T02:00:00.000Z'));
    at('2026-12-04T00:00:00Z');
    await run();
    expect(mails).toHaveLength(2);
    expect(mails[1]?.text).toContain('202010000004.1');
    expect(mails[1]?.text).not.toContain('202010000002.1');
  });

  it('a match recorded by a run that crashed before its email is mailed by the next run, once', async () => {
    const { index, matches, mails, run, at, crashNextMark } = setUp([need('n1', '海洋工程防腐涂层')]);
    index.upsert(patent('202010000021.1', '海洋防腐涂层及其制备方法', '2026-12-01T06:00:00.000Z'));
    crashNextMark();
    await expect(run()).rejects.toThrow('crashed before its email');
    expect([...matches.keys()]).toEqual(['n1#202010000021.1']);
    expect(mails).toHaveLength(0);
    await run();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('202010000021.1');
    at('2026-12-03T00:00:00Z');
    await run();
    expect(mails).toHaveLength(1);
  });

  it('揭榜: the proposals institutions made since the last alert are in the same daily email, each once', async () => {
    const { proposals, mails, run, at } = setUp([need('n1', '海洋工程防腐涂层')]);
    const proposal = (n: string, createdAt: string): Proposal => ({
      needId: 'n1',
      applicationNumber: n,
      institutionUscc: INST,
      institutionName: '示范海洋大学',
      patentTitle: `防腐涂层 ${n}`,
      message: '本校涂层已在南海平台中试',
      createdAt,
      createdBy: 'institution',
    });
    proposals.push(proposal('202010000011.1', '2026-12-01T08:00:00.000Z'));
    await run();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('技术需求新揭榜 1 件');
    expect(mails[0]!.text).toContain('您的技术需求“海洋工程防腐涂层”：高校院所揭榜提出专利 1 件');
    expect(mails[0]!.text).toContain('示范海洋大学');
    expect(mails[0]!.text).toContain('本校涂层已在南海平台中试');
    // The next day: a new proposal only, not the first one again.
    proposals.push(proposal('202010000012.1', '2026-12-02T08:00:00.000Z'));
    at('2026-12-03T00:00:00Z');
    await run();
    expect(mails).toHaveLength(2);
    expect(mails[1]!.text).toContain('202010000012.1');
    expect(mails[1]!.text).not.toContain('202010000011.1');
    at('2026-12-04T00:00:00Z');
    await run();
    expect(mails).toHaveLength(2);
  });

  it('is capped per need a day', async () => {
    const { index, matches, run } = setUp([need('n1', '海洋工程防腐涂层')]);
    for (let i = 1; i <= poolToNeedSettings.perNeed + 3; i++)
      index.upsert(patent(`20201000010${i}.1`, `防腐涂层 ${i}`, '2026-12-01T06:00:00.000Z'));
    await run();
    expect(matches.size).toBe(poolToNeedSettings.perNeed);
  });
});

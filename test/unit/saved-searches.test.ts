/**
 * Saved searches and alerts (issue 15 item 6) without AWS: the use-cases over an in-memory store and the
 * embedded search engine. Saving (verified enterprises only, bounded, validated as the search route),
 * listing, deleting; the daily alert: only patents new to the pool since the last alert, one email per
 * enterprise listing the patents per saved search with why, once a day, never twice.
 */
import { describe, expect, it } from 'vitest';
import { EmbeddedPatentIndex } from '../../functions/search/embedded-index.ts';
import {
  type AlertState,
  deleteSavedSearch,
  listSavedSearches,
  type SavedSearchStore,
  saveSearch,
} from '../../functions/search/saved-searches.ts';
import { sendSearchAlerts } from '../../functions/search/search-alerts.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../functions/shared/errors.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Enterprise } from '../../schemas/market.ts';
import type { Caller } from '../../schemas/roles.ts';
import { type SavedSearch, savedSearchInputSchema } from '../../schemas/saved-search.ts';

const E1 = '91440300MA5F1BQQ5D';
const E2 = '91440300MA5F1BQQ6X';
const INST = '12440000MB0000001X';

const enterprise = (uscc: string, status: Enterprise['status'], email?: string): Enterprise => ({
  uscc,
  name: `企业${uscc.slice(-4)}`,
  provinceCode: '440000',
  types: ['high-tech'],
  industryCodes: [],
  strategicIndustries: [],
  ipcInterests: [],
  contact: { name: '张三', ...(email ? { email } : {}) },
  status,
  usccChecksumValid: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
});

function memoryStore() {
  const enterprises = new Map<string, Enterprise>([
    [E1, enterprise(E1, 'verified', 'buyer@example.com')],
    [E2, enterprise(E2, 'pending', 'e2@example.com')],
  ]);
  const searches = new Map<string, SavedSearch>();
  const states = new Map<string, AlertState & { searches: number }>();
  const mails: MailMessage[] = [];
  const store: SavedSearchStore = {
    async enterprise(uscc) {
      return enterprises.get(uscc);
    },
    async list(uscc) {
      return [...searches.values()].filter((s) => s.enterpriseUscc === uscc);
    },
    async add(search, max) {
      const state = states.get(search.enterpriseUscc) ?? {
        enterpriseUscc: search.enterpriseUscc,
        searches: 0,
      };
      if (state.searches >= max) return 'full';
      states.set(search.enterpriseUscc, { ...state, searches: state.searches + 1 });
      searches.set(search.savedSearchId, search);
      return 'created';
    },
    async remove(uscc, id) {
      const search = searches.get(id);
      if (!search || search.enterpriseUscc !== uscc) return false;
      searches.delete(id);
      const state = states.get(uscc)!;
      states.set(uscc, { ...state, searches: state.searches - 1 });
      return true;
    },
    async alertStates() {
      return [...states.values()];
    },
    async markAlerted(previous, until, day, mail) {
      const state = states.get(previous.enterpriseUscc)!;
      if (state.alertedUntil !== previous.alertedUntil) return false;
      states.set(previous.enterpriseUscc, { ...state, alertedUntil: until, alertedDay: day });
      if (mail) mails.push(mail);
      return true;
    },
  };
  let id = 0;
  let now = new Date('2026-12-01T02:00:00Z');
  return {
    store,
    enterprises,
    mails,
    states,
    clock: { set: (at: string) => (now = new Date(at)) },
    deps: { store, now: () => now, newId: () => `s-${++id}` },
  };
}

const ent = (uscc = E1): Caller => ({ sub: `u-${uscc}`, roles: ['enterprise'], orgUscc: uscc });
const input = (extra: Record<string, unknown> = {}) =>
  savedSearchInputSchema.parse({ q: '锂电池 隔膜', ...extra });

const patent = (n: string, title: string, inventoriedAt: string, extra: Record<string, unknown> = {}) => ({
  applicationNumber: n,
  institutionUscc: INST,
  title,
  abstract: `${title}的技术方案。`,
  patentType: 'invention',
  poolStatus: 'conversion',
  legalStatus: 'valid',
  classifications: ['H01M 50/40'],
  inventoriedAt,
  ...extra,
});

describe('saved searches: save, list, delete', () => {
  it('a verified enterprise saves a search with filters, lists and deletes it', async () => {
    const { deps } = memoryStore();
    const saved = await saveSearch(deps, ent(), input({ name: '隔膜', ipc: 'H01M', trlMin: 3 }));
    expect(saved).toMatchObject({
      savedSearchId: 's-1',
      enterpriseUscc: E1,
      name: '隔膜',
      ipc: 'H01M',
      trlMin: 3,
    });
    expect((await listSavedSearches(deps, ent())).items.map((s) => s.savedSearchId)).toEqual(['s-1']);
    await deleteSavedSearch(deps, ent(), 's-1');
    expect((await listSavedSearches(deps, ent())).items).toEqual([]);
    await expect(deleteSavedSearch(deps, ent(), 's-1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an unverified enterprise and other roles are refused (403)', async () => {
    const { deps } = memoryStore();
    await expect(saveSearch(deps, ent(E2), input())).rejects.toThrow(/only a verified enterprise/);
    const institution: Caller = { sub: 'i', roles: ['institution'], orgUscc: INST };
    await expect(saveSearch(deps, institution, input())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listSavedSearches(deps, institution)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('another enterprise cannot delete it (404)', async () => {
    const { deps, enterprises } = memoryStore();
    enterprises.set(E2, enterprise(E2, 'verified'));
    await saveSearch(deps, ent(), input());
    await expect(deleteSavedSearch(deps, ent(E2), 's-1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is validated as GET /v1/search/patents: empty, too long, punctuation only, trl reversed, unknown fields', async () => {
    const { deps } = memoryStore();
    expect(savedSearchInputSchema.safeParse({ q: '' }).success).toBe(false);
    const long = savedSearchInputSchema.safeParse({ q: '电'.repeat(10_000) });
    expect(long.success).toBe(false);
    expect(JSON.stringify(long.error?.issues)).toContain('at most 200 characters');
    expect(savedSearchInputSchema.safeParse({ q: '隔膜', ipc: 'H01M OR 1=1' }).success).toBe(false);
    expect(savedSearchInputSchema.safeParse({ q: '隔膜', limit: 10 }).success).toBe(false);
    await expect(saveSearch(deps, ent(), input({ q: '！！🔋' }))).rejects.toThrow(/no words to search for/);
    await expect(saveSearch(deps, ent(), input({ trlMin: 7, trlMax: 3 }))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('is bounded: the 21st saved search is refused saying what to do', async () => {
    const { deps } = memoryStore();
    for (let i = 0; i < 20; i++) await saveSearch(deps, ent(), input({ q: `隔膜 ${i}` }));
    await expect(saveSearch(deps, ent(), input())).rejects.toThrow(/delete one/);
  });
});

describe('saved-search alerts', () => {
  function setUp() {
    const s = memoryStore();
    const index = new EmbeddedPatentIndex();
    const alerts = () =>
      sendSearchAlerts({
        store: s.store,
        index,
        now: s.deps.now,
        portalUrl: 'https://portal.example/',
        institutionName: async () => '示范大学',
      });
    return { ...s, index, alerts };
  }

  it('one email per enterprise a day, the new patents listed per saved search with why; nothing twice', async () => {
    const { deps, index, alerts, mails, clock } = setUp();
    // Before the search was saved: never alerted (no backlog of the whole pool).
    index.upsert(patent('202010000001.1', '锂电池隔膜涂层', '2026-11-30T00:00:00.000Z'));
    await saveSearch(deps, ent(), input({ name: '隔膜' }));
    await saveSearch(deps, ent(), input({ name: '电池 H01M', q: '锂电池', ipc: 'H01M' }));
    index.upsert(patent('202010000002.1', '锂电池陶瓷隔膜', '2026-12-01T03:00:00.000Z'));
    index.upsert(patent('202010000003.1', '锂电池电解液', '2026-12-01T04:00:00.000Z'));
    index.upsert(
      patent('202010000004.1', '船舶防腐涂层', '2026-12-01T05:00:00.000Z', {
        classifications: ['C09D 5/08'],
      }),
    );
    // Not available: never alerted.
    index.upsert(
      patent('202010000005.1', '锂电池隔膜（已转让）', '2026-12-01T05:00:00.000Z', { lifecycle: 'assigned' }),
    );

    clock.set('2026-12-02T00:00:00Z');
    const outcome = await alerts();
    expect(outcome).toMatchObject({ day: '2026-12-02', enterprises: 1, mailed: 1 });
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.to).toEqual(['buyer@example.com']);
    // Per saved search (a hit has any of the words, best first): "隔膜" lists 002 and 003 (锂电池);
    // "电池 H01M" lists 002 and 003, not 004 (no word, and IPC C09D).
    expect(mail?.subject, mail?.text).toContain('新入库专利 4 件');
    expect(mail?.text).toContain('订阅“隔膜”（检索词：锂电池 隔膜）：2 件');
    expect(mail?.text).toContain('订阅“电池 H01M”（检索词：锂电池）：2 件');
    expect(mail?.text).toContain('202010000002.1');
    expect(mail?.text).toContain('202010000003.1');
    expect(mail?.text).not.toContain('202010000001.1');
    expect(mail?.text).not.toContain('202010000004.1');
    expect(mail?.text).not.toContain('202010000005.1');
    expect(mail?.text).toContain('匹配词');
    expect(mail?.text).toContain('IPC H01M 50/40');
    expect(mail?.text).toContain('示范大学');

    // The same day again: nothing (one email a day); the next day: only what entered since.
    expect((await alerts()).alreadyToday).toBe(1);
    index.upsert(patent('202010000006.1', '固态锂电池隔膜', '2026-12-02T06:00:00.000Z'));
    clock.set('2026-12-03T00:00:00Z');
    await alerts();
    expect(mails).toHaveLength(2);
    expect(mails[1]?.text).toContain('202010000006.1');
    expect(mails[1]?.text).not.toContain('202010000002.1');
    // Nothing new: no email at all.
    clock.set('2026-12-04T00:00:00Z');
    expect(await alerts()).toMatchObject({ mailed: 0, nothingNew: 1 });
    expect(mails).toHaveLength(2);
  });

  it('a patent that entered in the last minutes waits for the next alert (it may not be indexed yet)', async () => {
    const { deps, index, alerts, mails, clock } = setUp();
    await saveSearch(deps, ent(), input());
    index.upsert(patent('202010000007.1', '锂电池隔膜', '2026-12-02T01:55:00.000Z'));
    clock.set('2026-12-02T02:00:00Z');
    await alerts();
    expect(mails).toHaveLength(0);
    clock.set('2026-12-03T02:00:00Z');
    await alerts();
    expect(mails[0]?.text).toContain('202010000007.1');
  });

  it('waits as long as the engine says it takes to index: 15 s for the local engine, 10 minutes if it says nothing', async () => {
    const { deps, index, mails, clock, store } = setUp();
    await saveSearch(deps, ent(), input());
    index.upsert(patent('202010000008.1', '锂电池隔膜', '2026-12-02T01:59:40.000Z'));
    index.upsert(patent('202010000009.1', '锂电池隔膜基膜', '2026-12-02T01:59:50.000Z'));
    clock.set('2026-12-02T02:00:00Z');
    const local = { search: index.search.bind(index), indexingLagMs: 15_000 };
    const outcome = await sendSearchAlerts({ store, index: local, now: deps.now, portalUrl: 'https://p/' });
    expect(outcome.mailed).toBe(1);
    // Entered 20 s before the run: listed; 10 s before: in the next alert.
    expect(mails[0]?.text).toContain('202010000008.1');
    expect(mails[0]?.text).not.toContain('202010000009.1');
    clock.set('2026-12-03T02:00:00Z');
    await sendSearchAlerts({ store, index: local, now: deps.now, portalUrl: 'https://p/' });
    expect(mails[1]?.text).toContain('202010000009.1');
    expect(mails[1]?.text).not.toContain('202010000008.1');
  });

  it('patents entered after the window (not surely indexed) never crowd out those in it', async () => {
    const { deps, index, alerts, mails, clock } = setUp();
    await saveSearch(deps, ent(), input());
    // One weak match in the window; 25 strong ones in the last minutes, after the window's end; and
    // unrelated patents, so that the words are rare enough to count (BM25's idf).
    for (let i = 0; i < 60; i++)
      index.upsert(
        patent(`2020100002${String(i).padStart(2, '0')}.1`, '茶叶揉捻机', '2026-11-01T00:00:00.000Z'),
      );
    index.upsert(patent('202010000030.1', '锂电池隔膜的检测', '2026-12-01T12:00:00.000Z'));
    for (let i = 0; i < 25; i++)
      index.upsert(
        patent(
          `2020100001${String(i).padStart(2, '0')}.1`,
          '锂电池隔膜 锂电池隔膜 隔膜',
          '2026-12-02T01:55:00.000Z',
        ),
      );
    clock.set('2026-12-02T02:00:00Z');
    expect(await alerts()).toMatchObject({ mailed: 1 });
    expect(mails[0]?.text).toContain('202010000030.1');
    expect(mails[0]?.text).not.toContain('202010000100.1');
    // The next day: the 25, each once (at most 10 listed per search).
    clock.set('2026-12-03T02:00:00Z');
    await alerts();
    expect(mails[1]?.text).toContain('10 件');
    expect(mails[1]?.text).not.toContain('202010000030.1');
  });

  it('an enterprise no longer verified gets no alert, and no backlog later', async () => {
    const { deps, index, alerts, mails, clock, enterprises } = setUp();
    await saveSearch(deps, ent(), input());
    enterprises.set(E1, enterprise(E1, 'rejected', 'buyer@example.com'));
    index.upsert(patent('202010000008.1', '锂电池隔膜', '2026-12-01T03:00:00.000Z'));
    clock.set('2026-12-02T02:00:00Z');
    expect(await alerts()).toMatchObject({ skipped: 1, mailed: 0 });
    expect(mails).toHaveLength(0);
    enterprises.set(E1, enterprise(E1, 'verified', 'buyer@example.com'));
    clock.set('2026-12-03T02:00:00Z');
    await alerts();
    expect(mails).toHaveLength(0);
  });

  it('without a search engine (503) nothing is lost: the window stays, the next run covers it', async () => {
    const { deps, alerts: _unused, mails, clock, store, states } = setUp();
    await saveSearch(deps, ent(), input());
    const before = states.get(E1)?.alertedUntil;
    clock.set('2026-12-02T02:00:00Z');
    const { unconfiguredSearchIndex } = await import('../../functions/search/search-deps.ts');
    const outcome = await sendSearchAlerts({
      store,
      index: unconfiguredSearchIndex,
      now: deps.now,
      portalUrl: '',
    });
    expect(outcome.stopped).toMatch(/search unavailable/);
    expect(states.get(E1)?.alertedUntil).toBe(before);
    expect(mails).toHaveLength(0);
  });
});

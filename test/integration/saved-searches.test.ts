/**
 * Saved searches and alerts on the local cloud (issue 15 item 6): the routes (save, list, delete, the
 * bound, validation, roles) and the alert in the daily digest's run: ONE email to the enterprise listing
 * the patents new to the pool per saved search with why they matched, read from the local outbox as
 * test/integration/mail.test.ts reads it. Application numbers of year 2094, province 330000 (浙江):
 * no other integration file uses them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ParsedMail, simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { needItem } from '../../functions/needs/need-store.ts';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, cloud, eventually, tableName, token } from './helpers.ts';

const core = tableName('core');
const number = (serial: number) => {
  const body = `20941${String(serial).padStart(7, '0')}`;
  return `${body}.${applicationCheckCharacter(body)}`;
};
const PROVINCE = '330000';
const INST = withUsccCheck('12330000ALRTX0001');
const ENT = withUsccCheck('91330000ALRTX0002');
const PENDING = withUsccCheck('91330000ALRTX0003');
const EMAIL = 'alerts-buyer@example.com';
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

async function put(item: Record<string, unknown>) {
  await clients().documents.send(new PutCommand({ TableName: core, Item: item }));
}

const patentItem = (n: string, title: string, inventoriedAt: string, classifications: string[]) => ({
  pk: `PAT#${n}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: n,
  title,
  abstract: `${title}：钙钛矿晶硅叠层组件的关键工艺。`,
  patentType: 'invention',
  applicationDate: '2021-03-01',
  legalStatus: 'valid',
  institutionUscc: INST,
  provinceCode: PROVINCE,
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  lifecycle: 'listed',
  department: '光伏学院',
  inventors: ['赵六'],
  publiclyFunded: false,
  implementationStatus: 'not-implemented',
  conversionIntents: ['license'],
  strategicIndustries: [],
  classifications,
  incrementalStock: false,
  inventoriedAt,
  createdAt: inventoriedAt,
  createdBy: 'test',
  updatedAt: inventoriedAt,
  updatedBy: 'test',
  version: 3,
});

const NEW_MATCH = number(1); // new to the pool, matches words and IPC
const NEW_OTHER_IPC = number(2); // new, matches the words, not the IPC filter of the second search
const OLD = number(3); // in the pool before the window
const UNRELATED = number(4); // new, no word in common

let ent: string;
let pending: string;
let inst: string;

beforeAll(async () => {
  await put({
    pk: `INST#${INST}`,
    sk: 'PROFILE',
    entity: 'institution',
    uscc: INST,
    name: '订阅测试大学',
    provinceCode: PROVINCE,
    version: 1,
  });
  for (const [uscc, status] of [
    [ENT, 'verified'],
    [PENDING, 'pending'],
  ] as const)
    await put({
      pk: `ENT#${uscc}`,
      sk: 'PROFILE',
      entity: 'enterprise',
      uscc,
      name: `订阅测试企业 ${uscc.slice(-4)}`,
      provinceCode: PROVINCE,
      types: ['high-tech'],
      industryCodes: [],
      strategicIndustries: [],
      ipcInterests: [],
      contact: { name: '钱经理', email: status === 'verified' ? EMAIL : 'pending@example.com' },
      status,
      usccChecksumValid: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
    });
  await put(patentItem(NEW_MATCH, '钙钛矿叠层太阳能电池的钝化方法', hoursAgo(2), ['H10K 30/50']));
  await put(patentItem(NEW_OTHER_IPC, '钙钛矿叠层电池组件封装结构', hoursAgo(3), ['H02S 40/34']));
  await put(patentItem(OLD, '钙钛矿叠层电池的制备方法', hoursAgo(60), ['H10K 30/50']));
  await put({
    ...patentItem(UNRELATED, '一种茶叶揉捻机', hoursAgo(2), ['A23F 3/12']),
    abstract: '茶叶加工设备。',
  });
  ent = await token('enterprise', { org: ENT, province: PROVINCE });
  pending = await token('enterprise', { org: PENDING, province: PROVINCE });
  inst = await token('institution', { org: INST, province: PROVINCE });
  // The patents are searchable (the stream feeds the engine) before any alert runs.
  await eventually(async () => {
    const found = await api(`/v1/search/patents?q=${encodeURIComponent('钙钛矿叠层')}&limit=50`, {
      token: inst,
    });
    return [NEW_MATCH, NEW_OTHER_IPC, OLD].every((n) => found.text.includes(n)) ? found : undefined;
  }, 60_000);
}, 120_000);

describe('saved searches: the routes', () => {
  it('a verified enterprise saves, lists and deletes; a pending one and other roles get 403', async () => {
    const saved = await api('/v1/saved-searches', {
      method: 'POST',
      token: ent,
      body: { name: '临时订阅', q: '茶叶 揉捻' },
    });
    expect(saved.status, saved.text).toBe(201);
    expect(saved.json).toMatchObject({ name: '临时订阅', q: '茶叶 揉捻', enterpriseUscc: ENT });
    const id = saved.json.savedSearchId as string;
    const list = await api('/v1/saved-searches', { token: ent });
    expect(list.status).toBe(200);
    expect(list.json.items.map((s: { savedSearchId: string }) => s.savedSearchId)).toContain(id);
    expect(list.json.limit).toBe(20);

    const refused = await api('/v1/saved-searches', { method: 'POST', token: pending, body: { q: '茶叶' } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain('verified');
    expect(
      (await api('/v1/saved-searches', { method: 'POST', token: inst, body: { q: '茶叶' } })).status,
    ).toBe(403);

    const deleted = await api(`/v1/saved-searches/${id}`, { method: 'DELETE', token: ent });
    expect(deleted.status, deleted.text).toBe(204);
    expect((await api(`/v1/saved-searches/${id}`, { method: 'DELETE', token: ent })).status).toBe(404);
  });

  it('is validated as GET /v1/search/patents: empty, 10,000 characters, punctuation only, a bad IPC', async () => {
    const post = (body: unknown) => api('/v1/saved-searches', { method: 'POST', token: ent, body });
    const empty = await post({ q: '' });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.json.error.details)).toContain('send the words to search for');
    const long = await post({ q: '电'.repeat(10_000) });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.json.error.details)).toMatch(/at most 200 characters/);
    const punctuation = await post({ q: '？！……🔋' });
    expect(punctuation.status).toBe(400);
    expect(punctuation.json.error.message).toContain('no words to search for');
    expect((await post({ q: '电池', ipc: 'H01M OR *' })).status).toBe(400);
  });
});

describe('saved-search alerts in the daily run', () => {
  async function outboxFor(to: string): Promise<ParsedMail[]> {
    const dir = join(cloud().dataDir, 'outbox');
    const found: ParsedMail[] = [];
    for (const file of (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'))) {
      const parsed = await simpleParser(await readFile(join(dir, file)));
      if (parsed.to && 'text' in parsed.to && parsed.to.text === to && parsed.subject?.includes('新入库专利'))
        found.push(parsed);
    }
    return found;
  }

  it('one email lists the new patents per saved search and per open need (pool -> needs), with why; a second run sends none', async () => {
    // An open need of the enterprise, opened before the window: new patents are matched with it too.
    const needId = `alert-need-${Date.now()}`;
    await put(
      needItem({
        needId,
        kind: 'need',
        title: '钙钛矿叠层电池钝化技术',
        description: '寻求钙钛矿晶硅叠层电池的界面钝化技术，提高组件效率。',
        industryCodes: [],
        strategicIndustries: [],
        ipcInterests: ['H10K'],
        enterpriseUscc: ENT,
        enterpriseName: `订阅测试企业 ${ENT.slice(-4)}`,
        provinceCode: PROVINCE,
        status: 'open',
        proposalCount: 0,
        reviewedAt: hoursAgo(30),
        createdAt: hoursAgo(31),
        createdBy: 'test',
        updatedAt: hoursAgo(30),
        version: 2,
      }),
    );
    // 揭榜 before any search is saved: saving one later must not hide it from the first alert.
    await put({
      pk: `NEED#${needId}`,
      sk: `PROPOSAL#${NEW_MATCH}`,
      entity: 'need-proposal',
      needId,
      applicationNumber: NEW_MATCH,
      institutionUscc: INST,
      institutionName: '订阅测试大学',
      patentTitle: '钙钛矿叠层太阳能电池的钝化方法',
      message: '本校钝化工艺已完成中试',
      createdAt: hoursAgo(20),
      createdBy: 'test',
    });
    for (const body of [
      { name: '叠层光伏', q: '钙钛矿 叠层' },
      { name: '叠层光伏 H10K', q: '钙钛矿叠层', ipc: 'H10K' },
    ]) {
      const saved = await api('/v1/saved-searches', { method: 'POST', token: ent, body });
      expect(saved.status, saved.text).toBe(201);
      // As if it had been saved a day ago: its window opens then (OLD entered before it).
      await clients().documents.send(
        new UpdateCommand({
          TableName: core,
          Key: { pk: `ENT#${ENT}`, sk: `SAVEDSEARCH#${saved.json.savedSearchId}` },
          UpdateExpression: 'SET createdAt = :at',
          ExpressionAttributeValues: { ':at': hoursAgo(24) },
        }),
      );
    }
    // Saving opened no window of the enterprise's own (its needs' proposals would fall before it).
    const { Item: state } = await clients().documents.send(
      new GetCommand({ TableName: core, Key: { pk: `ENT#${ENT}`, sk: 'ALERTS' } }),
    );
    expect(state).toMatchObject({ searches: 2 });
    expect(state?.alertedUntil).toBeUndefined();
    const fire = async () => {
      const response = await fetch(`${cloud().controlUrl}/_local/schedules/evaluation-digest/fire`, {
        method: 'POST',
        body: JSON.stringify({ payload: { day: '2001-01-01' } }),
      });
      return (await response.json()) as { ok: boolean; result: { searchAlerts: { mailed: number } } };
    };
    const first = await fire();
    expect(first.ok, JSON.stringify(first)).toBe(true);
    expect(first.result.searchAlerts.mailed).toBeGreaterThanOrEqual(1);

    const [mail] = await eventually(async () => {
      const found = await outboxFor(EMAIL);
      return found.length ? found : undefined;
    }, 20_000);
    expect(mail?.subject).toMatch(/新入库专利 \d+ 件/);
    const text = mail?.text ?? '';
    expect(text).toContain('订阅“叠层光伏”（检索词：钙钛矿 叠层）：2 件');
    expect(text).toContain('订阅“叠层光伏 H10K”（检索词：钙钛矿叠层）：1 件');
    expect(text).toContain(NEW_MATCH);
    expect(text).toContain(NEW_OTHER_IPC);
    expect(text).not.toContain(OLD);
    expect(text).not.toContain(UNRELATED);
    expect(text).toContain('匹配词');
    expect(text).toContain('IPC H10K 30/50');
    expect(text).toContain('订阅测试大学');
    // The need's section, in the same email: the new patent sharing its IPC, with why; kept on the need.
    expect(text).toContain('您的技术需求“钙钛矿叠层电池钝化技术”：新入库专利');
    expect(text).toContain('您的技术需求“钙钛矿叠层电池钝化技术”：高校院所揭榜提出专利 1 件');
    expect(text).toContain('本校钝化工艺已完成中试');
    expect(text).not.toContain('available');
    const matches = await api(`/v1/needs/${needId}/matches?limit=100`, { token: ent });
    expect(matches.status, matches.text).toBe(200);
    const match = matches.json.items.find(
      (m: { applicationNumber: string }) => m.applicationNumber === NEW_MATCH,
    );
    expect(match, matches.text).toMatchObject({ direction: 'pool-to-need', institutionUscc: INST });
    expect(match.reasons.codes).toEqual([{ facet: 'ipc', need: 'H10K', patent: 'H10K 30/50' }]);
    expect(matches.text).not.toContain(OLD);
    expect(matches.text).not.toContain(UNRELATED);

    await fire();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await outboxFor(EMAIL)).toHaveLength(1);
  });
});

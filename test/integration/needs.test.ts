/**
 * Enterprise technology needs on the local cloud (issue 15 items 4 and 5): posted by a verified
 * enterprise, reviewed by its province, answered by institutions proposing their patents (揭榜), seen by
 * the enterprise, fulfilled; matched with the pool when it opens (item 5); every step versioned and audited. Provinces 370000 (山东) and 410000 (河南),
 * application numbers of year 2097: no other integration file uses them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { needItem } from '../../functions/needs/need-store.ts';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import type { Need } from '../../schemas/need.ts';
import {
  api,
  clients,
  cloud,
  csvOf,
  errorReportErrors,
  eventually,
  tableName,
  token,
  uploadBatch,
  waitForJob,
} from './helpers.ts';

const core = tableName('core');
const number = (serial: number) => {
  const body = `20971${String(serial).padStart(7, '0')}`;
  return `${body}.${applicationCheckCharacter(body)}`;
};
const PROVINCE = '370000';
const OTHER_PROVINCE = '410000';
const INST = withUsccCheck('12370000NEEDX0001');
const OTHER_INST = withUsccCheck('12370000NEEDX0002');
const ENT = withUsccCheck('91370000NEEDX0003');
const PENDING = withUsccCheck('91370000NEEDX0004');
const OWN = number(1);
const FOREIGN = number(2);

async function put(item: Record<string, unknown>) {
  await clients().documents.send(new PutCommand({ TableName: core, Item: item }));
}

const patentItem = (n: string, institutionUscc: string) => ({
  pk: `PAT#${n}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: n,
  title: `一种船舶防腐涂层及其制备方法 ${n}`,
  abstract: '本发明公开了一种石墨烯改性的船舶防腐涂层，耐盐雾超过三千小时。',
  patentType: 'invention',
  applicationDate: '2020-03-01',
  legalStatus: 'valid',
  institutionUscc,
  provinceCode: PROVINCE,
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  lifecycle: 'listed',
  department: '材料学院',
  inventors: ['李四'],
  publiclyFunded: false,
  implementationStatus: 'not-implemented',
  conversionIntents: ['license'],
  strategicIndustries: [],
  classifications: ['C09D 5/08'],
  incrementalStock: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'test',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'test',
  version: 5,
});

let ent: string;
let pending: string;
let inst: string;
let admin: string;
let otherAdmin: string;
const need = {
  title: '海洋工程装备长效防腐涂层',
  description: '我司需要一种在海水环境下寿命十年以上的防腐涂层技术，用于海上风电塔筒。',
  expectedOutcome: '耐盐雾 3000 小时以上',
  ipcInterests: ['C09D'],
  kind: 'challenge',
  rewardYuan: 800000,
  deadline: '2099-06-30',
};

beforeAll(async () => {
  for (const uscc of [INST, OTHER_INST])
    await put({
      pk: `INST#${uscc}`,
      sk: 'PROFILE',
      entity: 'institution',
      uscc,
      name: `需求测试大学 ${uscc.slice(-4)}`,
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
      name: `需求测试企业 ${uscc.slice(-4)}`,
      provinceCode: PROVINCE,
      types: ['high-tech'],
      industryCodes: [],
      strategicIndustries: [],
      ipcInterests: ['C09D'],
      contact: { name: '王经理', email: 'wang@example.com' },
      status,
      usccChecksumValid: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
    });
  await put(patentItem(OWN, INST));
  await put(patentItem(FOREIGN, OTHER_INST));
  ent = await token('enterprise', { org: ENT, province: PROVINCE });
  pending = await token('enterprise', { org: PENDING, province: PROVINCE });
  inst = await token('institution', { org: INST, province: PROVINCE });
  admin = await token('province-admin', { province: PROVINCE });
  otherAdmin = await token('province-admin', { province: OTHER_PROVINCE });
  // The patents are in the search index (fed by the stream) before any need opens and is matched.
  await eventually(async () => {
    const found = await api(`/v1/search/patents?q=${encodeURIComponent('船舶防腐涂层')}`, { token: inst });
    return found.text.includes(OWN) ? found : undefined;
  }, 60_000);
}, 120_000);

describe('technology needs: post, review, propose (揭榜), fulfil', () => {
  it('runs end to end, versioned, with an audit entry per step', async () => {
    const posted = await api('/v1/needs', { method: 'POST', token: ent, body: need });
    expect(posted.status, posted.text).toBe(201);
    expect(posted.json).toMatchObject({
      status: 'pending',
      kind: 'challenge',
      enterpriseUscc: ENT,
      version: 1,
    });
    const id = posted.json.needId as string;

    // Not public before the review; another province's administrator does not see it either.
    expect((await api(`/v1/needs/${id}`, { token: inst })).status).toBe(404);
    expect(
      (
        await api(`/v1/needs/${id}/review`, {
          method: 'POST',
          token: otherAdmin,
          body: { decision: 'approved' },
        })
      ).status,
    ).toBe(404);
    const queue = await api('/v1/needs?status=pending', { token: admin });
    expect(queue.json.items.map((n: { needId: string }) => n.needId)).toContain(id);

    const approved = await api(`/v1/needs/${id}/review`, {
      method: 'POST',
      token: admin,
      body: { decision: 'approved', comment: '符合揭榜挂帅条件', expectedVersion: 1 },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ status: 'open', version: 2, reviewComment: '符合揭榜挂帅条件' });

    // Opening matched it with the pool (search + codes): the institutions' patents pushed, with why.
    const matches = await api(`/v1/needs/${id}/matches?limit=100`, { token: ent });
    expect(matches.status, matches.text).toBe(200);
    const ownMatch = matches.json.items.find(
      (m: { applicationNumber: string }) => m.applicationNumber === OWN,
    );
    expect(ownMatch, matches.text).toMatchObject({ institutionUscc: INST, need: { title: need.title } });
    expect(ownMatch.reasons.terms.length).toBeGreaterThan(0);
    expect(ownMatch.explanationZh).toContain('企业需求');
    const mine = await api(`/v1/needs/${id}/matches?limit=100`, { token: inst });
    expect(mine.json.items.every((m: { institutionUscc: string }) => m.institutionUscc === INST)).toBe(true);

    const open = await api('/v1/needs?limit=100', { token: inst });
    expect(open.json.items.map((n: { needId: string }) => n.needId)).toContain(id);

    const proposed = await api(`/v1/needs/${id}/proposals`, {
      method: 'POST',
      token: inst,
      body: { applicationNumbers: [OWN], message: '本校石墨烯防腐涂层专利已完成中试。' },
    });
    expect(proposed.status, proposed.text).toBe(201);
    expect(proposed.json.created).toHaveLength(1);

    const proposals = await api(`/v1/needs/${id}/proposals`, { token: ent });
    expect(proposals.status).toBe(200);
    expect(proposals.json.items).toEqual([
      expect.objectContaining({
        applicationNumber: OWN,
        institutionUscc: INST,
        message: '本校石墨烯防腐涂层专利已完成中试。',
      }),
    ]);
    expect((await api(`/v1/needs/${id}`, { token: ent })).json.proposalCount).toBe(1);

    // The funnel: the proposed patent is asked about, then the negotiation opens.
    const funnel = async () => {
      const response = await api(`/v1/needs/${id}/funnel`, { token: ent });
      expect(response.status, response.text).toBe(200);
      return response.json;
    };
    expect(await funnel()).toMatchObject({ proposed: 1, proposingInstitutions: 1, interest: 0, deal: 0 });
    const asked = await api(`/v1/patents/${OWN}/interest`, {
      method: 'POST',
      token: ent,
      body: { message: '希望就石墨烯防腐涂层专利洽谈普通许可。', foundVia: 'other' },
    });
    expect(asked.status, asked.text).toBe(201);
    expect(await funnel()).toMatchObject({ interest: 1, negotiation: 0 });
    const accepted = await api(`/v1/interests/${asked.json.interestId}/decision`, {
      method: 'POST',
      token: inst,
      body: { decision: 'accept', contact: { name: '技术转移中心', email: 'tto@need.example.edu.cn' } },
    });
    expect(accepted.status, accepted.text).toBe(200);
    const counted = await funnel();
    expect(counted).toMatchObject({
      needId: id,
      status: 'open',
      interest: 1,
      negotiation: 1,
      complete: true,
    });
    expect(counted.patents).toBe(
      new Set([OWN, ...matches.json.items.map((m: { applicationNumber: string }) => m.applicationNumber)])
        .size,
    );
    expect((await api(`/v1/needs/${id}/funnel`, { token: inst })).status).toBe(403);
    expect((await api(`/v1/needs/${id}/funnel`, { token: otherAdmin })).status).toBe(404);

    const fulfilled = await api(`/v1/needs/${id}/closure`, {
      method: 'POST',
      token: ent,
      body: { outcome: 'fulfilled', comment: '已与需求测试大学签约' },
    });
    expect(fulfilled.status, fulfilled.text).toBe(200);
    expect(fulfilled.json.status).toBe('fulfilled');

    const { Items = [] } = await clients().documents.send(
      new QueryCommand({
        TableName: core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `NEED#${id}`, ':audit': 'AUDIT#' },
        ConsistentRead: true,
      }),
    );
    expect([...new Set(Items.map((i) => i.action))].sort()).toEqual(
      ['need.approved', 'need.fulfilled', 'need.matched', 'need.posted', 'need.proposed'].sort(),
    );
    // Eight functions start cold here, one after the other.
  }, 300_000);
});

describe('POST /v1/needs with an Idempotency-Key', () => {
  const enterpriseNeeds = async () =>
    (await api('/v1/needs?limit=100', { token: ent })).json.items as Array<{ needId: string; title: string }>;

  it('a replay answers the first need (200) and posts nothing more; another body with the key is 409', async () => {
    const body = { ...need, title: '重放测试：海工防腐涂层需求' };
    const send = (b: Record<string, unknown>) =>
      api('/v1/needs', {
        method: 'POST',
        token: ent,
        headers: { 'Idempotency-Key': 'need-replay-1' },
        body: b,
      });
    const first = await send(body);
    expect(first.status, first.text).toBe(201);
    const second = await send(body);
    expect(second.status, second.text).toBe(200);
    expect(second.json).toEqual(first.json);
    expect((await enterpriseNeeds()).filter((n) => n.title === body.title)).toHaveLength(1);
    const changed = await send({ ...body, description: '另一段描述：同一个键，不同的内容，应当被拒绝。' });
    expect(changed.status).toBe(409);
    expect(changed.json.error.message).toContain('new key');
    const { Items = [] } = await clients().documents.send(
      new QueryCommand({
        TableName: core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `NEED#${first.json.needId}`, ':audit': 'AUDIT#' },
      }),
    );
    expect(Items.map((i) => i.action)).toEqual(['need.posted']);
  });

  it('concurrent duplicates post one need', async () => {
    const body = { ...need, title: '并发测试：海工防腐涂层需求' };
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        api('/v1/needs', {
          method: 'POST',
          token: ent,
          headers: { 'Idempotency-Key': 'need-concurrent-1' },
          body,
        }),
      ),
    );
    for (const answer of answers) expect([200, 201], answer.text).toContain(answer.status);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.json.needId)).size).toBe(1);
    expect((await enterpriseNeeds()).filter((n) => n.title === body.title)).toHaveLength(1);
  });
});

describe('needs past their deadline', () => {
  it('the daily job closes an open need past its deadline (expired, audited by the system), keeps its proposals and mails the enterprise once', async () => {
    const needId = `expiry-${Date.now()}`;
    const at = '2026-01-02T00:00:00.000Z';
    const open: Need = {
      needId,
      kind: 'challenge',
      title: '到期测试：船舶防腐涂层揭榜',
      description: '到期关闭的集成测试需求，截止日期已过。',
      industryCodes: [],
      strategicIndustries: [],
      ipcInterests: ['C09D'],
      rewardYuan: 1000,
      deadline: '2026-01-31',
      enterpriseUscc: ENT,
      enterpriseName: `需求测试企业 ${ENT.slice(-4)}`,
      provinceCode: PROVINCE,
      status: 'open',
      proposalCount: 1,
      createdAt: at,
      createdBy: 'test',
      updatedAt: at,
      version: 3,
    };
    await put(needItem(open));
    await put({
      pk: `NEED#${needId}`,
      sk: `PROPOSAL#${OWN}`,
      entity: 'need-proposal',
      needId,
      applicationNumber: OWN,
      institutionUscc: INST,
      institutionName: '需求测试大学',
      patentTitle: '防腐涂层',
      message: '到期前提出',
      createdAt: at,
      createdBy: 'test',
    });
    // The schedule of the daily digest; a day without pushes, so that only the expiry acts here.
    const fire = async () => {
      const response = await fetch(`${cloud().controlUrl}/_local/schedules/evaluation-digest/fire`, {
        method: 'POST',
        body: JSON.stringify({ payload: { day: '2001-01-01' } }),
      });
      return (await response.json()) as { ok: boolean; result: { needsExpired: { expired: number } } };
    };
    const first = await fire();
    expect(first.ok, JSON.stringify(first)).toBe(true);
    expect(first.result.needsExpired.expired).toBeGreaterThanOrEqual(1);

    const { Item } = await clients().documents.send(
      new GetCommand({ TableName: core, Key: { pk: `NEED#${needId}`, sk: 'NEED' } }),
    );
    expect(Item).toMatchObject({ status: 'closed', closeReason: 'expired', version: 4 });
    expect(Item?.gsi3pk).toBeUndefined(); // no longer listed as open
    const read = await api(`/v1/needs/${needId}`, { token: ent });
    expect(read.status, read.text).toBe(200);
    expect(read.json).toMatchObject({ status: 'closed', closeReason: 'expired' });
    const proposals = await api(`/v1/needs/${needId}/proposals`, { token: ent });
    expect(proposals.json.items).toHaveLength(1);
    const { Items = [] } = await clients().documents.send(
      new QueryCommand({
        TableName: core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `NEED#${needId}`, ':audit': 'AUDIT#' },
      }),
    );
    expect(Items.map((i) => [i.action, i.actor])).toEqual([['need.expired', 'system:need-deadline']]);

    const mails = async () => {
      const dir = join(cloud().dataDir, 'outbox');
      const found = [];
      for (const file of (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'))) {
        const parsed = await simpleParser(await readFile(join(dir, file)));
        if (parsed.subject?.includes(open.title)) found.push(parsed);
      }
      return found;
    };
    const [mail] = await eventually(async () => ((await mails()).length ? mails() : undefined), 20_000);
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toBe('wang@example.com');
    expect(mail?.text).toContain('2026-01-31');

    // A second run closes and mails nothing more.
    await fire();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await mails()).toHaveLength(1);
  });
});

describe('technology needs: bad input', () => {
  it('refuses a reward below 0 (400 naming the field)', async () => {
    const response = await api('/v1/needs', {
      method: 'POST',
      token: ent,
      body: { ...need, rewardYuan: -1 },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual([
      expect.objectContaining({ in: 'body', field: 'rewardYuan', message: expect.stringMatching(/below 0/) }),
    ]);
  });

  it('refuses a deadline in the past (400 saying what to give)', async () => {
    const response = await api('/v1/needs', {
      method: 'POST',
      token: ent,
      body: { ...need, deadline: '2020-01-01' },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(/in the past.*give a date from today on/);
  });

  it('refuses an unverified (pending) enterprise (403 naming its status)', async () => {
    const response = await api('/v1/needs', { method: 'POST', token: pending, body: need });
    expect(response.status).toBe(403);
    expect(response.json.error.message).toMatch(/is pending.*verified/);
  });

  it("refuses an institution proposing another institution's patent, and writes nothing", async () => {
    const posted = await api('/v1/needs', {
      method: 'POST',
      token: admin,
      body: { ...need, enterpriseUscc: ENT },
    });
    expect(posted.status, posted.text).toBe(201);
    const id = posted.json.needId as string;
    const response = await api(`/v1/needs/${id}/proposals`, {
      method: 'POST',
      token: inst,
      body: { applicationNumbers: [OWN, FOREIGN], message: '两项专利' },
    });
    expect(response.status).toBe(403);
    expect(response.json.error.message).toMatch(/not your institution's.*own patents only/);
    expect((await api(`/v1/needs/${id}/proposals`, { token: ent })).json.items).toEqual([]);
  });

  it('a rejection needs a comment', async () => {
    const posted = await api('/v1/needs', { method: 'POST', token: ent, body: need });
    const response = await api(`/v1/needs/${posted.json.needId}/review`, {
      method: 'POST',
      token: admin,
      body: { decision: 'rejected' },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(/add "comment"/);
  });
});

describe('GET /v1/search/needs: Chinese full-text search of needs, through the same engine', () => {
  const search = (q: string, bearer: string) =>
    api(`/v1/search/needs?q=${encodeURIComponent(q)}`, { token: bearer });

  it('finds an open need by its words (traditional characters too), with highlights and reasons; a pending one only for its enterprise', async () => {
    const open = await api('/v1/needs', {
      method: 'POST',
      token: admin,
      body: { ...need, title: '盐雾环境下的风电塔筒防腐技术', enterpriseUscc: ENT },
    });
    const waiting = await api('/v1/needs', {
      method: 'POST',
      token: ent,
      body: { ...need, title: '盐雾环境下的风电塔筒防腐技术（待审）' },
    });
    const openId = open.json.needId as string;
    const waitingId = waiting.json.needId as string;
    const hit = await eventually(async () => {
      const response = await search('風電塔筒 防腐', inst);
      return response.json?.items?.find((i: { need: { needId: string } }) => i.need.needId === openId);
    });
    expect(hit.highlights.map((h: { field: string }) => h.field)).toContain('title');
    expect(hit.reasons.terms.length).toBeGreaterThan(0);
    expect(hit.reasons.filters).toContainEqual(expect.objectContaining({ filter: 'open' }));
    const forInstitution = await search('风电塔筒 防腐', inst);
    expect(forInstitution.text).not.toContain(waitingId);
    const forEnterprise = await eventually(async () => {
      const response = await search('风电塔筒 防腐', ent);
      return response.text.includes(waitingId) ? response : undefined;
    });
    expect(
      forEnterprise.json.items.every(
        (i: { need: { enterpriseUscc: string } }) => i.need.enterpriseUscc === ENT,
      ),
    ).toBe(true);
  });

  it('an empty query is a 400 saying what to send', async () => {
    const response = await api('/v1/search/needs?q=', { token: inst });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain('query q');
    expect(JSON.stringify(response.json.error.details)).toMatch(
      /send the words to search for, e\.g\. \?q=防腐涂层/,
    );
  });

  it('a 10,000-character query is refused with the limit (400), never searched', async () => {
    // ASCII: a 10,000-character Chinese query is 90 KB once percent-encoded, refused by the HTTP layer
    // (431) before any function; the schema's bound on it is a unit test (test/unit/needs.test.ts).
    const response = await search('a'.repeat(10_000), inst);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json.error.details)).toMatch(/at most 200 characters/);
  });
});

describe('technology needs in bulk: the template through the intake (a province administrator)', () => {
  const csv = (rows: string[][]) => csvOf(rows, { bom: true });
  const upload = (bearer: string, body: Buffer) =>
    uploadBatch(bearer, 'needs', PROVINCE, '技术需求.csv', body);

  it('serves the template; good rows are posted open (matched), bad rows reported; the same file again posts nothing', async () => {
    const xlsx = await fetch(`${cloud().apiUrl}/v1/templates/needs.xlsx`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets[0]!.getRow(1).values).toEqual(
      expect.arrayContaining([
        '企业统一社会信用代码',
        '需求类型',
        '需求名称',
        '需求描述',
        '悬赏金额（元）',
        '截止日期',
      ]),
    );
    // An enterprise posts its own needs through the API, not in bulk.
    const refused = await api('/v1/uploads', {
      method: 'POST',
      token: ent,
      body: { fileName: 'x.csv', sizeBytes: 10, kind: 'needs' },
    });
    expect(refused.status).toBe(403);

    const file = Buffer.from(
      csv([
        [
          '序号',
          '企业统一社会信用代码',
          '需求类型',
          '需求名称',
          '需求描述',
          '关注的IPC分类',
          '悬赏金额（元）',
          '截止日期',
        ],
        [
          '1',
          ENT,
          '揭榜挂帅',
          '批量揭榜：海洋平台长效防腐涂层',
          '海上平台钢结构腐蚀严重，需要十年以上的长效防腐涂层方案。',
          'C09D',
          '50万元',
          '2030/6/30',
        ],
        [
          '2',
          ENT,
          '',
          '批量需求：船舶涂层在线检测',
          '需要在船舶坞修期间快速检测涂层厚度与破损的技术。',
          '',
          '',
          '',
        ],
        [
          '3',
          PENDING,
          '技术需求',
          '批量需求：未审核企业',
          '该企业尚未通过审核，这一行不应发布。',
          '',
          '',
          '',
        ],
        [
          '4',
          ENT,
          '揭榜',
          '批量揭榜：没有截止日期',
          '揭榜挂帅须写明截止日期，这一行应被拒绝。',
          '',
          '100000',
          '',
        ],
        ['5', ENT, '', '批量需求：截止日期已过', '截止日期早于今天，这一行应被拒绝。', '', '', '2020-01-01'],
        ['6', '123', '', '批量需求：代码错误', '统一社会信用代码不正确，这一行应被拒绝。', '', '', ''],
      ]),
    );
    const jobId = await upload(admin, file);
    const job = await waitForJob(jobId, admin, 60_000);
    expect(job).toMatchObject({
      status: 'succeeded',
      kind: 'needs',
      provinceCode: PROVINCE,
      rowsTotal: 6,
      rowsAccepted: 2,
      rowsRejected: 4,
    });
    expect(await errorReportErrors(job.errorReportUrl)).toEqual([
      ['4', '企业统一社会信用代码', 'NEED_REFUSED'],
      ['5', '截止日期', 'CHALLENGE_TERMS'],
      ['6', '截止日期', 'DEADLINE_IN_PAST'],
      ['7', '企业统一社会信用代码', 'INVALID_USCC'],
    ]);
    const mine = await api('/v1/needs?limit=100', { token: ent });
    const posted = (mine.json.items as Need[]).filter((n) => n.title.startsWith('批量'));
    expect(posted.map((n) => [n.title, n.kind, n.status, n.rewardYuan, n.deadline]).sort()).toEqual([
      ['批量揭榜：海洋平台长效防腐涂层', 'challenge', 'open', 500000, '2030-06-30'],
      ['批量需求：船舶涂层在线检测', 'need', 'open', undefined, undefined],
    ]);
    const challenge = posted.find((n) => n.kind === 'challenge')!;
    expect(challenge.ipcInterests).toEqual(['C09D']);
    // Opened, it was matched with the pool as POST /v1/needs matches it.
    const matches = await api(`/v1/needs/${challenge.needId}/matches?limit=100`, { token: ent });
    expect(matches.json.items.map((m: { applicationNumber: string }) => m.applicationNumber)).toContain(OWN);

    const again = await waitForJob(await upload(admin, file), admin, 60_000);
    expect(again).toMatchObject({ status: 'succeeded', rowsAccepted: 0, rowsUnchanged: 2, rowsRejected: 4 });
    const after = await api('/v1/needs?limit=100', { token: ent });
    expect((after.json.items as Need[]).filter((n) => n.title.startsWith('批量'))).toHaveLength(2);
  }, 180_000);
});

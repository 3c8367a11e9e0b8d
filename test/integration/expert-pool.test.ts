/**
 * The expert pool on the local cloud (issue 15 item 7): experts register, the province verifies them,
 * enterprises list them by field without contacts, commission one for a patent; the expert accepts
 * (the contact reaches the requester, the request is in its inbox) and delivers the evaluation through
 * the existing route. Province 460000 (海南) experts and application numbers of year 2093: no other
 * integration file uses them.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, tableName, token } from './helpers.ts';

const core = tableName('core');
const number = (serial: number) => {
  const body = `20931${String(serial).padStart(7, '0')}`;
  return `${body}.${applicationCheckCharacter(body)}`;
};
const PROVINCE = '460000';
const INST = withUsccCheck('12460000EXPRT0001');
const OTHER_ORG = withUsccCheck('12460000EXPRT0002');
const ENT = withUsccCheck('91460000EXPRT0003');
const PENDING_ENT = withUsccCheck('91460000EXPRT0004');
const LISTED = number(1);
const LAPSED = number(2);
const ASSIGNED = number(3);
const BASE = number(4);
const FREE = 'pool-expert-free';
const OWN = 'pool-expert-own';
const WAITING = 'pool-expert-waiting';

async function put(item: Record<string, unknown>) {
  await clients().documents.send(new PutCommand({ TableName: core, Item: item }));
}
async function item(pk: string, sk: string) {
  const { Item } = await clients().documents.send(
    new GetCommand({ TableName: core, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item;
}
async function audit(pk: string) {
  const { Items } = await clients().documents.send(
    new QueryCommand({
      TableName: core,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': pk, ':audit': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((i) => i.action as string);
}

const patentItem = (n: string, fields: Record<string, unknown> = {}) => ({
  pk: `PAT#${n}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: n,
  title: `专家库测试 ${n}`,
  patentType: 'invention',
  applicationDate: '2020-03-01',
  legalStatus: 'valid',
  institutionUscc: INST,
  provinceCode: PROVINCE,
  industryCode: '3841',
  strategicIndustries: [],
  classifications: ['H01M 4/525'],
  conversionIntents: ['license'],
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  lifecycle: 'under-evaluation',
  evaluationStatus: 'open',
  evaluationOpenedAt: '2093-01-02T00:00:00.000Z',
  evaluationDeadline: '2095-06-01T00:00:00.000Z',
  version: 5,
  gsi1pk: `INST#${INST}#PAT`,
  gsi1sk: n,
  ...fields,
});
const expertBody = (affiliationUscc: string) => ({
  name: '林专家',
  title: '教授级高级工程师',
  affiliationUscc,
  affiliationName: '海南某研究院',
  provinceCode: PROVINCE,
  industryCodes: ['3841'],
  ipcInterests: ['H01M 4'],
  email: 'lin@example.org',
  phone: '0898-12345678',
});
const evaluation = {
  industrializationProspect: 4,
  maturityTrl: 6,
  improvementNeeds: { categories: ['pilot-scale-up'], text: '需要中试验证' },
  cooperationIntents: ['license'],
  reasonCodes: [],
  consentToShareIdentity: false,
};
const ask = { applicationNumber: LISTED, message: '请评估该专利在动力电池领域的产业化前景。' };

let admin: string;
let otherAdmin: string;
let ent: string;
let pendingEnt: string;
let inst: string;
const experts: Record<string, string> = {};

beforeAll(async () => {
  await put({
    pk: `INST#${INST}`,
    sk: 'PROFILE',
    entity: 'institution',
    uscc: INST,
    name: '海南专家库测试大学',
    provinceCode: PROVINCE,
    contactEmail: 'tto@hainan.example.edu.cn',
    version: 1,
  });
  for (const [uscc, status] of [
    [ENT, 'verified'],
    [PENDING_ENT, 'pending'],
  ] as const)
    await put({
      pk: `ENT#${uscc}`,
      sk: 'PROFILE',
      entity: 'enterprise',
      uscc,
      name: `海南电池企业 ${uscc.slice(-4)}`,
      provinceCode: PROVINCE,
      status,
      contact: { name: '符经理', email: `ent-${uscc.slice(-4).toLowerCase()}@example.com` },
    });
  await put(patentItem(LISTED));
  await put(patentItem(LAPSED, { legalStatus: 'terminated', lifecycle: 'lapsed' }));
  await put(
    patentItem(ASSIGNED, {
      lifecycle: 'assigned',
      patenteeChange: { dealId: 'd-expert-pool', kind: 'assignment' },
    }),
  );
  await put(patentItem(BASE, { poolStatus: 'base', lifecycle: 'base-pool' }));
  admin = await token('province-admin', { province: PROVINCE });
  otherAdmin = await token('province-admin', { province: '110000' });
  ent = await token('enterprise', { org: ENT, province: PROVINCE });
  pendingEnt = await token('enterprise', { org: PENDING_ENT, province: PROVINCE });
  inst = await token('institution', { org: INST, province: PROVINCE });
  for (const sub of [FREE, OWN, WAITING]) experts[sub] = await token('expert', { sub });
  for (const [sub, affiliation] of [
    [FREE, OTHER_ORG],
    [OWN, INST],
    [WAITING, OTHER_ORG],
  ] as const) {
    const saved = await api('/v1/experts/me', {
      method: 'PUT',
      token: experts[sub],
      body: expertBody(affiliation),
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json.status).toBe('pending');
  }
});

describe('the expert pool', () => {
  it('lists only experts verified by their province, by field, without contacts', async () => {
    const before = await api('/v1/experts?field=3841&limit=100', { token: ent });
    expect(before.status, before.text).toBe(200);
    expect(before.json.items.map((e: { expertId: string }) => e.expertId)).not.toContain(FREE);

    const waiting = await api('/v1/experts?status=pending&limit=100', { token: admin });
    expect(waiting.status, waiting.text).toBe(200);
    expect(waiting.json.items.map((e: { expertId: string }) => e.expertId)).toEqual(
      expect.arrayContaining([FREE, OWN, WAITING]),
    );
    expect((await api('/v1/experts?status=pending', { token: ent })).status).toBe(403);

    // Another province's administrator does not see it (404) and changes nothing.
    const foreign = await api(`/v1/experts/${FREE}/verification`, {
      method: 'POST',
      token: otherAdmin,
      body: { decision: 'verified' },
    });
    expect(foreign.status, foreign.text).toBe(404);
    expect((await item(`EXP#${FREE}`, 'PROFILE'))?.status).toBe('pending');

    for (const sub of [FREE, OWN]) {
      const verified = await api(`/v1/experts/${sub}/verification`, {
        method: 'POST',
        token: admin,
        body: { decision: 'verified' },
      });
      expect(verified.status, verified.text).toBe(200);
      expect(verified.json).toMatchObject({ status: 'verified', expertId: sub });
    }
    const twice = await api(`/v1/experts/${FREE}/verification`, {
      method: 'POST',
      token: admin,
      body: { decision: 'rejected', reason: '重复' },
    });
    expect(twice.status, twice.text).toBe(409);
    expect(await audit(`EXP#${FREE}`)).toContain('expert.verified');

    // By the division (38) above the experts' class (3841), and by the IPC subclass.
    for (const query of ['field=38', 'field=H01M', 'field=3841']) {
      const listed = await api(`/v1/experts?${query}&limit=100`, { token: ent });
      expect(listed.status, listed.text).toBe(200);
      const ids = listed.json.items.map((e: { expertId: string }) => e.expertId);
      expect(ids).toEqual(expect.arrayContaining([FREE, OWN]));
      expect(ids).not.toContain(WAITING);
      expect(listed.text).not.toContain('lin@example.org');
      expect(listed.text).not.toContain('0898-12345678');
    }
    const free = (await api('/v1/experts?field=3841&limit=100', { token: inst })).json.items.find(
      (e: { expertId: string }) => e.expertId === FREE,
    );
    expect(free).toEqual({
      expertId: FREE,
      name: '林专家',
      title: '教授级高级工程师',
      affiliationUscc: OTHER_ORG,
      affiliationName: '海南某研究院',
      provinceCode: PROVINCE,
      industryCodes: ['3841'],
      strategicIndustries: [],
      ipcInterests: ['H01M 4'],
      status: 'verified',
    });
    const unknown = await api('/v1/experts?field=电池', { token: ent });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/GB\/T 4754-2017/);
  });

  it('refuses an unverified expert, a conflicted expert, an unavailable patent and an unverified enterprise, writing nothing', async () => {
    const waiting = await api(`/v1/experts/${WAITING}/commissions`, {
      method: 'POST',
      token: ent,
      body: ask,
    });
    expect(waiting.status, waiting.text).toBe(404);
    expect(waiting.json.error.message).toMatch(/GET \/v1\/experts/);

    const own = await api(`/v1/experts/${OWN}/commissions`, { method: 'POST', token: ent, body: ask });
    expect(own.status, own.text).toBe(409);
    expect(own.json.error).toMatchObject({ code: 'CONFLICT_OF_INTEREST' });

    for (const [n, reason] of [
      [LAPSED, 'lapsed'],
      [ASSIGNED, 'assigned'],
    ] as const) {
      const gone = await api(`/v1/experts/${FREE}/commissions`, {
        method: 'POST',
        token: ent,
        body: { ...ask, applicationNumber: n },
      });
      expect(gone.status, gone.text).toBe(409);
      expect(gone.json.error).toMatchObject({ code: 'PATENT_NOT_AVAILABLE', details: { reason } });
    }
    const base = await api(`/v1/experts/${FREE}/commissions`, {
      method: 'POST',
      token: ent,
      body: { ...ask, applicationNumber: BASE },
    });
    expect(base.status, base.text).toBe(404);
    const unverified = await api(`/v1/experts/${FREE}/commissions`, {
      method: 'POST',
      token: pendingEnt,
      body: ask,
    });
    expect(unverified.status, unverified.text).toBe(403);

    for (const [n, org, sub] of [
      [LISTED, ENT, WAITING],
      [LISTED, ENT, OWN],
      [LAPSED, ENT, FREE],
      [ASSIGNED, ENT, FREE],
      [LISTED, PENDING_ENT, FREE],
    ])
      expect(await item(`COMMISSION#${n}~${org}~${sub}`, 'COMMISSION')).toBeUndefined();
  });

  it('commissions, accepts once, reveals the contact, and takes the evaluation through the existing route', async () => {
    // Before any commission, the expert cannot evaluate the patent (nothing was pushed to it).
    const early = await api(`/v1/patents/${LISTED}/evaluations/mine`, {
      method: 'PUT',
      token: experts[FREE],
      body: evaluation,
    });
    expect(early.status, early.text).toBe(403);

    const created = await api(`/v1/experts/${FREE}/commissions`, { method: 'POST', token: ent, body: ask });
    expect(created.status, created.text).toBe(201);
    const id = created.json.commissionId as string;
    expect(id).toBe(`${LISTED}~${ENT}~${FREE}`);
    expect(created.json).toMatchObject({ status: 'pending', requester: { kind: 'enterprise', uscc: ENT } });
    expect(created.text).not.toContain('lin@example.org');
    const replay = await api(`/v1/experts/${FREE}/commissions`, { method: 'POST', token: ent, body: ask });
    expect(replay.status, replay.text).toBe(200);
    expect(replay.json.version).toBe(1);
    const other = await api(`/v1/experts/${FREE}/commissions`, {
      method: 'POST',
      token: ent,
      body: { ...ask, message: '另一个请求内容' },
    });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('COMMISSION_EXISTS');

    const received = await api('/v1/commissions?status=pending', { token: experts[FREE] });
    expect(received.status, received.text).toBe(200);
    expect(received.json.items.map((c: { commissionId: string }) => c.commissionId)).toContain(id);
    // Only the commissioned expert answers.
    const byOther = await api(`/v1/commissions/${encodeURIComponent(id)}/decision`, {
      method: 'POST',
      token: experts[OWN],
      body: { decision: 'accept' },
    });
    expect(byOther.status, byOther.text).toBe(404);

    const accepted = await api(`/v1/commissions/${encodeURIComponent(id)}/decision`, {
      method: 'POST',
      token: experts[FREE],
      body: { decision: 'accept' },
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json).toMatchObject({
      status: 'accepted',
      version: 2,
      expertContact: { email: 'lin@example.org', phone: '0898-12345678' },
    });
    const stored = await item(`COMMISSION#${id}`, 'COMMISSION');
    for (const decision of [{ decision: 'accept' }, { decision: 'decline', reason: '改变主意' }]) {
      const again = await api(`/v1/commissions/${encodeURIComponent(id)}/decision`, {
        method: 'POST',
        token: experts[FREE],
        body: decision,
      });
      expect(again.status, again.text).toBe(409);
      expect(again.json.error.code).toBe('COMMISSION_ALREADY_DECIDED');
    }
    expect(await item(`COMMISSION#${id}`, 'COMMISSION')).toEqual(stored);
    expect(await audit(`COMMISSION#${id}`)).toEqual(
      expect.arrayContaining(['commission.requested', 'commission.accepted']),
    );

    const sent = await api('/v1/commissions', { token: ent });
    expect(sent.json.items.find((c: { commissionId: string }) => c.commissionId === id)).toMatchObject({
      expertContact: { email: 'lin@example.org' },
    });

    // The request is in the expert's inbox, as a pushed one: the existing route takes the evaluation.
    const inbox = await api('/v1/inbox', { token: experts[FREE] });
    expect(inbox.json.items.map((r: { applicationNumber: string }) => r.applicationNumber)).toContain(LISTED);
    const evaluated = await api(`/v1/patents/${LISTED}/evaluations/mine`, {
      method: 'PUT',
      token: experts[FREE],
      body: evaluation,
    });
    expect(evaluated.status, evaluated.text).toBe(201);
    expect(evaluated.json).toMatchObject({
      evaluatorKind: 'expert',
      matched: true,
      industrializationProspect: 4,
    });
    expect((await item(`PAT#${LISTED}`, `REQ#expert#${FREE}`))?.status).toBe('evaluated');
    const feedback = await api(`/v1/patents/${LISTED}/evaluations`, { token: inst });
    expect(feedback.status, feedback.text).toBe(200);
    expect(feedback.json.items).toHaveLength(1);
  });

  it('an institution commissions too; the expert declines with a reason, once', async () => {
    const created = await api(`/v1/experts/${FREE}/commissions`, {
      method: 'POST',
      token: await token('institution', { org: OTHER_ORG, province: PROVINCE }),
      body: { ...ask, contact: { name: '技术转移中心', email: 'tto@other.example.edu.cn' } },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.commissionId as string;
    const noReason = await api(`/v1/commissions/${encodeURIComponent(id)}/decision`, {
      method: 'POST',
      token: experts[FREE],
      body: { decision: 'decline' },
    });
    expect(noReason.status).toBe(400);
    const declined = await api(`/v1/commissions/${encodeURIComponent(id)}/decision`, {
      method: 'POST',
      token: experts[FREE],
      body: { decision: 'decline', reason: '近期日程已满' },
    });
    expect(declined.status, declined.text).toBe(200);
    expect(declined.json).toMatchObject({ status: 'declined', declineReason: '近期日程已满' });
    expect(declined.json.expertContact).toBeUndefined();
    const again = await api(`/v1/commissions/${encodeURIComponent(id)}/decision`, {
      method: 'POST',
      token: experts[FREE],
      body: { decision: 'accept' },
    });
    expect(again.status).toBe(409);
  });
});

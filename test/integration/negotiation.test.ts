/**
 * Negotiation on the local cloud (issue 13, item 8): an enterprise asks, the institution is mailed,
 * accepts (negotiationOpened: versioned, audited, an event; the contact reaches that enterprise) or
 * declines; the funnel counts it. Province 450000 (广西) and application numbers of year 2095: no other
 * integration file uses them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, cloud, eventually, tableName, token } from './helpers.ts';

const core = tableName('core');
const number = (serial: number) => {
  const body = `20951${String(serial).padStart(7, '0')}`;
  return `${body}.${applicationCheckCharacter(body)}`;
};
const PROVINCE = '450000';
const INST = withUsccCheck('12450000NEGTN0001');
const OTHER_INST = withUsccCheck('12450000NEGTN0002');
const ENT = withUsccCheck('91450000NEGTN0003');
const ENT2 = withUsccCheck('91450000NEGTN0004');
const PENDING = withUsccCheck('91450000NEGTN0005');
const LISTED = number(1);
const LAPSED = number(2);
const BASE = number(3);
const EVALUATING = number(4);

async function put(item: Record<string, unknown>) {
  await clients().documents.send(new PutCommand({ TableName: core, Item: item }));
}
async function partition(n: string, prefix: string) {
  const { Items } = await clients().documents.send(
    new QueryCommand({
      TableName: core,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PAT#${n}`, ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}
async function mailAbout(subjectPart: string, to: string) {
  const outbox = join(cloud().dataDir, 'outbox');
  return eventually(
    async () => {
      for (const file of (await readdir(outbox).catch(() => [] as string[])).filter((f) =>
        f.endsWith('.eml'),
      )) {
        const parsed = await simpleParser(await readFile(join(outbox, file)));
        const recipients = parsed.to && 'text' in parsed.to ? parsed.to.text : '';
        if (parsed.subject?.includes(subjectPart) && recipients.includes(to)) return parsed;
      }
      return undefined;
    },
    20_000,
    `the mail about ${subjectPart} to ${to}`,
  );
}

const patentItem = (n: string, fields: Record<string, unknown> = {}) => ({
  pk: `PAT#${n}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: n,
  title: `洽谈测试 ${n}`,
  patentType: 'invention',
  applicationDate: '2020-03-01',
  legalStatus: 'valid',
  institutionUscc: INST,
  provinceCode: PROVINCE,
  department: '机械学院',
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  lifecycle: 'listed',
  version: 5,
  gsi1pk: `INST#${INST}#PAT`,
  gsi1sk: n,
  ...fields,
});

let inst: string;
let otherInst: string;
let ent: string;
let ent2: string;
let pending: string;
const ask = { purpose: 'negotiate', message: '我司希望以普通许可方式实施，请联系洽谈。', foundVia: 'search' };

beforeAll(async () => {
  for (const [uscc, email] of [
    [INST, 'tto@gxu.example.edu.cn'],
    [OTHER_INST, 'tto@other.example.edu.cn'],
  ] as const)
    await put({
      pk: `INST#${uscc}`,
      sk: 'PROFILE',
      entity: 'institution',
      uscc,
      name: `洽谈测试大学 ${uscc.slice(-4)}`,
      provinceCode: PROVINCE,
      contactEmail: email,
      version: 1,
    });
  for (const [uscc, status] of [
    [ENT, 'verified'],
    [ENT2, 'verified'],
    [PENDING, 'pending'],
  ] as const)
    await put({
      pk: `ENT#${uscc}`,
      sk: 'PROFILE',
      entity: 'enterprise',
      uscc,
      name: `广西洽谈企业 ${uscc.slice(-4)}`,
      provinceCode: PROVINCE,
      status,
      contact: { name: '黄经理', email: `ent-${uscc.slice(-4).toLowerCase()}@example.com` },
    });
  await put(
    patentItem(LISTED, {
      evaluationOpenedAt: '2095-01-02T00:00:00.000Z',
      evaluationAggregate: { count: 1, byKind: { enterprise: 1, expert: 0 } },
    }),
  );
  // What the push and an evaluation leave in the patent's partition (the funnel counts them).
  for (const sk of [`REQ#enterprise#${ENT}`, 'REQ#expert#e-1', `EVAL#enterprise#${ENT}`])
    await put({
      pk: `PAT#${LISTED}`,
      sk,
      entity: sk.startsWith('REQ') ? 'evaluation-request' : 'evaluation',
    });
  await put(patentItem(LAPSED, { legalStatus: 'terminated', lifecycle: 'lapsed' }));
  await put(patentItem(BASE, { poolStatus: 'base', lifecycle: 'base-pool' }));
  await put(
    patentItem(EVALUATING, {
      lifecycle: 'under-evaluation',
      evaluationStatus: 'open',
      gsi3pk: 'DUE#evaluation-window',
      gsi3sk: `2095-06-01T00:00:00.000Z#${EVALUATING}`,
    }),
  );
  inst = await token('institution', { org: INST, province: PROVINCE });
  otherInst = await token('institution', { org: OTHER_INST, province: PROVINCE });
  ent = await token('enterprise', { org: ENT, province: PROVINCE });
  ent2 = await token('enterprise', { org: ENT2, province: PROVINCE });
  pending = await token('enterprise', { org: PENDING, province: PROVINCE });
});

describe('negotiation', () => {
  it('refuses an unverified enterprise (403), a patent not on offer (409 with the reason) and one never offered (404)', async () => {
    const unverified = await api(`/v1/patents/${LISTED}/interest`, {
      method: 'POST',
      token: pending,
      body: ask,
    });
    expect(unverified.status, unverified.text).toBe(403);
    expect(unverified.json.error.message).toMatch(/verified/);
    const lapsed = await api(`/v1/patents/${LAPSED}/interest`, { method: 'POST', token: ent, body: ask });
    expect(lapsed.status, lapsed.text).toBe(409);
    expect(lapsed.json.error).toMatchObject({ code: 'PATENT_NOT_AVAILABLE', details: { reason: 'lapsed' } });
    const base = await api(`/v1/patents/${BASE}/interest`, { method: 'POST', token: ent, body: ask });
    expect(base.status, base.text).toBe(404);
    const multiline = await api(`/v1/patents/${LISTED}/interest`, {
      method: 'POST',
      token: ent,
      body: { ...ask, message: '第一行\r\nBcc: x@example.com' },
    });
    expect(multiline.status).toBe(400);
    expect(await partition(LISTED, 'INTEREST#')).toEqual([]);
  });

  it('records a request once, mails the institution, and shows it to its institution and its enterprise only', async () => {
    const created = await api(`/v1/patents/${LISTED}/interest`, {
      method: 'POST',
      token: ent,
      body: ask,
      headers: { 'Idempotency-Key': 'neg-1' },
    });
    expect(created.status, created.text).toBe(201);
    const id = `${LISTED}~${ENT}`;
    expect(created.json).toMatchObject({
      interestId: id,
      status: 'pending',
      institutionUscc: INST,
      version: 1,
    });
    expect(created.headers.get('location')).toBe(`/v1/interests/${encodeURIComponent(id)}`);
    const again = await api(`/v1/patents/${LISTED}/interest`, {
      method: 'POST',
      token: ent,
      body: ask,
      headers: { 'Idempotency-Key': 'neg-1' },
    });
    expect(again.status, again.text).toBe(200);
    const other = await api(`/v1/patents/${LISTED}/interest`, {
      method: 'POST',
      token: ent,
      body: { ...ask, message: '另一条留言' },
    });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('INTEREST_EXISTS');
    const stored = await partition(LISTED, 'INTEREST#');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ gsi1pk: `INST#${INST}#INTEREST`, gsi2pk: `ENT#${ENT}#INTEREST` });
    const audits = (await partition(LISTED, 'AUDIT#')).filter((a) => a.action === 'interest.requested');
    expect(audits).toHaveLength(1);
    const mail = await mailAbout(LISTED, 'tto@gxu.example.edu.cn');
    expect(mail.text).toContain(`/v1/interests/${id}/decision`);

    expect((await api(`/v1/interests/${id}`, { token: ent })).status).toBe(200);
    expect((await api(`/v1/interests/${id}`, { token: inst })).status).toBe(200);
    expect((await api(`/v1/interests/${id}`, { token: ent2 })).status).toBe(404);
    expect((await api(`/v1/interests/${id}`, { token: otherInst })).status).toBe(404);
    expect((await api('/v1/interests', { token: otherInst })).json.items).toEqual([]);
  });

  it('the institution lists with a signed cursor and a status filter', async () => {
    const second = await api(`/v1/patents/${LISTED}/interest`, { method: 'POST', token: ent2, body: ask });
    expect(second.status, second.text).toBe(201);
    const first = await api('/v1/interests?limit=1&status=pending', { token: inst });
    expect(first.status, first.text).toBe(200);
    expect(first.json.items).toHaveLength(1);
    const next = await api(
      `/v1/interests?limit=1&status=pending&cursor=${encodeURIComponent(first.json.nextCursor)}`,
      { token: inst },
    );
    expect(next.status, next.text).toBe(200);
    expect(next.json.items[0].interestId).not.toBe(first.json.items[0].interestId);
    const reused = await api(`/v1/interests?limit=1&cursor=${encodeURIComponent(first.json.nextCursor)}`, {
      token: inst,
    });
    expect(reused.status).toBe(400);
    expect(reused.json.error.code).toBe('INVALID_CURSOR');
    expect((await api('/v1/interests?status=accepted', { token: inst })).json.items).toEqual([]);
  });

  it('accept: negotiationOpened (versioned, audited, an event), the contact reaches that enterprise only; twice is 409', async () => {
    const id = `${LISTED}~${ENT}`;
    const department = await token('institution', { org: INST, province: PROVINCE, department: '机械学院' });
    const refused = await api(`/v1/interests/${id}/decision`, {
      method: 'POST',
      token: department,
      body: { decision: 'accept' },
    });
    expect(refused.status, refused.text).toBe(403);
    const accepted = await api(`/v1/interests/${id}/decision`, {
      method: 'POST',
      token: inst,
      body: {
        decision: 'accept',
        contact: { name: '覃老师', email: 'qin@gxu.example.edu.cn', phone: '0771-1234567' },
      },
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json).toMatchObject({
      status: 'accepted',
      version: 2,
      institutionContact: { name: '覃老师' },
    });
    const history = await api(`/v1/patents/${LISTED}/history`, { token: inst });
    const opened = history.json.items.find((e: { event: string }) => e.event === 'negotiationOpened');
    expect(opened).toMatchObject({ from: 'listed', to: 'in-negotiation', version: 6 });
    const event = (await partition(LISTED, 'EVENT#')).find((e) => e.type === 'negotiationOpened');
    expect(event).toMatchObject({
      eventId: `negotiationOpened:${LISTED}:${ENT}`,
      details: { interestId: id },
    });
    expect((await partition(LISTED, 'AUDIT#')).some((a) => a.action === 'interest.accepted')).toBe(true);
    const mail = await mailAbout(LISTED, `ent-${ENT.slice(-4).toLowerCase()}@example.com`);
    expect(mail.text).toContain('qin@gxu.example.edu.cn');
    expect((await api(`/v1/interests/${id}`, { token: ent })).json.institutionContact.email).toBe(
      'qin@gxu.example.edu.cn',
    );
    const mine = await api('/v1/interests', { token: ent2 });
    expect(mine.text).not.toContain('qin@gxu.example.edu.cn');
    const twice = await api(`/v1/interests/${id}/decision`, {
      method: 'POST',
      token: inst,
      body: { decision: 'accept' },
    });
    expect(twice.status).toBe(409);
    expect(twice.json.error).toMatchObject({ code: 'INTEREST_ALREADY_DECIDED' });
    expect(twice.json.error.message).toMatch(/POST \/v1\/deals/);
  });

  it('decline with a reason; accepting after is 409 saying what to do', async () => {
    const id = `${LISTED}~${ENT2}`;
    const declined = await api(`/v1/interests/${id}/decision`, {
      method: 'POST',
      token: inst,
      body: { decision: 'decline', reason: '已与其他企业洽谈中' },
    });
    expect(declined.status, declined.text).toBe(200);
    expect(declined.json).toMatchObject({ status: 'declined', declineReason: '已与其他企业洽谈中' });
    expect(declined.json.institutionContact).toBeUndefined();
    const after = await api(`/v1/interests/${id}/decision`, {
      method: 'POST',
      token: inst,
      body: { decision: 'accept' },
    });
    expect(after.status).toBe(409);
    expect(after.json.error.message).toMatch(/write to the enterprise/);
    const foreign = await api(`/v1/interests/${id}/decision`, {
      method: 'POST',
      token: otherInst,
      body: { decision: 'accept' },
    });
    expect(foreign.status).toBe(404);
  });

  it('a patent under evaluation keeps its window when a negotiation opens', async () => {
    expect(
      (await api(`/v1/patents/${EVALUATING}/interest`, { method: 'POST', token: ent, body: ask })).status,
    ).toBe(201);
    const accepted = await api(`/v1/interests/${EVALUATING}~${ENT}/decision`, {
      method: 'POST',
      token: inst,
      body: { decision: 'accept' },
    });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json.institutionContact).toMatchObject({ email: 'tto@gxu.example.edu.cn' });
    // The fixture is a bare item (not a full inventory record): read it from the table.
    const [patent] = await partition(EVALUATING, 'PATENT');
    expect(patent).toMatchObject({
      lifecycle: 'under-evaluation',
      lifecycleEvent: 'negotiationOpened',
      gsi3pk: 'DUE#evaluation-window',
      version: 6,
    });
  });

  it('counts the funnel per patent and per institution, in scope only', async () => {
    const funnel = await api(`/v1/patents/${LISTED}/funnel`, { token: inst });
    expect(funnel.status, funnel.text).toBe(200);
    expect(funnel.json).toMatchObject({
      pushed: 2,
      evaluated: 1,
      interest: 2,
      negotiation: 1,
      declined: 1,
      pending: 0,
      deal: 0,
    });
    expect((await api(`/v1/patents/${LISTED}/funnel`, { token: otherInst })).status).toBe(404);
    expect((await api(`/v1/patents/${LISTED}/funnel`, { token: ent })).status).toBe(403);
    const institution = await api(`/v1/institutions/${INST}/funnel`, { token: inst });
    expect(institution.status, institution.text).toBe(200);
    expect(institution.json).toMatchObject({
      patents: { pushed: 1, evaluated: 1, interest: 2, negotiation: 2, deal: 0 },
      requests: { pending: 0, accepted: 2, declined: 1 },
      complete: true,
    });
    expect((await api(`/v1/institutions/${INST}/funnel`, { token: otherInst })).status).toBe(404);
  });
});

/**
 * The exits of the lifecycle and the legal checks on transfer acts, through the HTTP API of the local
 * cloud (issue 13): the scenarios a new user met on the demo, each now answered as the law has it.
 *
 * - a patent re-sent as 权利终止 with intent 暂无 leaves the pool (lapsed), is no longer pushed or
 *   evaluable, and the province feed sends its tombstone;
 * - an enterprise evaluating a patent exclusively licensed until 2035 is refused;
 * - an open license on a lapsed patent, or running past the term (to 2060), is refused;
 * - a license on a 权利终止 patent (to 2055) is refused, nothing recorded;
 * - withdrawal by the institution, with its reason; re-screening out of the pool and back in;
 * - expiry at the statutory term, found by the daily deadline sweep.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, eventually, runDeadlineSweep, tableName, token } from './helpers.ts';

const core = tableName('core');
const PROVINCE = '630000'; // 青海省: no other file uses it
const INST = withUsccCheck('12630000EXTQH0001');
const ENT = withUsccCheck('91630000EXTQH0002');
const ENT_EVALUATOR = withUsccCheck('91630000EXTQH0003');
/** Invention numbers of 2020 with serials 0977xxx: this file only. */
const number = (serial: number, year = 2020, type = 1) => {
  const body = `${year}${type}0977${String(serial).padStart(3, '0')}`;
  return `${body}.${applicationCheckCharacter(body)}`;
};

let institution: string;
let department: string;
let evaluator: string;
let provinceAdmin: string;

async function put(item: Record<string, unknown>) {
  await clients().documents.send(new PutCommand({ TableName: core, Item: item }));
}
async function stored(n: string) {
  const { Item } = await clients().documents.send(
    new GetCommand({ TableName: core, Key: { pk: `PAT#${n}`, sk: 'PATENT' }, ConsistentRead: true }),
  );
  return Item!;
}
async function events(n: string) {
  const { Items } = await clients().documents.send(
    new QueryCommand({
      TableName: core,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
      ExpressionAttributeValues: { ':pk': `PAT#${n}`, ':event': 'EVENT#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((e) => e.type as string);
}

/** An inventory row of the template (the API takes the Chinese headers), as the institution sends it. */
const inventionCells = demoInventoryRows(30, { seed: 977 }).filter(
  (cells) => cells[templateHeaders.indexOf('专利类型')] === '发明',
)[0]!;
function row(n: string, fields: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(templateHeaders.map((h, i) => [h, inventionCells[i]!]));
  return {
    ...base,
    申请号: n,
    专利类型: '发明',
    申请日: `${n.slice(0, 4)}-05-11`,
    授权日: `${Number(n.slice(0, 4)) + 2}-08-20`,
    法律状态: '有效',
    转化意愿: '许可',
    所属院系: '化学学院',
    实施状态: '未实施',
    '实施金额（万元）': '',
    ...fields,
  };
}

/** What the inventory approval (submit, approve: screened into the pool) leaves on the patent. */
async function approvedInPool(n: string, lifecycle = 'conversion-pool') {
  await clients().documents.send(
    new UpdateCommand({
      TableName: core,
      Key: { pk: `PAT#${n}`, sk: 'PATENT' },
      UpdateExpression:
        'SET reviewStatus = :approved, poolStatus = :conversion, lifecycle = :state, inventoriedAt = :at, version = version + :one',
      ExpressionAttributeValues: {
        ':approved': 'approved',
        ':conversion': 'conversion',
        ':state': lifecycle,
        ':at': new Date().toISOString(),
        ':one': 1,
      },
    }),
  );
}

/** A pool patent item as the pipeline leaves it (for the transfer scenarios). */
const poolPatent = (n: string, fields: Record<string, unknown> = {}) => ({
  pk: `PAT#${n}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: n,
  title: `退出测试 ${n}`,
  patentType: 'invention',
  applicationDate: '2020-05-11',
  grantDate: '2022-08-20',
  legalStatus: 'valid',
  institutionUscc: INST,
  provinceCode: PROVINCE,
  gsi2pk: `PROV#${PROVINCE}#PAT`,
  gsi2sk: `${INST}#${n}`,
  // The fields the public view requires (the province feed answers them).
  department: '化学学院',
  publiclyFunded: false,
  incrementalStock: false,
  inventors: ['张三'],
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  lifecycle: 'listed',
  implementationStatus: 'not-implemented',
  conversionIntents: ['license'],
  strategicIndustries: [],
  classifications: ['C07D 213/00'],
  updatedAt: new Date().toISOString(),
  version: 5,
  ...fields,
});

const evaluation = {
  industrializationProspect: 4,
  maturityTrl: 6,
  improvementNeeds: { categories: ['pilot-scale-up'] },
  cooperationIntents: ['license'],
  reasonCodes: [],
  consentToShareIdentity: false,
};
const license = (numbers: string[], extra: Record<string, unknown> = {}) => ({
  kind: 'license',
  licenseType: 'ordinary',
  applicationNumbers: numbers,
  enterprise: { uscc: ENT, name: '青海某某新材料有限公司' },
  priceTerms: { type: 'lump-sum', amountFen: 20_000_000 },
  effectiveDate: '2026-12-01',
  endDate: '2030-11-30',
  ...extra,
});
const declaration = (endDate: string) => ({
  feeStandard: { type: 'lump-sum', amountFen: 1_000_000 },
  paymentMethod: '许可生效后 30 日内一次性支付',
  startDate: '2027-01-01',
  endDate,
});

/** The province feed entries of some patents (the whole walk of the province). */
async function feedEntries(numbers: string[]) {
  const found = new Map<string, Record<string, unknown>>();
  let cursor: string | undefined;
  do {
    const page = await api(`/v1/pool?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token: provinceAdmin,
    });
    expect(page.status, page.text).toBe(200);
    for (const item of page.json.items)
      if (numbers.includes(item.applicationNumber)) found.set(item.applicationNumber, item);
    cursor = page.json.nextCursor;
  } while (cursor);
  return found;
}

beforeAll(async () => {
  await put({
    pk: `INST#${INST}`,
    sk: 'PROFILE',
    entity: 'institution',
    uscc: INST,
    name: '青海测试大学',
    provinceCode: PROVINCE,
    contactEmail: 'tto@qhu.example.edu.cn',
    version: 1,
    gsi2pk: `PROV#${PROVINCE}#INST`,
    gsi2sk: INST,
  });
  for (const uscc of [ENT, ENT_EVALUATOR])
    await put({
      pk: `ENT#${uscc}`,
      sk: 'PROFILE',
      entity: 'enterprise',
      uscc,
      name: `青海企业 ${uscc.slice(-4)}`,
      provinceCode: PROVINCE,
      status: 'verified',
    });
  institution = await token('institution', { org: INST, province: PROVINCE });
  department = await token('institution', { org: INST, province: PROVINCE, department: '化学学院' });
  evaluator = await token('enterprise', { org: ENT_EVALUATOR, province: PROVINCE });
  provinceAdmin = await token('province-admin', { province: PROVINCE });
});

describe('lapse: the legal status says the right ended', () => {
  it('a patent re-sent as 权利终止 with intent 暂无 leaves the pool: lapsed, not evaluable, not pushed, a tombstone in the feed', async () => {
    const n = number(1);
    const created = await api('/v1/patents', { method: 'POST', token: institution, body: row(n) });
    expect(created.status, created.text).toBe(201);
    await approvedInPool(n);
    const version = (await stored(n)).version;

    const lapsed = await api('/v1/patents', {
      method: 'POST',
      token: institution,
      body: row(n, { 法律状态: '权利终止', 转化意愿: '暂无' }),
    });
    expect(lapsed.status, lapsed.text).toBe(200);
    expect(lapsed.json).toMatchObject({ outcome: 'updated' });
    const patent = await stored(n);
    expect(patent).toMatchObject({
      lifecycle: 'lapsed',
      lifecycleEvent: 'lapsed',
      legalStatus: 'terminated',
      conversionIntents: ['none'],
      poolRemoval: { reason: 'lapsed' },
      version: version + 1,
    });
    expect(await events(n)).toEqual(['lapsed']);
    // The history names the institution (not an account) and the legal status change.
    const history = await api(`/v1/patents/${n}/history`, { token: institution });
    expect(history.status, history.text).toBe(200);
    expect(history.json.items.at(-1)).toMatchObject({
      event: 'lapsed',
      from: 'conversion-pool',
      to: 'lapsed',
      details: { legalStatus: { before: 'valid', after: 'terminated' }, source: 'legal-status' },
    });

    // Not evaluable, not pushed.
    const evaluated = await api(`/v1/patents/${n}/evaluations/mine`, {
      method: 'PUT',
      token: evaluator,
      body: evaluation,
    });
    expect(evaluated.status, evaluated.text).toBe(409);
    expect(evaluated.json.error).toMatchObject({
      code: 'PATENT_NOT_AVAILABLE',
      details: { reason: 'lapsed' },
    });
    expect(evaluated.json.error.message).toContain('GET /v1/patents?poolStatus=conversion');
    const rematch = await api(`/v1/patents/${n}/matching`, { method: 'POST', token: institution });
    expect(rematch.status, rematch.text).toBe(200);
    expect(rematch.json).toMatchObject({ skipped: 'not matched in state lapsed' });

    // The province feed: a tombstone with the reason, nothing else of the patent.
    const entry = (await feedEntries([n])).get(n);
    expect(entry).toEqual({
      applicationNumber: n,
      removed: true,
      removedReason: 'lapsed',
      removedAt: patent.poolRemoval.at,
    });

    // Sent again as it is now: nothing changes; sent back as 有效: a lapse is final, the row is refused.
    const again = await api('/v1/patents', {
      method: 'POST',
      token: institution,
      body: row(n, { 法律状态: '权利终止', 转化意愿: '暂无' }),
    });
    expect(again.json).toMatchObject({ outcome: 'unchanged' });
    const revived = await api('/v1/patents', { method: 'POST', token: institution, body: row(n) });
    expect(revived.status).toBe(409);
    expect(revived.json.error).toMatchObject({ code: 'CONFLICT', details: [{ code: 'INVENTORY_LOCKED' }] });
    expect(revived.json.error.message).toContain('left the pipeline (lapsed, final)');
    expect(await stored(n)).toMatchObject({ legalStatus: 'terminated', version: version + 1 });
  });

  it('a re-sent row that also changes locked fields: the lapse is recorded, the other fields are refused by name', async () => {
    const n = number(2);
    expect((await api('/v1/patents', { method: 'POST', token: institution, body: row(n) })).status).toBe(201);
    await approvedInPool(n);
    const title = (await stored(n)).title;
    const response = await api('/v1/patents', {
      method: 'POST',
      token: institution,
      body: row(n, { 法律状态: '未缴年费专利权终止', 专利名称: '一种改过名字的方法' }),
    });
    expect(response.status, response.text).toBe(409);
    expect(response.json.error).toMatchObject({ code: 'CONFLICT', details: [{ code: 'INVENTORY_LOCKED' }] });
    expect(response.json.error.message).toContain('legal status and conversion intents of patent');
    expect(response.json.error.message).toContain('title');
    expect(await stored(n)).toMatchObject({ lifecycle: 'lapsed', legalStatus: 'terminated', title });
  });
});

describe('re-screening: a new intent of an approved patent', () => {
  it('intent 暂无 moves it to the base pool (tombstone rescreened); 许可 again brings it back and to matching', async () => {
    const n = number(3);
    expect((await api('/v1/patents', { method: 'POST', token: institution, body: row(n) })).status).toBe(201);
    await approvedInPool(n);
    const out = await api('/v1/patents', {
      method: 'POST',
      token: institution,
      body: row(n, { 转化意愿: '暂无' }),
    });
    expect(out.json, out.text).toMatchObject({ outcome: 'updated' });
    expect(await stored(n)).toMatchObject({
      lifecycle: 'base-pool',
      poolStatus: 'base',
      conversionIntents: ['none'],
      poolRemoval: { reason: 'rescreened' },
    });
    expect((await feedEntries([n])).get(n)).toMatchObject({ removed: true, removedReason: 'rescreened' });
    const evaluated = await api(`/v1/patents/${n}/evaluations/mine`, {
      method: 'PUT',
      token: evaluator,
      body: evaluation,
    });
    expect(evaluated.status).toBe(404);

    const back = await api('/v1/patents', {
      method: 'POST',
      token: institution,
      body: row(n, { 转化意愿: '许可；转让' }),
    });
    expect(back.json, back.text).toMatchObject({ outcome: 'updated' });
    const patent = await stored(n);
    expect(patent).toMatchObject({ poolStatus: 'conversion', conversionIntents: ['license', 'assignment'] });
    expect(patent).not.toHaveProperty('poolRemoval');
    expect(await events(n)).toEqual(['rescreened', 'rescreened']);
    // Back in the pool, the patent is matched again: the pipeline ran MatchAndPush for the event.
    await eventually(async () => {
      const { Items } = await clients().documents.send(
        new QueryCommand({
          TableName: core,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
          ExpressionAttributeValues: { ':pk': `PAT#${n}`, ':event': 'EVENT#' },
          ConsistentRead: true,
        }),
      );
      return Items?.find((e) => e.type === 'rescreened' && e.to === 'conversion-pool')?.startedExecutionArn;
    }, 30_000);
    const feed = (await feedEntries([n])).get(n);
    expect(feed).toMatchObject({ applicationNumber: n, poolStatus: 'conversion' });
    expect(feed).not.toHaveProperty('removed');
  });
});

describe('withdrawal by the institution', () => {
  it('withdraws with a reason (final), shown in the history and the feed; refuses what the law or the state forbids', async () => {
    const n = number(4);
    expect((await api('/v1/patents', { method: 'POST', token: institution, body: row(n) })).status).toBe(201);
    await approvedInPool(n, 'listed');
    const version = (await stored(n)).version;
    const noReason = await api(`/v1/patents/${n}/withdrawal`, {
      method: 'POST',
      token: institution,
      body: {},
    });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.details[0]).toMatchObject({ field: 'reason' });
    const byDepartment = await api(`/v1/patents/${n}/withdrawal`, {
      method: 'POST',
      token: department,
      body: { reason: '拟自行实施' },
    });
    expect(byDepartment.status).toBe(403);

    const withdrawn = await api(`/v1/patents/${n}/withdrawal`, {
      method: 'POST',
      token: institution,
      body: { reason: '学校拟自行实施', expectedVersion: version },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.json).toMatchObject({
      lifecycle: 'withdrawn',
      withdrawalReason: '学校拟自行实施',
      poolRemoval: { reason: 'withdrawn' },
      version: version + 1,
    });
    expect(await events(n)).toEqual(['withdrawn']);
    const history = await api(`/v1/patents/${n}/history`, { token: institution });
    expect(history.json.items.at(-1)).toMatchObject({
      event: 'withdrawn',
      from: 'listed',
      to: 'withdrawn',
      details: { reason: '学校拟自行实施' },
    });
    expect((await feedEntries([n])).get(n)).toMatchObject({ removed: true, removedReason: 'withdrawn' });

    const twice = await api(`/v1/patents/${n}/withdrawal`, {
      method: 'POST',
      token: institution,
      body: { reason: '再次撤回' },
    });
    expect(twice.status).toBe(409);
    expect(twice.json.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { current: 'withdrawn', allowed: [] },
    });

    // A licensed patent is bound by its contract: not withdrawn.
    const licensed = number(5);
    expect(
      (await api('/v1/patents', { method: 'POST', token: institution, body: row(licensed) })).status,
    ).toBe(201);
    await approvedInPool(licensed, 'licensed');
    const refused = await api(`/v1/patents/${licensed}/withdrawal`, {
      method: 'POST',
      token: institution,
      body: { reason: '合同纠纷' },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { current: 'licensed' },
    });
    // A stale version: 409 naming the current one.
    const stale = number(6);
    expect((await api('/v1/patents', { method: 'POST', token: institution, body: row(stale) })).status).toBe(
      201,
    );
    await approvedInPool(stale, 'listed');
    const current = (await stored(stale)).version;
    const conflict = await api(`/v1/patents/${stale}/withdrawal`, {
      method: 'POST',
      token: institution,
      body: { reason: '拟自行实施', expectedVersion: current - 1 },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.details).toMatchObject({ currentVersion: current });
  });
});

describe('legal checks on transfer acts', () => {
  it('an enterprise evaluating a patent exclusively licensed until 2035 is refused, and the feed says until when', async () => {
    const n = number(10);
    await put(poolPatent(n));
    const deal = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([n], { licenseType: 'exclusive', endDate: '2035-12-31' }),
    });
    expect(deal.status, deal.text).toBe(201);
    const evaluated = await api(`/v1/patents/${n}/evaluations/mine`, {
      method: 'PUT',
      token: evaluator,
      body: evaluation,
    });
    expect(evaluated.status, evaluated.text).toBe(409);
    expect(evaluated.json.error).toMatchObject({
      code: 'PATENT_NOT_AVAILABLE',
      details: { reason: 'exclusive-license', until: '2035-12-31' },
    });
    expect((await feedEntries([n])).get(n)).toMatchObject({
      removed: true,
      removedReason: 'exclusive-license',
      until: '2035-12-31',
    });
  });

  it('an open license on a lapsed patent is refused; so is one running past the term (to 2060)', async () => {
    const lapsed = number(11);
    await put(poolPatent(lapsed, { legalStatus: 'terminated' }));
    const refused = await api(`/v1/patents/${lapsed}/open-license`, {
      method: 'POST',
      token: institution,
      body: declaration('2029-12-31'),
    });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'PATENT_NOT_IN_FORCE',
      details: { reason: 'lapsed', legalStatus: 'terminated' },
    });
    const valid = number(12);
    await put(poolPatent(valid));
    const tooLong = await api(`/v1/patents/${valid}/open-license`, {
      method: 'POST',
      token: institution,
      body: declaration('2060-12-31'),
    });
    expect(tooLong.status, tooLong.text).toBe(409);
    expect(tooLong.json.error).toMatchObject({
      code: 'TERM_ENDS_BEFORE_AGREEMENT',
      details: { termEndsOn: '2040-05-10', endDate: '2060-12-31' },
    });
    expect(tooLong.json.error.message).toContain('on or before 2040-05-10');
    expect(await events(lapsed)).toEqual([]);
    expect(await events(valid)).toEqual([]);
    // Within the term it is declared.
    const declared = await api(`/v1/patents/${valid}/open-license`, {
      method: 'POST',
      token: institution,
      body: declaration('2040-05-10'),
    });
    expect(declared.status, declared.text).toBe(201);
  });

  it('a license on a 权利终止 patent (to 2055) is refused and nothing is recorded; a portfolio with it too', async () => {
    const lapsed = number(13);
    const valid = number(14);
    await put(poolPatent(lapsed, { legalStatus: 'terminated' }));
    await put(poolPatent(valid));
    const response = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([valid, lapsed], { endDate: '2055-12-31' }),
    });
    expect(response.status, response.text).toBe(409);
    // The first refusal is named; every refused patent is in the details.
    expect(response.json.error.code).toBe('TERM_ENDS_BEFORE_AGREEMENT');
    expect(response.json.error.details.refusals).toEqual([
      expect.objectContaining({ applicationNumber: valid, termEndsOn: '2040-05-10' }),
      expect.objectContaining({ applicationNumber: lapsed, reason: 'lapsed' }),
    ]);
    const alone = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([lapsed], { endDate: '2030-11-30' }),
    });
    expect(alone.status).toBe(409);
    expect(alone.json.error).toMatchObject({ code: 'PATENT_NOT_IN_FORCE' });
    expect(alone.json.error.message).toContain('权利终止');
    expect(await events(lapsed)).toEqual([]);
    expect(await events(valid)).toEqual([]);
  });

  it('a filing of a license whose patent lapsed since is refused', async () => {
    const n = number(15);
    await put(poolPatent(n));
    const deal = await api('/v1/deals', { method: 'POST', token: institution, body: license([n]) });
    expect(deal.status, deal.text).toBe(201);
    await clients().documents.send(
      new UpdateCommand({
        TableName: core,
        Key: { pk: `PAT#${n}`, sk: 'PATENT' },
        UpdateExpression: 'SET legalStatus = :terminated',
        ExpressionAttributeValues: { ':terminated': 'terminated' },
      }),
    );
    const filing = await api(`/v1/deals/${deal.json.dealId}/filing`, {
      method: 'PUT',
      token: institution,
      body: { number: 'X2026630000000001', date: '2026-12-02' },
    });
    expect(filing.status, filing.text).toBe(409);
    expect(filing.json.error.code).toBe('PATENT_NOT_IN_FORCE');
  });
});

describe('expiry at the statutory term (专利法 art. 42), by the daily sweep', () => {
  it('a utility model of 2015 and a design of 2016 expire; a design of 2021-06-01 (15 years) and an invention of 2010 do not', async () => {
    const utility = number(20, 2015, 2);
    const oldDesign = number(21, 2016, 3);
    const newDesign = number(22, 2021, 3);
    const invention = number(23, 2010, 1);
    await put(poolPatent(utility, { patentType: 'utility-model', applicationDate: '2015-01-10' }));
    await put(
      poolPatent(oldDesign, {
        patentType: 'design',
        applicationDate: '2016-03-01',
        poolStatus: 'base',
        lifecycle: 'base-pool',
      }),
    );
    await put(poolPatent(newDesign, { patentType: 'design', applicationDate: '2021-06-01' }));
    await put(poolPatent(invention, { applicationDate: '2010-01-10' }));
    const done = await runDeadlineSweep();
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!);
    expect(output.patentTerms).toMatchObject({ branch: 'patentTerms', ok: true, complete: true });
    expect(output.patentTerms.counts.expired).toBeGreaterThanOrEqual(2);

    expect(await stored(utility)).toMatchObject({
      lifecycle: 'expired',
      termEndsOn: '2025-01-09',
      poolRemoval: { reason: 'expired' },
    });
    const design = await stored(oldDesign);
    expect(design).toMatchObject({ lifecycle: 'expired', termEndsOn: '2026-02-28' });
    // It was in the base pool: no tombstone to send.
    expect(design).not.toHaveProperty('poolRemoval');
    expect(await stored(newDesign)).toMatchObject({ lifecycle: 'listed' });
    expect(await stored(invention)).toMatchObject({ lifecycle: 'listed' });
    expect(await events(utility)).toEqual(['expired']);
    const history = await api(`/v1/patents/${utility}/history`, { token: institution });
    expect(history.json.items.at(-1)).toMatchObject({
      event: 'expired',
      actor: 'system:deadline-sweep',
      details: { termEndsOn: '2025-01-09', termYears: 10 },
    });
    expect((await feedEntries([utility])).get(utility)).toMatchObject({
      removed: true,
      removedReason: 'expired',
    });
  }, 180_000);
});

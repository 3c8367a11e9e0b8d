/**
 * Transfer on the local cloud, through the API: deals (rules, validation, idempotency, atomic
 * portfolios), registration / filing, open licensing, products, and the overdue-filing branch of the
 * deadline sweep with its email in the outbox.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { portalLink, portalPages } from '../../functions/shared/portal.ts';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { api, clients, cloud, eventually, tableName, token } from './helpers.ts';

const core = tableName('core');
// Application numbers of this file only (year 2098, which no other file uses).
const number = (serial: number) => {
  const body = `20981${String(serial).padStart(7, '0')}`;
  return `${body}.${applicationCheckCharacter(body)}`;
};
const PROVINCE = '530000'; // 云南省: no other file uses it
const OVERDUE_PROVINCE = '650000'; // a dev province admin with an email (infra/local/dev-users.ts)
const INST = withUsccCheck('12530000TRANXF001');
const OTHER_INST = withUsccCheck('12530000TRANXF002');
const OVERDUE_INST = withUsccCheck('12650000TRANXF003');
const ENT = withUsccCheck('91530000TRANXF004');
const ENT_NAME = '云南某某生物科技有限公司';

const patentItem = (n: string, fields: Record<string, unknown> = {}) => ({
  pk: `PAT#${n}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: n,
  title: `转化测试 ${n}`,
  patentType: 'invention',
  institutionUscc: INST,
  provinceCode: PROVINCE,
  reviewStatus: 'approved',
  poolStatus: 'conversion',
  lifecycle: 'listed',
  implementationStatus: 'not-implemented',
  version: 5,
  ...fields,
});
async function put(item: Record<string, unknown>) {
  await clients().documents.send(new PutCommand({ TableName: core, Item: item }));
}
async function read(pk: string, sk: string) {
  const { Item } = await clients().documents.send(
    new GetCommand({ TableName: core, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item;
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
  return Items ?? [];
}

let institution: string;
let otherInstitution: string;
let enterprise: string;
const license = (numbers: string[], extra: Record<string, unknown> = {}) => ({
  kind: 'license',
  licenseType: 'ordinary',
  applicationNumbers: numbers,
  enterprise: { uscc: ENT, name: ENT_NAME },
  priceTerms: { type: 'lump-sum', amountFen: 50_000_000 },
  effectiveDate: '2026-03-01',
  endDate: '2031-02-28',
  ...extra,
});

beforeAll(async () => {
  for (const [uscc, province, email] of [
    [INST, PROVINCE, 'tto@ynu.example.edu.cn'],
    [OTHER_INST, PROVINCE, 'tto@other.example.edu.cn'],
    [OVERDUE_INST, OVERDUE_PROVINCE, 'tto@xju.example.edu.cn'],
  ] as const) {
    await put({
      pk: `INST#${uscc}`,
      sk: 'PROFILE',
      entity: 'institution',
      uscc,
      name: `测试大学 ${uscc.slice(-4)}`,
      provinceCode: province,
      contactEmail: email,
      version: 1,
      gsi2pk: `PROV#${province}#INST`,
      gsi2sk: uscc,
    });
  }
  await put({
    pk: `ENT#${ENT}`,
    sk: 'PROFILE',
    entity: 'enterprise',
    uscc: ENT,
    name: ENT_NAME,
    provinceCode: PROVINCE,
    status: 'verified',
  });
  for (let serial = 1; serial <= 14; serial++) await put(patentItem(number(serial)));
  await put(patentItem(number(20), { institutionUscc: OTHER_INST }));
  await put(patentItem(number(21), { lifecycle: 'withdrawn' }));
  await put(patentItem(number(22), { patentType: 'utility-model' }));
  await put(patentItem(number(30), { institutionUscc: OVERDUE_INST, provinceCode: OVERDUE_PROVINCE }));
  await put(patentItem(number(40), { coOwners: ['云南某某药业有限公司'] }));
  institution = await token('institution', { org: INST, province: PROVINCE });
  otherInstitution = await token('institution', { org: OTHER_INST, province: PROVINCE });
  enterprise = await token('enterprise', { org: ENT, province: PROVINCE });
});

describe('deals', () => {
  it('records a portfolio license: the deal, the patents licensed, the filing clock on gsi3', async () => {
    const numbers = [number(1), number(2)];
    const created = await api('/v1/deals', { method: 'POST', token: institution, body: license(numbers) });
    expect(created.status, created.text).toBe(201);
    const deal = created.json;
    expect(deal).toMatchObject({
      kind: 'license',
      institutionUscc: INST,
      provinceCode: PROVINCE,
      filingKind: 'license-filing',
      filingStatus: 'pending',
      filingDueDate: '2026-06-01',
      contractValueFen: 50_000_000,
    });
    expect(await read(`DEAL#${deal.dealId}`, 'DEAL')).toMatchObject({
      gsi3pk: 'DUE#filing',
      gsi3sk: `2026-06-01#${deal.dealId}`,
      gsi1pk: `INST#${INST}#DEAL`,
      gsi2pk: `PROV#${PROVINCE}#DEAL`,
    });
    for (const n of numbers) {
      expect(await read(`PAT#${n}`, 'PATENT')).toMatchObject({
        lifecycle: 'licensed',
        version: 6,
        implementationStatus: 'licensed',
      });
      expect((await events(n)).map((e) => [e.type, e.details.dealId, e.details.dealKind])).toEqual([
        ['dealRecorded', deal.dealId, 'license'],
      ]);
    }
    const seen = await api(`/v1/deals/${deal.dealId}`, { token: enterprise });
    expect(seen.status).toBe(200);
    expect((await api(`/v1/deals/${deal.dealId}`, { token: otherInstitution })).status).toBe(404);
    const listed = await api('/v1/deals?kind=license', { token: enterprise });
    expect(listed.json.items.map((d: { dealId: string }) => d.dealId)).toContain(deal.dealId);
    const admin = await token('province-admin', { province: PROVINCE });
    const province = await api('/v1/deals', { token: admin });
    expect(province.json.items.map((d: { dealId: string }) => d.dealId)).toContain(deal.dealId);
  });

  it("a co-owned patent: an exclusive license without the co-owners' consent is 409 and writes nothing; with it, recorded", async () => {
    const n = number(40);
    const exclusive = license([n], { licenseType: 'exclusive' });
    const refused = await api('/v1/deals', { method: 'POST', token: institution, body: exclusive });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'CO_OWNER_CONSENT_REQUIRED',
      details: { coOwners: ['云南某某药业有限公司'] },
    });
    expect(await read(`PAT#${n}`, 'PATENT')).toMatchObject({ lifecycle: 'listed', version: 5 });
    const consent = { applicationNumber: n, consentedOn: '2026-02-20', reference: '共有人同意书 YN-2026-3' };
    const created = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: { ...exclusive, coOwnerConsents: [consent] },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.coOwnerConsents).toEqual([consent]);
  });

  it("a deal on another institution's patent: 404, nothing said about whose", async () => {
    const response = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([number(20)]),
    });
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('NOT_FOUND');
    expect(response.text).not.toContain(OTHER_INST);
    expect(await events(number(20))).toEqual([]);
  });

  it('royalty tiers that overlap or leave a gap: 400 naming the tier', async () => {
    const body = (secondFrom: number) =>
      license([number(3)], {
        licenseType: 'exclusive',
        priceTerms: {
          type: 'upfront-royalty',
          upfrontFen: 230_000_000,
          royalty: {
            basis: 'sales',
            tiers: [
              { fromFen: 0, toFen: 10_000_000_000, ratePercent: 3 },
              { fromFen: secondFrom, ratePercent: 2 },
            ],
          },
        },
      });
    for (const [from, word] of [
      [9_000_000_000, 'overlaps'],
      [11_000_000_000, 'leaves a gap'],
    ] as const) {
      const response = await api('/v1/deals', { method: 'POST', token: institution, body: body(from) });
      expect(response.status).toBe(400);
      expect(response.json.error.details).toEqual([
        {
          in: 'body',
          field: 'priceTerms.royalty.tiers.1.fromFen',
          message: expect.stringContaining(`tier 2 ${word}`),
        },
      ]);
    }
    expect(await events(number(3))).toEqual([]);
  });

  it('installments not summing to the price: 400 with the difference', async () => {
    const response = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([number(3)], {
        priceTerms: {
          type: 'installments',
          totalFen: 30_000_000,
          installments: [
            { dueDate: '2026-04-01', amountFen: 10_000_000 },
            { dueDate: '2027-04-01', amountFen: 10_000_000 },
          ],
        },
      }),
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details[0]).toMatchObject({ field: 'priceTerms.installments' });
    expect(response.json.error.details[0].message).toContain('add 100,000.00 CNY');
  });

  it('the same request twice (Idempotency-Key) records one deal', async () => {
    const send = () =>
      api('/v1/deals', {
        method: 'POST',
        token: institution,
        headers: { 'Idempotency-Key': 'contract-YN-2026-001' },
        body: license([number(4)]),
      });
    const first = await send();
    const second = await send();
    expect(first.status, first.text).toBe(201);
    expect(second.status).toBe(200);
    expect(second.json.dealId).toBe(first.json.dealId);
    expect((await events(number(4))).filter((e) => e.type === 'dealRecorded')).toHaveLength(1);
    const changed = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      headers: { 'Idempotency-Key': 'contract-YN-2026-001' },
      body: license([number(4)], { notes: 'other' }),
    });
    expect(changed.status).toBe(409);
  });

  it('a deal on a withdrawn patent: 409 ILLEGAL_TRANSITION with the current state and allowed events', async () => {
    const response = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([number(21)]),
    });
    expect(response.status).toBe(409);
    expect(response.json.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { applicationNumber: number(21), current: 'withdrawn', event: 'dealRecorded', allowed: [] },
    });
  });

  it('a portfolio with one illegal patent is atomic: nothing recorded for the others', async () => {
    const numbers = [number(5), number(6), number(21)];
    const response = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license(numbers, { clientReference: 'portfolio-atomic' }),
    });
    expect(response.status).toBe(409);
    for (const n of [number(5), number(6)]) {
      expect(await read(`PAT#${n}`, 'PATENT')).toMatchObject({ lifecycle: 'listed', version: 5 });
      expect(await events(n)).toEqual([]);
    }
    const listed = await api('/v1/deals?limit=100', { token: institution });
    expect(
      listed.json.items.filter((d: { applicationNumbers: string[] }) =>
        d.applicationNumbers.includes(number(5)),
      ),
    ).toEqual([]);
  });
});

describe('deal listing', () => {
  it('pages with a cursor bound to its listing', async () => {
    const first = await api('/v1/deals?limit=1', { token: institution });
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(1);
    expect(first.json.nextCursor).toBeTruthy();
    const second = await api(`/v1/deals?limit=1&cursor=${first.json.nextCursor}`, { token: institution });
    expect(second.json.items).toHaveLength(1);
    expect(second.json.items[0].dealId).not.toBe(first.json.items[0].dealId);
    // newest first
    expect(second.json.items[0].createdAt <= first.json.items[0].createdAt).toBe(true);
    const elsewhere = await api(`/v1/deals?limit=1&kind=equity&cursor=${first.json.nextCursor}`, {
      token: institution,
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json.error.details[0].field).toBe('cursor');
  });
});

describe('filing', () => {
  it('a filing date before the effective date is 400; the filing files the patents and leaves the due index', async () => {
    const created = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([number(7)], { kind: 'assignment', licenseType: undefined, endDate: undefined }),
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.dealId as string;
    expect(created.json).toMatchObject({
      filingKind: 'assignment-registration',
      filingStatus: 'pending',
      registrationReminderOn: '2026-06-01',
    });
    // No legal deadline for a registration (专利法 art. 10): no due date, never flagged overdue.
    expect(created.json.filingDueDate).toBeUndefined();
    expect((await read(`PAT#${number(7)}`, 'PATENT'))?.patenteeChange).toMatchObject({
      dealId: id,
      registration: 'pending',
    });
    const early = await api(`/v1/deals/${id}/filing`, {
      method: 'PUT',
      token: institution,
      body: { number: 'ZLDJ2026-0001', date: '2026-02-27' },
    });
    expect(early.status).toBe(400);
    expect(early.json.error.details).toEqual([
      { in: 'body', field: 'date', message: 'before the effective date 2026-03-01' },
    ]);
    const filing = { number: 'ZLDJ2026-0001', date: '2026-04-02' };
    const filed = await api(`/v1/deals/${id}/filing`, { method: 'PUT', token: institution, body: filing });
    expect(filed.status, filed.text).toBe(200);
    expect(filed.json).toMatchObject({ filingStatus: 'filed', filing });
    const stored = await read(`DEAL#${id}`, 'DEAL');
    expect(stored?.gsi3pk).toBeUndefined();
    expect(await read(`PAT#${number(7)}`, 'PATENT')).toMatchObject({
      lifecycle: 'filed',
      implementationStatus: 'assigned',
      // The day the assignment took effect and the patent left the institution's stock.
      patenteeChange: { dealId: id, registration: 'registered', registeredOn: '2026-04-02' },
    });
    const again = await api(`/v1/deals/${id}/filing`, { method: 'PUT', token: institution, body: filing });
    expect(again.status).toBe(200);
    expect((await events(number(7))).map((e) => e.type)).toEqual(['dealRecorded', 'filingConfirmed']);
    // Assigned: the institution is no longer the patentee.
    const after = await api('/v1/deals', { method: 'POST', token: institution, body: license([number(7)]) });
    expect(after.status).toBe(409);
    expect(after.json.error.code).toBe('PATENTEE_CHANGED');
  });

  it('the deadline sweep flags an overdue filing once and emails the institution and the province admin', async () => {
    const admin = await token('province-admin', { province: OVERDUE_PROVINCE });
    const created = await api('/v1/deals', {
      method: 'POST',
      token: admin,
      body: license([number(30)], {
        institutionUscc: OVERDUE_INST,
        effectiveDate: '2025-01-10',
        endDate: '2030-01-09',
      }),
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.dealId as string;
    expect(created.json.filingDueDate).toBe('2025-04-10');
    const fire = async () => {
      const response = await fetch(`${cloud().controlUrl}/_local/schedules/deadline-sweep/fire`, {
        method: 'POST',
        body: JSON.stringify({}),
      });
      return (await response.json()) as {
        ok: boolean;
        result: { output: Record<string, Record<string, unknown>> };
      };
    };
    const run = await fire();
    expect(run.ok).toBe(true);
    expect(run.result.output.overdueFilings).toMatchObject({ ok: true });
    expect((run.result.output.overdueFilings!.counts as { flagged: number }).flagged).toBeGreaterThanOrEqual(
      1,
    );
    const stored = await read(`DEAL#${id}`, 'DEAL');
    expect(stored).toMatchObject({ filingStatus: 'overdue', gsi3pk: 'OVERDUE#filing' });
    const outbox = join(cloud().dataDir, 'outbox');
    const mail = await eventually(
      async () => {
        for (const file of (await readdir(outbox).catch(() => [] as string[])).filter((f) =>
          f.endsWith('.eml'),
        )) {
          const parsed = await simpleParser(await readFile(join(outbox, file)));
          if (parsed.subject?.includes(id)) return parsed;
        }
        return undefined;
      },
      20_000,
      'the overdue email',
    );
    const to = mail.to && 'text' in mail.to ? mail.to.text : '';
    expect(to).toContain('tto@xju.example.edu.cn');
    expect(to).toContain('xinjiang-admin@patents.local');
    // What to do, in words, with the deal's page in the portal; the API on the integrators' line only.
    expect(mail.text).toContain('录入备案证明上的备案号和备案日期');
    expect(mail.html).toContain(`href="${portalLink(portalPages.deal(id))}"`);
    expect(mail.text).toContain(`For integrators: PUT /v1/deals/${id}/filing`);
    // Flagged once: the next sweep leaves it alone.
    const flaggedAt = stored?.overdueFlaggedAt;
    await fire();
    expect((await read(`DEAL#${id}`, 'DEAL'))?.overdueFlaggedAt).toBe(flaggedAt);
  }, 60_000);
});

describe('open licensing and products', () => {
  const declaration = {
    feeStandard: {
      type: 'upfront-royalty',
      upfrontFen: 2_000_000,
      royalty: { basis: 'sales', tiers: [{ fromFen: 0, ratePercent: 1 }] },
    },
    paymentMethod: '许可生效后 30 日内支付入门费，提成按年度结算',
    startDate: '2026-01-01',
    endDate: '2028-12-31',
  };

  it('an exclusive license on an openly licensed patent: 409 OPEN_LICENSE_ACTIVE', async () => {
    const declared = await api(`/v1/patents/${number(8)}/open-license`, {
      method: 'POST',
      token: institution,
      body: declaration,
    });
    expect(declared.status, declared.text).toBe(201);
    expect(await read(`PAT#${number(8)}`, 'PATENT')).toMatchObject({ lifecycle: 'open-license' });
    const response = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([number(8)], { licenseType: 'exclusive' }),
    });
    expect(response.status).toBe(409);
    expect(response.json.error.code).toBe('OPEN_LICENSE_ACTIVE');
    expect(response.json.error.message).toContain('withdrawal');
  });

  it('a utility model needs the evaluation report reference', async () => {
    const response = await api(`/v1/patents/${number(22)}/open-license`, {
      method: 'POST',
      token: institution,
      body: declaration,
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual([
      { in: 'body', field: 'evaluationReportRef', message: 'required for a utility-model' },
    ]);
  });

  it('withdrawal with a reason goes back to listed and leaves the public listing', async () => {
    await api(`/v1/patents/${number(9)}/open-license`, {
      method: 'POST',
      token: institution,
      body: declaration,
    });
    const offered = async () =>
      (await api(`/v1/open-licenses?province=${PROVINCE}&limit=100`, { token: enterprise })).json.items.map(
        (l: { applicationNumber: string }) => l.applicationNumber,
      );
    expect(await offered()).toContain(number(9));
    // CNIPA's announcement of the declaration and the annual-fee reduction (专利法 art. 50-51).
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const publication = {
      reference: 'CN2026-KFXK-000123',
      publishedOn: today,
      annualFeeReduction: { ratePercent: 15, reference: '年费减缴通知书 2026-001' },
    };
    const publish = (body: object, token = institution) =>
      api(`/v1/patents/${number(9)}/open-license/publication`, { method: 'PUT', token, body });
    const published = await publish(publication);
    expect(published.status, published.text).toBe(200);
    expect(published.json).toMatchObject({
      status: 'active',
      publication: { reference: 'CN2026-KFXK-000123', publishedOn: today },
      annualFeeReduction: { ratePercent: 15 },
    });
    const listing = (await api(`/v1/patents/${number(9)}/open-license`, { token: enterprise })).json;
    expect(listing.publication).toMatchObject({ reference: 'CN2026-KFXK-000123' });
    const versionAfter = (await read(`PAT#${number(9)}`, 'PATENT'))!.version;
    // The same record again changes nothing; a date before the declaration is refused with the range.
    expect((await publish(publication)).status).toBe(200);
    expect((await read(`PAT#${number(9)}`, 'PATENT'))!.version).toBe(versionAfter);
    const early = await publish({ ...publication, publishedOn: '2020-01-01' });
    expect(early.status).toBe(400);
    expect(early.json.error.message).toContain('between');
    expect((await publish(publication, enterprise)).status).toBe(403);
    const withdrawn = await api(`/v1/patents/${number(9)}/open-license/withdrawal`, {
      method: 'POST',
      token: institution,
      body: { reason: '拟独占许可给合作企业' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.json).toMatchObject({ status: 'withdrawn', withdrawalReason: '拟独占许可给合作企业' });
    expect(await offered()).not.toContain(number(9));
    expect(await read(`PAT#${number(9)}`, 'PATENT')).toMatchObject({ lifecycle: 'listed' });
    // A withdrawn declaration has nothing to publish: 409 saying to declare first.
    const late = await publish({ ...publication, reference: 'CN2026-KFXK-000124' });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toContain('declare it first');
  });

  it('an enterprise takes the open license, then files a product: the patent is industrialized', async () => {
    await api(`/v1/patents/${number(10)}/open-license`, {
      method: 'POST',
      token: institution,
      body: declaration,
    });
    const taken = await api(`/v1/patents/${number(10)}/open-license/licenses`, {
      method: 'POST',
      token: enterprise,
      body: {
        noticeDate: '2026-02-01',
        payment: { amountFen: 2_000_000, paidOn: '2026-02-03', reference: 'YN-TX-1' },
      },
    });
    expect(taken.status, taken.text).toBe(201);
    expect(taken.json).toMatchObject({
      kind: 'license',
      licenseType: 'open',
      origin: 'open-license',
      effectiveDate: '2026-02-03',
      filingDueDate: '2026-05-03',
      enterprise: { uscc: ENT, name: ENT_NAME },
    });
    const product = {
      name: '高通量生物反应器',
      applicationNumbers: [number(10)],
      filingNumber: 'CPF-YN-2026-01',
      filingDate: '2026-06-01',
    };
    const filed = await api('/v1/products', { method: 'POST', token: enterprise, body: product });
    expect(filed.status, filed.text).toBe(201);
    expect(filed.json.dealIds).toEqual([taken.json.dealId]);
    expect(await read(`PAT#${number(10)}`, 'PATENT')).toMatchObject({
      lifecycle: 'industrialized',
      implementationStatus: 'industrialized',
    });
    expect((await api('/v1/products', { method: 'POST', token: enterprise, body: product })).status).toBe(
      200,
    );
    const mine = await api('/v1/products', { token: enterprise });
    expect(mine.json.items.map((p: { productId: string }) => p.productId)).toEqual([filed.json.productId]);
    // The patentee withdraws the open license: the license taken and the product stay.
    const withdrawn = await api(`/v1/patents/${number(10)}/open-license/withdrawal`, {
      method: 'POST',
      token: institution,
      body: { reason: '转为独占许可谈判' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(await read(`PAT#${number(10)}`, 'PATENT')).toMatchObject({
      lifecycle: 'industrialized',
      openLicense: { status: 'withdrawn' },
    });
    expect((await api(`/v1/deals/${taken.json.dealId}`, { token: enterprise })).json).toMatchObject({
      licenseType: 'open',
      filingStatus: 'pending',
    });
  });

  it('a product on a patent the enterprise holds no deal on: 403 naming it', async () => {
    const response = await api('/v1/products', {
      method: 'POST',
      token: enterprise,
      body: {
        name: '无授权产品',
        applicationNumbers: [number(11)],
        filingNumber: 'CPF-YN-2026-02',
        filingDate: '2026-06-01',
      },
    });
    expect(response.status).toBe(403);
    expect(response.json.error.details).toEqual({ applicationNumbers: [number(11)] });
  });
});

describe("pledges (民法典 art. 444): the pledgee's consent", () => {
  it('a recorded pledge refuses a deal without the consent (409 naming it), records it with; the release lifts it', async () => {
    const n = number(12);
    const registration = {
      pledgee: '云南某某银行',
      registrationNumber: 'Y2026530000012',
      registeredOn: '2026-01-05',
    };
    const pledged = await api(`/v1/patents/${n}/pledges`, {
      method: 'POST',
      token: institution,
      body: registration,
    });
    expect(pledged.status, pledged.text).toBe(201);
    expect(pledged.json).toMatchObject({ status: 'active', registrationNumber: 'Y2026530000012' });
    const again = await api(`/v1/patents/${n}/pledges`, {
      method: 'POST',
      token: institution,
      body: registration,
    });
    expect(again.status).toBe(200);
    expect((await read(`PAT#${n}`, 'PATENT'))!.pledges).toHaveLength(1);
    expect(
      (await api(`/v1/patents/${n}/pledges`, { method: 'POST', token: otherInstitution, body: registration }))
        .status,
    ).toBe(404);

    const refused = await api('/v1/deals', { method: 'POST', token: institution, body: license([n]) });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error.code).toBe('PLEDGEE_CONSENT_REQUIRED');
    expect(refused.json.error.message).toContain('云南某某银行');
    const consent = { applicationNumber: n, consentedOn: '2026-02-01', reference: '质权人同意书 2026-12' };
    const recorded = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([n], { pledgeeConsents: [consent] }),
    });
    expect(recorded.status, recorded.text).toBe(201);
    expect(recorded.json.pledgeeConsents).toEqual([consent]);

    const released = await api(`/v1/patents/${n}/pledges/release`, {
      method: 'POST',
      token: institution,
      body: { registrationNumber: 'Y2026530000012', releasedOn: '2026-03-10', reference: '注销通知 2026-45' },
    });
    expect(released.status, released.text).toBe(200);
    expect(released.json).toMatchObject({ status: 'released', releasedOn: '2026-03-10' });
    // (This file's patents are minimal items, outside the full view's schema: read the item.)
    expect((await read(`PAT#${n}`, 'PATENT'))!.pledges).toEqual([
      expect.objectContaining({ status: 'released' }),
    ]);
    const second = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: license([n], { clientReference: 'PLEDGE-2' }),
    });
    expect(second.status, second.text).toBe(201);
  });
});

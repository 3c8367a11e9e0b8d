/**
 * After the deal on the local cloud, through the API (issue 13, item 6): obligations from the price
 * terms, payments (fen, idempotent, concurrent, overpaid), royalty reports, amendment, termination
 * (the exclusive grant ends), receivables, the overdue reminder of the deadline sweep in the outbox, and
 * a payment counted as income received in the quarterly figures (through the core stream).
 * Province 140000 (山西), application numbers of year 2096: no other file uses them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeQuarterFigures } from '../../functions/metrics/figures.ts';
import { dynamoMetricsReadPort } from '../../functions/metrics/metrics-store.ts';
import { buildReportModel } from '../../functions/reports/report-model.ts';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { chinaDate } from '../../schemas/china-date.ts';
import { applicationCheckCharacter } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { quarterOf } from '../../schemas/metrics.ts';
import { api, clients, cloud, eventually, tableName, token } from './helpers.ts';

const core = tableName('core');
const number = (serial: number) => {
  const body = `20961${String(serial).padStart(7, '0')}`;
  return `${body}.${applicationCheckCharacter(body)}`;
};
const PROVINCE = '140000'; // 山西省: no other file uses it
const INST = withUsccCheck('12140000MNYPAY001');
const OTHER_INST = withUsccCheck('12140000MNYPAY002');
const ENT = withUsccCheck('91140000MNYPAY003');
const ENT_NAME = '山西某某新材料有限公司';

async function put(item: Record<string, unknown>) {
  await clients().documents.send(new PutCommand({ TableName: core, Item: item }));
}
async function read(pk: string, sk: string) {
  const { Item } = await clients().documents.send(
    new GetCommand({ TableName: core, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item;
}

let institution: string;
let otherInstitution: string;
let serial = 0;

/** A patent of INST in the conversion pool, as the pipeline leaves it (stored directly). */
async function putPatent(patent: Record<string, unknown> = {}) {
  const n = number(++serial);
  await put({
    pk: `PAT#${n}`,
    sk: 'PATENT',
    entity: 'patent',
    applicationNumber: n,
    title: `资金测试 ${n}`,
    patentType: 'invention',
    institutionUscc: INST,
    provinceCode: PROVINCE,
    reviewStatus: 'approved',
    poolStatus: 'conversion',
    lifecycle: 'listed',
    implementationStatus: 'not-implemented',
    applicationDate: '2020-01-01',
    legalStatus: 'valid',
    version: 5,
    ...patent,
  });
  return n;
}

async function newDeal(body: Record<string, unknown>, patent: Record<string, unknown> = {}) {
  const n = await putPatent(patent);
  const created = await api('/v1/deals', {
    method: 'POST',
    token: institution,
    body: {
      kind: 'license',
      licenseType: 'exclusive',
      applicationNumbers: [n],
      enterprise: { uscc: ENT, name: ENT_NAME },
      effectiveDate: '2026-03-01',
      endDate: '2030-02-28',
      ...body,
    },
  });
  expect(created.status, created.text).toBe(201);
  return { dealId: created.json.dealId as string, patent: n };
}
const installments = {
  type: 'installments',
  totalFen: 3_000_000,
  installments: [
    { dueDate: '2026-03-01', amountFen: 1_000_000 },
    { dueDate: '2026-09-01', amountFen: 2_000_000 },
  ],
};
const pay = (dealId: string, body: Record<string, unknown>, key?: string, as = institution) =>
  api(`/v1/deals/${dealId}/payments`, {
    method: 'POST',
    token: as,
    body: { paidOn: '2026-03-05', evidenceReference: '回单', ...body },
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

beforeAll(async () => {
  for (const [uscc, email] of [
    [INST, 'tto@sxu.example.edu.cn'],
    [OTHER_INST, 'tto@tyut.example.edu.cn'],
  ] as const) {
    await put({
      pk: `INST#${uscc}`,
      sk: 'PROFILE',
      entity: 'institution',
      uscc,
      name: `山西测试大学 ${uscc.slice(-4)}`,
      provinceCode: PROVINCE,
      contactEmail: email,
      version: 1,
      gsi2pk: `PROV#${PROVINCE}#INST`,
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
  institution = await token('institution', { org: INST, province: PROVINCE });
  otherInstitution = await token('institution', { org: OTHER_INST, province: PROVINCE });
});

describe('payments', () => {
  it('obligations from the price terms; payments allocated, an overpayment kept and flagged', async () => {
    const { dealId } = await newDeal({ priceTerms: installments });
    const obligations = await api(`/v1/deals/${dealId}/obligations`, { token: institution });
    expect(obligations.status, obligations.text).toBe(200);
    expect(obligations.json.obligations.map((o: { obligationId: string }) => o.obligationId)).toEqual([
      'installment-2026-03-01',
      'installment-2026-09-01',
    ]);
    expect((await pay(dealId, { amountFen: 1_000_000 })).status).toBe(201);
    const over = await pay(dealId, { amountFen: 2_500_000, paidOn: '2026-09-02' });
    expect(over.status, over.text).toBe(201);
    expect(over.json).toMatchObject({ overpaidFen: 500_000, flags: ['overpayment'] });
    const after = await api(`/v1/deals/${dealId}/obligations`, { token: institution });
    expect(after.json.totals).toMatchObject({ outstandingFen: 0, paidFen: 3_500_000, overpaidFen: 500_000 });
    const payments = await api(`/v1/deals/${dealId}/payments`, { token: institution });
    expect(payments.json.items).toHaveLength(2);
  });

  it("records the inventors' share of a payment: 50 % of the net income, by their contribution shares", async () => {
    const { dealId } = await newDeal(
      { priceTerms: installments },
      {
        inventors: ['张三', '李四'],
        inventorShares: [
          { name: '张三', sharePercent: 70 },
          { name: '李四', sharePercent: 30 },
        ],
      },
    );
    const tooCostly = await pay(dealId, { amountFen: 1_000_000, declaredCostsFen: 1_000_001 });
    expect(tooCostly.status, tooCostly.text).toBe(400);
    const paid = await pay(dealId, { amountFen: 1_000_000, declaredCostsFen: 200_000 });
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json.inventorRewards).toMatchObject({
      netIncomeFen: 800_000,
      poolFen: 400_000,
      lines: [
        { name: '张三', sharePercent: 70, amountFen: 280_000 },
        { name: '李四', sharePercent: 30, amountFen: 120_000 },
      ],
      unassignedFen: 0,
    });
    const listed = await api(`/v1/deals/${dealId}/payments`, { token: institution });
    expect(listed.json.items[0].inventorRewards.lines).toHaveLength(2);

    // Per inventor, for the institution: 张三 gets 280,000 fen from this payment (other tests' payments
    // have no inventors, so they count without rewards).
    const report = await api(`/v1/institutions/${INST}/inventor-rewards?from=2026-03-05&to=2026-03-05`, {
      token: institution,
    });
    expect(report.status, report.text).toBe(200);
    const zhang = report.json.inventors.find((i: { name: string }) => i.name === '张三');
    expect(zhang).toMatchObject({
      totalFen: 280_000,
      lines: [{ dealId, sharePercent: 70, amountFen: 280_000 }],
    });
    const later = await api(`/v1/institutions/${INST}/inventor-rewards?from=2026-03-06`, {
      token: institution,
    });
    expect(later.json.inventors.find((i: { name: string }) => i.name === '张三')).toBeUndefined();
    expect((await api(`/v1/institutions/${INST}/inventor-rewards`, { token: otherInstitution })).status).toBe(
      404,
    );
    const file = await fetch(
      `${cloud().apiUrl}/v1/institutions/${INST}/inventor-rewards.xlsx?from=2026-03-05&to=2026-03-05`,
      { headers: { authorization: `Bearer ${institution}` } },
    );
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('spreadsheetml');
    expect(file.headers.get('content-disposition')).toContain('inventor-rewards-');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await file.arrayBuffer());
    expect(book.worksheets[0]!.getColumn(1).values).toContain('张三');
    const backwards = await api(`/v1/institutions/${INST}/inventor-rewards?from=2026-04-01&to=2026-03-01`, {
      token: institution,
    });
    expect(backwards.status).toBe(400);
  });

  it('refuses negative or fractional fen (400) and answers 404 on another institution deal', async () => {
    const { dealId } = await newDeal({ priceTerms: installments });
    for (const amountFen of [-100, 100.5]) {
      const refused = await pay(dealId, { amountFen });
      expect(refused.status, refused.text).toBe(400);
    }
    const foreign = await pay(dealId, { amountFen: 100 }, undefined, otherInstitution);
    expect(foreign.status).toBe(404);
    expect((await api(`/v1/deals/${dealId}/payments`, { token: institution })).json.items).toHaveLength(0);
  });

  it('stores a payment once per Idempotency-Key, and loses none of concurrent payments', async () => {
    const { dealId } = await newDeal({ priceTerms: installments });
    const first = await pay(dealId, { amountFen: 10_000 }, 'money-key-1');
    const again = await pay(dealId, { amountFen: 10_000 }, 'money-key-1');
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json.paymentId).toBe(first.json.paymentId);
    const concurrent = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => pay(dealId, { amountFen: 10_000, evidenceReference: `并发 ${i}` })),
    );
    expect(concurrent.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const payments = await api(`/v1/deals/${dealId}/payments`, { token: institution });
    expect(payments.json.items).toHaveLength(6);
    const view = await api(`/v1/deals/${dealId}/obligations`, { token: institution });
    expect(view.json.totals.paidFen).toBe(60_000);
    expect(view.json.obligations[0].paidFen).toBe(60_000);
  }, 30_000);
});

describe('own implementation (促进科技成果转化法 art. 45 (3))', () => {
  it("records a year's operating profit once, with its inventors' share and audit entry; a correction is version 2; the report and the workbook carry it", async () => {
    const n = await putPatent({
      inventors: ['王五', '赵六'],
      inventorShares: [
        { name: '王五', sharePercent: 60 },
        { name: '赵六', sharePercent: 40 },
      ],
      implementationStatus: 'self-implemented',
    });
    const path = `/v1/patents/${n}/implementation-profits/2025`;
    const body = {
      productionStartedOn: '2024-04-01',
      operatingProfitFen: 3_000_000,
      evidenceReference: '2025 年度专项审计报告',
    };
    const [first, again] = await Promise.all([
      api(path, { method: 'PUT', token: institution, body }),
      api(path, { method: 'PUT', token: institution, body }),
    ]);
    expect([first.status, again.status].sort(), first.text + again.text).toEqual([200, 201]);
    expect(first.json).toMatchObject({
      applicationNumber: n,
      year: 2025,
      yearOfImplementation: 2,
      version: 1,
      inventorRewards: {
        ratePercent: 5,
        poolFen: 150_000,
        lines: [
          { name: '王五', amountFen: 90_000 },
          { name: '赵六', amountFen: 60_000 },
        ],
      },
    });
    expect(first.json.requestHash).toBeUndefined();
    const corrected = await api(path, {
      method: 'PUT',
      token: institution,
      body: { ...body, operatingProfitFen: 2_000_000 },
    });
    expect(corrected.status, corrected.text).toBe(200);
    expect(corrected.json).toMatchObject({ version: 2, inventorRewards: { poolFen: 100_000 } });
    const stored = await read(`INST#${INST}`, `IMPLPROFIT#${n}#2025`);
    expect(stored).toMatchObject({ version: 2, operatingProfitFen: 2_000_000 });
    const audit = await clients().documents.send(
      new QueryCommand({
        TableName: core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':pk': `PAT#${n}`, ':a': 'AUDIT#' },
      }),
    );
    expect((audit.Items ?? []).map((i) => i.action).sort()).toEqual([
      'patent.implementationProfitCorrected',
      'patent.implementationProfitRecorded',
    ]);
    const early = await api(`/v1/patents/${n}/implementation-profits/2023`, {
      method: 'PUT',
      token: institution,
      body,
    });
    expect(early.status).toBe(400);
    expect(early.json.error.message).toContain('before production started');
    const low = await api(path, { method: 'PUT', token: institution, body: { ...body, ratePercent: 2 } });
    expect(low.status).toBe(400);
    expect(low.json.error.details[0].field).toBe('basis');
    const foreign = await api(path, { method: 'PUT', token: otherInstitution, body });
    expect(foreign.status).toBe(404);

    const report = await api(`/v1/institutions/${INST}/inventor-rewards?from=2025-12-31&to=2025-12-31`, {
      token: institution,
    });
    expect(report.status, report.text).toBe(200);
    expect(report.json.implementationYearsCounted).toBe(1);
    expect(report.json.inventors.find((i: { name: string }) => i.name === '王五')).toMatchObject({
      totalFen: 60_000,
      lines: [{ source: 'own-implementation', year: 2025, applicationNumber: n, amountFen: 60_000 }],
    });
    const file = await fetch(
      `${cloud().apiUrl}/v1/institutions/${INST}/inventor-rewards.xlsx?from=2025-12-31&to=2025-12-31`,
      { headers: { authorization: `Bearer ${institution}` } },
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await file.arrayBuffer());
    const lines = book.getWorksheet('明细 Lines')!;
    expect(lines.getRow(2).values).toEqual([
      undefined,
      '王五',
      undefined, // no staff number: an empty cell
      n,
      '自行实施 Own implementation',
      undefined, // no payment
      '2025 年度',
      60,
      600,
    ]);
  });
});

describe("inventors' staff numbers (发明人工号)", () => {
  it('come in with the inventory, key the rewards per person, and never reach an enterprise', async () => {
    // Through the API: a row of the inventory template with the staff-number column.
    const cells = demoInventoryRows(1, { seed: 2096, serialBase: 2_096_001 })[0]!;
    const row: Record<string, string> = Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
    row.发明人 = '张伟；李娜；王强';
    row.发明人工号 = '20080123；无；T2015-456';
    const created = await api('/v1/patents', { method: 'POST', token: institution, body: row });
    expect(created.status, created.text).toBe(201);
    const own = await api(`/v1/patents/${cells[0]}`, { token: institution });
    expect(own.json.inventorStaffNumbers).toEqual([
      { name: '张伟', staffNumber: '20080123' },
      { name: '王强', staffNumber: 'T2015-456' },
    ]);
    const refused = await api('/v1/patents', {
      method: 'POST',
      token: institution,
      body: { ...row, 发明人工号: '20080123；1；2；3' },
    });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.text).toContain('gives 4 staff number(s) for 3 inventor(s)');

    // Two inventors named 张伟, one on each patent of a deal: paid apart.
    const first = await putPatent({
      inventors: ['张伟'],
      inventorStaffNumbers: [{ name: '张伟', staffNumber: '20080123' }],
    });
    const second = await putPatent({
      // What a patent through the pipeline holds besides (the enterprise view is checked against its schema).
      department: '机械工程学院',
      publiclyFunded: false,
      conversionIntents: ['license'],
      strategicIndustries: [],
      classifications: ['B23K 26/38'],
      incrementalStock: false,
      inventors: ['张伟'],
      inventorStaffNumbers: [{ name: '张伟', staffNumber: '20150456' }],
    });
    const pair = await api('/v1/deals', {
      method: 'POST',
      token: institution,
      body: {
        kind: 'license',
        licenseType: 'ordinary',
        applicationNumbers: [first, second],
        enterprise: { uscc: ENT, name: ENT_NAME },
        effectiveDate: '2026-03-01',
        endDate: '2027-02-28',
        signedDate: '2026-02-20',
        priceTerms: { type: 'lump-sum', amountFen: 400_000 },
      },
    });
    expect(pair.status, pair.text).toBe(201);
    const paidOn = '2026-02-27'; // no other test of this file pays on this day
    expect((await pay(pair.json.dealId, { amountFen: 400_000, paidOn })).status).toBe(201);
    const report = await api(`/v1/institutions/${INST}/inventor-rewards?from=${paidOn}&to=${paidOn}`, {
      token: institution,
    });
    expect(
      report.json.inventors.map((i: { name: string; staffNumber?: string; totalFen: number }) => [
        i.name,
        i.staffNumber,
        i.totalFen,
      ]),
    ).toEqual([
      ['张伟', '20080123', 100_000],
      ['张伟', '20150456', 100_000],
    ]);

    // An enterprise reads the pool patent: no staff number, no contribution share.
    const enterprise = await token('enterprise', { org: ENT, province: PROVINCE });
    const seen = await api(`/v1/patents/${second}`, { token: enterprise });
    expect(seen.status, seen.text).toBe(200);
    expect(seen.text).not.toContain('20150456');
    expect(seen.json.inventorStaffNumbers).toBeUndefined();
  }, 60_000);
});

describe('a payment recorded in error', () => {
  it("is reversed with its reason: its obligation is open again, it leaves the income figures and the inventors' rewards, the right one is recorded anew", async () => {
    // Paid in 2026Q2, a quarter in which no other test of this file pays.
    const paidOn = '2026-05-20';
    const { dealId } = await newDeal(
      { priceTerms: installments },
      { inventors: ['王五'], inventorShares: [{ name: '王五', sharePercent: 100 }] },
    );
    const wrong = await pay(dealId, { amountFen: 1_200_000, paidOn }, 'reversal-key-1');
    expect(wrong.status, wrong.text).toBe(201);
    const counterKey = { pk: `Q#2026Q2#PROV#${PROVINCE}`, sk: `INST#${INST}` };
    const income = async () =>
      (
        await clients().documents.send(
          new GetCommand({ TableName: tableName('metrics'), Key: counterKey, ConsistentRead: true }),
        )
      ).Item?.['f.incomeReceivedWan'];
    await eventually(async () => ((await income()) === 1.2 ? true : undefined), 20_000, 'counted');

    const path = `/v1/deals/${dealId}/payments/${wrong.json.paymentId}/reversal`;
    const reason = '金额录入错误：应为 100,000 元';
    const foreign = await api(path, { method: 'POST', token: otherInstitution, body: { reason } });
    expect(foreign.status, foreign.text).toBe(404);
    const noReason = await api(path, { method: 'POST', token: institution, body: {} });
    expect(noReason.status, noReason.text).toBe(400);
    const reversed = await api(path, { method: 'POST', token: institution, body: { reason } });
    expect(reversed.status, reversed.text).toBe(200);
    expect(reversed.json.reversal).toMatchObject({ reason });
    // The same reversal again changes nothing; another reason is refused.
    expect((await api(path, { method: 'POST', token: institution, body: { reason } })).json).toEqual(
      reversed.json,
    );
    const other = await api(path, { method: 'POST', token: institution, body: { reason: '另一个理由' } });
    expect(other.status, other.text).toBe(409);
    // The same Idempotency-Key does not bring the reversed payment back: it answers it, reversed.
    const replay = await pay(dealId, { amountFen: 1_200_000, paidOn }, 'reversal-key-1');
    expect([replay.status, replay.json.reversal?.reason]).toEqual([200, reason]);

    const view = await api(`/v1/deals/${dealId}/obligations`, { token: institution });
    expect(view.json.totals).toMatchObject({ paidFen: 0, outstandingFen: 3_000_000, overpaidFen: 0 });
    await eventually(async () => ((await income()) ? undefined : true), 20_000, 'the income taken back');
    const rewards = await api(`/v1/institutions/${INST}/inventor-rewards?from=${paidOn}&to=${paidOn}`, {
      token: institution,
    });
    expect(rewards.json).toMatchObject({ inventors: [], paymentsCounted: 0, paymentsReversed: 1 });
    const audit = await clients().documents.send(
      new QueryCommand({
        TableName: core,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `DEAL#${dealId}`, ':audit': 'AUDIT#' },
        ConsistentRead: true,
      }),
    );
    expect(audit.Items?.filter((a) => a.action === 'deal.paymentReversed')).toHaveLength(1);

    const right = await pay(dealId, { amountFen: 1_000_000, paidOn }, 'reversal-key-2');
    expect(right.status, right.text).toBe(201);
    expect(right.json.allocations).toEqual([
      { obligationId: 'installment-2026-03-01', amountFen: 1_000_000 },
    ]);
    await eventually(
      async () => ((await income()) === 1 ? true : undefined),
      20_000,
      'the right one counted',
    );
  }, 60_000);
});

describe('income received in the quarterly figures', () => {
  it('a payment recorded through the API is counted as income received in the quarter of its payment date, beside the contract value', async () => {
    // Paid today (China date): the current quarter, in which no other test of this file pays.
    const paidOn = chinaDate(new Date());
    const quarter = quarterOf(paidOn);
    const { dealId } = await newDeal({ priceTerms: { type: 'lump-sum', amountFen: 8_000_000 } });
    const paid = await pay(dealId, { amountFen: 2_345_600, paidOn }, 'income-key-1');
    expect(paid.status, paid.text).toBe(201);
    // Its item carries the deal's institution and province (the metrics count from it alone).
    expect(await read(`DEAL#${dealId}`, `PAYMENT#${paid.json.paymentId}`)).toMatchObject({
      entity: 'deal-payment',
      institutionUscc: INST,
      provinceCode: PROVINCE,
    });
    const counterKey = { pk: `Q#${quarter}#PROV#${PROVINCE}`, sk: `INST#${INST}` };
    const counted = await eventually(
      async () => {
        const { Item } = await clients().documents.send(
          new GetCommand({ TableName: tableName('metrics'), Key: counterKey, ConsistentRead: true }),
        );
        return Item?.['f.incomeReceivedWan'] === 2.3456 && Item['f.dealValueWan'] >= 8 ? Item : undefined;
      },
      20_000,
      'the payment counted as income received',
    );
    // The contract value (8 万元 agreed, with the other deals of this file) is counted apart.
    expect(counted['f.dealValueWan']).toBeGreaterThanOrEqual(8);
    // The same payment again (Idempotency-Key): one payment, counted once.
    expect((await pay(dealId, { amountFen: 2_345_600, paidOn }, 'income-key-1')).status).toBe(200);
    const figures = await computeQuarterFigures(
      dynamoMetricsReadPort(clients().documents, tableName('metrics')),
      quarter,
      { level: 'institution', provinceCode: PROVINCE, institutionUscc: INST },
    );
    expect(figures.figures.incomeReceivedWan.value).toBe(2.35);
    const headline = buildReportModel(figures, new Date().toISOString()).headline;
    const contract = headline.findIndex((f) => f.key === 'dealValueWan');
    expect(headline[contract + 1]).toMatchObject({ key: 'incomeReceivedWan', value: 2.35, format: 'money' });
    expect(headline[contract + 1]!.label).toContain('evidenced by recorded payments');
  }, 40_000);
});

describe('royalty reports, amendment, termination', () => {
  it('reports a period at the tiered rate; a period outside the license is refused', async () => {
    const { dealId } = await newDeal({
      priceTerms: {
        type: 'upfront-royalty',
        upfrontFen: 100_000,
        royalty: {
          basis: 'sales',
          tiers: [
            { fromFen: 0, toFen: 10_000_000, ratePercent: 3 },
            { fromFen: 10_000_000, ratePercent: 2 },
          ],
        },
      },
    });
    const report = (body: Record<string, unknown>) =>
      api(`/v1/deals/${dealId}/royalty-reports`, { method: 'POST', token: institution, body });
    const ok = await report({ periodStart: '2026-03-01', periodEnd: '2026-12-31', netSalesFen: 12_000_000 });
    expect(ok.status, ok.text).toBe(201);
    const period = ok.json.obligations.find(
      (o: { obligationId: string }) => o.obligationId === 'royalty-2026-03-01',
    );
    // 10,000,000 at 3% + 2,000,000 at 2%.
    expect(period).toMatchObject({ amountFen: 340_000, status: 'open', dueDate: '2027-01-30' });
    const outside = await report({ periodStart: '2030-03-01', periodEnd: '2030-12-31', netSalesFen: 1 });
    expect(outside.status).toBe(400);
    expect(outside.json.error.message).toContain(
      'outside the license, which runs from 2026-03-01 to 2030-02-28',
    );
  });

  it('amends with a reason; refuses a termination before the effective date; a termination ends the exclusive grant', async () => {
    const { dealId, patent } = await newDeal({ priceTerms: installments });
    const amended = await api(`/v1/deals/${dealId}/amendments`, {
      method: 'POST',
      token: institution,
      body: { reason: '补充协议：延长期限', endDate: '2031-02-28' },
    });
    expect(amended.status, amended.text).toBe(200);
    expect(amended.json).toMatchObject({ version: 2, endDate: '2031-02-28', amendments: [{ number: 1 }] });
    expect((await read(`PAT#${patent}`, 'PATENT'))?.exclusiveGrant).toMatchObject({ endDate: '2031-02-28' });

    const early = await api(`/v1/deals/${dealId}/termination`, {
      method: 'POST',
      token: institution,
      body: { date: '2026-02-01', reason: '协商解除' },
    });
    expect(early.status).toBe(400);
    expect(early.json.error.message).toContain('before the effective date 2026-03-01');
    const ended = await api(`/v1/deals/${dealId}/termination`, {
      method: 'POST',
      token: institution,
      body: { date: '2026-06-30', reason: '被许可方违约，依约解除' },
    });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.json).toMatchObject({
      status: 'terminated',
      version: 3,
      termination: { date: '2026-06-30' },
    });
    // The metrics count the license in force until that day (exclusiveGrant.endDate).
    expect((await read(`PAT#${patent}`, 'PATENT'))?.exclusiveGrant).toMatchObject({
      dealId,
      endDate: '2026-06-30',
    });
    const view = await api(`/v1/deals/${dealId}/obligations`, { token: institution });
    expect(view.json.obligations.map((o: { status: string }) => o.status)).toEqual(['open', 'cancelled']);
  });
});

describe('receivables and the overdue reminder', () => {
  it('sums per institution, and the deadline sweep mails the institution once about an overdue installment', async () => {
    const { dealId } = await newDeal({ priceTerms: installments });
    const receivables = await api(`/v1/institutions/${INST}/receivables`, { token: institution });
    expect(receivables.status, receivables.text).toBe(200);
    expect(receivables.json.deals.find((d: { dealId: string }) => d.dealId === dealId)).toMatchObject({
      dueFen: 3_000_000,
      outstandingFen: 3_000_000,
      overdueFen: 3_000_000,
    });
    expect((await api(`/v1/institutions/${INST}/receivables`, { token: otherInstitution })).status).toBe(404);

    const fire = async () => {
      const response = await fetch(`${cloud().controlUrl}/_local/schedules/deadline-sweep/fire`, {
        method: 'POST',
        body: JSON.stringify({}),
      });
      return (await response.json()) as { ok: boolean };
    };
    expect((await fire()).ok).toBe(true);
    const ledger = await read(`DEAL#${dealId}`, 'LEDGER');
    expect(ledger?.obligations[0].remindedAt).toBeDefined();
    const outbox = join(cloud().dataDir, 'outbox');
    const mail = await eventually(
      async () => {
        for (const file of (await readdir(outbox).catch(() => [] as string[])).filter((f) =>
          f.endsWith('.eml'),
        )) {
          const parsed = await simpleParser(await readFile(join(outbox, file)));
          if (parsed.subject?.includes(dealId) && parsed.subject.includes('Payment overdue')) return parsed;
        }
        return undefined;
      },
      20_000,
      'the payment reminder',
    );
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('tto@sxu.example.edu.cn');
    expect(mail.text).toContain('第 2 期分期付款');
    // Reminded once: the next sweep leaves it alone.
    await fire();
    expect((await read(`DEAL#${dealId}`, 'LEDGER'))?.obligations[0].remindedAt).toBe(
      ledger?.obligations[0].remindedAt,
    );
  }, 60_000);
});

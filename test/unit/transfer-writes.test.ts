/**
 * What the transfer stores write (transfer-store.ts, money-store.ts): every domain write of the transfer
 * use-cases, run against the DynamoDB adapters with the document client mocked, and the exact
 * TransactWriteItems input snapshotted (the audit and mail ids fixed). The snapshots were taken from
 * the code before the ports spoke the domain (issue 11 item 2), so the adapters building the items
 * themselves are held to the very same writes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../functions/shared/dynamo/keys.ts';
import { createDeal, recordFiling } from '../../functions/transfer/deals.ts';
import {
  amendDeal,
  type MoneyDeps,
  recordPayment,
  reportRoyalties,
  terminateDeal,
} from '../../functions/transfer/money.ts';
import { dynamoMoneyStore } from '../../functions/transfer/money-store.ts';
import { newLedger } from '../../functions/transfer/obligations.ts';
import {
  declareOpenLicense,
  takeOpenLicense,
  withdrawOpenLicense,
} from '../../functions/transfer/open-license.ts';
import { flagOverdueFilings } from '../../functions/transfer/overdue.ts';
import { remindOverduePayments } from '../../functions/transfer/payment-reminders.ts';
import type { TransferDeps } from '../../functions/transfer/ports.ts';
import { createProduct } from '../../functions/transfer/products.ts';
import { dynamoTransferStore } from '../../functions/transfer/transfer-store.ts';
import type { Deal } from '../../schemas/deal.ts';
import type { Caller } from '../../schemas/roles.ts';
import { institutionUser } from '../support/callers.ts';
import { openLicenseDeclaration, recordedDeal, royaltyTerms } from '../support/deals.ts';

vi.mock('node:crypto', async (original) => ({
  ...(await original<typeof import('node:crypto')>()),
  randomUUID: () => '00000000-0000-4000-8000-000000000000',
}));

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const table = 'unit-core';
const INST = '12100000400000624D';
const ENT = '91110000802100433B';
const A = '202010123456.2';
const B = '202110234567.X';
const inst = institutionUser(INST);
const enterprise: Caller = { sub: 'ent-user', roles: ['enterprise'], orgUscc: ENT };

/** The table as the mocked client answers it (Get, BatchGet); queries answer `queries`. */
let items: Map<string, Record<string, unknown>>;
let queries: Array<Record<string, unknown>[]>;
const put = (item: Record<string, unknown>) => items.set(`${item.pk}|${item.sk}`, item);

beforeEach(() => {
  ddb.reset();
  items = new Map();
  queries = [];
  ddb.on(GetCommand).callsFake(async (input) => ({ Item: items.get(`${input.Key.pk}|${input.Key.sk}`) }));
  ddb.on(BatchGetCommand).callsFake(async (input) => ({
    Responses: {
      [table]: input.RequestItems[table].Keys.flatMap((k: { pk: string; sk: string }) =>
        items.has(`${k.pk}|${k.sk}`) ? [items.get(`${k.pk}|${k.sk}`)] : [],
      ),
    },
  }));
  ddb.on(QueryCommand).callsFake(async () => ({ Items: queries.shift() ?? [] }));
  ddb.on(TransactWriteCommand).resolves({});
  put({
    ...keys.institution(INST),
    name: '某某大学',
    provinceCode: '110000',
    contactEmail: 'tto@example.edu.cn',
  });
  put({ ...keys.enterprise(ENT), name: '北京某某科技有限公司', provinceCode: '110000', status: 'verified' });
  for (const n of [A, B])
    put({
      ...keys.patent(n),
      applicationNumber: n,
      institutionUscc: INST,
      provinceCode: '110000',
      version: 3,
      lifecycle: 'listed',
      patentType: 'invention',
      applicationDate: '2020-03-10',
      legalStatus: 'valid',
    });
});

/** The inputs of every transaction sent (the request token is random per call). */
const transactions = () =>
  ddb.commandCalls(TransactWriteCommand).map((call) => {
    const { ClientRequestToken, ...input } = call.args[0].input;
    expect(ClientRequestToken).toBeDefined();
    return input;
  });

const transferDeps = (now = '2026-06-10T02:00:00Z'): TransferDeps => ({
  store: dynamoTransferStore(documents, table),
  now: () => new Date(now),
  ids: () => 'd-fixed',
  directory: { provinceAdminEmails: async () => ['bj@example.gov.cn'] },
});
const moneyDeps = (now = '2026-06-10T02:00:00Z'): MoneyDeps => ({
  store: dynamoMoneyStore(documents, table),
  now: () => new Date(now),
  ids: () => 'p-fixed',
});

const storedDeal = (over: Partial<Deal> = {}): Deal =>
  recordedDeal(
    {
      applicationNumbers: [A],
      institutionUscc: INST,
      provinceCode: '110000',
      enterprise: { uscc: ENT, name: '北京某某科技有限公司' },
    },
    { institutionName: '某某大学', filingDueDate: '2026-06-01', ...over },
  );
/** An assignment of the same terms, pending registration (reminded from 2026-06-01). */
const assignmentDeal = (over: Partial<Deal> = {}) =>
  storedDeal({
    kind: 'assignment',
    licenseType: undefined,
    endDate: undefined,
    filingKind: 'assignment-registration',
    filingDueDate: undefined,
    registrationReminderOn: '2026-06-01',
    ...over,
  });
const putDeal = (deal: Deal) => put({ ...keys.deal(deal.dealId), entity: 'deal', ...deal });

describe('transfer store writes', () => {
  it('recordDeal: an exclusive license of two patents, with its ledger', async () => {
    await createDeal(
      transferDeps(),
      inst,
      {
        kind: 'license',
        licenseType: 'exclusive',
        applicationNumbers: [A, B],
        enterprise: { uscc: ENT, name: '北京某某科技有限公司' },
        priceTerms: { type: 'lump-sum', amountFen: 100_000_00 },
        effectiveDate: '2026-03-01',
        endDate: '2031-02-28',
      },
      'key-1',
    );
    expect(transactions()).toMatchSnapshot();
  });

  it('recordDeal: an assignment (the change of patentee pending registration)', async () => {
    await createDeal(transferDeps(), inst, {
      kind: 'assignment',
      applicationNumbers: [A],
      enterprise: { uscc: ENT, name: '北京某某科技有限公司' },
      priceTerms: { type: 'lump-sum', amountFen: 500_000_00 },
      effectiveDate: '2026-03-01',
    });
    expect(transactions()).toMatchSnapshot();
  });

  it('recordFiling: the registration of an assignment', async () => {
    const deal = assignmentDeal();
    putDeal(deal);
    put({
      ...items.get(`PAT#${A}|PATENT`)!,
      lifecycle: 'assigned',
      patenteeChange: {
        dealId: 'd-1',
        kind: 'assignment',
        enterpriseUscc: ENT,
        effectiveDate: '2026-03-01',
        registration: 'pending',
      },
    });
    await recordFiling(transferDeps(), inst, 'd-1', { number: 'ZR-2026-1', date: '2026-05-20' });
    expect(transactions()).toMatchSnapshot();
  });

  const declaration = openLicenseDeclaration;
  /** The patent under an active open license, declared on 2026-01-02. */
  const openLicensed = (n: string) =>
    put({
      ...items.get(`PAT#${n}|PATENT`)!,
      lifecycle: 'open-license',
      openLicense: {
        status: 'active',
        applicationNumber: n,
        patenteeUscc: INST,
        ...declaration,
        declaredAt: '2026-01-02T00:00:00.000Z',
        declaredBy: '某某大学（机构管理员 / institution administrator）',
      },
    });

  it('declareOpenLicense and withdrawOpenLicense', async () => {
    await declareOpenLicense(transferDeps(), inst, A, declaration);
    openLicensed(B);
    await withdrawOpenLicense(transferDeps(), inst, B, '拟独占许可');
    expect(transactions()).toMatchSnapshot();
  });

  it('takeOpenLicense: an open license deal, no ledger', async () => {
    openLicensed(A);
    await takeOpenLicense(transferDeps(), enterprise, A, {
      noticeDate: '2026-05-01',
      payment: { amountFen: 10_000_00, paidOn: '2026-05-02', reference: 'TX-9' },
    });
    expect(transactions()).toMatchSnapshot();
  });

  it('recordProduct: the patents industrialized', async () => {
    for (const n of [A, B]) put({ ...items.get(`PAT#${n}|PATENT`)!, lifecycle: 'licensed' });
    queries.push([
      { dealId: 'd-1', kind: 'license', applicationNumbers: [A] },
      { dealId: 'd-2', kind: 'license', applicationNumbers: [B] },
    ]);
    await createProduct(transferDeps(), enterprise, {
      name: '激光器',
      applicationNumbers: [A, B],
      filingNumber: 'CPF-1',
      filingDate: '2026-06-01',
      description: '高功率',
    });
    expect(transactions()).toMatchSnapshot();
  });

  it('flagOverdueFiling and remindRegistration: the sweep', async () => {
    const license = storedDeal();
    const assignment = assignmentDeal({ dealId: 'd-2' });
    putDeal(license);
    putDeal(assignment);
    queries.push([{ dealId: 'd-1' }, { dealId: 'd-2' }]);
    const outcome = await flagOverdueFilings(transferDeps(), { now: '2026-06-02T00:00:00Z' });
    expect(outcome).toMatchObject({ flagged: 1, reminded: 1, mailed: 2 });
    expect(transactions()).toMatchSnapshot();
  });
});

describe('money store writes', () => {
  it('recordPayment: the payment, the ledger (new), the audit entry', async () => {
    putDeal(storedDeal());
    await recordPayment(
      moneyDeps(),
      inst,
      'd-1',
      { amountFen: 150_000, paidOn: '2026-03-05', evidenceReference: '回单', note: '首期' },
      'key-1',
    );
    expect(transactions()).toMatchSnapshot();
  });

  it('reportRoyalties: the ledger on its version, the audit entry', async () => {
    const deal = storedDeal({
      dealId: 'd-roy',
      priceTerms: royaltyTerms,
      contractValueFen: 50_000,
      effectiveDate: '2026-07-01',
      endDate: '2028-06-30',
    });
    putDeal(deal);
    put({ ...keys.dealLedger('d-roy'), entity: 'deal-ledger', ...newLedger(deal), version: 2 });
    await reportRoyalties(moneyDeps('2027-02-01T02:00:00Z'), inst, 'd-roy', {
      periodStart: '2026-07-01',
      periodEnd: '2026-12-31',
      netSalesFen: 2_000_000,
    });
    expect(transactions()).toMatchSnapshot();
  });

  const withGrant = () =>
    put({
      ...items.get(`PAT#${A}|PATENT`)!,
      lifecycle: 'licensed',
      exclusiveGrant: { dealId: 'd-1', licenseType: 'exclusive', enterpriseUscc: ENT, endDate: '2030-02-28' },
    });

  it('amendDeal: the deal on its version, the ledger regenerated, the audit entry, the grant end', async () => {
    putDeal(storedDeal());
    withGrant();
    await amendDeal(moneyDeps(), inst, 'd-1', {
      reason: '补充协议：延期',
      endDate: '2031-02-28',
      notes: '延长一年',
      priceTerms: {
        type: 'installments',
        totalFen: 300_000,
        installments: [
          { dueDate: '2026-03-01', amountFen: 100_000 },
          { dueDate: '2026-12-01', amountFen: 200_000 },
        ],
      },
    });
    expect(transactions()).toMatchSnapshot();
  });

  it('terminateDeal: the deal terminated, the ledger regenerated, the audit entry, the grant end', async () => {
    putDeal(storedDeal());
    put({ ...keys.dealLedger('d-1'), entity: 'deal-ledger', ...newLedger(storedDeal()), version: 4 });
    withGrant();
    await terminateDeal(moneyDeps(), inst, 'd-1', { date: '2026-06-30', reason: '被许可方违约' });
    expect(transactions()).toMatchSnapshot();
  });

  it('remindPayments and reindexLedger: the sweep', async () => {
    const deal = storedDeal();
    putDeal(deal);
    put({ ...keys.dealLedger('d-1'), entity: 'deal-ledger', ...newLedger(deal), version: 1 });
    // d-2: no deal item... but a deal without anything overdue: re-indexed only.
    const paid = storedDeal({ dealId: 'd-2' });
    putDeal(paid);
    const ledger = newLedger(paid);
    put({
      ...keys.dealLedger('d-2'),
      entity: 'deal-ledger',
      ...ledger,
      obligations: ledger.obligations.map((o) => ({ ...o, paidFen: o.amountFen ?? 0 })),
      version: 3,
    });
    queries.push([{ dealId: 'd-1' }, { dealId: 'd-2' }]);
    const outcome = await remindOverduePayments(moneyDeps(), { now: '2026-03-20T00:00:00Z' });
    expect(outcome).toMatchObject({ reminded: 1, skipped: 1, mailed: 1 });
    expect(transactions()).toMatchSnapshot();
  });
});

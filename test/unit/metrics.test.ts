import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  contributionDelta,
  dayBucket,
  eventFlows,
  histogramMedian,
  itemId,
  keyOfItemId,
  patentDelta,
  quarterKey,
  recordContributions,
} from '../../functions/metrics/counters.ts';
import { computeQuarterFigures, type MetricsReadPort } from '../../functions/metrics/figures.ts';
import {
  MemoryMetricsStore,
  memoryMetricsReadPort,
  memoryQuarterClosePorts,
} from '../../functions/metrics/memory-store.ts';
import { renderMetricsDoc } from '../../functions/metrics/metrics-doc.ts';
import {
  decodeHistograms,
  decodeSnapshot,
  encodeHistograms,
  encodeSnapshot,
} from '../../functions/metrics/metrics-store.ts';
import { closeProvinceQuarter, closeQuarters } from '../../functions/metrics/quarter-close.ts';
import {
  compareCounters,
  corrections,
  PartitionGrouper,
  RecomputeAccumulator,
} from '../../functions/metrics/recompute.ts';
import { recomputeMetrics } from '../../functions/metrics/recompute-job.ts';
import { applyStreamRecord, type StreamRecordInput } from '../../functions/metrics/stream-apply.ts';
import { ValidationError } from '../../functions/shared/errors.ts';
import { type Quarter, type QuarterFigures, quarterFiguresSchema } from '../../schemas/metrics.ts';

const A = '12100000400000624D';
const B = '12310000425006117A';

const patent = (number: string, fields: Record<string, unknown> = {}) => ({
  pk: `PAT#${number}`,
  sk: 'PATENT',
  entity: 'patent',
  applicationNumber: number,
  institutionUscc: A,
  provinceCode: '110000',
  title: `专利 ${number}`,
  legalStatus: 'valid',
  reviewStatus: 'draft',
  poolStatus: 'base',
  implementationStatus: 'not-implemented',
  publiclyFunded: false,
  grantDate: '2022-01-10',
  version: 1,
  updatedAt: '2025-10-05T02:00:00.000Z',
  ...fields,
});

/** What a valid, not implemented invention patent granted before 2024 adds to the gauges. */
const stockGauges = { 'g.valid': 1, 'g.validInvention': 1, 'g.base': 1 };

describe('the delta function (NEW vs OLD image of a patent)', () => {
  it('a new patent adds recorded and valid (by type, in the stock granted by 2023) now and in the quarter of the change', () => {
    expect(patentDelta(undefined, patent('202010000001.1'))).toEqual({
      [`NOW#PROV#110000|INST#${A}`]: { 'g.recorded': 1, ...stockGauges },
      [`Q#2025Q4#PROV#110000|INST#${A}`]: { 'g.recorded': 1, ...stockGauges },
    });
    // A utility model granted in 2024: valid, not invention, incremental.
    expect(
      patentDelta(undefined, patent('202420000003.1', { grantDate: '2024-03-01' }))[
        `NOW#PROV#110000|INST#${A}`
      ],
    ).toEqual({ 'g.recorded': 1, 'g.valid': 1, 'g.validUtilityModel': 1, 'g.incremental': 1 });
  });

  it('approval into the conversion pool: inventoried, pool, and the newly-inventoried flow of its quarter', () => {
    const before = patent('202010000001.1');
    const after = patent('202010000001.1', {
      reviewStatus: 'approved',
      poolStatus: 'conversion',
      lifecycle: 'conversion-pool',
      inventoriedAt: '2025-09-30T17:00:00.000Z', // 2025-10-01 in China
      version: 2,
      updatedAt: '2025-09-30T17:00:00.000Z',
    });
    const gauges = { 'g.inventoried': 1, 'g.pool': 1, 'g.baseInventoried': 1 };
    expect(patentDelta(before, after)).toEqual({
      [`NOW#PROV#110000|INST#${A}`]: gauges,
      [`Q#2025Q4#PROV#110000|INST#${A}`]: { ...gauges, 'f.newlyInventoried': 1 },
    });
  });

  it('an unchanged image changes nothing; a withdrawal leaves recorded but not valid or pool', () => {
    const p = patent('202010000001.1', { poolStatus: 'conversion', reviewStatus: 'approved' });
    expect(patentDelta(p, { ...p, version: 2 })).toEqual({});
    const withdrawn = { ...p, lifecycle: 'withdrawn', updatedAt: '2026-01-03T00:00:00.000Z' };
    const gone = {
      'g.valid': -1,
      'g.validInvention': -1,
      'g.base': -1,
      'g.baseInventoried': -1,
      'g.pool': -1,
    };
    expect(patentDelta(p, withdrawn)).toEqual({
      [`NOW#PROV#110000|INST#${A}`]: gone,
      [`Q#2026Q1#PROV#110000|INST#${A}`]: gone,
    });
  });

  it('publicly funded and not implemented: counted by grant quarter until implemented', () => {
    const funded = patent('201510000005.5', { publiclyFunded: true, grantDate: '2016-05-04' });
    const delta = patentDelta(undefined, funded);
    expect(delta[`NOW#PROV#110000|INST#${A}`]).toMatchObject({ 'g.fu.2016Q2': 1 });
    const implemented = { ...funded, implementationStatus: 'licensed', version: 2 };
    expect(patentDelta(funded, implemented)[`NOW#PROV#110000|INST#${A}`]).toEqual({
      'g.implemented': 1,
      'g.implementedInvention': 1,
      'g.implementedDeclared': 1,
      'g.implementedDeclaredInvention': 1,
      'g.fu.2016Q2': -1,
    });
  });

  it('a declared status counts as declared only; a recorded license or product filing as evidenced', () => {
    const p = patent('202010000001.1');
    expect(
      patentDelta(p, { ...p, implementationStatus: 'industrialized' })[`NOW#PROV#110000|INST#${A}`],
    ).toEqual({
      'g.implemented': 1,
      'g.implementedInvention': 1,
      'g.implementedDeclared': 1,
      'g.implementedDeclaredInvention': 1,
      'g.industrialized': 1,
      'g.industrializedInvention': 1,
      'g.industrializedDeclared': 1,
      'g.industrializedDeclaredInvention': 1,
    });
    // An ordinary license (no end date on the patent): evidenced while the patent stays licensed.
    expect(patentDelta(p, { ...p, lifecycle: 'licensed' })[`NOW#PROV#110000|INST#${A}`]).toEqual({
      'g.implemented': 1,
      'g.implementedInvention': 1,
      'g.implementedEvidenced': 1,
      'g.implementedEvidencedInvention': 1,
    });
    // A product filing: industrialized, evidenced.
    expect(patentDelta(p, { ...p, lifecycle: 'industrialized' })[`NOW#PROV#110000|INST#${A}`]).toEqual({
      'g.implemented': 1,
      'g.implementedInvention': 1,
      'g.implementedEvidenced': 1,
      'g.implementedEvidencedInvention': 1,
      'g.industrialized': 1,
      'g.industrializedInvention': 1,
      'g.industrializedEvidenced': 1,
      'g.industrializedEvidencedInvention': 1,
    });
  });

  it('an exclusive license counts while in force: until the quarter after its end date; a declared status stays', () => {
    const p = patent('202020000002.1'); // a utility model
    const licensed = {
      ...p,
      lifecycle: 'licensed',
      implementationStatus: 'licensed',
      exclusiveGrant: { dealId: 'd-1', licenseType: 'exclusive', endDate: '2026-06-30' },
    };
    // Ends on the last day of 2026Q2: in force at the end of 2026Q2, not at the end of 2026Q3.
    expect(patentDelta(p, licensed)[`NOW#PROV#110000|INST#${A}`]).toEqual({
      'g.implemented': 1,
      'g.implementedUtilityModel': 1,
      'g.implementedEvidenced@2026Q3': 1,
      'g.implementedDeclared^2026Q3': 1,
    });
    const undeclared = { ...licensed, implementationStatus: 'not-implemented' };
    expect(patentDelta(p, undeclared)[`NOW#PROV#110000|INST#${A}`]).toEqual({
      'g.implemented@2026Q3': 1,
      'g.implementedUtilityModel@2026Q3': 1,
      'g.implementedEvidenced@2026Q3': 1,
    });
  });

  it('an assignment or equity deal takes the patent out of the assignor stock on its registration (专利法 art. 10)', () => {
    const p = patent('202010000001.1', { implementationStatus: 'not-implemented' });
    const change = {
      dealId: 'd-2',
      kind: 'assignment',
      enterpriseUscc: '91110108MA0000001',
      effectiveDate: '2025-11-01',
    };
    // The contract recorded, not registered: still the institution's valid patent (now implemented).
    const pending = {
      ...p,
      lifecycle: 'assigned',
      implementationStatus: 'assigned',
      patenteeChange: { ...change, registration: 'pending' },
    };
    const scope = `NOW#PROV#110000|INST#${A}`;
    expect(patentDelta(p, pending)[scope]).not.toHaveProperty('g.valid');
    expect(patentDelta(p, pending)[scope]).not.toHaveProperty('g.base');
    // Registered: out of the stock.
    const registered = {
      ...pending,
      lifecycle: 'filed',
      patenteeChange: { ...change, registration: 'registered', registeredOn: '2026-01-20' },
    };
    expect(patentDelta(pending, registered)[scope]).toMatchObject({
      'g.valid': -1,
      'g.validInvention': -1,
      'g.base': -1,
    });
    // A change recorded before registrations were tracked (no registration field): out on recording.
    const legacy = { ...p, lifecycle: 'assigned', implementationStatus: 'assigned', patenteeChange: change };
    expect(patentDelta(p, legacy)[scope]).toEqual({ 'g.valid': -1, 'g.validInvention': -1, 'g.base': -1 });
    expect(patentDelta(legacy, { ...legacy, lifecycle: 'filed' })).toEqual({});
  });
});

const deal = (fields: Record<string, unknown> = {}) => ({
  pk: 'DEAL#d-1',
  sk: 'DEAL',
  entity: 'deal',
  dealId: 'd-1',
  kind: 'license',
  licenseType: 'exclusive',
  applicationNumbers: ['202010000001.1', '202010000002.2'],
  institutionUscc: A,
  provinceCode: '110000',
  contractValueFen: 230_000_000, // 2.3 million CNY = 230 万元
  origin: 'recorded',
  filingKind: 'license-filing',
  filingStatus: 'pending',
  createdAt: '2025-11-01T00:00:00.000Z',
  version: 1,
  ...fields,
});

/** A payment item as money-store.ts writes it (the deal's institution and province on it). */
const payment = (fields: Record<string, unknown> = {}) => ({
  pk: 'DEAL#d-1',
  sk: 'PAYMENT#p-1',
  entity: 'deal-payment',
  paymentId: 'p-1',
  dealId: 'd-1',
  amountFen: 50_000_000,
  paidOn: '2025-12-20',
  evidenceReference: '回单 2025-118',
  allocations: [],
  overpaidFen: 0,
  flags: [],
  recordedAt: '2025-12-21T02:00:00.000Z',
  recordedBy: A,
  requestHash: 'h',
  institutionUscc: A,
  provinceCode: '110000',
  ...fields,
});

describe('deal, product and pipeline-event flows', () => {
  it('a deal counts once (whatever its patents), with its value in 万元, in the quarter it was recorded', () => {
    expect(recordContributions(deal())).toEqual([
      {
        scope: { provinceCode: '110000', institutionUscc: A },
        gauges: {},
        quarters: { '2025Q4': { 'f.deals': 1, 'f.dealValueWan': 230 } },
      },
    ]);
    expect(
      recordContributions(deal({ kind: 'equity', licenseType: undefined }))[0]!.quarters['2025Q4'],
    ).toMatchObject({
      'f.equityDeals': 1,
    });
    expect(
      recordContributions(deal({ origin: 'open-license', licenseType: 'open' }))[0]!.quarters['2025Q4'],
    ).toMatchObject({
      'f.openLicensesTaken': 1,
    });
  });

  it('a payment counts as income received (万元), gross, in the quarter of its payment date, not of its recording', () => {
    expect(recordContributions(payment())).toEqual([
      {
        scope: { provinceCode: '110000', institutionUscc: A },
        gauges: {},
        quarters: { '2025Q4': { 'f.incomeReceivedWan': 50 } },
      },
    ]);
    // paidOn is a China date: 2026-01-01 is 2026Q1 even when recorded in 2025Q4 (UTC).
    expect(
      recordContributions(payment({ paidOn: '2026-01-01', recordedAt: '2025-12-31T17:00:00.000Z' }))[0]!
        .quarters,
    ).toEqual({ '2026Q1': { 'f.incomeReceivedWan': 50 } });
    // An overpayment is received money too: the whole amount counts.
    expect(
      recordContributions(payment({ amountFen: 7_000_000, overpaidFen: 2_000_000 }))[0]!.quarters['2025Q4'],
    ).toEqual({ 'f.incomeReceivedWan': 7 });
    // Without the scope on the item (written before it was), nothing can be counted.
    expect(recordContributions(payment({ institutionUscc: undefined }))).toEqual([]);
    // A reversed payment (recorded in error) was not received: its reversal takes it back out of
    // the quarter it was paid in.
    const reversal = { reason: '金额录入错误', reversedAt: '2026-02-01T01:00:00.000Z', reversedBy: 'tto' };
    expect(recordContributions(payment({ reversal }))).toEqual([]);
    expect(
      contributionDelta(recordContributions(payment()), recordContributions(payment({ reversal })), '2026Q1'),
    ).toEqual({ [itemId(quarterKey('2025Q4', '110000', A))]: { 'f.incomeReceivedWan': -50 } });
    // An open license taken carries its payment: income received by its date, beside the contract value.
    const open = deal({
      origin: 'open-license',
      licenseType: 'open',
      contractValueFen: 3_000_000,
      payment: { amountFen: 3_000_000, paidOn: '2025-09-30', reference: 'OL-1' },
    });
    expect(recordContributions(open)[0]!.quarters).toEqual({
      '2025Q3': { 'f.incomeReceivedWan': 3 },
      '2025Q4': { 'f.deals': 1, 'f.dealValueWan': 3, 'f.openLicensesTaken': 1 },
    });
    // The deal's ledger in the same partition counts nothing.
    expect(recordContributions({ pk: 'DEAL#d-1', sk: 'LEDGER', entity: 'deal-ledger' })).toEqual([]);
  });

  it('the filing counts in the quarter of its date: license filings by type, assignment registrations', () => {
    const filed = deal({ filingStatus: 'filed', filing: { date: '2026-01-15', number: 'X1' }, version: 2 });
    expect(recordContributions(filed)[0]!.quarters['2026Q1']).toEqual({
      'f.licenseFilings': 1,
      'f.licenseFilingsExclusive': 1,
    });
    const assignment = deal({
      kind: 'assignment',
      licenseType: undefined,
      filingKind: 'assignment-registration',
      filingStatus: 'filed',
      filing: { date: '2025-12-01' },
    });
    expect(recordContributions(assignment)[0]!.quarters['2025Q4']).toMatchObject({
      'f.assignmentRegistrations': 1,
    });
  });

  it('a product filing counts for each institution of its patents; open-license declarations per patent event', () => {
    const product = {
      pk: 'PRODUCT#p1',
      sk: 'PRODUCT',
      entity: 'product',
      provinceCode: '110000',
      institutionUsccs: [A, B],
      filingDate: '2025-12-30',
      createdAt: '2026-01-02T00:00:00Z',
    };
    expect(recordContributions(product).map((c) => [c.scope.institutionUscc, c.quarters])).toEqual([
      [A, { '2025Q4': { 'f.productFilings': 1 } }],
      [B, { '2025Q4': { 'f.productFilings': 1 } }],
    ]);
    expect(eventFlows({ type: 'openLicenseDeclared', at: '2025-11-01T00:00:00Z' })).toEqual({
      quarter: '2025Q4',
      counters: { 'f.openLicenseDeclarations': 1 },
    });
    expect(eventFlows({ type: 'dealRecorded', at: '2025-11-01T00:00:00Z' })).toBeUndefined();
  });
});

describe('histograms and medians', () => {
  it('buckets are exact to 60 days, then 7 and 30 days wide, bounded', () => {
    expect([0, 13, 60, 61, 67, 68, 364, 365, 394, 395, 5000].map(dayBucket)).toEqual([
      0, 13, 60, 61, 61, 68, 362, 365, 365, 395, 1095,
    ]);
  });

  it('the median is the lower median, from the buckets', () => {
    expect(histogramMedian(new Map())).toBeNull();
    expect(histogramMedian(new Map([[5, 1]]))).toBe(5);
    expect(
      histogramMedian(
        new Map([
          [3, 1],
          [10, 1],
        ]),
      ),
    ).toBe(3);
    expect(
      histogramMedian(
        new Map([
          [3, 1],
          [10, 2],
          [40, 1],
        ]),
      ),
    ).toBe(10);
    expect(histogramMedian({ 61: 3, 2: 1 })).toBe(61);
  });
});

// --------------------------------------------------------------------------------- stream use-case

let seq = 100;
const record = (
  eventName: StreamRecordInput['eventName'],
  newImage?: Record<string, unknown>,
  oldImage?: Record<string, unknown>,
): StreamRecordInput => ({
  eventName,
  sequenceNumber: String(seq++),
  ...(newImage ? { newImage } : {}),
  ...(oldImage ? { oldImage } : {}),
});

describe('applyStreamRecord', () => {
  it('a redelivered patent record and a duplicate event change nothing twice', async () => {
    const core = new Map<string, Record<string, unknown>>();
    const store = new MemoryMetricsStore((n) => core.get(n));
    const p1 = patent('202010000001.1');
    const insert = record('INSERT', p1);
    expect(await applyStreamRecord(store, insert)).toBe('applied');
    expect(await applyStreamRecord(store, insert)).toBe('stale');
    const p2 = { ...p1, lifecycle: 'licensed', version: 2 };
    const modify = record('MODIFY', p2, p1);
    const dealInsert = record('INSERT', deal());
    const dealEvent = record('INSERT', {
      pk: 'PAT#202010000001.1',
      sk: 'EVENT#000002#openLicenseDeclared',
      entity: 'pipeline-event',
      type: 'openLicenseDeclared',
      at: '2025-11-01T00:00:00.000Z',
    });
    const filing = record(
      'MODIFY',
      deal({ filingStatus: 'filed', filing: { date: '2025-12-01' }, version: 2 }),
      deal(),
    );
    expect(await applyStreamRecord(store, modify)).toBe('applied');
    expect(await applyStreamRecord(store, dealInsert)).toBe('applied');
    expect(await applyStreamRecord(store, dealEvent)).toBe('applied');
    expect(await applyStreamRecord(store, filing)).toBe('applied');
    const snapshot = structuredClone([...store.counters]);
    expect(await applyStreamRecord(store, dealEvent)).toBe('duplicate');
    expect(await applyStreamRecord(store, dealInsert)).toBe('stale');
    expect(await applyStreamRecord(store, filing)).toBe('stale');
    expect(await applyStreamRecord(store, modify)).toBe('stale');
    expect(await applyStreamRecord(store, insert)).toBe('stale');
    expect([...store.counters]).toEqual(snapshot);
    expect(store.counters.get(`Q#2025Q4#PROV#110000|INST#${A}`)).toMatchObject({
      'f.deals': 1,
      'f.dealValueWan': 230,
      'f.licenseFilings': 1,
      'f.licenseFilingsExclusive': 1,
      'f.openLicenseDeclarations': 1,
    });
  });

  it('the first evaluation moves evaluated and the days histogram once; a later one changes nothing', async () => {
    const store = new MemoryMetricsStore();
    const p = patent('202010000002.2', {
      reviewStatus: 'approved',
      poolStatus: 'conversion',
      inventoriedAt: '2025-10-01T02:00:00.000Z',
    });
    await applyStreamRecord(store, record('INSERT', p));
    const evaluation = (id: string, createdAt: string) =>
      record('INSERT', {
        pk: p.pk,
        sk: `EVAL#expert#${id}`,
        entity: 'evaluation',
        applicationNumber: p.applicationNumber,
        createdAt,
      });
    expect(await applyStreamRecord(store, evaluation('e2', '2025-10-13T02:00:00.000Z'))).toBe('applied');
    expect(await applyStreamRecord(store, evaluation('e1', '2025-10-11T02:00:00.000Z'))).toBe('applied');
    expect(await applyStreamRecord(store, evaluation('e3', '2025-10-20T02:00:00.000Z'))).toBe('unchanged');
    const quarter = store.counters.get(`Q#2025Q4#PROV#110000|INST#${A}`)!;
    expect(quarter['g.evaluated']).toBe(1);
    expect(quarter['h.ttfe.10']).toBe(1);
    expect(quarter['h.ttfe.12']).toBeUndefined();
  });

  it('an evaluation of a patent the consumer has not seen starts its shadow from core', async () => {
    const p = patent('202010000003.3', { poolStatus: 'conversion', reviewStatus: 'approved', version: 4 });
    const store = new MemoryMetricsStore((n) => (n === p.applicationNumber ? p : undefined));
    await applyStreamRecord(
      store,
      record('INSERT', {
        pk: p.pk,
        sk: 'EVAL#enterprise#x',
        entity: 'evaluation',
        applicationNumber: p.applicationNumber,
        createdAt: '2025-10-20T00:00:00Z',
      }),
    );
    expect(store.shadows.get(p.applicationNumber)?.dates.firstEvaluatedAt).toBe('2025-10-20T00:00:00Z');
    expect(
      await applyStreamRecord(
        store,
        record('INSERT', {
          pk: 'PAT#202099999999.9',
          sk: 'EVAL#expert#y',
          entity: 'evaluation',
          createdAt: '2025-10-20T00:00:00Z',
        }),
      ),
    ).toBe('unknown-patent');
  });

  it('income received: a payment counts its amount in 万元 in the quarter of its payment date; a correction moves it, a redelivery does not', async () => {
    const store = new MemoryMetricsStore();
    const paid = payment({
      amountFen: 12_345_600,
      paidOn: '2025-12-31',
      recordedAt: '2026-01-02T01:00:00.000Z',
    });
    const insert = record('INSERT', paid);
    expect(await applyStreamRecord(store, insert)).toBe('applied');
    expect(await applyStreamRecord(store, insert)).toBe('stale');
    // Recorded in 2026Q1, paid in 2025Q4: counted in 2025Q4.
    expect(store.counters.get(`Q#2025Q4#PROV#110000|INST#${A}`)).toEqual({ 'f.incomeReceivedWan': 12.3456 });
    expect(store.counters.get(`Q#2026Q1#PROV#110000|INST#${A}`)).toBeUndefined();
    // A second payment of the same deal has its own shadow (not the deal's, not the first payment's).
    const second = record('INSERT', payment({ sk: 'PAYMENT#p-2', paymentId: 'p-2', amountFen: 1_000_000 }));
    expect(await applyStreamRecord(store, second)).toBe('applied');
    expect(store.counters.get(`Q#2025Q4#PROV#110000|INST#${A}`)).toEqual({ 'f.incomeReceivedWan': 13.3456 });
    // The amount corrected: the counter moves by the difference.
    const corrected = { ...paid, amountFen: 10_000_000 };
    const amendAmount = record('MODIFY', corrected, paid);
    expect(await applyStreamRecord(store, amendAmount)).toBe('applied');
    expect(store.counters.get(`Q#2025Q4#PROV#110000|INST#${A}`)).toEqual({ 'f.incomeReceivedWan': 11 });
    // The payment date corrected into the next quarter: the amount moves with it.
    const redated = { ...corrected, paidOn: '2026-01-01' };
    expect(await applyStreamRecord(store, record('MODIFY', redated, corrected))).toBe('applied');
    expect(await applyStreamRecord(store, amendAmount)).toBe('stale');
    expect(store.counters.get(`Q#2025Q4#PROV#110000|INST#${A}`)).toEqual({ 'f.incomeReceivedWan': 1 });
    expect(store.counters.get(`Q#2026Q1#PROV#110000|INST#${A}`)).toEqual({ 'f.incomeReceivedWan': 10 });
    // Removed: nothing left of it.
    expect(await applyStreamRecord(store, record('REMOVE', undefined, redated))).toBe('applied');
    expect(store.counters.get(`Q#2026Q1#PROV#110000|INST#${A}`)).toBeUndefined();
    expect(store.counters.get(`NOW#PROV#110000|INST#${A}`)).toBeUndefined();
    // The recompute from the stored items gives the same counters.
    const accumulator = new RecomputeAccumulator();
    const grouper = new PartitionGrouper(accumulator);
    for (const item of [deal(), payment({ sk: 'PAYMENT#p-2', paymentId: 'p-2', amountFen: 1_000_000 })])
      grouper.push(item);
    grouper.flush();
    expect(accumulator.counters.get(`Q#2025Q4#PROV#110000|INST#${A}`)).toEqual({
      'f.deals': 1,
      'f.dealValueWan': 230,
      'f.incomeReceivedWan': 1,
    });
  });

  it('other items are ignored', async () => {
    const store = new MemoryMetricsStore();
    expect(
      await applyStreamRecord(store, record('INSERT', { pk: 'MAIL#1', sk: 'MAIL', entity: 'mail' })),
    ).toBe('ignored');
    expect(store.commits).toBe(0);
  });
});

// ------------------------------------------------------------------------------------- recompute

describe('recompute and reconciliation', () => {
  const items = [
    patent('202010000001.1', {
      reviewStatus: 'approved',
      poolStatus: 'conversion',
      inventoriedAt: '2025-10-02T00:00:00Z',
    }),
    {
      pk: 'PAT#202010000001.1',
      sk: 'EVENT#000003#openLicenseDeclared',
      entity: 'pipeline-event',
      type: 'openLicenseDeclared',
      at: '2025-12-01T00:00:00Z',
    },
    patent('202010000004.4', { institutionUscc: B, provinceCode: '310000' }),
  ];

  it('rebuilds gauges and flows; compares only what it can rebuild; corrections log gauge changes in the current quarter', () => {
    const accumulator = new RecomputeAccumulator();
    const grouper = new PartitionGrouper(accumulator);
    for (const item of items) grouper.push(item);
    grouper.flush();
    expect(accumulator.patents).toBe(2);
    const stored = new Map<string, Record<string, number>>([
      [
        `NOW#PROV#110000|INST#${A}`,
        { 'g.recorded': 1, ...stockGauges, 'g.baseInventoried': 1, 'g.inventoried': 1, 'g.pool': 0 },
      ],
      [
        `Q#2025Q4#PROV#110000|INST#${A}`,
        { 'f.newlyInventoried': 1, 'f.openLicenseDeclarations': 1, 'g.recorded': 7 },
      ],
    ]);
    const differences = compareCounters(stored, accumulator.counters);
    expect(differences).toEqual([
      { pk: 'NOW#PROV#110000', sk: `INST#${A}`, attribute: 'g.pool', stored: 0, recomputed: 1 },
      { pk: 'NOW#PROV#310000', sk: `INST#${B}`, attribute: 'g.recorded', stored: 0, recomputed: 1 },
      { pk: 'NOW#PROV#310000', sk: `INST#${B}`, attribute: 'g.valid', stored: 0, recomputed: 1 },
      { pk: 'NOW#PROV#310000', sk: `INST#${B}`, attribute: 'g.base', stored: 0, recomputed: 1 },
      { pk: 'NOW#PROV#310000', sk: `INST#${B}`, attribute: 'g.validInvention', stored: 0, recomputed: 1 },
    ]);
    expect(corrections(differences, '2026Q1')).toEqual({
      [`NOW#PROV#110000|INST#${A}`]: { 'g.pool': 1 },
      [`Q#2026Q1#PROV#110000|INST#${A}`]: { 'g.pool': 1 },
      [`NOW#PROV#310000|INST#${B}`]: { 'g.recorded': 1, ...stockGauges },
      [`Q#2026Q1#PROV#310000|INST#${B}`]: { 'g.recorded': 1, ...stockGauges },
    });
  });

  it('a partition split by the scan is refused rather than counted twice', () => {
    const grouper = new PartitionGrouper(new RecomputeAccumulator());
    grouper.push(items[0]!);
    grouper.push(items[2]!);
    expect(() => grouper.push(items[1]!)).toThrow(/not returned together/);
  });

  it('the job scans the segments, corrects, and records the differences', async () => {
    const saved: unknown[] = [];
    let applied: unknown;
    const record = await recomputeMetrics(
      {
        scanCore: async (segment, total, visit) =>
          visit(items.filter((_, i) => i % total === segment || (segment === 0 && i === 1))),
        readCounters: async () => new Map(),
        applyCorrections: async (delta) => {
          applied = delta;
        },
        saveReconciliation: async (r) => {
          saved.push(r);
        },
        now: () => new Date('2026-01-04T19:00:00Z'),
      },
      { totalSegments: 1, correct: true },
    );
    expect(record).toMatchObject({
      patents: 2,
      corrected: true,
      quarter: '2026Q1',
      provinces: ['110000', '310000'],
    });
    expect(record.differenceCount).toBeGreaterThan(0);
    expect(saved).toHaveLength(1);
    expect(Object.keys(applied as object)).toContain(`Q#2025Q4#PROV#110000|INST#${A}`);
  });
});

// --------------------------------------------------------------------------------------- figures

function memoryReadPort(store: MemoryMetricsStore): MetricsReadPort {
  const rows = (pk: string) =>
    [...store.counters]
      .filter(([id]) => keyOfItemId(id).pk === pk)
      .map(([id, counters]) => ({
        provinceCode: pk.slice(pk.indexOf('PROV#') + 5),
        institutionUscc: keyOfItemId(id).sk.slice(5),
        counters,
      }));
  const pkOf = (province: string, item: 'now' | Quarter) =>
    item === 'now' ? `NOW#PROV#${province}` : `Q#${item}#PROV#${province}`;
  return {
    provinceItems: async (province, item) => rows(pkOf(province, item)),
    institutionItem: async (province, uscc, item) =>
      rows(pkOf(province, item)).find((r) => r.institutionUscc === uscc),
    institutionNames: async () => new Map([[A, '清华大学']]),
  };
}

describe('Work Plan deadlines by institution category (示范 / 试点示范 / 其他)', () => {
  const now = new Date('2025-02-01T00:00:00Z');
  const C = '12110000MB0000003C';
  async function stores() {
    const store = new MemoryMetricsStore();
    const recorded = (n: string, uscc: string) =>
      patent(n, { institutionUscc: uscc, updatedAt: '2024-02-01T00:00:00Z' });
    const inventoried = async (item: ReturnType<typeof patent>, at: string) =>
      applyStreamRecord(
        store,
        record(
          'MODIFY',
          {
            ...item,
            reviewStatus: 'approved',
            poolStatus: 'conversion',
            inventoriedAt: at,
            version: 2,
            updatedAt: at,
          },
          item,
        ),
        now,
      );
    const a = recorded('202010000011.1', A);
    const b = recorded('202010000012.1', B);
    const c1 = recorded('202010000013.1', C);
    const c2 = recorded('202010000014.1', C);
    for (const item of [a, b, c1, c2]) await applyStreamRecord(store, record('INSERT', item), now);
    await inventoried(a, '2024-03-01T00:00:00Z');
    await inventoried(c1, '2024-05-01T00:00:00Z');
    return store;
  }

  it('judges each category on its own institutions, counters summed; an institution without a status counts as other', async () => {
    const store = await stores();
    const port: MetricsReadPort = {
      ...memoryReadPort(store),
      // A is a demonstration university, B a pilot one; C recorded no status.
      pilotStatuses: async () =>
        new Map([
          [A, 'demonstration' as const],
          [B, 'pilot' as const],
        ]),
    };
    const figures = await computeQuarterFigures(
      port,
      '2024Q4',
      { level: 'province', provinceCode: '110000' },
      { now },
    );
    const deadline = (id: string) => figures.deadlineCompliance.find((d) => d.id === id)!;
    // 示范高校 by 2024-03-31: A alone, inventoried on 2024-03-01 (no numeric target: not judged).
    expect(deadline('demonstration-staged')).toMatchObject({
      coverage: 1,
      met: null,
      institutionsInCategory: 1,
    });
    // 试点示范高校 100 % by 2024-06-30: A and B together 1 of 2: not met, B behind.
    expect(deadline('pilot-demonstration-complete')).toMatchObject({
      coverage: 0.5,
      met: false,
      institutionsInCategory: 2,
      institutionsMeeting: 1,
      institutionsBehind: [B],
    });
    // 其他 30 % by 2024-06-30: C alone, 1 of 2: met; C's missing status is said.
    expect(deadline('others-30')).toMatchObject({
      coverage: 0.5,
      met: true,
      institutionsInCategory: 1,
      institutionsBehindCount: 0,
      note: expect.stringContaining('1 institution(s) without a recorded pilotStatus are counted as other'),
    });
    // 全国 100 % by 2024-12-31: all four patents, 2 inventoried.
    expect(deadline('all-complete')).toMatchObject({ coverage: 0.5, met: false, institutionsBehindCount: 2 });
    expect(quarterFiguresSchema.safeParse(figures).success).toBe(true);
  });

  it('without the statuses the pilot / demonstration rows are shown for everyone and not judged; nor is an empty category', async () => {
    const store = await stores();
    const without = await computeQuarterFigures(
      memoryReadPort(store),
      '2024Q4',
      { level: 'province', provinceCode: '110000' },
      { now },
    );
    const row = without.deadlineCompliance.find((d) => d.id === 'pilot-demonstration-complete')!;
    expect(row).toMatchObject({ met: null, coverage: 0.5 });
    expect(row.institutionsInCategory).toBeUndefined();
    expect(row.note).toContain('statuses were not read');
    const none = await computeQuarterFigures(
      { ...memoryReadPort(store), pilotStatuses: async () => new Map() },
      '2024Q4',
      { level: 'province', provinceCode: '110000' },
      { now },
    );
    expect(none.deadlineCompliance.find((d) => d.id === 'pilot-demonstration-complete')).toMatchObject({
      coverage: null,
      met: null,
      institutionsInCategory: 0,
      note: expect.stringContaining('no institution of this category'),
    });
  });
});

describe('computeQuarterFigures', () => {
  const now = new Date('2026-02-01T00:00:00Z');

  it('a scope with no data: hasData false and a NO_DATA anomaly, not a crash', async () => {
    const figures = await computeQuarterFigures(
      memoryReadPort(new MemoryMetricsStore()),
      '2025Q4',
      { level: 'province', provinceCode: '650000' },
      { now },
    );
    expect(figures.hasData).toBe(false);
    expect(figures.anomalies.map((a) => a.code)).toEqual(['NO_DATA']);
    expect(figures.figures.implementationRate.value).toBeNull();
    expect(figures.figures.deals).toMatchObject({ value: 0, previousQuarter: 0, deltaQoQ: 0 });
    expect(quarterFiguresSchema.safeParse(figures).success).toBe(true);
  });

  it('refuses a future quarter (400)', async () => {
    await expect(
      computeQuarterFigures(
        memoryReadPort(new MemoryMetricsStore()),
        '2026Q2',
        { level: 'national' },
        { now },
      ),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('rates: a license counts as evidenced while in force, then the declared status only; an assigned patent leaves the stock', async () => {
    const store = new MemoryMetricsStore();
    const at = '2025-04-10T00:00:00Z';
    const licensed = patent('202010000001.1', {
      updatedAt: at,
      lifecycle: 'licensed',
      implementationStatus: 'licensed',
      exclusiveGrant: { dealId: 'd-1', licenseType: 'exclusive', endDate: '2025-08-15' },
    });
    const declared = patent('202020000002.1', { updatedAt: at, implementationStatus: 'self-implemented' });
    const assigned = patent('202010000003.3', {
      updatedAt: at,
      lifecycle: 'assigned',
      patenteeChange: { dealId: 'd-2', kind: 'assignment', effectiveDate: '2025-04-01' },
    });
    const idle = patent('202010000004.4', { updatedAt: at, grantDate: '2024-05-01' });
    for (const item of [licensed, declared, assigned, idle])
      await applyStreamRecord(store, record('INSERT', item), now);
    const at2 = async (quarter: Quarter) =>
      (await computeQuarterFigures(memoryReadPort(store), quarter, { level: 'national' }, { now })).figures;
    const q2 = await at2('2025Q2');
    // Three valid patents of the institution (the assigned one left), two of them inventions.
    expect(q2.validPatents.value).toBe(3);
    expect(q2.validInventionPatents.value).toBe(2);
    expect(q2.implementedEvidenced.value).toBe(1);
    expect(q2.implementedDeclared.value).toBe(1);
    expect(q2.implementationRate.value).toBe(0.6667);
    expect(q2.inventionImplementationRate.value).toBe(0.5);
    // By type: the one utility model is implemented (declared); no design.
    expect(q2.utilityModelImplementationRate.value).toBe(1);
    expect(q2.designImplementationRate.value).toBeNull();
    // Stock granted by 2023 vs later grants, apart.
    expect(q2.stockPatents.value).toBe(2);
    expect(q2.incrementalPatents.value).toBe(1);
    // The license ended on 2025-08-15: at the end of 2025Q3 only the declared status is left.
    const q3 = await at2('2025Q3');
    expect(q3.implementedEvidenced.value).toBe(0);
    expect(q3.implementedDeclared.value).toBe(2);
    expect(q3.implementationRateEvidenced.value).toBe(0);
    expect(q3.implementationRateDeclared.value).toBe(0.6667);
  });

  it('stock at the end of each quarter from the change logs, flows of the quarter, QoQ and YoY deltas', async () => {
    const store = new MemoryMetricsStore();
    const p = (n: string, at: string, extra: Record<string, unknown> = {}) =>
      patent(n, { updatedAt: at, ...extra });
    // 2024Q4: two patents recorded; 2025Q3: one more; 2025Q4: one approved; 2026Q1 (current): one more recorded.
    const a1 = p('202010000001.1', '2024-11-01T00:00:00Z');
    const a2 = p('202010000002.2', '2024-11-02T00:00:00Z', { publiclyFunded: true, grantDate: '2019-06-01' });
    const a3 = p('202010000003.3', '2025-08-01T00:00:00Z');
    for (const item of [a1, a2, a3]) await applyStreamRecord(store, record('INSERT', item), now);
    const a1approved = {
      ...a1,
      reviewStatus: 'approved',
      poolStatus: 'conversion',
      inventoriedAt: '2025-11-01T00:00:00Z',
      version: 2,
      updatedAt: '2025-11-01T00:00:00Z',
    };
    await applyStreamRecord(store, record('MODIFY', a1approved, a1), now);
    await applyStreamRecord(
      store,
      record('INSERT', {
        pk: a1.pk,
        sk: 'EVENT#000003#dealRecorded',
        entity: 'pipeline-event',
        type: 'dealRecorded',
        at: '2025-12-01T00:00:00Z',
      }),
      now,
    );
    await applyStreamRecord(
      store,
      record(
        'INSERT',
        deal({ kind: 'assignment', contractValueFen: 100_000_000, createdAt: '2025-12-01T00:00:00Z' }),
      ),
      now,
    );
    // 40 of the 100 万元 arrived in 2025Q4 (the rest in 2026Q1).
    await applyStreamRecord(
      store,
      record('INSERT', payment({ amountFen: 40_000_000, paidOn: '2025-12-05' })),
      now,
    );
    await applyStreamRecord(
      store,
      record('INSERT', payment({ sk: 'PAYMENT#p-2', amountFen: 60_000_000, paidOn: '2026-01-05' })),
      now,
    );
    await applyStreamRecord(
      store,
      record('INSERT', {
        ...p('202010000004.4', '2026-01-20T00:00:00Z'),
        institutionUscc: B,
        provinceCode: '310000',
      }),
      now,
    );

    const national = await computeQuarterFigures(
      memoryReadPort(store),
      '2025Q4',
      { level: 'national' },
      { now },
    );
    expect(national.hasData).toBe(true);
    expect(national.complete).toBe(true);
    expect(national.figures.recordedPatents).toMatchObject({
      value: 3,
      previousQuarter: 3,
      previousYear: 2,
      deltaQoQ: 0,
      deltaYoY: 1,
    });
    expect(national.figures.inventoriedPatents).toMatchObject({ value: 1, previousQuarter: 0 });
    expect(national.figures.inventoryCoverage.value).toBe(0.3333);
    expect(national.figures.deals).toMatchObject({ value: 1, previousQuarter: 0, deltaQoQ: 1 });
    expect(national.figures.dealValueWan.value).toBe(100);
    expect(national.figures.incomeReceivedWan).toMatchObject({ value: 40, previousQuarter: 0 });
    expect(national.figures.medianDaysToDeal.value).toBe(30);
    expect(national.figures.newlyInventoried.value).toBe(1);
    // Granted 2019-06-01 (2019Q2): over 5 years before the end of 2025Q4, not yet at the end of 2024Q1.
    expect(national.figures.fiveYearRulePatents).toMatchObject({ value: 1, previousYear: 1 });
    expect(national.provinces?.map((row) => row.code)).toEqual(['110000']);
    expect(national.institutions?.[0]).toMatchObject({ code: A, name: '清华大学', provinceCode: '110000' });
    // Deadlines are judged at their dates, not with the report quarter's coverage (1/3 would meet 30%):
    // at 2024-06-30 nothing was recorded; at 2024-12-31 two patents, none inventoried.
    const deadline = (id: string) => national.deadlineCompliance.find((d) => d.id === id);
    expect(deadline('others-30')).toMatchObject({
      passed: true,
      at: '2024-06-30',
      coverage: null,
      met: false,
      institutionsBehindCount: 0,
    });
    expect(deadline('all-complete')).toMatchObject({
      passed: true,
      at: '2024-12-31',
      coverage: 0,
      met: false,
      institutionsBehind: [A],
      // No snapshot of that date (this port has none): computed from the counters, and said so.
      basis: 'computed',
      note: expect.stringContaining('computed from the counters'),
    });
    // A category institutions do not record yet: shown, not judged.
    expect(deadline('pilot-demonstration-complete')).toMatchObject({ passed: true, met: null });
    expect(deadline('goal-2025')).toMatchObject({ passed: true, at: '2025-12-31', baseline: null });
    expect(national.deadlineCompliance.map((d) => d.date)).toEqual([
      '2024-03-31',
      '2024-04-30',
      '2024-06-30',
      '2024-06-30',
      '2024-12-31',
      '2024-12-31',
      '2025-12-31',
    ]);
    expect(national.anomalies.map((a) => a.code)).toEqual(['BEHIND_DEADLINE', 'FIVE_YEAR_RULE']);
    expect(quarterFiguresSchema.safeParse(national).success).toBe(true);

    const current = await computeQuarterFigures(
      memoryReadPort(store),
      '2026Q1',
      { level: 'national' },
      { now },
    );
    expect(current.complete).toBe(false);
    expect(current.figures.recordedPatents.value).toBe(4);
    const institution = await computeQuarterFigures(
      memoryReadPort(store),
      '2025Q4',
      { level: 'institution', provinceCode: '310000', institutionUscc: B },
      { now },
    );
    expect(institution.hasData).toBe(false);
  });
});

describe('quarter close (snapshots)', () => {
  const now = new Date('2026-02-01T00:00:00Z');
  const A2 = '121000004000006000';

  async function state() {
    const store = new MemoryMetricsStore();
    const p = (n: string, at: string, extra: Record<string, unknown> = {}) =>
      patent(n, { updatedAt: at, ...extra });
    // Granted 2020-12-15 (2020Q4): under the 5-year rule at the end of 2025Q4, not at the end of 2025Q3.
    const a1 = p('202010000001.1', '2024-11-01T00:00:00Z', { publiclyFunded: true, grantDate: '2020-12-15' });
    const b1 = p('202010000002.2', '2024-11-02T00:00:00Z', { institutionUscc: A2 });
    const c1 = p('202010000003.3', '2025-08-01T00:00:00Z', { institutionUscc: B, provinceCode: '310000' });
    for (const item of [a1, b1, c1]) await applyStreamRecord(store, record('INSERT', item), now);
    // Both institutions of 110000 approved and dealt in 2025Q4: their histograms merge in the province.
    for (const [item, days] of [
      [a1, 30],
      [b1, 30],
    ] as const) {
      const approved = {
        ...item,
        reviewStatus: 'approved',
        poolStatus: 'conversion',
        inventoriedAt: '2025-10-01T00:00:00Z',
        version: 2,
        updatedAt: '2025-10-01T00:00:00Z',
      };
      await applyStreamRecord(store, record('MODIFY', approved, item), now);
      await applyStreamRecord(
        store,
        record('INSERT', {
          pk: item.pk,
          sk: 'EVENT#000003#dealRecorded',
          entity: 'pipeline-event',
          type: 'dealRecorded',
          at: new Date(Date.parse('2025-10-01T00:00:00Z') + days * 86_400_000).toISOString(),
        }),
        now,
      );
    }
    // 2026Q1 (current): c1 withdrawn-like change, the stock of 2025Q4 must not see it.
    await applyStreamRecord(
      store,
      record('MODIFY', { ...c1, legalStatus: 'lapsed', version: 2, updatedAt: '2026-01-10T00:00:00Z' }, c1),
      now,
    );
    return store;
  }

  it('the stored form of a snapshot (one string) decodes to the same counters', () => {
    const counters = {
      'g.recorded': 120,
      'g.valid': 0,
      'f.dealValueWan': 12.35,
      'f.deals': 3,
      's.fiveYear': 2,
      'm.ttd': 61,
      'f.somethingNew': 4,
    };
    const v = encodeSnapshot(counters);
    expect(v.length).toBeLessThan(JSON.stringify(counters).length);
    expect(decodeSnapshot(v)).toEqual(counters);
    const histograms = { 'h.ttfe.0': 3, 'h.ttd.1095': 1 };
    expect(decodeHistograms(encodeHistograms(histograms))).toEqual(histograms);
    expect(decodeHistograms(encodeHistograms({}))).toEqual({});
  });

  const scopes = [
    { level: 'national' },
    { level: 'province', provinceCode: '110000' },
    { level: 'institution', provinceCode: '110000', institutionUscc: A },
  ] as const;

  it('the report of a closed quarter reads only the snapshots, and gives the figures derived from the counters', async () => {
    const store = await state();
    const { snapshotItems, institutionSnapshot, ...derivedOnly } = memoryMetricsReadPort(store);
    const expected = [];
    for (const scope of scopes)
      expected.push(await computeQuarterFigures(derivedOnly, '2025Q4', scope, { now }));
    expect(expected[0]!.figures.fiveYearRulePatents).toMatchObject({ value: 1, previousQuarter: 0 });
    expect(expected[1]!.figures.medianDaysToDeal.value).toBe(30);

    const closed = await closeQuarters(memoryQuarterClosePorts(store, () => now));
    expect(closed.quarters).toEqual(['2024Q4', '2025Q1', '2025Q2', '2025Q3', '2025Q4']);
    expect(store.snapshots.get(`S#2025Q4#PROV#110000|INST#${A}`)).toMatchObject({
      'g.recorded': 1,
      'g.inventoried': 1,
      'f.newlyInventoried': 1,
      'f.deals': 0,
      's.fiveYear': 1,
      'm.ttd': 30,
    });
    expect(store.snapshots.get('S#2025Q4#PROV#110000|PROV')).toEqual({ 'h.ttd.30': 2 });
    // Stock at the end of 2025Q4: the lapse of 2026Q1 is not in it.
    expect(store.snapshots.get(`S#2025Q4#PROV#310000|INST#${B}`)).toMatchObject({ 'g.valid': 1 });
    expect(store.snapshots.get('S#2025Q4#PROV#650000|PROV')).toEqual({});

    const port = memoryMetricsReadPort(store);
    const counterReads: string[] = [];
    const spied = {
      ...port,
      provinceItems: (code: string, item: 'now' | Quarter) => {
        counterReads.push(`${code} ${item}`);
        return port.provinceItems(code, item);
      },
      institutionItem: (code: string, uscc: string, item: 'now' | Quarter) => {
        counterReads.push(`${code} ${uscc} ${item}`);
        return port.institutionItem(code, uscc, item);
      },
    };
    // The deadlines are judged at the ends of 2024Q1, 2024Q2 and 2024Q4 (the 2025 goal against 2023Q4):
    // once those quarters are closed too, the report reads snapshots only.
    await closeQuarters(
      memoryQuarterClosePorts(store, () => now),
      {
        quarters: ['2023Q4', '2024Q1', '2024Q2'],
      },
    );
    const sameBasis = (figures: QuarterFigures) => ({
      ...figures,
      deadlineCompliance: figures.deadlineCompliance.map(({ basis, note, ...rest }) => rest),
    });
    for (const [i, scope] of scopes.entries()) {
      const figures = await computeQuarterFigures(spied, '2025Q4', scope, { now });
      expect(sameBasis(figures)).toEqual(sameBasis(expected[i]!));
      expect(figures.deadlineCompliance.map((d) => d.basis)).toEqual(Array(7).fill('snapshot'));
      expect(expected[i]!.deadlineCompliance.map((d) => d.basis)).toEqual(Array(7).fill('computed'));
    }
    expect(counterReads).toEqual([]);
  });

  it('bad input: a deadline date with no snapshot (its quarter never closed) is computed from the counters, and says so', async () => {
    const store = await state();
    // The report quarter and 2024Q4 are closed; 2024Q2 (the 30% deadline, 2024-06-30) is not.
    await closeQuarters(
      memoryQuarterClosePorts(store, () => now),
      { quarters: ['2024Q4', '2025Q4'] },
    );
    const figures = await computeQuarterFigures(
      memoryMetricsReadPort(store),
      '2025Q4',
      { level: 'national' },
      { now },
    );
    const deadline = (id: string) => figures.deadlineCompliance.find((d) => d.id === id)!;
    expect(deadline('all-complete')).toMatchObject({
      at: '2024-12-31',
      basis: 'snapshot',
      coverage: 0,
      met: false,
    });
    expect(deadline('all-complete').note).toBeUndefined();
    expect(deadline('others-30')).toMatchObject({ at: '2024-06-30', basis: 'computed', met: false });
    expect(deadline('others-30').note).toContain(
      "no snapshot of 2024-06-30: computed from the counters' change log",
    );
    // A deadline between quarter ends is judged at the last quarter end before it, and says so.
    expect(deadline('enterprise-evaluation-staged')).toMatchObject({ date: '2024-04-30', at: '2024-03-31' });
    expect(deadline('enterprise-evaluation-staged').note).toContain('the last quarter end before 2024-04-30');
  });

  it('a quarter not closed (or not ended) is derived from the counters; a close replaces the snapshot', async () => {
    const store = await state();
    await expect(
      closeProvinceQuarter(
        memoryQuarterClosePorts(store, () => now),
        '110000',
        '2026Q1',
      ),
    ).rejects.toThrow(/has not ended/);
    // Only 2025Q4 closed: Q - 1 and Q - 4 are derived, the figures are the same.
    const { snapshotItems, institutionSnapshot, ...derivedOnly } = memoryMetricsReadPort(store);
    const expected = await computeQuarterFigures(derivedOnly, '2025Q4', { level: 'national' }, { now });
    const ports = memoryQuarterClosePorts(store, () => now);
    for (const code of ['110000', '310000']) await closeProvinceQuarter(ports, code, '2025Q4');
    expect(
      await computeQuarterFigures(memoryMetricsReadPort(store), '2025Q4', { level: 'national' }, { now }),
    ).toEqual(expected);
    // A stale snapshot row (an institution no longer seen) goes at the next close.
    store.snapshots.set('S#2025Q4#PROV#110000|INST#121000004000009999', { 'g.recorded': 5 });
    await closeProvinceQuarter(ports, '110000', '2025Q4');
    expect(store.snapshots.has('S#2025Q4#PROV#110000|INST#121000004000009999')).toBe(false);
  });
});

describe('docs/metrics.md', () => {
  it('is generated from the definitions (npx tsx functions/metrics/metrics-doc.ts)', () => {
    expect(readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8')).toBe(renderMetricsDoc());
  });
});

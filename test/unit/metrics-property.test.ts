/**
 * Property: random sequences of operations on patents (register, approve into the base or conversion
 * pool, evaluate, deal, filing, product, open license, implementation change, withdraw / expire, legal
 * status change) with stream redeliveries, the deal and product items of functions/transfer included,
 * and the payments recorded against the deals (recorded, corrected in amount or date, removed), applied through the stream use-case, leave counters equal to
 * the full recompute over the final items; the quarter logs of gauge changes add up to the gauges now;
 * the 5-year-rule list equals the recomputed one; the figures of a closed quarter (quarter-close
 * snapshots) equal the figures derived from the counters, with any mix of closed and open quarters
 * (income received included: a flow appended to the snapshots).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemId, keyOfItemId } from '../../functions/metrics/counters.ts';
import { computeQuarterFigures, type MetricsReadPort } from '../../functions/metrics/figures.ts';
import {
  MemoryMetricsStore,
  memoryMetricsReadPort,
  memoryQuarterClosePorts,
} from '../../functions/metrics/memory-store.ts';
import { closeProvinceQuarter } from '../../functions/metrics/quarter-close.ts';
import {
  compareCounters,
  PartitionGrouper,
  RecomputeAccumulator,
} from '../../functions/metrics/recompute.ts';
import { applyStreamRecord, type StreamRecordInput } from '../../functions/metrics/stream-apply.ts';
import { chinaDate } from '../../schemas/china-date.ts';
import {
  type MetricScope,
  type Quarter,
  type QuarterFigures,
  quarterOf,
  quartersBetween,
} from '../../schemas/metrics.ts';

const institutions = [
  { uscc: '12100000400000624D', provinceCode: '110000' },
  { uscc: '121000004000006000', provinceCode: '110000' },
  { uscc: '12310000425006117A', provinceCode: '310000' },
];
const numbers = ['202010000001.1', '202010000002.2', '202010000003.3', '202010000004.4', '201510000005.5'];

type Op =
  | {
      kind: 'register';
      p: number;
      inst: number;
      legal: string;
      funded: boolean;
      impl: string;
      grant: string | null;
    }
  | { kind: 'approve'; p: number; pool: 'base' | 'conversion' }
  | { kind: 'evaluate'; p: number; evaluator: number }
  | {
      kind: 'deal';
      p: number;
      dealKind: 'assignment' | 'license' | 'equity';
      amount: number;
      licenseType: string;
    }
  | { kind: 'filing'; p: number; licenseType: string }
  | { kind: 'product'; p: number }
  | { kind: 'openLicense'; p: number }
  | { kind: 'implementation'; p: number; impl: string }
  | { kind: 'legal'; p: number; legal: string }
  | { kind: 'end'; p: number; how: 'withdrawn' | 'expired' }
  | { kind: 'payment'; deal: number; amount: number; daysBack: number }
  | { kind: 'correctPayment'; index: number; amount: number; daysBack: number }
  | { kind: 'removePayment'; index: number }
  | { kind: 'redeliver'; back: number };

const p = fc.integer({ min: 0, max: numbers.length - 1 });
const impl = fc.constantFrom('not-implemented', 'self-implemented', 'licensed', 'industrialized');
const legal = fc.constantFrom('valid', 'valid', 'pending', 'lapsed');
const licenseType = fc.constantFrom('exclusive', 'sole', 'ordinary', 'open');
const register = fc.record({
  kind: fc.constant('register' as const),
  p,
  inst: fc.integer({ min: 0, max: institutions.length - 1 }),
  legal,
  funded: fc.boolean(),
  impl,
  grant: fc.constantFrom('2016-05-04', '2019-11-30', '2021-03-01', null),
});
const deal = fc.record({
  kind: fc.constant('deal' as const),
  p,
  dealKind: fc.constantFrom('assignment' as const, 'license' as const, 'equity' as const),
  amount: fc.constantFrom(0, 12.5, 300),
  licenseType,
});
const redeliver = fc.record({
  kind: fc.constant('redeliver' as const),
  back: fc.integer({ min: 1, max: 8 }),
});
/** Payments against the deals recorded so far: recorded, corrected (amount, date), removed. */
const paymentOps = [
  fc.record({
    kind: fc.constant('payment' as const),
    deal: fc.nat(),
    amount: fc.constantFrom(0.5, 12, 300),
    daysBack: fc.constantFrom(0, 40, 100),
  }),
  fc.record({
    kind: fc.constant('correctPayment' as const),
    index: fc.nat(),
    amount: fc.constantFrom(0.5, 12, 300),
    daysBack: fc.constantFrom(0, 40, 100),
  }),
  fc.record({ kind: fc.constant('removePayment' as const), index: fc.nat() }),
] as const;
const op: fc.Arbitrary<Op> = fc.oneof(
  register,
  fc.record({
    kind: fc.constant('approve' as const),
    p,
    pool: fc.constantFrom('base' as const, 'conversion' as const),
  }),
  fc.record({ kind: fc.constant('evaluate' as const), p, evaluator: fc.integer({ min: 0, max: 2 }) }),
  deal,
  fc.record({ kind: fc.constant('filing' as const), p, licenseType }),
  fc.record({ kind: fc.constant('product' as const), p }),
  fc.record({ kind: fc.constant('openLicense' as const), p }),
  fc.record({ kind: fc.constant('implementation' as const), p, impl }),
  fc.record({ kind: fc.constant('legal' as const), p, legal }),
  fc.record({
    kind: fc.constant('end' as const),
    p,
    how: fc.constantFrom('withdrawn' as const, 'expired' as const),
  }),
  redeliver,
  ...paymentOps,
);
/** Deals and their payments mostly: the general mix seldom reaches a payment of a recorded deal. */
const moneyOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: register, weight: 3 },
  { arbitrary: deal, weight: 4 },
  { arbitrary: redeliver, weight: 1 },
  { arbitrary: paymentOps[0], weight: 4 },
  { arbitrary: paymentOps[1], weight: 2 },
  { arbitrary: paymentOps[2], weight: 1 },
);

/** A tiny core table that emits stream records with OLD and NEW images. */
class Core {
  readonly items = new Map<string, Record<string, unknown>>();
  readonly records: StreamRecordInput[] = [];
  private seq = 1000;

  put(item: Record<string, unknown>) {
    const id = itemId(item as { pk: string; sk: string });
    const old = this.items.get(id);
    this.items.set(id, structuredClone(item));
    this.records.push({
      eventName: old ? 'MODIFY' : 'INSERT',
      sequenceNumber: String(this.seq++),
      ...(old ? { oldImage: structuredClone(old) } : {}),
      newImage: structuredClone(item),
    });
  }
  remove(id: string) {
    const old = this.items.get(id);
    if (!old) return;
    this.items.delete(id);
    this.records.push({
      eventName: 'REMOVE',
      sequenceNumber: String(this.seq++),
      oldImage: structuredClone(old),
    });
  }
  patent(number: string) {
    return this.items.get(`PAT#${number}|PATENT`);
  }
}

function run(ops: Op[], startDay: number) {
  const core = new Core();
  const store = new MemoryMetricsStore((n) => core.patent(n));
  const deliveries: StreamRecordInput[] = [];
  let time = Date.parse('2024-01-01T00:00:00Z') + startDay * 86_400_000;
  let delivered = 0;
  let dealCount = 0;
  const openDeals = new Map<string, string>();
  const payments: string[] = [];
  const paidOn = (daysBack: number) => chinaDate(new Date(time - daysBack * 86_400_000));
  const tick = () => {
    time += 17 * 3_600_000 * 9; // about a week: operations spread over quarters
    return new Date(time).toISOString();
  };
  for (const o of ops) {
    if (o.kind === 'redeliver') {
      const record = core.records[core.records.length - o.back];
      if (record) deliveries.push(record);
      continue;
    }
    if (o.kind === 'payment') {
      const at = tick();
      // Against any deal recorded so far (an assignment's patent may have left the institution).
      const dealIds = [...core.items.keys()].filter((id) => id.endsWith('|DEAL'));
      const dealKey = dealIds[o.deal % Math.max(1, dealIds.length)];
      const deal = dealKey ? core.items.get(dealKey) : undefined;
      const dealId = deal?.dealId as string | undefined;
      if (deal) {
        const paymentId = `pay${payments.length + 1}`;
        payments.push(`DEAL#${dealId}|PAYMENT#${paymentId}`);
        core.put({
          pk: `DEAL#${dealId}`,
          sk: `PAYMENT#${paymentId}`,
          entity: 'deal-payment',
          paymentId,
          dealId,
          amountFen: Math.round(o.amount * 1_000_000),
          paidOn: paidOn(o.daysBack),
          evidenceReference: 'voucher',
          recordedAt: at,
          institutionUscc: deal.institutionUscc,
          provinceCode: deal.provinceCode,
        });
      }
      while (delivered < core.records.length) deliveries.push(core.records[delivered++]!);
      continue;
    }
    if (o.kind === 'correctPayment' || o.kind === 'removePayment') {
      const id = payments[o.index % Math.max(1, payments.length)];
      const stored = id ? core.items.get(id) : undefined;
      tick();
      if (stored && o.kind === 'removePayment') core.remove(id!);
      else if (stored && o.kind === 'correctPayment')
        core.put({ ...stored, amountFen: Math.round(o.amount * 1_000_000), paidOn: paidOn(o.daysBack) });
      while (delivered < core.records.length) deliveries.push(core.records[delivered++]!);
      continue;
    }
    const number = numbers[o.p]!;
    const at = tick();
    const patent = core.patent(number);
    if (o.kind === 'register') {
      const institution = institutions[o.inst]!;
      if (patent && patent.institutionUscc !== institution.uscc) continue; // registered by another
      core.put({
        ...(patent ?? {
          pk: `PAT#${number}`,
          sk: 'PATENT',
          entity: 'patent',
          applicationNumber: number,
          version: 0,
        }),
        institutionUscc: institution.uscc,
        provinceCode: institution.provinceCode,
        title: `专利 ${number}`,
        legalStatus: o.legal,
        publiclyFunded: o.funded,
        implementationStatus: o.impl,
        ...(o.grant ? { grantDate: o.grant } : {}),
        reviewStatus: patent?.reviewStatus ?? 'draft',
        poolStatus: patent?.poolStatus ?? 'base',
        version: ((patent?.version as number) ?? 0) + 1,
        updatedAt: at,
      });
    } else if (!patent) {
      continue;
    } else if (o.kind === 'approve') {
      if (patent.reviewStatus === 'approved') continue;
      core.put({
        ...patent,
        reviewStatus: 'approved',
        poolStatus: o.pool,
        lifecycle: o.pool === 'conversion' ? 'conversion-pool' : 'base-pool',
        inventoriedAt: at,
        version: (patent.version as number) + 1,
        updatedAt: at,
      });
    } else if (o.kind === 'evaluate') {
      const key = `PAT#${number}|EVAL#expert#e${o.evaluator}`;
      const existing = core.items.get(key);
      core.put({
        ...(existing ?? {
          pk: `PAT#${number}`,
          sk: `EVAL#expert#e${o.evaluator}`,
          entity: 'evaluation',
          createdAt: at,
        }),
        applicationNumber: number,
        updatedAt: at,
        version: ((existing?.version as number) ?? 0) + 1,
      });
    } else if (o.kind === 'implementation' || o.kind === 'legal') {
      core.put({
        ...patent,
        ...(o.kind === 'implementation' ? { implementationStatus: o.impl } : { legalStatus: o.legal }),
        version: (patent.version as number) + 1,
        updatedAt: at,
      });
    } else {
      const to = {
        deal:
          o.kind === 'deal'
            ? { assignment: 'assigned', license: 'licensed', equity: 'equity' }[o.dealKind]
            : '',
        filing: 'filed',
        product: 'industrialized',
        openLicense: 'open-license',
        end: o.kind === 'end' ? o.how : '',
      }[o.kind];
      const type = {
        deal: 'dealRecorded',
        filing: 'filingConfirmed',
        product: 'productFiled',
        openLicense: 'openLicenseDeclared',
        end: o.kind === 'end' ? o.how : '',
      }[o.kind];
      const version = (patent.version as number) + 1;
      const from = patent.lifecycle ?? 'registered';
      core.put({ ...patent, lifecycle: to, version, updatedAt: at });
      core.put({
        pk: `PAT#${number}`,
        sk: `EVENT#${String(version).padStart(6, '0')}#${type}`,
        entity: 'pipeline-event',
        type,
        from,
        to,
        at,
      });
      const scope = { institutionUscc: patent.institutionUscc, provinceCode: patent.provinceCode };
      if (o.kind === 'deal') {
        dealCount += 1;
        const dealId = `d${dealCount}`;
        openDeals.set(number, dealId);
        core.put({
          pk: `DEAL#${dealId}`,
          sk: 'DEAL',
          entity: 'deal',
          dealId,
          kind: o.dealKind,
          ...(o.dealKind === 'license' ? { licenseType: o.licenseType } : {}),
          ...(o.dealKind === 'license' && o.licenseType === 'open'
            ? { origin: 'open-license' }
            : { origin: 'recorded' }),
          ...scope,
          contractValueFen: Math.round(o.amount * 1_000_000),
          // An open license is taken with its payment (income received by its date).
          ...(o.dealKind === 'license' && o.licenseType === 'open' && o.amount > 0
            ? {
                payment: {
                  amountFen: Math.round(o.amount * 1_000_000),
                  paidOn: chinaDate(new Date(time - 20 * 86_400_000)),
                  reference: dealId,
                },
              }
            : {}),
          filingKind: o.dealKind === 'license' ? 'license-filing' : 'assignment-registration',
          filingStatus: 'pending',
          createdAt: at,
          version: 1,
        });
      } else if (o.kind === 'filing') {
        const dealId = openDeals.get(number);
        const stored = dealId ? core.items.get(`DEAL#${dealId}|DEAL`) : undefined;
        if (stored && stored.filingStatus !== 'filed') {
          core.put({
            ...stored,
            filingStatus: 'filed',
            filing: { date: at.slice(0, 10) },
            version: (stored.version as number) + 1,
          });
        }
      } else if (o.kind === 'product') {
        dealCount += 1;
        core.put({
          pk: `PRODUCT#p${dealCount}`,
          sk: 'PRODUCT',
          entity: 'product',
          provinceCode: patent.provinceCode,
          institutionUsccs: [patent.institutionUscc],
          filingDate: at.slice(0, 10),
          createdAt: at,
        });
      }
    }
    // Deliver what is new so far, in order (the redeliveries interleave).
    while (delivered < core.records.length) deliveries.push(core.records[delivered++]!);
  }
  return { core, store, deliveries, now: new Date(time) };
}

function recompute(core: Core) {
  const accumulator = new RecomputeAccumulator();
  const grouper = new PartitionGrouper(accumulator);
  for (const id of [...core.items.keys()].sort()) grouper.push(core.items.get(id)!);
  grouper.flush();
  return accumulator;
}

/** Applies the records of `ops` through the stream use-case and compares with the recompute; the counters. */
async function streamEqualsRecompute(ops: Op[], startDay: number) {
  const { core, store, deliveries, now } = run(ops, startDay);
  for (const record of deliveries) await applyStreamRecord(store, record, now);
  const recomputed = recompute(core);
  expect(compareCounters(store.counters, recomputed.counters)).toEqual([]);
  // The quarter logs of gauge changes add up to the gauges now.
  const summed = new Map<string, Record<string, number>>();
  for (const [id, counters] of store.counters) {
    const { pk, sk } = keyOfItemId(id);
    if (!pk.startsWith('Q#')) continue;
    const nowId = `NOW#${pk.slice(pk.indexOf('#PROV#') + 1)}|${sk}`;
    const into = summed.get(nowId) ?? {};
    for (const [attribute, amount] of Object.entries(counters))
      if (attribute.startsWith('g.')) into[attribute] = (into[attribute] ?? 0) + amount;
    summed.set(nowId, into);
  }
  for (const [id, counters] of store.counters) {
    if (!id.startsWith('NOW#')) continue;
    const logged = Object.fromEntries(Object.entries(summed.get(id) ?? {}).filter(([, v]) => v !== 0));
    expect(logged).toEqual(counters);
  }
  const listed = [...new Set([...store.funded.values()].map((entry) => entry.applicationNumber))].sort();
  expect(listed).toEqual(recomputed.funded.map((entry) => entry.applicationNumber).sort());
  return store.counters;
}

describe('metrics counters (property)', () => {
  it('stream-applied counters equal the recompute over the final items, whatever the redeliveries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 400 }),
        async (ops, startDay) => {
          await streamEqualsRecompute(ops, startDay);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('payments recorded, corrected and removed: the income received from the stream equals the recompute', async () => {
    let counted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(moneyOp, { minLength: 10, maxLength: 40 }),
        fc.integer({ min: 0, max: 400 }),
        async (ops, startDay) => {
          const counters = await streamEqualsRecompute(ops, startDay);
          if ([...counters.values()].some((c) => c['f.incomeReceivedWan'])) counted += 1;
        },
      ),
      { numRuns: 200 },
    );
    // The runs did count income (the property is not vacuous).
    expect(counted).toBeGreaterThan(20);
  });

  it('a closed quarter gives the figures derived from the counters (snapshots vs NOW - later changes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(op, moneyOp), { minLength: 10, maxLength: 60 }),
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 200 }),
        async (ops, startDay, closes, laterDays) => {
          const applied = run(ops, startDay);
          for (const record of applied.deliveries)
            await applyStreamRecord(applied.store, record, applied.now);
          const { store } = applied;
          // Reports some time after the last operation: its quarter may have ended.
          const now = new Date(applied.now.getTime() + laterDays * 86_400_000);
          const current = quarterOf(now);
          const logged = [...store.counters.keys()]
            .map((id) => keyOfItemId(id).pk)
            .filter((pk) => pk.startsWith('Q#'))
            .map((pk) => pk.split('#')[1] as Quarter)
            .sort();
          const first = quartersBetween('2023Q1', logged[0] ?? current).at(-2) ?? current;
          const quarters = quartersBetween(first, current);
          const { snapshotItems, institutionSnapshot, ...derivedOnly } = memoryMetricsReadPort(store);
          const derived: MetricsReadPort = derivedOnly;
          const expected = new Map<string, unknown>();
          const scopes: MetricScope[] = [
            { level: 'national' },
            { level: 'province', provinceCode: '110000' },
            { level: 'institution', provinceCode: '110000', institutionUscc: institutions[0]!.uscc },
            { level: 'institution', provinceCode: '310000', institutionUscc: institutions[2]!.uscc },
          ];
          for (const quarter of quarters)
            for (const scope of scopes)
              expected.set(
                `${quarter}|${JSON.stringify(scope)}`,
                await computeQuarterFigures(derived, quarter, scope, { now, concurrency: 1 }),
              );
          // Close some of the ended quarters (a random mix) in the provinces with data.
          const ports = memoryQuarterClosePorts(store, () => now);
          for (const [i, quarter] of quarters.slice(0, -1).entries())
            if (closes[i % closes.length])
              for (const code of ['110000', '310000', '650000'])
                await closeProvinceQuarter(ports, code, quarter);
          const closed = memoryMetricsReadPort(store);
          for (const quarter of quarters)
            for (const scope of scopes) {
              const actual = await computeQuarterFigures(closed, quarter, scope, { now, concurrency: 1 });
              // Same figures; only where a deadline's value was read from differs (snapshot vs computed).
              const sameBasis = (figures: QuarterFigures) => ({
                ...figures,
                deadlineCompliance: figures.deadlineCompliance.map(({ basis, note, ...rest }) => rest),
              });
              expect(sameBasis(actual), `${quarter} ${JSON.stringify(scope)}`).toEqual(
                sameBasis(expected.get(`${quarter}|${JSON.stringify(scope)}`) as QuarterFigures),
              );
            }
        },
      ),
      { numRuns: 60 },
    );
  });
});

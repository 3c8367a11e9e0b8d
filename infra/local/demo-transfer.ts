/**
 * Demo deals, filings, an open license and a product, through the real API, on top of the demo of
 * infra/local/demo.ts (run after `loadDemo`, which registers the institutions, enterprises and approves
 * a few patents per institution). The shapes follow DOMAIN.md's realistic deals: an exclusive license
 * with upfront fee and tiered sales royalty, an ordinary license with upfront fee + 1% royalty (filed,
 * then industrialized by a product), an open license taken by an enterprise, and an assignment whose
 * registration is not recorded yet (pending: the patent is still the institution's, 专利法 art. 10; the
 * deadline sweep reminds the institution and its admin once).
 *
 * Call: `await loadTransferDemo(cloud)` after `await loadDemo(cloud)` (in infra/local/demo.ts or the CLI);
 * it returns a one-line summary. Every request carries an idempotency key or a unique reference, so a
 * second call changes nothing and answers the same summary.
 */

import { notInForce, statutoryTerm } from '../../functions/patents/availability.ts';
import { chinaDate } from '../../schemas/china-date.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import type { LifecycleState } from '../../schemas/lifecycle.ts';
import { demoEnterprises, demoInstitutions } from './demo.ts';
import { type DemoCloud, demoCaller, tokenFor } from './demo-api.ts';

const call = demoCaller('demo transfer');

/** Inventoried and still the institution's (a second run finds the same patents, transferred by the first). */
const settled = new Set(['registered', 'withdrawn', 'expired', 'lapsed']);

/** Loads the demo deals; `options.today` (YYYY-MM-DD) dates them (default: today). */
export async function loadTransferDemo(cloud: DemoCloud, options: { today?: string } = {}): Promise<string> {
  const today = options.today ?? chinaDate(new Date());
  const year = Number(today.slice(0, 4));
  const university = demoInstitutions[0];
  const institution = await tokenFor(cloud, 'institution', {
    org: university.uscc,
    province: university.provinceCode,
  });
  const page = await call(cloud, institution, 'GET', `/v1/patents?institution=${university.uscc}&limit=100`);
  type Listed = {
    applicationNumber: string;
    lifecycle?: LifecycleState;
    patentType?: string;
    applicationDate?: string;
    legalStatus?: string;
  };
  // In force today, and for at least three more years (the deals below end within the term, as the
  // legal checks require: docs/transfer.md).
  const candidates = (page.items as Listed[])
    .filter(
      (p) =>
        p.lifecycle &&
        !settled.has(p.lifecycle) &&
        !notInForce(p, today) &&
        (statutoryTerm(p.patentType, p.applicationDate)?.endsOn ?? '') > `${year + 3}-01-01`,
    )
    .sort((a, b) => a.applicationNumber.localeCompare(b.applicationNumber));
  /** The planned end date, or the last day of the patent's term when that comes first. */
  const endWithin = (patent: Listed, planned: string) => {
    const endsOn = statutoryTerm(patent.patentType, patent.applicationDate)?.endsOn;
    return endsOn && endsOn < planned ? endsOn : planned;
  };
  const [exclusive, ordinary, open, assigned] = candidates;
  if (!exclusive) return 'no inventoried demo patent (load the demo first): nothing recorded';
  const battery = demoEnterprises[0];
  const water = demoEnterprises[4];
  const batteryUscc = withUsccCheck(battery.uscc);
  const waterUscc = withUsccCheck(water.uscc);
  const effective = `${year - 1}-03-01`;
  const deals: string[] = [];
  const lines: string[] = [];

  // Peking University shape: exclusive license, upfront 2.3 million CNY + tiered royalties on sales.
  const first = await call(
    cloud,
    institution,
    'POST',
    '/v1/deals',
    {
      kind: 'license',
      licenseType: 'exclusive',
      applicationNumbers: [exclusive.applicationNumber],
      enterprise: { uscc: batteryUscc, name: battery.name },
      priceTerms: {
        type: 'upfront-royalty',
        upfrontFen: 230_000_000,
        royalty: {
          basis: 'sales',
          tiers: [
            { fromFen: 0, toFen: 10_000_000_000, ratePercent: 3 },
            { fromFen: 10_000_000_000, ratePercent: 2 },
          ],
        },
      },
      effectiveDate: effective,
      endDate: endWithin(exclusive, `${year + 9}-02-28`),
    },
    { 'Idempotency-Key': 'demo-exclusive-license' },
  );
  deals.push(first.dealId);
  await call(cloud, institution, 'PUT', `/v1/deals/${first.dealId}/filing`, {
    number: `${year - 1}99000${exclusive.applicationNumber.slice(-6, -2)}`,
    date: `${year - 1}-04-15`,
  });
  // After the deal: the upfront fee received, and the royalty report of the first year (a second run
  // answers the same payment, by its Idempotency-Key, and the same report).
  await call(
    cloud,
    institution,
    'POST',
    `/v1/deals/${first.dealId}/payments`,
    {
      amountFen: 230_000_000,
      paidOn: `${year - 1}-03-20`,
      evidenceReference: `银行回单 ${year - 1}-0320-001`,
      obligationId: 'upfront',
    },
    { 'Idempotency-Key': 'demo-exclusive-upfront' },
  );
  await call(cloud, institution, 'POST', `/v1/deals/${first.dealId}/royalty-reports`, {
    periodStart: effective,
    periodEnd: `${year - 1}-12-31`,
    netSalesFen: 12_000_000_000,
    evidenceReference: `${year - 1} 年度销售报表`,
  });
  lines.push('exclusive license (filed; upfront paid, first-year royalty reported)');

  if (ordinary) {
    // Zhongshan Hospital shape: upfront fee plus a 1% sales royalty; filed, then a product.
    const second = await call(
      cloud,
      institution,
      'POST',
      '/v1/deals',
      {
        kind: 'license',
        licenseType: 'ordinary',
        applicationNumbers: [ordinary.applicationNumber],
        enterprise: { uscc: batteryUscc, name: battery.name },
        priceTerms: {
          type: 'upfront-royalty',
          upfrontFen: 50_000_000,
          royalty: { basis: 'sales', tiers: [{ fromFen: 0, ratePercent: 1 }] },
        },
        effectiveDate: effective,
        endDate: endWithin(ordinary, `${year + 4}-02-28`),
      },
      { 'Idempotency-Key': 'demo-ordinary-license' },
    );
    deals.push(second.dealId);
    await call(cloud, institution, 'PUT', `/v1/deals/${second.dealId}/filing`, {
      number: `${year - 1}99001${ordinary.applicationNumber.slice(-6, -2)}`,
      date: `${year - 1}-05-20`,
    });
    const enterprise = await tokenFor(cloud, 'enterprise', {
      org: batteryUscc,
      province: battery.provinceCode,
    });
    await call(cloud, enterprise, 'POST', '/v1/products', {
      name: '示范高能量密度动力电池',
      applicationNumbers: [ordinary.applicationNumber],
      filingNumber: `CPF-DEMO-${year - 1}-0001`,
      filingDate: `${year - 1}-11-01`,
    });
    lines.push('ordinary license (filed, product filed)');
  }

  if (open) {
    // Open license (upfront 20,000 CNY + 1% royalty), taken by another enterprise.
    await call(cloud, institution, 'POST', `/v1/patents/${open.applicationNumber}/open-license`, {
      feeStandard: {
        type: 'upfront-royalty',
        upfrontFen: 2_000_000,
        royalty: { basis: 'sales', tiers: [{ fromFen: 0, ratePercent: 1 }] },
      },
      paymentMethod: '许可生效后 30 日内支付入门费，提成按年度结算 / upfront within 30 days, royalty yearly',
      startDate: `${year - 1}-01-01`,
      endDate: `${year + 2}-12-31`,
      ...(open.patentType && open.patentType !== 'invention' ? { evaluationReportRef: 'PJ-DEMO-0001' } : {}),
    });
    const taker = await tokenFor(cloud, 'enterprise', { org: waterUscc, province: water.provinceCode });
    const taken = await call(
      cloud,
      taker,
      'POST',
      `/v1/patents/${open.applicationNumber}/open-license/licenses`,
      {
        noticeDate: `${year - 1}-06-01`,
        payment: { amountFen: 2_000_000, paidOn: `${year - 1}-06-03`, reference: 'DEMO-OPEN-0001' },
      },
    );
    deals.push(taken.dealId);
    lines.push('open license declared and taken (filing pending, overdue)');
  }

  if (assigned) {
    // An assignment whose registration was never recorded: pending, the sweep sends one reminder.
    const fourth = await call(
      cloud,
      institution,
      'POST',
      '/v1/deals',
      {
        kind: 'assignment',
        applicationNumbers: [assigned.applicationNumber],
        enterprise: { uscc: waterUscc, name: water.name },
        priceTerms: {
          type: 'installments',
          totalFen: 120_000_000,
          installments: [
            { dueDate: `${year - 1}-02-01`, amountFen: 60_000_000 },
            { dueDate: `${year}-02-01`, amountFen: 60_000_000 },
          ],
        },
        effectiveDate: `${year - 1}-02-01`,
      },
      { 'Idempotency-Key': 'demo-assignment' },
    );
    deals.push(fourth.dealId);
    // The first installment received; the second is due (overdue once its date passes: one reminder).
    await call(
      cloud,
      institution,
      'POST',
      `/v1/deals/${fourth.dealId}/payments`,
      {
        amountFen: 60_000_000,
        paidOn: `${year - 1}-02-10`,
        evidenceReference: `银行回单 ${year - 1}-0210-007`,
      },
      { 'Idempotency-Key': 'demo-assignment-installment-1' },
    );
    lines.push('assignment in installments (registration pending; first installment paid)');
  }
  return `${deals.length} deals: ${lines.join('; ')}`;
}

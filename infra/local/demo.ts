/**
 * Demo data for a newcomer, loaded through the real API and the real upload path on an empty store
 * (skipped when data exists, or with --no-demo): 3 institutions in 2 provinces, about 200 patents
 * uploaded as the inventory template (one CSV in GB18030, as Chinese offices save them, and XLSX-free
 * UTF-8 CSVs), a few self-assessments submitted, approved (into the conversion pool) or returned.
 */
import iconv from 'iconv-lite';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import type { LocalCloud } from './cloud.ts';
import { demoCaller, tokenFor, uploadAndWait } from './demo-api.ts';
import { loadExitsDemo } from './demo-exits.ts';
import { loadMarketDemo } from './demo-market.ts';
import { demoInventoryRows, templateHeaders, toCsv } from './demo-patents.ts';
import { loadTransferDemo } from './demo-transfer.ts';

export const demoEnterprises = [
  {
    uscc: '91110108MA0000001',
    name: '示范电池科技有限公司',
    provinceCode: '110000',
    types: ['high-tech'],
    industryCodes: ['384'],
    ipcInterests: ['H01M'],
    email: 'battery@example.com',
  },
  {
    uscc: '91310115MA0000002',
    name: '示范生物医药股份有限公司',
    provinceCode: '310000',
    types: ['specialized-sme', 'high-tech'],
    industryCodes: ['27'],
    ipcInterests: ['A61K', 'A61P'],
    email: 'pharma@example.com',
  },
  {
    uscc: '91110000MA0000003',
    name: '示范通信设备集团有限公司',
    provinceCode: '110000',
    types: ['state-owned'],
    industryCodes: ['392'],
    ipcInterests: ['H01Q', 'H04W'],
    email: 'telecom@example.com',
  },
  {
    uscc: '91310000MA0000004',
    name: '示范智能装备有限公司',
    provinceCode: '310000',
    types: ['ip-advantage'],
    industryCodes: ['396', '65'],
    ipcInterests: ['G05D', 'G06T'],
    email: 'robots@example.com',
  },
  {
    uscc: '91110000MA0000005',
    name: '示范环保科技有限公司',
    provinceCode: '110000',
    types: ['other'],
    industryCodes: ['359'],
    ipcInterests: ['C02F'],
    email: 'water@example.com',
  },
] as const;

export const demoExperts = [
  {
    sub: 'demo-expert-materials',
    name: '陈教授',
    title: '教授',
    affiliationUscc: '12310000425000001',
    // Shown to a requester once the expert accepts its commission (POST /v1/commissions/{id}/decision).
    email: 'chen.materials@expert.example.org',
    provinceCode: '310000',
    industryCodes: ['38', '32'],
    ipcInterests: ['H01M', 'C22C'],
  },
  {
    sub: 'demo-expert-medicine',
    name: '刘研究员',
    title: '研究员',
    affiliationUscc: '12100000400000624',
    email: 'liu.medicine@expert.example.org',
    provinceCode: '110000',
    industryCodes: ['27'],
    ipcInterests: ['A61K'],
  },
] as const;

export const demoInstitutions = [
  {
    uscc: '12100000400000624D',
    name: '示范理工大学 Demo University of Technology',
    provinceCode: '110000',
    kind: 'university',
    // The technology transfer office: receives the weekly evaluation feedback (npm run job -- weekly-feedback).
    contactEmail: 'tto@demo-university.example.edu.cn',
    // 教育部直属, 国家知识产权示范高校 (Work Plan 二、（一）2-3; schemas/supervision.ts).
    supervision: { department: 'moe-direct' },
    pilotStatus: 'demonstration',
    rows: 90,
  },
  {
    uscc: '121100004000018521',
    name: '示范医学科学院 Demo Academy of Medical Sciences',
    provinceCode: '110000',
    kind: 'research-institute',
    contactEmail: 'tto@demo-academy.example.org.cn',
    supervision: { department: 'other-ministry', ministry: '国家卫生健康委' },
    rows: 50,
  },
  {
    uscc: '123100004250061179',
    name: '示范海事大学 Demo Maritime University',
    provinceCode: '310000',
    kind: 'university',
    contactEmail: 'tto@demo-maritime.example.edu.cn',
    // No supervising department on purpose: it is "unassigned", as institutions registered before
    // supervision was recorded are (GET /v1/institutions?province=310000&supervision=unassigned).
    rows: 60,
  },
] as const;

const call = demoCaller('demo');

export async function loadDemo(cloud: LocalCloud): Promise<string> {
  const admin = await tokenFor(cloud, 'national-admin', {
    email: 'admin@patents.local',
    name: 'Demo national admin',
  });
  const existing = await call(cloud, admin, 'GET', '/v1/institutions?province=110000&limit=1');
  if ((existing.items as unknown[] | undefined)?.length) return 'kept (the store already holds data)';
  // Evaluators first, so that approvals below are matched and pushed to them.
  for (const { email, uscc, ...enterprise } of demoEnterprises) {
    const code = withUsccCheck(uscc);
    const own = await tokenFor(cloud, 'enterprise', { org: code });
    await call(cloud, own, 'POST', '/v1/enterprises', {
      ...enterprise,
      uscc: code,
      contact: { name: '联系人', email },
    });
    const provinceAdmin = await tokenFor(cloud, 'province-admin', { province: enterprise.provinceCode });
    await call(cloud, provinceAdmin, 'POST', `/v1/enterprises/${code}/verification`, {
      decision: 'verified',
    });
  }
  for (const { sub, affiliationUscc, ...expert } of demoExperts) {
    await call(cloud, await tokenFor(cloud, 'expert', { sub }), 'PUT', '/v1/experts/me', {
      ...expert,
      affiliationUscc: withUsccCheck(affiliationUscc),
    });
    // Verified by its province: only verified experts receive pushes and are in the expert pool.
    const provinceAdmin = await tokenFor(cloud, 'province-admin', { province: expert.provinceCode });
    await call(cloud, provinceAdmin, 'POST', `/v1/experts/${sub}/verification`, { decision: 'verified' });
  }
  let patents = 0;
  let reviewed = 0;
  for (const [i, institution] of demoInstitutions.entries()) {
    const { rows, ...registration } = institution;
    await call(cloud, admin, 'POST', '/v1/institutions', registration);
    const staff = await tokenFor(cloud, 'institution', { org: institution.uscc });
    const csv = toCsv(demoInventoryRows(rows, { seed: 100 + i, serialBase: 10_000 * (i + 1) }));
    const file = i === 0 ? iconv.encode(csv, 'gb18030') : Buffer.from(csv);
    const job = await uploadAndWait(
      cloud,
      'demo',
      staff,
      `${institution.name.split(' ')[0]}-专利盘点.csv`,
      file,
    );
    patents += job.rowsAccepted as number;

    // A few reviews, so that every review state shows up: each by a user of the patent's own
    // department (院系), the only department users who may act on it.
    const reviewer = await tokenFor(cloud, 'institution', { org: institution.uscc });
    const departmentColumn = templateHeaders.indexOf('所属院系');
    const reviewed8 = demoInventoryRows(8, { seed: 100 + i, serialBase: 10_000 * (i + 1) });
    for (const [n, row] of reviewed8.entries()) {
      const number = row[0]!;
      const department = await tokenFor(cloud, 'institution', {
        org: institution.uscc,
        department: row[departmentColumn]!,
      });
      await call(cloud, department, 'PUT', `/v1/patents/${number}/self-assessment`, {
        applicationScenarios: '示范应用场景',
      });
      if (n >= 6) continue; // two stay drafts
      await call(cloud, department, 'POST', `/v1/patents/${number}/review`, { action: 'submit' });
      if (n < 4) await call(cloud, reviewer, 'POST', `/v1/patents/${number}/review`, { action: 'approve' });
      else if (n === 4)
        await call(cloud, reviewer, 'POST', `/v1/patents/${number}/review`, {
          action: 'return',
          comment: '请补充产业化前景',
        });
      reviewed++;
    }
  }
  // A few evaluations, so that feedback and aggregates show: every demo evaluator answers its first requests.
  let evaluations = 0;
  const evaluators = [
    ...demoEnterprises.map((e) => ({ role: 'enterprise', extra: { org: withUsccCheck(e.uscc) } })),
    ...demoExperts.map((e) => ({ role: 'expert', extra: { sub: e.sub } })),
  ];
  for (const [i, evaluator] of evaluators.entries()) {
    const own = await tokenFor(cloud, evaluator.role, evaluator.extra);
    let inbox: { items?: Array<{ applicationNumber: string }> } = {};
    for (let wait = 0; wait < 50 && !inbox.items?.length; wait++) {
      inbox = (await call(cloud, own, 'GET', '/v1/inbox?limit=2')) as typeof inbox;
      if (!inbox.items?.length) await new Promise((r) => setTimeout(r, 100));
    }
    for (const request of inbox.items ?? []) {
      const answer = await fetch(`${cloud.apiUrl}/v1/patents/${request.applicationNumber}/evaluations/mine`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${own}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          industrializationProspect: 3 + (i % 3),
          maturityTrl: 5 + (i % 3),
          improvementNeeds: { categories: ['pilot-scale-up'], text: '需要中试放大验证' },
          cooperationIntents: i % 2 ? ['license', 'further-contact'] : ['joint-rnd'],
          reasonCodes: i % 3 === 0 ? ['commercial-route-unclear'] : [],
          consentToShareIdentity: i % 2 === 0,
        }),
      });
      if (answer.ok) evaluations++;
    }
  }
  // Transfers on some of the approved patents: deals, a filing, an open license, a product.
  const transfers = await loadTransferDemo(cloud);
  // One patent leaving the pool by each exit, and the sweep that expires those past their term.
  const exits = await loadExitsDemo(cloud);
  // Find and be found: searchable battery-separator patents, one left for the README to approve; a challenge.
  const market = await loadMarketDemo(cloud);
  return `${demoInstitutions.length} institutions in 2 provinces, ${patents} patents uploaded, ${reviewed} in review, ${demoEnterprises.length} verified enterprises, ${demoExperts.length} experts, ${evaluations} evaluations; ${transfers}; ${exits}; ${market}`;
}

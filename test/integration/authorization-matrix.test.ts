/**
 * The authorization matrix: every route of the route table x every kind of caller x the tenant the
 * request aims at, each cell with the status it must get. Roles come from each route's declared
 * `roles` (a caller whose role is not listed: 403; no, expired or forged token: 401); the tenant rules
 * (own institution / other department / foreign institution / foreign province ...) are the
 * `matrix` table below, one entry per route. A route without an entry fails the suite.
 *
 * Refused writes must change nothing: each write case names the item it aims at, read back from
 * DynamoDB before and after the refused request.
 *
 * Fixtures are made once through the API: institutions A and B in province 210000 and C in 220000
 * (A and C 教育部直属, B 其他部委所属 工业和信息化部: the ministry admin of 教育部 sees A and C across
 * provinces, never B),
 * patents of A in two departments, B's and C's, a verified and a pending enterprise, deals.
 * Serials 95xx, provinces 210000 / 220000: no other integration file uses them.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoInventoryRows, templateHeaders } from '../../infra/local/demo-patents.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import { errorBodySchema } from '../../schemas/errors.ts';
import { routes } from '../../schemas/routes/index.ts';
import { api, clients, postUpload, tableName, token } from './helpers.ts';

const P1 = '210000'; // 辽宁省
const P2 = '220000'; // 吉林省
const A = withUsccCheck('12210000MATRX0001');
const B = withUsccCheck('12210000MATRX0002');
const C = withUsccCheck('12220000MATRX0003');
const E1 = withUsccCheck('91210000MATRX0004'); // verified, P1
const E2 = withUsccCheck('91210000MATRX0005'); // pending, P1
const E3 = withUsccCheck('91220000MATRX0006'); // verified, P2
const E4 = withUsccCheck('91210000MATRX0007'); // pending, P1: target of verification
const E5 = withUsccCheck('91220000MATRX0008'); // pending, P2: target of verification
const D1 = '材料科学与工程学院';
const D2 = '化学学院';
/** Experts of the pool (issue 15 item 7): pending in P1 / P2, never verified, verified, verified and working for A. */
const XP1 = 'matrix-pool-p1';
const XP2 = 'matrix-pool-p2';
const XW = 'matrix-pool-w';
const XV = 'matrix-pool-v';
const XA = 'matrix-pool-a';
/** The matrix's expert caller (sub), verified in the fixtures so that it can be commissioned. */
const MX = 'matrix-expert';
const poolSecret = 'pool-secret@example.org';

/** A mapping profile A and C hold (fixtures), and that the matrix's writes send. */
const matrixProfile = { columns: [{ header: '序号', field: 'ignore' }] };

/** The callers of every cell. Roles: which declared role each one holds (undefined: no valid token). */
const callers = [
  'none',
  'expired',
  'forged',
  'inst',
  'dept',
  'ent',
  'entPending',
  'expert',
  'padmin',
  'nadmin',
  'madmin',
] as const;
type CallerName = (typeof callers)[number];
const callerRole: Record<CallerName, string | undefined> = {
  none: undefined,
  expired: undefined,
  forged: undefined,
  inst: 'institution',
  dept: 'institution',
  ent: 'enterprise',
  entPending: 'enterprise',
  expert: 'expert',
  padmin: 'province-admin',
  nadmin: 'national-admin',
  madmin: 'ministry-admin',
};
type AllowedCaller = Exclude<CallerName, 'none' | 'expired' | 'forged'>;

/**
 * ok: the request passed authorization: a read gets 2xx, a write 2xx or 409 (a state conflict: an
 * earlier allowed cell moved the item on). 404 "hidden": a tenant the caller may not see.
 */
type Outcome = 'ok' | 'scoped' | 400 | 401 | 403 | 404 | 409 | 503;
type Expected = Outcome | readonly Outcome[];

interface Fixtures {
  pool: Record<'own' | 'otherDept' | 'foreignInst' | 'foreignProv', string>;
  /** Licensed by a deal (an open license may be declared alongside). */
  licensed: Record<'own' | 'otherDept' | 'foreignInst' | 'foreignProv', string>;
  selfAssessment: Record<'own' | 'otherDept' | 'foreignInst' | 'foreignProv', string>;
  review: Record<'own' | 'otherDept' | 'foreignInst' | 'foreignProv', string>;
  /** Drafts of their own: a withdrawal is final, no other cell may meet them withdrawn. */
  withdrawal: Record<'own' | 'otherDept' | 'foreignInst' | 'foreignProv', string>;
  forDeals: Record<'inst' | 'padmin' | 'nadmin', string>;
  dealPatent: string;
  dealA: string;
  dealC: string;
  /** A payment recorded on each deal: the reversal's targets. */
  paymentA: string;
  paymentC: string;
  jobA: string;
  /** Announced by a department (D1) user of A. */
  jobADept: string;
  jobC: string;
  previewA: string;
  previewC: string;
  /** Pool patents E1 asked to negotiate for (and E3 for `own`): the requests' targets. */
  negotiation: Record<'own' | 'otherDept' | 'foreignInst' | 'foreignProv', string>;
  /** A pool patent of A for which experts of the pool are commissioned (issue 15 item 7). */
  commissioned: string;
  /** Technology needs of E1 (province P1) and E3 (P2): open or pending; review and closure targets of their own. */
  needs: Record<
    | 'ownOpen'
    | 'ownPending'
    | 'foreignOpen'
    | 'foreignPending'
    | 'reviewOwn'
    | 'reviewForeign'
    | 'closeOwn'
    | 'closeForeign',
    string
  >;
}

interface Case {
  /** The tenant relation (a column of the table): own, otherDept, foreignInst, foreignProv, E1 ... */
  target: string;
  path: string;
  body?: object | ((caller: AllowedCaller) => unknown);
  /** The item a write aims at: read back to prove a refused request changed nothing. */
  item?: { table?: string; pk: string; sk: string };
  /** The item must stay unchanged even though the request itself is answered 2xx (a batch row refused). */
  unchanged?: boolean;
  /** 'scoped' cells: 2xx, and none of these (another tenant's codes, numbers, ids) in the answer. */
  hidden?: string[];
  /** Request headers (If-Match ...). */
  headers?: Record<string, string>;
}
interface Entry {
  cases: (f: Fixtures) => Case[];
  /** Per allowed caller, per target: the outcome. Callers whose role the route does not list get 403. */
  expect: Partial<Record<AllowedCaller, Record<string, Expected>>>;
}

const foreignPatents = (f: Fixtures) => [
  f.pool.foreignInst,
  f.pool.foreignProv,
  f.selfAssessment.foreignInst,
  f.selfAssessment.foreignProv,
];
const patentItem = (n: string) => ({ pk: `PAT#${n}`, sk: 'PATENT' });
const one = (outcome: Expected) => ({ '-': outcome });
const patentTargets = ['own', 'otherDept', 'foreignInst', 'foreignProv'] as const;
const patentCases =
  (pick: (f: Fixtures) => Record<(typeof patentTargets)[number], string>, suffix = '', body?: Case['body']) =>
  (f: Fixtures): Case[] =>
    patentTargets.map((target) => ({
      target,
      path: `/v1/patents/${pick(f)[target]}${suffix}`,
      body,
      item: patentItem(pick(f)[target]),
    }));
/** own, otherDept, foreignInst, foreignProv in that order. */
const p = (own: Outcome, otherDept: Outcome, foreignInst: Outcome, foreignProv: Outcome) => ({
  own,
  otherDept,
  foreignInst,
  foreignProv,
});
/**
 * Institution users see their institution, province admins their province, national admins all, the
 * ministry admin (教育部) its ministry's institutions: A and C (another province), not B (工业和信息化部).
 */
const institutionScoped = {
  inst: p('ok', 'ok', 404, 404),
  dept: p('ok', 'ok', 404, 404),
  padmin: p('ok', 'ok', 'ok', 404),
  nadmin: p('ok', 'ok', 'ok', 'ok'),
  madmin: p('ok', 'ok', 404, 'ok'),
};
const MINISTRY = '教育部';
const OTHER_MINISTRY = '工业和信息化部';
/** The supervision each fixture institution is registered with. */
const supervisionOf: Record<string, object> = {
  [A]: { department: 'moe-direct' },
  [B]: { department: 'other-ministry', ministry: OTHER_MINISTRY },
  [C]: { department: 'moe-direct' },
};
const poolPublic = p('ok', 'ok', 'ok', 'ok');
const provinceQuery =
  (path: string, sep = '?') =>
  () => [
    { target: 'ownProv', path: `${path}${sep}province=${P1}` },
    { target: 'foreignProv', path: `${path}${sep}province=${P2}` },
  ];
const adminsByProvince = {
  padmin: { ownProv: 'ok', foreignProv: 403 },
  nadmin: { ownProv: 'ok', foreignProv: 'ok' },
} as const;

let counter = 0;
const fresh = () => String(++counter).padStart(3, '0');

const enterpriseBody = (uscc: string, provinceCode: string) => ({
  uscc,
  name: `矩阵测试企业${uscc.slice(-4)}`,
  provinceCode,
  types: ['high-tech'],
  industryCodes: ['0511'],
  ipcInterests: ['B63B'],
  contact: { name: '王经理', email: 'wang@example.com' },
});
const licenseBody = (numbers: string[], institutionUscc?: string, enterprise = E1) => ({
  kind: 'license',
  licenseType: 'ordinary',
  applicationNumbers: numbers,
  ...(institutionUscc ? { institutionUscc } : {}),
  enterprise: { uscc: enterprise, name: `矩阵测试企业${enterprise.slice(-4)}` },
  priceTerms: { type: 'lump-sum', amountFen: 1_000_000 },
  effectiveDate: '2026-03-01',
  endDate: '2030-02-28',
});
const declaration = {
  feeStandard: { type: 'lump-sum', amountFen: 500_000 },
  paymentMethod: '许可生效后 30 日内一次性支付',
  startDate: '2026-01-01',
  endDate: '2028-12-31',
};
const needBody = (enterpriseUscc?: string) => ({
  ...(enterpriseUscc ? { enterpriseUscc } : {}),
  title: '矩阵测试：船舶防腐涂层',
  description: '矩阵测试：需要一种寿命十年以上的船舶防腐涂层技术',
  ipcInterests: ['B63B'],
});
const needItem = (id: string) => ({ pk: `NEED#${id}`, sk: 'NEED' });
const needTargets = ['ownOpen', 'ownPending', 'foreignOpen', 'foreignPending'] as const;
const needCases =
  (suffix = '') =>
  (f: Fixtures): Case[] =>
    needTargets.map((target) => ({ target, path: `/v1/needs/${f.needs[target]}${suffix}` }));
/** ownOpen, ownPending, foreignOpen, foreignPending in that order. */
const n = (ownOpen: Outcome, ownPending: Outcome, foreignOpen: Outcome, foreignPending: Outcome) => ({
  ownOpen,
  ownPending,
  foreignOpen,
  foreignPending,
});

const evaluation = {
  industrializationProspect: 3,
  maturityTrl: 5,
  improvementNeeds: { categories: ['pilot-scale-up'], text: '需要中试' },
  cooperationIntents: ['license'],
  reasonCodes: [],
  consentToShareIdentity: false,
};

/** One entry per route, in the order the matrix runs them (writes after the reads they would disturb). */
const matrix: Record<string, Entry> = {
  'GET /health': { cases: () => [{ target: '-', path: '/health' }], expect: {} },
  'GET /v1/openapi.json': { cases: () => [{ target: '-', path: '/v1/openapi.json' }], expect: {} },
  'GET /v1/admin/health': {
    cases: () => [{ target: '-', path: '/v1/admin/health' }],
    // 503 is the probe's own answer when a local component is slow under load: past the role gate.
    expect: { nadmin: one(['ok', 503]) },
  },
  'GET /v1/institutions': {
    // The ministry admin lists its ministry's institutions (narrowed to a province if it names one):
    // never B, another ministry's.
    cases: () => [
      { target: 'ownProv', path: `/v1/institutions?province=${P1}`, hidden: [B] },
      { target: 'foreignProv', path: `/v1/institutions?province=${P2}`, hidden: [B] },
      {
        target: 'otherMinistry',
        path: `/v1/institutions?supervision=${encodeURIComponent(OTHER_MINISTRY)}`,
      },
      {
        target: 'unassigned',
        path: `/v1/institutions?province=${P1}&supervision=unassigned`,
        hidden: [A, B],
      },
    ],
    expect: {
      padmin: { ownProv: 'ok', foreignProv: 403, otherMinistry: 'ok', unassigned: 'scoped' },
      nadmin: { ownProv: 'ok', foreignProv: 'ok', otherMinistry: 'ok', unassigned: 'scoped' },
      madmin: { ownProv: 'scoped', foreignProv: 'scoped', otherMinistry: 403, unassigned: 403 },
    },
  },
  'GET /v1/institutions/{uscc}': {
    cases: () => [
      { target: 'own', path: `/v1/institutions/${A}` },
      { target: 'foreignInst', path: `/v1/institutions/${B}` },
      { target: 'foreignProv', path: `/v1/institutions/${C}` },
    ],
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      padmin: { own: 'ok', foreignInst: 'ok', foreignProv: 404 },
      nadmin: { own: 'ok', foreignInst: 'ok', foreignProv: 'ok' },
      // B is another ministry's (404); C, in another province, is its own.
      madmin: { own: 'ok', foreignInst: 404, foreignProv: 'ok' },
    },
  },
  'GET /v1/jobs': {
    cases: () => [
      { target: 'own', path: `/v1/jobs?institution=${A}` },
      { target: 'foreignInst', path: `/v1/jobs?institution=${B}` },
      { target: 'foreignProv', path: `/v1/jobs?institution=${C}` },
      { target: 'ownProvince', path: `/v1/jobs?province=${P1}` },
    ],
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404, ownProvince: 404 },
      dept: { own: 'ok', foreignInst: 404, foreignProv: 404, ownProvince: 404 },
      padmin: { own: 'ok', foreignInst: 'ok', foreignProv: 404, ownProvince: 'ok' },
      nadmin: { own: 'ok', foreignInst: 'ok', foreignProv: 'ok', ownProvince: 'ok' },
      // A province's enterprises / evaluations jobs are the province's, never a ministry's.
      madmin: { own: 'ok', foreignInst: 404, foreignProv: 'ok', ownProvince: 404 },
    },
  },
  'GET /v1/jobs/{jobId}': {
    cases: (f) => [
      { target: 'own', path: `/v1/jobs/${f.jobA}` },
      { target: 'ownDept', path: `/v1/jobs/${f.jobADept}` },
      { target: 'foreignProv', path: `/v1/jobs/${f.jobC}` },
    ],
    // jobA was announced by an institution-level user: a department user reads its department's only.
    expect: {
      inst: { own: 'ok', ownDept: 'ok', foreignProv: 404 },
      dept: { own: 404, ownDept: 'ok', foreignProv: 404 },
      padmin: { own: 'ok', ownDept: 'ok', foreignProv: 404 },
      nadmin: { own: 'ok', ownDept: 'ok', foreignProv: 'ok' },
      madmin: { own: 'ok', ownDept: 'ok', foreignProv: 'ok' },
    },
  },
  'GET /v1/templates/{file}': {
    cases: () => [{ target: '-', path: '/v1/templates/inventory.csv' }],
    expect: {
      inst: one('ok'),
      dept: one('ok'),
      ent: one('ok'),
      entPending: one('ok'),
      expert: one('ok'),
      padmin: one('ok'),
      nadmin: one('ok'),
    },
  },
  'GET /v1/patents': {
    cases: (f) => [
      { target: '-', path: '/v1/patents', hidden: foreignPatents(f) },
      { target: 'foreignInst', path: `/v1/patents?institution=${B}`, hidden: foreignPatents(f) },
      // Institutions always list their own: the province filter cannot widen that.
      { target: 'foreignProv', path: `/v1/patents?province=${P2}`, hidden: foreignPatents(f) },
      // B's patents (another ministry's) never reach the ministry admin.
      {
        target: 'otherMinistry',
        path: '/v1/patents?limit=100',
        hidden: [f.pool.foreignInst, f.selfAssessment.foreignInst],
      },
    ],
    expect: {
      inst: { '-': 'scoped', foreignInst: 403, foreignProv: 'scoped', otherMinistry: 'scoped' },
      dept: { '-': 'scoped', foreignInst: 403, foreignProv: 'scoped', otherMinistry: 'scoped' },
      ent: { '-': 'ok', foreignInst: 'ok', foreignProv: 'ok', otherMinistry: 'ok' },
      entPending: { '-': 'ok', foreignInst: 'ok', foreignProv: 'ok', otherMinistry: 'ok' },
      expert: { '-': 'ok', foreignInst: 'ok', foreignProv: 'ok', otherMinistry: 'ok' },
      padmin: { '-': 'ok', foreignInst: 'ok', foreignProv: 403, otherMinistry: 'ok' },
      nadmin: { '-': 'ok', foreignInst: 'ok', foreignProv: 'ok', otherMinistry: 'ok' },
      // Its ministry's institutions in every province (C's patents in P2 included), never B's.
      madmin: { '-': 'ok', foreignInst: 403, foreignProv: 'ok', otherMinistry: 'scoped' },
    },
  },
  'GET /v1/search/patents': {
    // Institutions search their own patents only; everyone else the available ones (public view).
    cases: (f) => [{ target: '-', path: '/v1/search/patents?q=图像去噪', hidden: foreignPatents(f) }],
    expect: {
      inst: one('scoped'),
      dept: one('scoped'),
      ent: one('ok'),
      entPending: one('ok'),
      expert: one('ok'),
      padmin: one('ok'),
      nadmin: one('ok'),
    },
  },
  'GET /v1/search/needs': {
    // Enterprises search their own needs; everyone else the open ones: a pending need is never a hit.
    cases: (f) => [
      {
        target: '-',
        path: `/v1/search/needs?q=${encodeURIComponent('船舶防腐涂层')}`,
        hidden: [f.needs.foreignPending],
      },
    ],
    expect: {
      inst: one('scoped'),
      dept: one('scoped'),
      ent: one('scoped'),
      entPending: one('scoped'),
      expert: one('scoped'),
      padmin: one('scoped'),
      nadmin: one('scoped'),
    },
  },
  'GET /v1/patents/{applicationNumber}': {
    cases: patentCases((f) => f.pool),
    expect: { ...institutionScoped, ent: poolPublic, entPending: poolPublic, expert: poolPublic },
  },
  'GET /v1/patents/{applicationNumber}/history': {
    cases: patentCases((f) => f.pool, '/history'),
    expect: {
      ...institutionScoped,
      ent: p(404, 404, 404, 404),
      entPending: p(404, 404, 404, 404),
      expert: p(404, 404, 404, 404),
    },
  },
  'GET /v1/patents/{applicationNumber}/evaluations': {
    cases: patentCases((f) => f.pool, '/evaluations'),
    expect: {
      ...institutionScoped,
      ent: p(404, 404, 404, 404),
      entPending: p(404, 404, 404, 404),
      expert: p(404, 404, 404, 404),
    },
  },
  'GET /v1/inventory/coverage': {
    cases: () => [
      { target: '-', path: '/v1/inventory/coverage' },
      { target: 'foreignInst', path: `/v1/inventory/coverage?scope=institution&institution=${B}` },
      { target: 'foreignProv', path: `/v1/inventory/coverage?scope=province&province=${P2}` },
    ],
    expect: {
      inst: { '-': 'ok', foreignInst: 403, foreignProv: 403 },
      dept: { '-': 'ok', foreignInst: 403, foreignProv: 403 },
      padmin: { '-': 'ok', foreignInst: 'ok', foreignProv: 403 },
      nadmin: { '-': 'ok', foreignInst: 'ok', foreignProv: 'ok' },
      // Its ministry's coverage (the default scope); B's is another ministry's, a province is not its scope.
      madmin: { '-': 'ok', foreignInst: 403, foreignProv: 403 },
    },
  },
  'GET /v1/enterprises': { cases: provinceQuery('/v1/enterprises'), expect: adminsByProvince },
  'GET /v1/enterprises/{uscc}': {
    cases: () => [
      { target: 'E1', path: `/v1/enterprises/${E1}` },
      { target: 'E2', path: `/v1/enterprises/${E2}` },
      { target: 'E3', path: `/v1/enterprises/${E3}` },
    ],
    expect: {
      ent: { E1: 'ok', E2: 404, E3: 404 },
      entPending: { E1: 404, E2: 'ok', E3: 404 },
      padmin: { E1: 'ok', E2: 'ok', E3: 404 },
      nadmin: { E1: 'ok', E2: 'ok', E3: 'ok' },
    },
  },
  'GET /v1/needs': {
    cases: (f) => [
      // Enterprises: their own; institutions and experts: the open ones; province admins: their pending.
      { target: '-', path: '/v1/needs', hidden: [f.needs.foreignPending] },
      {
        target: 'foreignProv',
        path: `/v1/needs?province=${P2}&status=pending`,
        hidden: [f.needs.foreignPending],
      },
    ],
    expect: {
      ent: { '-': 'scoped', foreignProv: 'scoped' },
      entPending: { '-': 'scoped', foreignProv: 'scoped' },
      inst: { '-': 'scoped', foreignProv: 400 },
      dept: { '-': 'scoped', foreignProv: 400 },
      expert: { '-': 'scoped', foreignProv: 400 },
      padmin: { '-': 'scoped', foreignProv: 403 },
      nadmin: { '-': 400, foreignProv: 'ok' },
    },
  },
  'GET /v1/needs/{needId}': {
    cases: needCases(),
    // Institutions and experts see a need once approved; enterprises their own; admins their province's.
    expect: {
      ent: n('ok', 'ok', 404, 404),
      entPending: n(404, 404, 404, 404),
      inst: n('ok', 404, 'ok', 404),
      dept: n('ok', 404, 'ok', 404),
      expert: n('ok', 404, 'ok', 404),
      padmin: n('ok', 'ok', 404, 404),
      nadmin: n('ok', 'ok', 'ok', 'ok'),
    },
  },
  'GET /v1/needs/{needId}/proposals': {
    cases: needCases('/proposals'),
    // Institutions read their own proposals (none on foreign needs: an empty page).
    expect: {
      ent: n('ok', 'ok', 404, 404),
      entPending: n(404, 404, 404, 404),
      inst: n('ok', 404, 'ok', 404),
      dept: n('ok', 404, 'ok', 404),
      padmin: n('ok', 'ok', 404, 404),
      nadmin: n('ok', 'ok', 'ok', 'ok'),
    },
  },
  'GET /v1/needs/{needId}/matches': {
    cases: needCases('/matches'),
    // As the proposals: institutions read the matches of their own patents (an empty page elsewhere).
    expect: {
      ent: n('ok', 'ok', 404, 404),
      entPending: n(404, 404, 404, 404),
      inst: n('ok', 404, 'ok', 404),
      dept: n('ok', 404, 'ok', 404),
      padmin: n('ok', 'ok', 404, 404),
      nadmin: n('ok', 'ok', 'ok', 'ok'),
    },
  },
  'GET /v1/needs/{needId}/funnel': {
    cases: needCases('/funnel'),
    // The enterprise that posted the need (any status) and the administrators of its province.
    expect: {
      ent: n('ok', 'ok', 404, 404),
      entPending: n(404, 404, 404, 404),
      padmin: n('ok', 'ok', 404, 404),
      nadmin: n('ok', 'ok', 'ok', 'ok'),
    },
  },
  'GET /v1/inbox': {
    cases: () => [{ target: '-', path: '/v1/inbox' }],
    expect: { ent: one('ok'), entPending: one('ok'), expert: one('ok') },
  },
  'GET /v1/pool': { cases: provinceQuery('/v1/pool'), expect: adminsByProvince },
  'GET /v1/pool/export.xlsx': { cases: provinceQuery('/v1/pool/export.xlsx'), expect: adminsByProvince },
  'GET /v1/pipeline/failures': { cases: provinceQuery('/v1/pipeline/failures'), expect: adminsByProvince },
  'GET /v1/deals': {
    // Institutions and enterprises always list their own deals: the filters cannot widen that.
    cases: (f) => [
      { target: '-', path: '/v1/deals', hidden: [f.dealC] },
      { target: 'foreignInst', path: `/v1/deals?institution=${C}`, hidden: [f.dealC] },
      { target: 'foreignProv', path: `/v1/deals?province=${P2}`, hidden: [f.dealC] },
    ],
    expect: {
      inst: { '-': 'scoped', foreignInst: 'scoped', foreignProv: 'scoped' },
      dept: { '-': 'scoped', foreignInst: 'scoped', foreignProv: 'scoped' },
      ent: { '-': 'scoped', foreignInst: 'scoped', foreignProv: 'scoped' },
      entPending: { '-': 'scoped', foreignInst: 'scoped', foreignProv: 'scoped' },
      padmin: { '-': 'scoped', foreignInst: 'scoped', foreignProv: 403 },
      // National admins name a province, an institution or an enterprise.
      nadmin: { '-': 400, foreignInst: 'ok', foreignProv: 'ok' },
    },
  },
  'GET /v1/deals/{dealId}': {
    cases: (f) => [
      { target: 'own', path: `/v1/deals/${f.dealA}` },
      { target: 'foreignProv', path: `/v1/deals/${f.dealC}` },
    ],
    expect: {
      inst: { own: 'ok', foreignProv: 404 },
      dept: { own: 'ok', foreignProv: 404 },
      ent: { own: 'ok', foreignProv: 404 },
      entPending: { own: 404, foreignProv: 404 },
      padmin: { own: 'ok', foreignProv: 404 },
      nadmin: { own: 'ok', foreignProv: 'ok' },
    },
  },
  'GET /v1/open-licenses': {
    cases: provinceQuery('/v1/open-licenses'),
    expect: Object.fromEntries(
      (['inst', 'dept', 'ent', 'entPending', 'expert', 'padmin', 'nadmin'] as const).map((c) => [
        c,
        { ownProv: 'ok', foreignProv: 'ok' },
      ]),
    ),
  },
  'GET /v1/products': {
    // Enterprises list their own products whatever they filter; province admins see their province's.
    cases: () => [
      { target: '-', path: '/v1/products', hidden: [E3] },
      { target: 'foreignProv', path: `/v1/products?province=${P2}`, hidden: [E3] },
      { target: 'foreignEnt', path: `/v1/products?enterprise=${E3}`, hidden: [E3] },
    ],
    expect: {
      ent: { '-': 'scoped', foreignProv: 'scoped', foreignEnt: 'scoped' },
      entPending: { '-': 'scoped', foreignProv: 'scoped', foreignEnt: 'scoped' },
      padmin: { '-': 'scoped', foreignProv: 403, foreignEnt: 'scoped' },
      nadmin: { '-': 400, foreignProv: 'ok', foreignEnt: 'ok' },
    },
  },
  'GET /v1/metrics/reconciliation': {
    cases: () => [{ target: '-', path: '/v1/metrics/reconciliation' }],
    expect: { nadmin: one('ok') },
  },
  'GET /v1/rankings/{quarter}': {
    // The whole table of its kind is every admin's; ?scope= another's row is 404, the other kind 403.
    cases: () => [
      { target: 'ownProv', path: `/v1/rankings/2026Q1?by=province&scope=${P1}` },
      { target: 'foreignProv', path: `/v1/rankings/2026Q1?by=province&scope=${P2}` },
      {
        target: 'ownMinistry',
        path: `/v1/rankings/2026Q1?by=ministry&scope=${encodeURIComponent(MINISTRY)}`,
      },
      {
        target: 'otherMinistry',
        path: `/v1/rankings/2026Q1?by=ministry&scope=${encodeURIComponent(OTHER_MINISTRY)}`,
      },
    ],
    expect: {
      padmin: { ownProv: 'ok', foreignProv: 404, ownMinistry: 403, otherMinistry: 403 },
      nadmin: { ownProv: 'ok', foreignProv: 'ok', ownMinistry: 'ok', otherMinistry: 'ok' },
      madmin: { ownProv: 403, foreignProv: 403, ownMinistry: 'ok', otherMinistry: 404 },
    },
  },
  'GET /v1/monitoring/spot-checks': {
    cases: () => [
      { target: 'ownProv', path: `/v1/monitoring/spot-checks?quarter=2026Q1&province=${P1}` },
      { target: 'foreignProv', path: `/v1/monitoring/spot-checks?quarter=2026Q1&province=${P2}` },
    ],
    expect: { padmin: { ownProv: 'ok', foreignProv: 404 }, nadmin: { ownProv: 'ok', foreignProv: 'ok' } },
  },
  'GET /v1/monitoring/unimplemented-funded': {
    cases: () => [
      { target: '-', path: '/v1/monitoring/unimplemented-funded' },
      { target: 'foreignInst', path: `/v1/monitoring/unimplemented-funded?institution=${B}` },
      { target: 'foreignProv', path: `/v1/monitoring/unimplemented-funded?province=${P2}` },
    ],
    expect: {
      // Institutions list their own patents: naming a province is a mistake (400), another institution 404.
      inst: { '-': 'ok', foreignInst: 404, foreignProv: 400 },
      dept: { '-': 'ok', foreignInst: 404, foreignProv: 400 },
      padmin: { '-': 'ok', foreignInst: 'ok', foreignProv: 404 },
      // National admins name the province or institution.
      nadmin: { '-': 400, foreignInst: 'ok', foreignProv: 'ok' },
    },
  },
  'GET /v1/reports': {
    cases: () => [
      { target: 'ownProv', path: `/v1/reports?scope=${P1}` },
      { target: 'foreignProv', path: `/v1/reports?scope=${P2}` },
      { target: 'national', path: '/v1/reports?scope=national' },
      { target: 'ownMinistry', path: `/v1/reports?scope=${encodeURIComponent(MINISTRY)}` },
      { target: 'otherMinistry', path: `/v1/reports?scope=${encodeURIComponent(OTHER_MINISTRY)}` },
    ],
    expect: {
      padmin: { ownProv: 'ok', foreignProv: 404, national: 404, ownMinistry: 404, otherMinistry: 404 },
      nadmin: { ownProv: 'ok', foreignProv: 'ok', national: 'ok', ownMinistry: 'ok', otherMinistry: 'ok' },
      // A ministry admin (issue 14) reads its own ministry's reports only.
      madmin: { ownProv: 404, foreignProv: 404, national: 404, ownMinistry: 'ok', otherMinistry: 404 },
    },
  },
  'GET /v1/reports/{quarter}': {
    // No report exists for 2019Q1 (before the programme): only the scope decides 404 vs 404, so
    // the cell still proves the role gate (403 for other roles, 401 without a token).
    cases: () => [
      { target: 'ownProv', path: `/v1/reports/2019Q1?scope=${P1}` },
      { target: 'foreignProv', path: `/v1/reports/2019Q1?scope=${P2}` },
      { target: 'otherMinistry', path: `/v1/reports/2019Q1?scope=${encodeURIComponent(OTHER_MINISTRY)}` },
    ],
    expect: {
      padmin: { ownProv: 404, foreignProv: 404, otherMinistry: 404 },
      nadmin: { ownProv: 404, foreignProv: 404, otherMinistry: 404 },
      madmin: { ownProv: 404, foreignProv: 404, otherMinistry: 404 },
    },
  },

  'GET /v1/interests': {
    // Institutions list the requests they received (department users: their department's), enterprises
    // their own: no filter widens that.
    cases: (f) => [
      {
        target: 'institutions',
        path: '/v1/interests',
        hidden: [f.negotiation.foreignInst, f.negotiation.foreignProv],
      },
      { target: 'departments', path: '/v1/interests?limit=99', hidden: [f.negotiation.otherDept] },
      { target: 'enterprises', path: '/v1/interests?limit=50', hidden: [E3] },
    ],
    expect: {
      inst: { institutions: 'scoped', departments: 'ok', enterprises: 'ok' },
      dept: { institutions: 'scoped', departments: 'scoped', enterprises: 'ok' },
      ent: { institutions: 'ok', departments: 'ok', enterprises: 'scoped' },
      entPending: { institutions: 'scoped', departments: 'scoped', enterprises: 'scoped' },
    },
  },
  'GET /v1/interests/{interestId}': {
    cases: (f) => [
      ...patentTargets.map((target) => ({
        target,
        path: `/v1/interests/${f.negotiation[target]}~${E1}`,
      })),
      { target: 'otherEnt', path: `/v1/interests/${f.negotiation.own}~${E3}` },
    ],
    // Its institution (a department user: its department's) and its enterprise; nobody else (404).
    expect: {
      inst: { ...p('ok', 'ok', 404, 404), otherEnt: 'ok' },
      dept: { ...p('ok', 404, 404, 404), otherEnt: 'ok' },
      ent: { ...p('ok', 'ok', 'ok', 'ok'), otherEnt: 404 },
      entPending: { ...p(404, 404, 404, 404), otherEnt: 404 },
    },
  },
  'GET /v1/patents/{applicationNumber}/funnel': {
    cases: patentCases((f) => f.pool, '/funnel'),
    expect: institutionScoped,
  },
  'GET /v1/institutions/{uscc}/funnel': {
    cases: () => [
      { target: 'own', path: `/v1/institutions/${A}/funnel` },
      { target: 'foreignInst', path: `/v1/institutions/${B}/funnel` },
      { target: 'foreignProv', path: `/v1/institutions/${C}/funnel` },
    ],
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      padmin: { own: 'ok', foreignInst: 'ok', foreignProv: 404 },
      nadmin: { own: 'ok', foreignInst: 'ok', foreignProv: 'ok' },
    },
  },

  // ----- writes -----
  'POST /v1/institutions': {
    cases: () => [
      {
        target: 'ownProv',
        path: '/v1/institutions',
        body: () => ({
          uscc: withUsccCheck(`12210000MATRX1${fresh()}`),
          name: '矩阵新大学',
          provinceCode: P1,
          kind: 'university',
        }),
      },
      {
        target: 'foreignProv',
        path: '/v1/institutions',
        body: () => ({
          uscc: withUsccCheck(`12220000MATRX1${fresh()}`),
          name: '矩阵新大学',
          provinceCode: P2,
          kind: 'university',
        }),
      },
    ],
    expect: { padmin: { ownProv: 'ok', foreignProv: 403 }, nadmin: { ownProv: 'ok', foreignProv: 'ok' } },
  },
  'PATCH /v1/institutions/{uscc}': {
    // Province admins set the supervision of their province's institutions, national admins any;
    // ministry admins never (403): a ministry does not choose the institutions it sees.
    cases: () => [
      {
        target: 'own',
        path: `/v1/institutions/${A}`,
        body: { pilotStatus: 'demonstration' },
        item: { pk: `INST#${A}`, sk: 'PROFILE' },
      },
      {
        target: 'foreignProv',
        path: `/v1/institutions/${C}`,
        body: { pilotStatus: 'pilot' },
        item: { pk: `INST#${C}`, sk: 'PROFILE' },
      },
    ],
    expect: { padmin: { own: 'ok', foreignProv: 404 }, nadmin: { own: 'ok', foreignProv: 'ok' } },
  },
  'PUT /v1/institutions/{uscc}/inventor-reward-rule': {
    // The institution's own rule (art. 44): its institution-level users only; every refusal changes nothing.
    cases: () =>
      [
        ['own', A],
        ['foreignInst', B],
        ['foreignProv', C],
      ].map(([target, uscc]) => ({
        target: target!,
        path: `/v1/institutions/${uscc}/inventor-reward-rule`,
        body: { ratePercent: 70, basis: '《科技成果转化管理办法》第十二条', effectiveFrom: '2026-01-01' },
        item: { pk: `INST#${uscc}`, sk: 'PROFILE' },
      })),
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 403, foreignInst: 404, foreignProv: 404 },
    },
  },
  'POST /v1/uploads': {
    cases: () => [{ target: '-', path: '/v1/uploads', body: { fileName: 'inventory.csv', sizeBytes: 100 } }],
    // Inventories are the institutions' own: administrators announce enterprises or evaluations files.
    expect: { inst: one('ok'), dept: one('ok'), padmin: one(403), nadmin: one(403) },
  },
  'POST /v1/uploads/{previewId}/preview': {
    cases: (f) => [
      { target: 'own', path: `/v1/uploads/${f.previewA}/preview`, body: {} },
      { target: 'foreignProv', path: `/v1/uploads/${f.previewC}/preview`, body: {} },
    ],
    // Previews are of inventories: the institution's own users, department users included.
    expect: { inst: { own: 'ok', foreignProv: 404 }, dept: { own: 'ok', foreignProv: 404 } },
  },
  'PUT /v1/institutions/{uscc}/mapping-profiles/{name}': {
    cases: () => [
      { target: 'own', path: `/v1/institutions/${A}/mapping-profiles/matrix`, body: matrixProfile },
      {
        target: 'foreignInst',
        path: `/v1/institutions/${B}/mapping-profiles/matrix`,
        body: matrixProfile,
        item: { pk: `INST#${B}`, sk: 'MAPPING#matrix' },
      },
      {
        target: 'foreignProv',
        path: `/v1/institutions/${C}/mapping-profiles/matrix`,
        body: matrixProfile,
        item: { pk: `INST#${C}`, sk: 'MAPPING#matrix' },
      },
    ],
    // Institution-level users write their own; department users read only (403).
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 403, foreignInst: 404, foreignProv: 404 },
    },
  },
  'DELETE /v1/institutions/{uscc}/mapping-profiles/{name}': {
    // A profile of its own (matrix-delete, version 1) per institution: the reads above keep theirs.
    cases: () =>
      (
        [
          ['own', A],
          ['foreignInst', B],
          ['foreignProv', C],
        ] as const
      ).map(([target, code]) => ({
        target,
        path: `/v1/institutions/${code}/mapping-profiles/matrix-delete`,
        headers: { 'if-match': '"1"' },
        item: { pk: `INST#${code}`, sk: 'MAPPING#matrix-delete' },
      })),
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 403, foreignInst: 404, foreignProv: 404 },
    },
  },
  'GET /v1/institutions/{uscc}/mapping-profiles/{name}': {
    cases: () => [
      { target: 'own', path: `/v1/institutions/${A}/mapping-profiles/matrix` },
      { target: 'foreignInst', path: `/v1/institutions/${B}/mapping-profiles/matrix` },
      { target: 'foreignProv', path: `/v1/institutions/${C}/mapping-profiles/matrix` },
    ],
    // A and C keep a profile "matrix" (the fixtures), B none (404 to anyone). Administrators read those
    // of their province's institutions (A for P1's), national ones any (A and C).
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      padmin: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      nadmin: { own: 'ok', foreignInst: 404, foreignProv: 'ok' },
    },
  },
  'GET /v1/institutions/{uscc}/mapping-profiles': {
    cases: () => [
      { target: 'own', path: `/v1/institutions/${A}/mapping-profiles` },
      { target: 'foreignInst', path: `/v1/institutions/${B}/mapping-profiles` },
      { target: 'foreignProv', path: `/v1/institutions/${C}/mapping-profiles` },
    ],
    // Administrators read the profiles of their province's institutions (national ones: all).
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      padmin: { own: 'ok', foreignInst: 'ok', foreignProv: 404 },
      nadmin: { own: 'ok', foreignInst: 'ok', foreignProv: 'ok' },
    },
  },
  'GET /v1/institutions/{uscc}/co-owned-patents': {
    cases: () => [
      { target: 'own', path: `/v1/institutions/${A}/co-owned-patents` },
      { target: 'foreignInst', path: `/v1/institutions/${B}/co-owned-patents` },
      { target: 'foreignProv', path: `/v1/institutions/${C}/co-owned-patents` },
    ],
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 'ok', foreignInst: 404, foreignProv: 404 },
    },
  },
  'POST /v1/patents': {
    cases: (f) => [
      { target: 'own', path: '/v1/patents', body: () => newRow(D1) },
      { target: 'otherDept', path: '/v1/patents', body: () => newRow(D2) },
      {
        target: 'otherDeptPatent',
        path: '/v1/patents',
        body: () => rowOf(f.pool.otherDept),
        item: patentItem(f.pool.otherDept),
      },
      {
        target: 'foreignInst',
        path: '/v1/patents',
        body: () => rowOf(f.pool.foreignInst),
        item: patentItem(f.pool.foreignInst),
      },
      {
        target: 'foreignProv',
        path: '/v1/patents',
        body: () => rowOf(f.pool.foreignProv),
        item: patentItem(f.pool.foreignProv),
      },
    ],
    // Department users register and update their own department's patents only (403 with what to do).
    expect: {
      inst: { own: 'ok', otherDept: 'ok', otherDeptPatent: 409, foreignInst: 409, foreignProv: 409 },
      dept: { own: 'ok', otherDept: 403, otherDeptPatent: 403, foreignInst: 409, foreignProv: 409 },
    },
  },
  'POST /v1/patents:batch': {
    cases: (f) => [
      { target: 'own', path: '/v1/patents:batch', body: () => ({ rows: [newRow(D1)] }) },
      {
        target: 'foreign',
        path: '/v1/patents:batch',
        body: () => ({ rows: [rowOf(f.pool.foreignInst), rowOf(f.pool.foreignProv)] }),
        item: patentItem(f.pool.foreignProv),
        unchanged: true,
      },
      {
        target: 'otherDept',
        path: '/v1/patents:batch',
        body: () => ({ rows: [rowOf(f.pool.otherDept)] }),
        item: patentItem(f.pool.otherDept),
        unchanged: true,
      },
    ],
    // A batch answers 200 and lists refused rows; the foreign patents and another department's
    // (for a department user: OTHER_DEPARTMENT) must stay unchanged (checked).
    expect: {
      inst: { own: 'ok', foreign: 'ok', otherDept: 'ok' },
      dept: { own: 'ok', foreign: 'ok', otherDept: 'ok' },
    },
  },
  'PUT /v1/patents/{applicationNumber}/self-assessment': {
    cases: patentCases((f) => f.selfAssessment, '/self-assessment', { trl: 6 }),
    expect: { inst: p('ok', 'ok', 404, 404), dept: p('ok', 404, 404, 404) },
  },
  'POST /v1/patents/{applicationNumber}/review': {
    cases: patentCases((f) => f.review, '/review', { action: 'submit' }),
    // Submitting is for department users (403 for the institution level), each on its department's.
    expect: { inst: p(403, 403, 404, 404), dept: p('ok', 404, 404, 404) },
  },
  'POST /v1/patents/{applicationNumber}/withdrawal': {
    cases: patentCases((f) => f.withdrawal, '/withdrawal', { reason: '矩阵测试：拟自行实施' }),
    // Institution-level users withdraw (any department's); department users are refused (403 on
    // their own, 404 on another department's, as for the review).
    expect: { inst: p('ok', 'ok', 404, 404), dept: p(403, 404, 404, 404) },
  },
  'POST /v1/enterprises': {
    cases: () => [
      {
        target: 'self',
        path: '/v1/enterprises',
        body: (c) => enterpriseBody(c === 'entPending' ? E2 : E1, P1),
      },
      {
        target: 'otherOwnProv',
        path: '/v1/enterprises',
        body: () => enterpriseBody(withUsccCheck(`91210000MATRX2${fresh()}`), P1),
      },
      {
        target: 'otherForeignProv',
        path: '/v1/enterprises',
        body: () => enterpriseBody(withUsccCheck(`91220000MATRX2${fresh()}`), P2),
      },
    ],
    expect: {
      ent: { self: 409, otherOwnProv: 403, otherForeignProv: 403 },
      entPending: { self: 409, otherOwnProv: 403, otherForeignProv: 403 },
      padmin: { self: 409, otherOwnProv: 'ok', otherForeignProv: 403 },
      nadmin: { self: 409, otherOwnProv: 'ok', otherForeignProv: 'ok' },
    },
  },
  'POST /v1/enterprises/{uscc}/verification': {
    cases: () => [
      {
        target: 'ownProv',
        path: `/v1/enterprises/${E4}/verification`,
        body: { decision: 'verified' },
        item: { pk: `ENT#${E4}`, sk: 'PROFILE' },
      },
      {
        target: 'foreignProv',
        path: `/v1/enterprises/${E5}/verification`,
        body: { decision: 'verified' },
        item: { pk: `ENT#${E5}`, sk: 'PROFILE' },
      },
    ],
    expect: { padmin: { ownProv: 'ok', foreignProv: 404 }, nadmin: { ownProv: 409, foreignProv: 'ok' } },
  },
  'POST /v1/saved-searches': {
    cases: () => [{ target: '-', path: '/v1/saved-searches', body: { q: '船舶防腐涂层', ipc: 'C09D' } }],
    // Verified enterprises only (E2 is pending).
    expect: { ent: one('ok'), entPending: one(403) },
  },
  'GET /v1/saved-searches': {
    cases: () => [{ target: '-', path: '/v1/saved-searches' }],
    expect: { ent: one('ok'), entPending: one('ok') },
  },
  'DELETE /v1/saved-searches/{savedSearchId}': {
    // No saved search of that id of the caller's enterprise (another enterprise's id is the same 404).
    cases: () => [{ target: '-', path: '/v1/saved-searches/matrix-none' }],
    expect: { ent: one(404), entPending: one(404) },
  },
  'POST /v1/needs': {
    cases: () => [
      { target: 'self', path: '/v1/needs', body: needBody() },
      { target: 'ownProv', path: '/v1/needs', body: needBody(E1) },
      { target: 'foreignProv', path: '/v1/needs', body: needBody(E3) },
    ],
    // Only a verified enterprise posts (E2 is pending); admins name an enterprise of their province.
    expect: {
      ent: { self: 'ok', ownProv: 'ok', foreignProv: 403 },
      entPending: { self: 403, ownProv: 403, foreignProv: 403 },
      padmin: { self: 400, ownProv: 'ok', foreignProv: 404 },
      nadmin: { self: 400, ownProv: 'ok', foreignProv: 'ok' },
    },
  },
  'POST /v1/needs/{needId}/review': {
    cases: (f) => [
      {
        target: 'ownProv',
        path: `/v1/needs/${f.needs.reviewOwn}/review`,
        body: { decision: 'approved' },
        item: needItem(f.needs.reviewOwn),
      },
      {
        target: 'foreignProv',
        path: `/v1/needs/${f.needs.reviewForeign}/review`,
        body: { decision: 'approved' },
        item: needItem(f.needs.reviewForeign),
      },
    ],
    expect: { padmin: { ownProv: 'ok', foreignProv: 404 }, nadmin: { ownProv: 409, foreignProv: 'ok' } },
  },
  'POST /v1/needs/{needId}/proposals': {
    cases: (f) =>
      [
        { target: 'own', patent: f.pool.own, need: f.needs.ownOpen },
        { target: 'otherDept', patent: f.pool.otherDept, need: f.needs.ownOpen },
        { target: 'foreignInst', patent: f.pool.foreignInst, need: f.needs.ownOpen },
        { target: 'pendingNeed', patent: f.pool.own, need: f.needs.ownPending },
      ].map(({ target, patent, need }) => ({
        target,
        path: `/v1/needs/${need}/proposals`,
        body: { applicationNumbers: [patent], message: '矩阵测试：本专利可解决' },
        item: needItem(need),
      })),
    // Institutions propose their own patents (department users: their department's) for open needs.
    expect: {
      inst: { own: 'ok', otherDept: 'ok', foreignInst: 403, pendingNeed: 404 },
      dept: { own: 'ok', otherDept: 403, foreignInst: 403, pendingNeed: 404 },
    },
  },
  'POST /v1/needs/{needId}/closure': {
    cases: (f) => [
      {
        target: 'own',
        path: `/v1/needs/${f.needs.closeOwn}/closure`,
        body: { outcome: 'fulfilled' },
        item: needItem(f.needs.closeOwn),
      },
      {
        target: 'foreign',
        path: `/v1/needs/${f.needs.closeForeign}/closure`,
        body: { outcome: 'closed' },
        item: needItem(f.needs.closeForeign),
      },
    ],
    expect: {
      ent: { own: 'ok', foreign: 404 },
      entPending: { own: 404, foreign: 404 },
      padmin: { own: 409, foreign: 404 },
      nadmin: { own: 409, foreign: 'ok' },
    },
  },
  'PUT /v1/experts/me': {
    cases: () => [
      {
        target: '-',
        path: '/v1/experts/me',
        body: {
          name: '赵专家',
          title: '教授',
          affiliationUscc: withUsccCheck('12110000MATRX9001'),
          provinceCode: P1,
          ipcInterests: ['B63B'],
        },
      },
    ],
    expect: { expert: one('ok') },
  },
  'POST /v1/patents/{applicationNumber}/matching': {
    cases: patentCases((f) => f.pool, '/matching'),
    expect: institutionScoped,
  },
  'PUT /v1/patents/{applicationNumber}/evaluations/mine': {
    cases: patentCases((f) => f.pool, '/evaluations/mine', evaluation),
    // A verified enterprise evaluates what it finds in the pool; a pending one and an expert
    // without a request are refused.
    expect: { ent: poolPublic, entPending: p(403, 403, 403, 403), expert: p(403, 403, 403, 403) },
  },
  'GET /v1/patents/{applicationNumber}/evaluations/mine': {
    cases: patentCases((f) => f.pool, '/evaluations/mine'),
    expect: { ent: poolPublic, entPending: p(404, 404, 404, 404), expert: p(404, 404, 404, 404) },
  },
  'POST /v1/inbox/{applicationNumber}/decline': {
    // Nothing was pushed to these callers (their interests match no fixture): no request to decline.
    cases: (f) =>
      patentTargets.map((target) => ({
        target,
        path: `/v1/inbox/${f.pool[target]}/decline`,
        body: { reason: '不感兴趣' },
      })),
    expect: { ent: p(404, 404, 404, 404), entPending: p(404, 404, 404, 404), expert: p(404, 404, 404, 404) },
  },
  // ----- the expert pool (issue 15 item 7)
  'GET /v1/experts': {
    cases: () => [
      // The pool: verified experts, never a contact.
      { target: 'pool', path: '/v1/experts?limit=100', hidden: [poolSecret] },
      { target: 'pendingOwnProv', path: `/v1/experts?status=pending&province=${P1}` },
      { target: 'pendingForeignProv', path: `/v1/experts?status=pending&province=${P2}` },
    ],
    expect: {
      inst: { pool: 'scoped', pendingOwnProv: 403, pendingForeignProv: 403 },
      dept: { pool: 'scoped', pendingOwnProv: 403, pendingForeignProv: 403 },
      ent: { pool: 'scoped', pendingOwnProv: 403, pendingForeignProv: 403 },
      entPending: { pool: 'scoped', pendingOwnProv: 403, pendingForeignProv: 403 },
      padmin: { pool: 'scoped', pendingOwnProv: 'ok', pendingForeignProv: 403 },
      nadmin: { pool: 'scoped', pendingOwnProv: 'ok', pendingForeignProv: 'ok' },
    },
  },
  'GET /v1/commissions': {
    // Experts list those they received, enterprises and institutions those they sent: nothing widens it.
    cases: () => [
      { target: 'enterprises', path: '/v1/commissions?limit=100', hidden: [`~${A}~`] },
      { target: 'institutions', path: '/v1/commissions?limit=99', hidden: [`~${E1}~`] },
      { target: 'experts', path: '/v1/commissions?limit=98', hidden: [`~${XV}`] },
    ],
    expect: {
      inst: { enterprises: 'ok', institutions: 'scoped', experts: 'ok' },
      dept: { enterprises: 'ok', institutions: 'scoped', experts: 'ok' },
      ent: { enterprises: 'scoped', institutions: 'ok', experts: 'ok' },
      entPending: { enterprises: 'scoped', institutions: 'scoped', experts: 'scoped' },
      expert: { enterprises: 'scoped', institutions: 'ok', experts: 'scoped' },
    },
  },
  'POST /v1/experts/{expertId}/verification': {
    cases: () => [
      {
        target: 'ownProv',
        path: `/v1/experts/${XP1}/verification`,
        body: { decision: 'verified' },
        item: { pk: `EXP#${XP1}`, sk: 'PROFILE' },
      },
      {
        target: 'foreignProv',
        path: `/v1/experts/${XP2}/verification`,
        body: { decision: 'verified' },
        item: { pk: `EXP#${XP2}`, sk: 'PROFILE' },
      },
    ],
    expect: { padmin: { ownProv: 'ok', foreignProv: 404 }, nadmin: { ownProv: 409, foreignProv: 'ok' } },
  },
  'POST /v1/experts/{expertId}/commissions': {
    cases: (f) => [
      {
        target: 'verified',
        path: `/v1/experts/${XV}/commissions`,
        body: { applicationNumber: f.pool.foreignProv, message: '矩阵测试：请评估' },
      },
      {
        target: 'unverified',
        path: `/v1/experts/${XW}/commissions`,
        body: { applicationNumber: f.pool.foreignProv, message: '矩阵测试：请评估' },
        item: { pk: `COMMISSION#${f.pool.foreignProv}~${E1}~${XW}`, sk: 'COMMISSION' },
      },
      {
        // XA works for A: never commissioned for A's patents (conflict of interest).
        target: 'conflict',
        path: `/v1/experts/${XA}/commissions`,
        body: { applicationNumber: f.pool.own, message: '矩阵测试：请评估' },
        item: { pk: `COMMISSION#${f.pool.own}~${E1}~${XA}`, sk: 'COMMISSION' },
      },
    ],
    // Verified enterprises and institutions commission verified experts; a pending enterprise is 403.
    expect: {
      inst: { verified: 'ok', unverified: 404, conflict: 409 },
      dept: { verified: 'ok', unverified: 404, conflict: 409 },
      ent: { verified: 'ok', unverified: 404, conflict: 409 },
      entPending: { verified: 403, unverified: 403, conflict: 403 },
    },
  },
  'POST /v1/commissions/{commissionId}/decision': {
    cases: (f) => [
      {
        target: 'own',
        path: `/v1/commissions/${f.commissioned}~${E1}~${MX}/decision`,
        body: { decision: 'decline', reason: '矩阵测试：时间冲突' },
        item: { pk: `COMMISSION#${f.commissioned}~${E1}~${MX}`, sk: 'COMMISSION' },
      },
      {
        target: 'otherExpert',
        path: `/v1/commissions/${f.commissioned}~${E1}~${XV}/decision`,
        body: { decision: 'decline', reason: '矩阵测试：时间冲突' },
        item: { pk: `COMMISSION#${f.commissioned}~${E1}~${XV}`, sk: 'COMMISSION' },
      },
    ],
    // Only the commissioned expert answers; another expert does not see it (404).
    expect: { expert: { own: 'ok', otherExpert: 404 } },
  },
  'POST /v1/deals': {
    cases: (f) => [
      {
        target: 'own',
        path: '/v1/deals',
        body: (c) =>
          licenseBody(
            [f.forDeals[c === 'padmin' || c === 'nadmin' ? c : 'inst']],
            c === 'padmin' || c === 'nadmin' ? A : undefined,
          ),
      },
      {
        target: 'foreignInst',
        path: '/v1/deals',
        body: (c) => licenseBody([f.pool.foreignInst], c === 'padmin' || c === 'nadmin' ? A : undefined),
        item: patentItem(f.pool.foreignInst),
      },
      {
        target: 'foreignProv',
        path: '/v1/deals',
        body: (c) => licenseBody([f.pool.foreignProv], c === 'padmin' ? C : c === 'nadmin' ? A : undefined),
        item: patentItem(f.pool.foreignProv),
      },
    ],
    expect: {
      inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      dept: { own: 403, foreignInst: 403, foreignProv: 403 },
      padmin: { own: 'ok', foreignInst: 404, foreignProv: 404 },
      nadmin: { own: 'ok', foreignInst: 404, foreignProv: 404 },
    },
  },
  'PUT /v1/deals/{dealId}/filing': {
    cases: (f) => [
      {
        target: 'own',
        path: `/v1/deals/${f.dealA}/filing`,
        body: { number: 'MATRIX-A-1', date: '2026-03-15' },
        item: { pk: `DEAL#${f.dealA}`, sk: 'DEAL' },
      },
      {
        target: 'foreignProv',
        path: `/v1/deals/${f.dealC}/filing`,
        body: { number: 'MATRIX-C-1', date: '2026-03-15' },
        item: { pk: `DEAL#${f.dealC}`, sk: 'DEAL' },
      },
    ],
    expect: {
      inst: { own: 'ok', foreignProv: 404 },
      dept: { own: 403, foreignProv: 403 },
      padmin: { own: 'ok', foreignProv: 404 },
      nadmin: { own: 'ok', foreignProv: 'ok' },
    },
  },
  'POST /v1/patents/{applicationNumber}/open-license': {
    cases: patentCases((f) => f.licensed, '/open-license', declaration),
    expect: { ...institutionScoped, dept: p(403, 403, 403, 403) },
  },
  'GET /v1/patents/{applicationNumber}/open-license': {
    cases: patentCases((f) => f.licensed, '/open-license'),
    expect: Object.fromEntries(
      (['inst', 'dept', 'ent', 'entPending', 'expert', 'padmin', 'nadmin'] as const).map((c) => [
        c,
        poolPublic,
      ]),
    ),
  },
  'POST /v1/patents/{applicationNumber}/open-license/licenses': {
    cases: (f) =>
      patentTargets.map((target) => ({
        target,
        path: `/v1/patents/${f.licensed[target]}/open-license/licenses`,
        body: () => ({
          noticeDate: '2026-02-01',
          payment: { amountFen: 500_000, paidOn: '2026-02-03', reference: `MATRIX-${fresh()}` },
        }),
        item: patentItem(f.licensed[target]),
      })),
    expect: { ent: poolPublic, entPending: p(403, 403, 403, 403) },
  },
  'POST /v1/patents/{applicationNumber}/open-license/withdrawal': {
    cases: patentCases((f) => f.licensed, '/open-license/withdrawal', { reason: '矩阵测试撤回' }),
    expect: { ...institutionScoped, dept: p(403, 403, 403, 403) },
  },
  'PUT /v1/patents/{applicationNumber}/open-license/publication': {
    cases: patentCases((f) => f.licensed, '/open-license/publication', {
      reference: 'MATRIX-KFXK-1',
      // Today in China (UTC+8): the announcement lies between the declaration and today.
      publishedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
    }),
    expect: { inst: p('ok', 'ok', 404, 404), dept: p(403, 403, 403, 403) },
  },
  'POST /v1/patents/{applicationNumber}/pledges': {
    cases: patentCases((f) => f.licensed, '/pledges', {
      pledgee: '矩阵测试银行',
      registrationNumber: 'Y-MATRIX-1',
      registeredOn: '2026-01-05',
    }),
    expect: { ...institutionScoped, dept: p(403, 403, 403, 403) },
  },
  'POST /v1/patents/{applicationNumber}/pledges/release': {
    cases: patentCases((f) => f.licensed, '/pledges/release', {
      registrationNumber: 'Y-MATRIX-1',
      releasedOn: '2026-02-05',
      reference: '矩阵测试注销',
    }),
    // Writes run one cell at a time in order: every cell allowed to record the pledge above has, so an
    // allowed release finds it (the first one releases it, the others repeat the same record: 200).
    expect: { ...institutionScoped, dept: p(403, 403, 403, 403) },
  },
  'PUT /v1/patents/{applicationNumber}/implementation-profits/{year}': {
    // The institution records its own accounts: institution-level users of the patentee only.
    cases: (f) =>
      patentTargets.map((target) => {
        const n = f.licensed[target];
        const owner = { own: A, otherDept: A, foreignInst: B, foreignProv: C }[target];
        return {
          target,
          path: `/v1/patents/${n}/implementation-profits/2025`,
          body: {
            productionStartedOn: '2024-03-01',
            operatingProfitFen: 1_000_000,
            evidenceReference: '矩阵测试审计报告',
          },
          item: { pk: `INST#${owner}`, sk: `IMPLPROFIT#${n}#2025` },
        };
      }),
    expect: { inst: p('ok', 'ok', 404, 404), dept: p(403, 403, 403, 403) },
  },
  'POST /v1/products': {
    cases: (f) => [
      {
        target: 'held',
        path: '/v1/products',
        body: () => ({
          name: '矩阵产品',
          applicationNumbers: [f.dealPatent],
          filingNumber: 'MATRIX-PF-1',
          filingDate: '2026-04-01',
        }),
        item: patentItem(f.dealPatent),
      },
      {
        target: 'notHeld',
        path: '/v1/products',
        body: () => ({
          name: '矩阵产品',
          applicationNumbers: [f.pool.foreignProv],
          filingNumber: `MATRIX-PF-${fresh()}`,
          filingDate: '2026-04-01',
        }),
        item: patentItem(f.pool.foreignProv),
      },
    ],
    expect: { ent: { held: 'ok', notHeld: 403 }, entPending: { held: 403, notHeld: 403 } },
  },
  'POST /v1/patents/{applicationNumber}/interest': {
    cases: patentCases((f) => f.pool, '/interest', {
      purpose: 'negotiate',
      message: '矩阵测试：希望洽谈许可',
    }),
    // Any verified enterprise asks about any pool patent; a pending one is refused (403).
    expect: { ent: poolPublic, entPending: p(403, 403, 403, 403) },
  },
  'POST /v1/interests/{interestId}/decision': {
    cases: (f) =>
      patentTargets.map((target) => ({
        target,
        path: `/v1/interests/${f.negotiation[target]}~${E1}/decision`,
        body:
          target === 'own'
            ? { decision: 'accept', contact: { name: '矩阵联系人', email: 'tto@example.edu.cn' } }
            : { decision: 'decline', reason: '矩阵测试：暂不洽谈' },
        item: { pk: `PAT#${f.negotiation[target]}`, sk: `INTEREST#${E1}` },
      })),
    // Institution-level users answer the requests of their institution (any department); department
    // users are refused (403 on their own department's, 404 on another's, as for withdrawals).
    expect: { inst: p('ok', 'ok', 404, 404), dept: p(403, 404, 404, 404) },
  },
  // ----- after the deal (issue 13, item 6): only institution-level users of the deal's institution
  // act; they and the admins in scope read (department users 403: money binds the institution).
  ...((): Record<string, Entry> => {
    const dealCases =
      (suffix: string, body?: object, sk = 'LEDGER') =>
      (f: Fixtures): Case[] => [
        { target: 'own', path: `/v1/deals/${f.dealA}${suffix}`, body, item: { pk: `DEAL#${f.dealA}`, sk } },
        {
          target: 'foreignProv',
          path: `/v1/deals/${f.dealC}${suffix}`,
          body,
          item: { pk: `DEAL#${f.dealC}`, sk },
        },
      ];
    const read = {
      inst: { own: 'ok', foreignProv: 404 },
      dept: { own: 403, foreignProv: 403 },
      padmin: { own: 'ok', foreignProv: 404 },
      nadmin: { own: 'ok', foreignProv: 'ok' },
    } as const;
    const write = { inst: { own: 'ok', foreignProv: 404 }, dept: { own: 403, foreignProv: 403 } } as const;
    return {
      'GET /v1/deals/{dealId}/obligations': { cases: dealCases('/obligations'), expect: read },
      'GET /v1/deals/{dealId}/payments': { cases: dealCases('/payments'), expect: read },
      'POST /v1/deals/{dealId}/payments': {
        cases: dealCases('/payments', {
          amountFen: 1_000,
          paidOn: '2026-03-15',
          evidenceReference: '矩阵回单',
        }),
        expect: write,
      },
      'POST /v1/deals/{dealId}/payments/{paymentId}/reversal': {
        cases: (f) =>
          (['own', 'foreignProv'] as const).map((target) => {
            const [dealId, paymentId] = target === 'own' ? [f.dealA, f.paymentA] : [f.dealC, f.paymentC];
            return {
              target,
              path: `/v1/deals/${dealId}/payments/${paymentId}/reversal`,
              body: { reason: '矩阵测试：金额录入错误' },
              item: { pk: `DEAL#${dealId}`, sk: `PAYMENT#${paymentId}` },
            };
          }),
        expect: write,
      },
      'POST /v1/deals/{dealId}/royalty-reports': {
        // A lump-sum deal has no royalty: 409 for the deal's institution (past authorization).
        cases: dealCases('/royalty-reports', {
          periodStart: '2026-03-01',
          periodEnd: '2026-12-31',
          netSalesFen: 100,
        }),
        expect: write,
      },
      'POST /v1/deals/{dealId}/amendments': {
        cases: dealCases('/amendments', { reason: '矩阵测试：补充协议', notes: '矩阵测试' }, 'DEAL'),
        expect: write,
      },
      'POST /v1/deals/{dealId}/termination': {
        cases: dealCases('/termination', { date: '2029-12-31', reason: '矩阵测试：协商解除' }, 'DEAL'),
        expect: write,
      },
      'GET /v1/institutions/{uscc}/inventor-rewards': {
        // As the receivables: the inventors' names and amounts stay with the institution and its admins.
        cases: () => [
          { target: 'own', path: `/v1/institutions/${A}/inventor-rewards` },
          { target: 'foreignInst', path: `/v1/institutions/${B}/inventor-rewards` },
          { target: 'foreignProv', path: `/v1/institutions/${C}/inventor-rewards?from=2026-01-01` },
        ],
        expect: {
          inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
          dept: { own: 403, foreignInst: 403, foreignProv: 403 },
          padmin: { own: 'ok', foreignInst: 'ok', foreignProv: 404 },
          nadmin: { own: 'ok', foreignInst: 'ok', foreignProv: 'ok' },
        },
      },
      'GET /v1/institutions/{uscc}/inventor-rewards.xlsx': {
        cases: () => [
          { target: 'own', path: `/v1/institutions/${A}/inventor-rewards.xlsx` },
          { target: 'foreignInst', path: `/v1/institutions/${B}/inventor-rewards.xlsx` },
          { target: 'foreignProv', path: `/v1/institutions/${C}/inventor-rewards.xlsx` },
        ],
        expect: {
          inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
          dept: { own: 403, foreignInst: 403, foreignProv: 403 },
          padmin: { own: 'ok', foreignInst: 'ok', foreignProv: 404 },
          nadmin: { own: 'ok', foreignInst: 'ok', foreignProv: 'ok' },
        },
      },
      'GET /v1/institutions/{uscc}/receivables': {
        cases: () => [
          { target: 'own', path: `/v1/institutions/${A}/receivables` },
          { target: 'foreignInst', path: `/v1/institutions/${B}/receivables` },
          { target: 'foreignProv', path: `/v1/institutions/${C}/receivables` },
        ],
        expect: {
          inst: { own: 'ok', foreignInst: 404, foreignProv: 404 },
          dept: { own: 403, foreignInst: 403, foreignProv: 403 },
          padmin: { own: 'ok', foreignInst: 'ok', foreignProv: 404 },
          nadmin: { own: 'ok', foreignInst: 'ok', foreignProv: 'ok' },
        },
      },
    };
  })(),
  // ----- end of after the deal
  'POST /v1/pipeline/failures/{eventId}/retry': {
    // No failure exists: every caller the route admits is told so (404); the others 403 / 401.
    cases: () => [{ target: '-', path: '/v1/pipeline/failures/EVT%23none/retry' }],
    expect: { padmin: one(404), nadmin: one(404) },
  },
  'PUT /v1/monitoring/spot-checks/{id}': {
    cases: () => [
      { target: '-', path: `/v1/monitoring/spot-checks/2026Q1~${A}~2020100000001`, body: { verdict: 'ok' } },
    ],
    expect: { padmin: one(404), nadmin: one(404) },
  },
  'POST /v1/monitoring/spot-checks/{id}/correction': {
    // Institutions answer their own correction requests (issue 14). No spot check exists for 2026Q1
    // in the fixtures: own and foreign both 404, the cell proves the role gate (403 for the others).
    cases: () => [
      {
        target: 'own',
        path: `/v1/monitoring/spot-checks/2026Q1.${P1}.${A}.202010000000.1/correction`,
        body: { answer: '已更正' },
      },
      {
        target: 'foreignInst',
        path: `/v1/monitoring/spot-checks/2026Q1.${P1}.${B}.202010000000.1/correction`,
        body: { answer: '已更正' },
      },
    ],
    expect: { inst: { own: 404, foreignInst: 404 }, dept: { own: 404, foreignInst: 404 } },
  },
  // The 5-year rule's justification (issue 14 item 3). The pool patents are not on the list, so an
  // admitted caller gets 409 (counted as ok for a write); the cells prove who is admitted at all.
  'POST /v1/monitoring/unimplemented-funded/{applicationNumber}/justification': {
    cases: (f) =>
      patentTargets.map((target) => ({
        target,
        path: `/v1/monitoring/unimplemented-funded/${f.pool[target]}/justification`,
        body: { reason: '矩阵测试：样机中试中，尚未实施' },
        item: patentItem(f.pool[target]),
      })),
    expect: {
      inst: p('ok', 'ok', 404, 404),
      dept: p('ok', 404, 404, 404),
    },
  },
  'PUT /v1/monitoring/unimplemented-funded/{applicationNumber}/justification': {
    cases: (f) =>
      patentTargets.map((target) => ({
        target,
        path: `/v1/monitoring/unimplemented-funded/${f.pool[target]}/justification`,
        body: { decision: 'accepted' },
        item: patentItem(f.pool[target]),
      })),
    expect: {
      padmin: p('ok', 'ok', 'ok', 404),
      nadmin: p('ok', 'ok', 'ok', 'ok'),
    },
  },
  'PUT /v1/monitoring/spot-check-settings/{uscc}': {
    cases: () => [
      { target: 'own', path: `/v1/monitoring/spot-check-settings/${A}`, body: { rate: 0.05 } },
      { target: 'foreignProv', path: `/v1/monitoring/spot-check-settings/${C}`, body: { rate: 0.5 } },
    ],
    expect: { padmin: { own: 'ok', foreignProv: 404 }, nadmin: { own: 'ok', foreignProv: 'ok' } },
  },
  'PUT /v1/admins/me/report-preferences': {
    cases: () => [{ target: '-', path: '/v1/admins/me/report-preferences', body: { reportsOptOut: false } }],
    expect: { padmin: one('ok'), nadmin: one('ok'), madmin: one('ok') },
  },
  'POST /v1/admin/mail:test': {
    cases: () => [{ target: '-', path: '/v1/admin/mail:test', body: { to: 'matrix@example.com' } }],
    expect: { nadmin: one('ok') },
  },
  'POST /v1/reports/{quarter}/run': {
    // Only the role gate: the allowed call is a bad quarter (400), so no report run disturbs others.
    cases: () => [{ target: '-', path: '/v1/reports/1999-Q5/run', body: {} }],
    expect: { nadmin: one(400) },
  },
};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const rowsByNumber = new Map<string, Record<string, string>>();
const inventionRows = demoInventoryRows(120, { seed: 95, serialBase: 9500 }).filter((r) => r[2] === '发明');
let nextRow = 0;
function newRow(department: string): Record<string, string> {
  const cells = inventionRows[nextRow++];
  if (!cells) throw new Error('matrix fixtures ran out of demo rows: raise the count in demoInventoryRows');
  const row = Object.fromEntries(templateHeaders.map((h, i) => [h, cells[i]!]));
  row.所属院系 = department;
  row.转化意愿 = '许可';
  rowsByNumber.set(row.申请号!, row);
  return row;
}
const rowOf = (number: string) => ({ ...rowsByNumber.get(number)!, 专利名称: '篡改的名称' });

const tokens = {} as Record<CallerName, string | undefined>;
const fixtures = {} as Fixtures;

async function must(response: Awaited<ReturnType<typeof api>>, status: number, what: string) {
  if (response.status !== status) throw new Error(`fixture ${what}: ${response.status} ${response.text}`);
  return response.json;
}

async function registerPatent(inst: string, department: string, pool: boolean): Promise<string> {
  const row = newRow(department);
  const created = await must(
    await api('/v1/patents', { method: 'POST', token: inst, body: row }),
    201,
    'patent',
  );
  const number = created.applicationNumber as string;
  if (pool) {
    const org = JSON.parse(Buffer.from(inst.split('.')[1]!, 'base64url').toString())['custom:uscc'];
    const departmentToken = await token('institution', { org, department });
    await must(
      await api(`/v1/patents/${number}/review`, {
        method: 'POST',
        token: departmentToken,
        body: { action: 'submit' },
      }),
      200,
      'submit',
    );
    await must(
      await api(`/v1/patents/${number}/review`, { method: 'POST', token: inst, body: { action: 'approve' } }),
      200,
      'approve',
    );
  }
  return number;
}

async function forged(): Promise<string> {
  return new SignJWT({ 'cognito:groups': ['national-admin'], token_use: 'id' })
    .setProtectedHeader({ alg: 'HS256', kid: 'x' })
    .setIssuer('http://evil.example')
    .setAudience('patents-local-client')
    .setSubject('mallory')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('a-secret-that-is-long-enough-for-hs256!!'));
}

async function readItem(item: NonNullable<Case['item']>) {
  const { Item } = await clients().documents.send(
    new GetCommand({
      TableName: tableName(item.table ?? 'core'),
      Key: { pk: item.pk, sk: item.sk },
      ConsistentRead: true,
    }),
  );
  return Item;
}

beforeAll(async () => {
  const national = await token('national-admin');
  const admin1 = await token('province-admin', { province: P1 });
  for (const [uscc, provinceCode] of [
    [A, P1],
    [B, P1],
    [C, P2],
  ] as const) {
    await must(
      await api('/v1/institutions', {
        method: 'POST',
        token: national,
        body: {
          uscc,
          name: `矩阵测试大学${uscc.slice(-5)}`,
          provinceCode,
          kind: 'university',
          contactEmail: 'tto@example.edu.cn',
          supervision: supervisionOf[uscc],
        },
      }),
      201,
      'institution',
    );
  }
  for (const [uscc, provinceCode] of [
    [E1, P1],
    [E2, P1],
    [E3, P2],
    [E4, P1],
    [E5, P2],
  ] as const) {
    await must(
      await api('/v1/enterprises', {
        method: 'POST',
        token: await token('enterprise', { org: uscc, province: provinceCode }),
        body: enterpriseBody(uscc, provinceCode),
      }),
      201,
      'enterprise',
    );
  }
  await must(
    await api(`/v1/enterprises/${E1}/verification`, {
      method: 'POST',
      token: admin1,
      body: { decision: 'verified' },
    }),
    200,
    'verify E1',
  );
  await must(
    await api(`/v1/enterprises/${E3}/verification`, {
      method: 'POST',
      token: national,
      body: { decision: 'verified' },
    }),
    200,
    'verify E3',
  );

  const needE1 = await token('enterprise', { org: E1, province: P1 });
  const needE3 = await token('enterprise', { org: E3, province: P2 });
  const postNeed = async (bearer: string, body: object) =>
    (await must(await api('/v1/needs', { method: 'POST', token: bearer, body }), 201, 'need'))
      .needId as string;
  const approve = async (id: string, bearer: string) => {
    await must(
      await api(`/v1/needs/${id}/review`, { method: 'POST', token: bearer, body: { decision: 'approved' } }),
      200,
      'approve need',
    );
    return id;
  };
  fixtures.needs = {
    ownOpen: await approve(await postNeed(needE1, needBody()), admin1),
    ownPending: await postNeed(needE1, needBody()),
    foreignOpen: await postNeed(national, needBody(E3)),
    foreignPending: await postNeed(needE3, needBody()),
    reviewOwn: await postNeed(needE1, needBody()),
    reviewForeign: await postNeed(needE3, needBody()),
    closeOwn: await postNeed(admin1, needBody(E1)),
    closeForeign: await postNeed(national, needBody(E3)),
  };

  const instA = await token('institution', { org: A, province: P1 });
  const instB = await token('institution', { org: B, province: P1 });
  const instC = await token('institution', { org: C, province: P2 });
  fixtures.pool = {
    own: await registerPatent(instA, D1, true),
    otherDept: await registerPatent(instA, D2, true),
    foreignInst: await registerPatent(instB, D1, true),
    foreignProv: await registerPatent(instC, D1, true),
  };
  fixtures.selfAssessment = {
    own: await registerPatent(instA, D1, false),
    otherDept: await registerPatent(instA, D2, false),
    foreignInst: await registerPatent(instB, D1, false),
    foreignProv: await registerPatent(instC, D1, false),
  };
  fixtures.review = {
    own: await registerPatent(instA, D1, false),
    otherDept: await registerPatent(instA, D2, false),
    foreignInst: fixtures.selfAssessment.foreignInst,
    foreignProv: fixtures.selfAssessment.foreignProv,
  };
  fixtures.withdrawal = {
    own: await registerPatent(instA, D1, false),
    otherDept: await registerPatent(instA, D2, false),
    foreignInst: fixtures.selfAssessment.foreignInst,
    foreignProv: fixtures.selfAssessment.foreignProv,
  };
  fixtures.forDeals = {
    inst: await registerPatent(instA, D1, true),
    padmin: await registerPatent(instA, D1, true),
    nadmin: await registerPatent(instA, D2, true),
  };
  fixtures.dealPatent = await registerPatent(instA, D1, true);
  const dealCPatent = await registerPatent(instC, D1, true);
  fixtures.dealA = (
    await must(
      await api('/v1/deals', { method: 'POST', token: instA, body: licenseBody([fixtures.dealPatent]) }),
      201,
      'deal A',
    )
  ).dealId;
  fixtures.dealC = (
    await must(
      await api('/v1/deals', { method: 'POST', token: national, body: licenseBody([dealCPatent], C, E3) }),
      201,
      'deal C',
    )
  ).dealId;
  const payment = async (dealId: string, inst: string) =>
    (
      await must(
        await api(`/v1/deals/${dealId}/payments`, {
          method: 'POST',
          token: inst,
          body: { amountFen: 2_000, paidOn: '2026-03-10', evidenceReference: '矩阵回单（待冲销）' },
        }),
        201,
        'payment',
      )
    ).paymentId;
  fixtures.paymentA = await payment(fixtures.dealA, instA);
  fixtures.paymentC = await payment(fixtures.dealC, instC);
  const licensed = async (inst: string, department: string, uscc: string, enterprise: string) => {
    const number = await registerPatent(inst, department, true);
    const body = licenseBody([number], uscc, enterprise);
    await must(await api('/v1/deals', { method: 'POST', token: national, body }), 201, 'licensed');
    return number;
  };
  fixtures.licensed = {
    own: await licensed(instA, D1, A, E1),
    otherDept: await licensed(instA, D2, A, E1),
    foreignInst: await licensed(instB, D1, B, E1),
    foreignProv: await licensed(instC, D1, C, E3),
  };
  fixtures.negotiation = {
    own: await registerPatent(instA, D1, true),
    otherDept: await registerPatent(instA, D2, true),
    foreignInst: await registerPatent(instB, D1, true),
    foreignProv: await registerPatent(instC, D1, true),
  };
  const e1 = await token('enterprise', { org: E1, province: P1 });
  for (const number of Object.values(fixtures.negotiation))
    await must(
      await api(`/v1/patents/${number}/interest`, {
        method: 'POST',
        token: e1,
        body: { message: '矩阵测试：希望洽谈' },
      }),
      201,
      'interest of E1',
    );
  await must(
    await api(`/v1/patents/${fixtures.negotiation.own}/interest`, {
      method: 'POST',
      token: await token('enterprise', { org: E3, province: P2 }),
      body: { purpose: 'contact', message: '矩阵测试：请提供联系方式' },
    }),
    201,
    'interest of E3',
  );
  // The expert pool: profiles (pending), some verified by the national administrator, commissions.
  const poolExpert = (provinceCode: string, affiliationUscc: string) => ({
    name: '矩阵专家',
    title: '研究员',
    affiliationUscc,
    provinceCode,
    ipcInterests: ['B63B'],
    email: poolSecret,
    phone: '024-99990000',
  });
  for (const [sub, provinceCode, affiliation] of [
    [XP1, P1, withUsccCheck('12110000MATRX9002')],
    [XP2, P2, withUsccCheck('12110000MATRX9002')],
    [XW, P1, withUsccCheck('12110000MATRX9002')],
    [XV, P1, withUsccCheck('12110000MATRX9002')],
    [XA, P1, A],
    // The matrix's expert caller, as the PUT /v1/experts/me cell saves it (same province, affiliation).
    [MX, P1, withUsccCheck('12110000MATRX9001')],
  ] as const)
    await must(
      await api('/v1/experts/me', {
        method: 'PUT',
        token: await token('expert', { sub }),
        body: poolExpert(provinceCode, affiliation),
      }),
      200,
      `expert ${sub}`,
    );
  for (const sub of [XV, XA, MX])
    await must(
      await api(`/v1/experts/${sub}/verification`, {
        method: 'POST',
        token: national,
        body: { decision: 'verified' },
      }),
      200,
      `verification of ${sub}`,
    );
  fixtures.commissioned = await registerPatent(instA, D1, true);
  for (const [bearer, sub] of [
    [e1, MX],
    [e1, XV],
    [instA, XV],
  ] as const)
    await must(
      await api(`/v1/experts/${sub}/commissions`, {
        method: 'POST',
        token: bearer,
        body: { applicationNumber: fixtures.commissioned, message: '矩阵测试：请评估该专利' },
      }),
      201,
      `commission of ${sub}`,
    );
  const upload = { fileName: 'inventory.csv', sizeBytes: 100 };
  fixtures.jobA = (
    await must(await api('/v1/uploads', { method: 'POST', token: instA, body: upload }), 201, 'upload A')
  ).jobId;
  fixtures.jobADept = (
    await must(
      await api('/v1/uploads', {
        method: 'POST',
        token: await token('institution', { org: A, province: P1, department: D1 }),
        body: upload,
      }),
      201,
      'upload A by a department user',
    )
  ).jobId;
  fixtures.jobC = (
    await must(await api('/v1/uploads', { method: 'POST', token: instC, body: upload }), 201, 'upload C')
  ).jobId;
  const preview = async (bearer: string, what: string) => {
    const announced = await must(
      await api('/v1/uploads', { method: 'POST', token: bearer, body: { ...upload, mode: 'preview' } }),
      201,
      what,
    );
    const file = Buffer.from(`${templateHeaders.join(',')}\n`);
    expect((await postUpload(announced, file)).status, what).toBe(204);
    return announced.previewId as string;
  };
  fixtures.previewA = await preview(instA, 'preview A');
  fixtures.previewC = await preview(instC, 'preview C');
  for (const [bearer, code] of [
    [instA, A],
    [instC, C],
  ] as const)
    for (const name of ['matrix', 'matrix-delete'])
      await must(
        await api(`/v1/institutions/${code}/mapping-profiles/${name}`, {
          method: 'PUT',
          token: bearer,
          body: matrixProfile,
        }),
        201,
        `profile ${name} of ${code}`,
      );

  const expired = await token('national-admin', { expiresIn: '1s' });
  Object.assign(tokens, {
    none: undefined,
    expired,
    forged: await forged(),
    inst: instA,
    dept: await token('institution', { org: A, province: P1, department: D1 }),
    ent: await token('enterprise', { org: E1, province: P1 }),
    entPending: await token('enterprise', { org: E2, province: P1 }),
    expert: await token('expert', { sub: 'matrix-expert' }),
    padmin: admin1,
    nadmin: national,
    madmin: await token('ministry-admin', { ministry: MINISTRY }),
  });
  // The expired token must be past its expiry before the first cell.
  await new Promise((r) => setTimeout(r, 1100));
}, 180_000);

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

/** Runs at most `n` of the functions given at once. */
function limiter(n: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

interface Cell {
  route: string;
  caller: CallerName;
  target: string;
  expected: Expected;
  status: number;
  text: string;
  hidden: string[];
}

/** A caller refused for its role alone, whatever the data: 401 without a valid token, 403 for a role the route does not declare. */
function roleRefusal(route: (typeof routes)[number], caller: CallerName): 401 | 403 | undefined {
  const role = callerRole[caller];
  if (route.roles === 'public') return undefined;
  if (!role) return 401;
  if (!(route.roles as readonly string[]).includes(role)) return 403;
  return undefined;
}

function expectedFor(
  route: (typeof routes)[number],
  entry: Entry,
  caller: CallerName,
  target: string,
): Expected {
  if (route.roles === 'public') return 'ok';
  const refused = roleRefusal(route, caller);
  if (refused) return refused;
  const outcome = entry.expect[caller as AllowedCaller]?.[target];
  if (outcome === undefined) {
    throw new Error(
      `${route.method} ${route.path}: no matrix expectation for caller ${caller} on target ${target}: add it to the matrix table in test/integration/authorization-matrix.test.ts`,
    );
  }
  return outcome;
}

function matches(cell: Cell, write: boolean): boolean {
  const { expected, status } = cell;
  if (Array.isArray(expected)) return expected.some((e) => matches({ ...cell, expected: e }, write));
  if (expected === 'ok') return (status >= 200 && status < 300) || (write && status === 409);
  if (expected === 'scoped')
    return status >= 200 && status < 300 && !cell.hidden.some((marker) => cell.text.includes(marker));
  return status === expected;
}

describe('authorization matrix: every route x every caller x every tenant relation', () => {
  it('has an entry for every route of the route table, and none for a route that does not exist', () => {
    const declared = routes.map((r) => `${r.method} ${r.path}`);
    expect(
      declared.filter((k) => !(k in matrix)),
      'routes without matrix expectations',
    ).toEqual([]);
    expect(
      Object.keys(matrix).filter((k) => !declared.includes(k)),
      'matrix entries of no route',
    ).toEqual([]);
  });

  it('gives each cell its status, and refused writes change nothing', async () => {
    const cells: Cell[] = [];
    const unchangedFailures: string[] = [];
    const pending: Promise<void>[] = [];
    const limit = limiter(6);
    // Where the time goes (printed with the summary): waiting for concurrent cells, and the cells run
    // one at a time.
    const timing = {
      started: performance.now(),
      drainingMs: 0,
      sequentialMs: 0,
      sequentialCells: 0,
      byRoute: new Map<string, number>(),
    };
    for (const [key, entry] of Object.entries(matrix)) {
      const route = routes.find((r) => `${r.method} ${r.path}` === key);
      if (!route) continue; // reported by the test above
      const write = route.method !== 'GET';
      const run = async (c: Case, caller: CallerName) => {
        const expected = expectedFor(route, entry, caller, c.target);
        const body =
          typeof c.body === 'function'
            ? (c.body as (x: AllowedCaller) => unknown)(caller as AllowedCaller)
            : c.body;
        const guarded = write && c.item !== undefined && (expected !== 'ok' || c.unchanged === true);
        const before = guarded ? await readItem(c.item!) : undefined;
        const sent = performance.now();
        const response = await api(c.path, {
          method: route.method,
          token: tokens[caller],
          body: write ? (body ?? {}) : undefined,
          ...(c.headers ? { headers: c.headers } : {}),
        });
        timing.byRoute.set(key, (timing.byRoute.get(key) ?? 0) + performance.now() - sent);
        cells.push({
          route: key,
          caller,
          target: c.target,
          expected,
          status: response.status,
          text: response.text,
          hidden: c.hidden ?? [],
        });
        if (
          response.status >= 400 &&
          response.status < 500 &&
          !errorBodySchema.safeParse(response.json).success
        ) {
          unchangedFailures.push(
            `${key} ${caller} ${c.target}: ${response.status} without the error body shape: ${response.text.slice(0, 200)}`,
          );
        }
        if (guarded) {
          const after = await readItem(c.item!);
          if (JSON.stringify(after) !== JSON.stringify(before)) {
            unchangedFailures.push(`${key} ${caller} ${c.target}: a refused write changed ${c.item?.pk}`);
          }
        }
      };
      const cases = entry.cases(fixtures);
      if (write) {
        // A cell refused for its role (no valid token: 401; a role the route does not declare: 403)
        // is refused whatever the data, so these run a few at a time with the reads before this write
        // (each is still checked to change nothing). The cells whose answer depends on the data (the
        // allowed roles on each tenant) then run one at a time, in order, once those have finished.
        const byRole = (caller: CallerName) => roleRefusal(route, caller) !== undefined;
        for (const c of cases)
          for (const caller of callers.filter(byRole)) pending.push(limit(() => run(c, caller)));
        const drained = performance.now();
        await Promise.all(pending.splice(0)); // reads and role-refused cells before this write have finished
        const sequential = performance.now();
        timing.drainingMs += sequential - drained;
        for (const c of cases)
          for (const caller of callers.filter((x) => !byRole(x))) {
            await run(c, caller);
            timing.sequentialCells++;
          }
        timing.sequentialMs += performance.now() - sequential;
      } else {
        // Reads change nothing: run them a few at a time, up to the next write.
        for (const c of cases) for (const caller of callers) pending.push(limit(() => run(c, caller)));
      }
    }
    await Promise.all(pending);
    const wrong = cells.filter((c) => !matches(c, c.route.split(' ')[0] !== 'GET'));
    const leaks = wrong.filter((c) => c.status >= 200 && c.status < 300);
    // Allowed writes answered 409 (an earlier allowed cell moved the item on): listed, so that a
    // write that never succeeds shows up here.
    const conflicts = cells.filter((c) => c.expected === 'ok' && c.status === 409);
    console.info(
      `allowed writes answered 409: ${conflicts.map((c) => `${c.route} as ${c.caller} on ${c.target}`).join('; ') || 'none'}`,
    );
    for (const c of wrong)
      console.info(
        `WRONG ${c.route} as ${c.caller} on ${c.target}: expected ${c.expected}, got ${c.status} ${c.text.slice(0, 200)}`,
      );
    console.info(
      `authorization matrix: ${cells.length} requests, ${wrong.length} wrong cells, ${leaks.length} leaks`,
    );
    console.info(
      `authorization matrix time: ${Math.round((performance.now() - timing.started) / 1000)} s in all; ${timing.sequentialCells} data-dependent write cells one at a time ${Math.round(timing.sequentialMs / 1000)} s; waiting for the concurrent cells before each write ${Math.round(timing.drainingMs / 1000)} s; the routes whose requests took longest in all: ${[
        ...timing.byRoute,
      ]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([route, ms]) => `${route} ${(ms / 1000).toFixed(1)} s`)
        .join(', ')}`,
    );
    expect(
      wrong.map(
        (c) =>
          `${c.route} as ${c.caller} on ${c.target}: expected ${c.expected}, got ${c.status} ${c.text.slice(0, 300)}`,
      ),
    ).toEqual([]);
    expect(unchangedFailures).toEqual([]);
  }, 900_000); // every cell and each function's cold start: a shared 2-core machine needs the margin
});

/**
 * Bulk enterprise registration and evaluation feedback by a province administrator: the two market
 * templates through the one intake (ingestTable), with their writers over in-memory stores that keep
 * the adapters' conditions. The rules themselves are the registry's and the evaluation use-case's.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  type EnterpriseProfile,
  type EvaluatedPatent,
  type EvaluationDeps,
  type EvaluationRequest,
  type EvaluationStore,
  type EvaluatorRef,
  type ExpertProfile,
  evaluationSettings,
  type StoredEvaluation,
} from '../../functions/evaluations/ports.ts';
import { enterpriseKind, enterpriseWriter } from '../../functions/intake/enterprise-kind.ts';
import { evaluationKind, evaluationWriter } from '../../functions/intake/evaluation-kind.ts';
import { ingestTable } from '../../functions/intake/ingest.ts';
import { readTableRows } from '../../functions/intake/read-table.ts';
import type { BulkEnterpriseStore } from '../../functions/market/evaluators.ts';
import { interestKeys } from '../../functions/market/matching.ts';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import { withUsccCheck } from '../../schemas/codes/uscc.ts';
import type { Enterprise } from '../../schemas/market.ts';
import { enterpriseTemplate, validateEnterpriseRow } from '../../schemas/market-templates/enterprise.ts';
import { evaluationTemplate, validateEvaluationRow } from '../../schemas/market-templates/evaluation.ts';

const province = '440000';
const owner = { uscc: '', provinceCode: province };
const admin = { sub: 'gd-admin', roles: ['province-admin' as const] };
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: string[][]) => rows.map((r) => r.map(csvField).join(',')).join('\r\n');
const rowsOf = (text: string) => readTableRows(Readable.from([Buffer.from(text)]));

// ------------------------------------------------------------------------------------ enterprises

function memoryEnterprises(initial: Enterprise[] = []) {
  const enterprises = new Map(initial.map((e) => [e.uscc, structuredClone(e)]));
  const index = new Map<string, Set<string>>();
  const audits: Array<{ uscc: string; actor: string }> = [];
  const store: BulkEnterpriseStore = {
    async getEnterprise(uscc) {
      const e = enterprises.get(uscc);
      return e ? structuredClone(e) : undefined;
    },
    async saveVerifiedEnterprise(enterprise, previous, previousKeys, keys, caller) {
      if (enterprises.get(enterprise.uscc)?.version !== previous?.version) return false;
      enterprises.set(enterprise.uscc, structuredClone(enterprise));
      audits.push({ uscc: enterprise.uscc, actor: caller.sub });
      for (const key of previousKeys) index.get(key)?.delete(enterprise.uscc);
      for (const key of keys) index.set(key, (index.get(key) ?? new Set()).add(enterprise.uscc));
      return true;
    },
  };
  return { store, enterprises, index, audits };
}

const entHeaders = [
  '统一社会信用代码',
  '企业名称',
  '所在省份',
  '企业类型',
  '国民经济行业分类',
  '战略性新兴产业分类',
  '关注的IPC分类',
  '联系人',
  '联系电话',
  '电子邮箱',
];
const E1 = withUsccCheck('91440300MA5F00011');
const E2 = withUsccCheck('91440300MA5F00012');
const E3 = withUsccCheck('91440300MA5F00013');
const E4 = withUsccCheck('91440300MA5F00014');
const E5 = withUsccCheck('91440300MA5F00015');
const entRow = (uscc: string, overrides: Partial<Record<string, string>> = {}) =>
  entHeaders.map(
    (h) =>
      overrides[h] ??
      (
        {
          统一社会信用代码: uscc,
          企业名称: `示范企业 ${uscc.slice(-4)} 有限公司`,
          所在省份: '广东省',
          企业类型: '高新技术企业；专精特新',
          国民经济行业分类: 'C3841',
          战略性新兴产业分类: '',
          关注的IPC分类: 'H01M；G06F 16',
          联系人: '李经理',
          联系电话: '0755-88880000',
          电子邮箱: 'li@example.com',
        } as Record<string, string>
      )[h]!,
  );

describe('enterprise template rows', () => {
  const raw = (cells: string[]) => Object.fromEntries(entHeaders.map((h, i) => [h, cells[i]!]));

  it('a valid row becomes a registration of the province, English aliases and synonyms accepted', () => {
    const english = [
      'uscc',
      'name',
      'province',
      'enterprise_types',
      'industry_codes',
      'strategic_industries',
      'ipc_interests',
      'contact_name',
      'contact_phone',
      'contact_email',
    ];
    expect(enterpriseTemplate.mapHeaders(english).issues).toEqual([]);
    const cells = entRow(E1, {
      所在省份: 'Guangdong',
      企业类型: '央企、high tech',
      战略性新兴产业分类: '1.5 人工智能；6',
      关注的IPC分类: 'h01m 4/525',
    });
    const result = validateEnterpriseRow(Object.fromEntries(english.map((h, i) => [h, cells[i]!])), 2, {
      provinceCode: province,
    });
    expect(result.errors).toEqual([]);
    expect(result.enterprise).toMatchObject({
      uscc: E1,
      provinceCode: '440000',
      types: ['state-owned', 'high-tech'],
      industryCodes: ['3841'],
      strategicIndustries: ['1.5', '6'],
      ipcInterests: ['H01M 4'],
      contact: { name: '李经理', email: 'li@example.com' },
      usccChecksumValid: true,
    });
    expect(result.warnings.map((w) => w.code)).toEqual(['IPC_PREFIX_SHORTENED']);
  });

  it('each malformed cell is named with row, column and reason', () => {
    const bad = validateEnterpriseRow(
      raw(
        entRow('91440300MA5F0001', {
          企业类型: '高新技术企业；外资企业',
          国民经济行业分类: '9999',
          关注的IPC分类: 'Z99',
          电子邮箱: 'not-an-email',
        }),
      ),
      7,
      { provinceCode: province },
    );
    expect(bad.enterprise).toBeUndefined();
    expect(bad.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [7, '统一社会信用代码', 'INVALID_USCC'],
      [7, '企业类型', 'INVALID_VALUE'],
      [7, '国民经济行业分类', 'UNKNOWN_INDUSTRY'],
      [7, '关注的IPC分类', 'INVALID_IPC'],
    ]);
    expect(bad.errors[1]!.messageZh).toContain('「外资企业」不是允许的值');
    expect(bad.errors[1]!.messageEn).toMatch(/^Row 7, column 企业类型 \(enterprise_types\)/);
    const email = validateEnterpriseRow(raw(entRow(E1, { 电子邮箱: 'not-an-email' })), 8, {});
    expect(email.errors.map((e) => [e.column, e.code])).toEqual([['电子邮箱', 'INVALID_VALUE']]);
    const none = validateEnterpriseRow(raw(entRow(E1, { 国民经济行业分类: '', 关注的IPC分类: '-' })), 9, {});
    expect(none.errors.map((e) => e.code)).toEqual(['NO_INTERESTS']);
  });

  it('a row of another province is refused, naming the province administered', () => {
    const result = validateEnterpriseRow(raw(entRow(E1, { 所在省份: '北京' })), 3, {
      provinceCode: province,
    });
    expect(result.errors).toEqual([
      expect.objectContaining({ row: 3, column: '所在省份', value: '北京', code: 'OTHER_PROVINCE' }),
    ]);
    expect(result.errors[0]!.messageZh).toContain('不是您管理的省份（广东省）');
  });

  it('a wrong check character is a warning, the enterprise registered as given', () => {
    const body = E1.slice(0, 17);
    const wrong = `${body}${E1.endsWith('0') ? '1' : '0'}`;
    const result = validateEnterpriseRow(raw(entRow(wrong)), 2, { provinceCode: province });
    expect(result.enterprise).toMatchObject({ uscc: wrong, usccChecksumValid: false });
    expect(result.warnings.map((w) => w.code)).toEqual(['USCC_CHECKSUM']);
  });
});

describe('bulk enterprise registration through the intake', () => {
  it('good rows are registered verified and indexed, bad rows reported; a second run changes nothing', async () => {
    const other: Enterprise = {
      uscc: E5,
      name: '外省企业',
      provinceCode: '110000',
      types: ['other'],
      industryCodes: ['38'],
      strategicIndustries: [],
      ipcInterests: [],
      contact: { name: '张' },
      status: 'verified',
      usccChecksumValid: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 2,
    };
    const pending: Enterprise = {
      ...other,
      uscc: E4,
      name: '自注册企业',
      provinceCode: province,
      status: 'pending',
      version: 1,
    };
    const memory = memoryEnterprises([other, pending]);
    const deps = {
      kind: enterpriseKind,
      writer: enterpriseWriter({ store: memory.store, now: () => new Date('2026-11-25T02:00:00Z') }),
      today: '2026-11-25',
    };
    const file = csv([
      ['企业批量登记'],
      entHeaders,
      entRow(E1),
      entRow(E2, { 所在省份: '浙江省' }),
      entRow(E3, { 企业类型: '' }),
      entRow(E4),
      entRow(E5),
      entRow(E1, { 企业名称: '重复' }),
    ]);
    const first = await ingestTable(deps, owner, admin, rowsOf(file));
    expect(first).toMatchObject({
      rowsTotal: 6,
      rowsAccepted: 2,
      rowsCreated: 1,
      rowsUpdated: 1,
      rowsRejected: 4,
    });
    expect(first.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [4, '所在省份', 'OTHER_PROVINCE'],
      [5, '企业类型', 'REQUIRED'],
      [7, '统一社会信用代码', 'REGISTERED_IN_ANOTHER_PROVINCE'],
      [8, '统一社会信用代码', 'DUPLICATE_IN_FILE'],
    ]);
    expect(memory.enterprises.get(E1)).toMatchObject({
      status: 'verified',
      provinceCode: province,
      version: 1,
    });
    // The self-registered (pending) enterprise is replaced by the administrator's row and verified.
    expect(memory.enterprises.get(E4)).toMatchObject({
      status: 'verified',
      name: `示范企业 ${E4.slice(-4)} 有限公司`,
      version: 2,
    });
    expect(memory.enterprises.get(E5)).toEqual(other);
    for (const key of interestKeys(memory.enterprises.get(E1)!)) expect(memory.index.get(key)).toContain(E1);
    expect(memory.audits.map((a) => a.actor)).toEqual(['gd-admin', 'gd-admin']);

    const again = await ingestTable(deps, owner, admin, rowsOf(file));
    expect(again).toMatchObject({ rowsAccepted: 0, rowsUnchanged: 2, rowsRejected: 4 });

    // A changed interest replaces the index entries: the old key no longer lists the enterprise.
    const changed = csv([entHeaders, entRow(E1, { 关注的IPC分类: 'H02J' })]);
    expect(await ingestTable(deps, owner, admin, rowsOf(changed))).toMatchObject({ rowsUpdated: 1 });
    expect(memory.index.get('IPC#H01M')?.has(E1)).toBe(false);
    expect(memory.index.get('IPC#H02J')?.has(E1)).toBe(true);
  });

  it('extra columns (序号, a note) are ignored and listed as a warning; the rows go in', async () => {
    const memory = memoryEnterprises();
    const deps = {
      kind: enterpriseKind,
      writer: enterpriseWriter({ store: memory.store, now: () => new Date('2026-11-25T02:00:00Z') }),
      today: '2026-11-25',
    };
    const file = csv([
      ['序号', ...entHeaders, '备注'],
      ['1', ...entRow(E1), '=cmd|x'],
      ['2', ...entRow(E2), '老客户'],
    ]);
    const result = await ingestTable(deps, owner, admin, rowsOf(file));
    expect(result).toMatchObject({ rowsAccepted: 2, rowsRejected: 0 });
    expect(result.headerWarnings).toEqual([
      expect.stringContaining('Ignored 2 column(s) that are not in the template: 序号, 备注'),
    ]);
    expect(memory.enterprises.get(E1)).toMatchObject({ status: 'verified' });
    expect(JSON.stringify([...memory.enterprises.values()])).not.toContain('老客户');
  });

  it('an inventory file is not an enterprise file: the header check lists the expected columns', async () => {
    const memory = memoryEnterprises();
    await expect(
      ingestTable(
        {
          kind: enterpriseKind,
          writer: enterpriseWriter({ store: memory.store, now: () => new Date() }),
          today: '2026-11-25',
        },
        owner,
        admin,
        rowsOf(
          csv([
            ['统一社会信用代码', '申请号', '专利名称'],
            [E1, '202010123456.2', 'x'],
          ]),
        ),
      ),
    ).rejects.toMatchObject({
      code: 'BAD_HEADERS',
      messageZh: expect.stringContaining('缺少必填列：企业名称、所在省份、企业类型、联系人'),
    });
  });
});

// ------------------------------------------------------------------------------------ evaluations

const INSTITUTION = withUsccCheck('12440000MB0000811');
const P1 = withApplicationCheck('202010123456');
const P2 = withApplicationCheck('202110234567');
const P_BJ = withApplicationCheck('201910345678');
const P_CLOSED = withApplicationCheck('202210456789');
const P_DRAFT = withApplicationCheck('202310567890');
const EXPERT = 'expert-gd-1';

function memoryEvaluations(now: Date) {
  const patents = new Map<string, EvaluatedPatent>();
  const enterprises = new Map<string, EnterpriseProfile>();
  const experts = new Map<string, ExpertProfile>();
  const requests = new Map<string, EvaluationRequest>();
  const evaluations = new Map<string, StoredEvaluation>();
  const actors: string[] = [];
  const key = (n: string, e: EvaluatorRef) => `${n}|${e.kind}#${e.id}`;
  const store: EvaluationStore = {
    async patent(n) {
      const p = patents.get(n);
      return p ? structuredClone(p) : undefined;
    },
    async enterprise(uscc) {
      return enterprises.get(uscc);
    },
    async expert(id) {
      return experts.get(id);
    },
    async request(n, e) {
      return requests.get(key(n, e));
    },
    async evaluation(n, e) {
      const v = evaluations.get(key(n, e));
      return v ? structuredClone(v) : undefined;
    },
    async evaluations(n) {
      return [...evaluations.values()]
        .filter((e) => e.applicationNumber === n)
        .map((e) => structuredClone(e));
    },
    async saveEvaluation(evaluation, write, caller, at) {
      const k = key(evaluation.applicationNumber, {
        kind: evaluation.evaluatorKind,
        id: evaluation.evaluatorId,
      });
      if (evaluations.get(k)?.version !== write.previous?.version) return 'stale';
      const patent = patents.get(evaluation.applicationNumber)!;
      if (write.openWindow) {
        if (patent.evaluationStatus !== undefined) return 'retry';
        Object.assign(patent, {
          evaluationStatus: 'open',
          evaluationOpenedAt: write.openWindow.openedAt,
          evaluationDeadline: write.openWindow.deadline,
          version: patent.version + 1,
        });
      } else if (patent.evaluationStatus !== 'open' || !(patent.evaluationDeadline! > at)) return 'retry';
      evaluations.set(k, structuredClone(evaluation));
      actors.push(caller.sub);
      return 'saved';
    },
    async saveLateEvaluation() {
      throw new Error('no late evaluation in these tests (test/unit/evaluations.test.ts has them)');
    },
    async retieredOn() {
      return false;
    },
    async declineRequest() {
      return false;
    },
    async closeWindow(read, close) {
      const patent = patents.get(read.applicationNumber)!;
      if (patent.evaluationStatus !== 'open' || patent.version !== read.version) return false;
      Object.assign(patent, {
        evaluationStatus: 'closed',
        evaluationClosedAt: close.at,
        evaluationClosedReason: close.reason,
        version: patent.version + 1,
      });
      return true;
    },
    async dueWindows() {
      return { applicationNumbers: [] };
    },
    async dueRetiers() {
      return { entries: [] };
    },
    async saveDeferredRetier() {
      return 'retry' as const;
    },
    async clearRetierDue() {},
  };
  const deps: EvaluationDeps = {
    store,
    now: () => now,
    settings: evaluationSettings({ EVALUATION_QUORUM: '10' }),
  };
  const open = {
    evaluationStatus: 'open' as const,
    evaluationOpenedAt: '2026-11-01T00:00:00.000Z',
    evaluationDeadline: '2026-12-31T00:00:00.000Z',
  };
  const patent = (n: string, fields: Partial<EvaluatedPatent> = {}) =>
    patents.set(n, {
      applicationNumber: n,
      institutionUscc: INSTITUTION,
      provinceCode: province,
      poolStatus: 'conversion',
      version: 3,
      ...open,
      ...fields,
    });
  patent(P1);
  patent(P2, { evaluationStatus: undefined, evaluationOpenedAt: undefined, evaluationDeadline: undefined });
  patent(P_BJ, { provinceCode: '110000' });
  // Closed, and (no reviewStatus, no lifecycle) in a state that takes no late evaluations: still the
  // WINDOW_CLOSED refusal. An available tiered patent takes them (test/unit/evaluations.test.ts).
  patent(P_CLOSED, {
    evaluationStatus: 'closed',
    evaluationClosedAt: '2026-11-20T00:00:00.000Z',
    evaluationClosedReason: 'quorum',
  });
  patent(P_DRAFT, { poolStatus: 'base' });
  const enterprise = (uscc: string, status: EnterpriseProfile['status']) =>
    enterprises.set(uscc, {
      uscc,
      name: `企业 ${uscc.slice(-4)}`,
      provinceCode: province,
      status,
      contact: { name: '王' },
    });
  enterprise(E1, 'verified');
  enterprise(E2, 'verified');
  enterprise(E3, 'pending');
  enterprise(INSTITUTION, 'verified');
  experts.set(EXPERT, {
    expertId: EXPERT,
    name: '专家',
    title: '教授',
    affiliationUscc: withUsccCheck('12440000MB0000899'),
    active: true,
  });
  experts.set('expert-own', {
    expertId: 'expert-own',
    name: '本校专家',
    title: '教授',
    affiliationUscc: INSTITUTION,
    active: true,
  });
  requests.set(key(P1, { kind: 'expert', id: EXPERT }), {
    applicationNumber: P1,
    evaluatorKind: 'expert',
    evaluatorId: EXPERT,
    status: 'pending',
  });
  requests.set(key(P1, { kind: 'expert', id: 'expert-own' }), {
    applicationNumber: P1,
    evaluatorKind: 'expert',
    evaluatorId: 'expert-own',
    status: 'pending',
  });
  return { deps, evaluations, patents, actors, key };
}

const evalHeaders = [
  '申请号',
  '评价方类型',
  '评价方标识',
  '产业化前景评分',
  '技术成熟度评价',
  '技术改进需求类别',
  '技术改进需求说明',
  '合作意向',
  '期望价格下限（万元）',
  '期望价格上限（万元）',
  '原因代码',
  '评价意见',
  '同意展示身份',
];
const evalRow = (number: string, kind: string, id: string, overrides: Partial<Record<string, string>> = {}) =>
  evalHeaders.map(
    (h) =>
      overrides[h] ??
      (
        {
          申请号: number,
          评价方类型: kind,
          评价方标识: id,
          产业化前景评分: '4',
          技术成熟度评价: '6',
          技术改进需求类别: '中试放大',
          技术改进需求说明: '需中试验证',
          合作意向: '许可；联合研发',
          '期望价格下限（万元）': '30',
          '期望价格上限（万元）': '80',
          原因代码: '',
          评价意见: '',
          同意展示身份: '否',
        } as Record<string, string>
      )[h]!,
  );

describe('evaluation template rows', () => {
  const raw = (cells: string[]) => Object.fromEntries(evalHeaders.map((h, i) => [h, cells[i]!]));

  it('a valid row is an evaluator and an evaluation input; English aliases and codes accepted', () => {
    const english = [
      'application_number',
      'evaluator_kind',
      'evaluator_id',
      'prospect',
      'trl_view',
      'improvement_categories',
      'improvement_needs',
      'cooperation_intents',
      'price_min_10k_cny',
      'price_max_10k_cny',
      'reason_codes',
      'comment',
      'consent_to_share_identity',
    ];
    expect(evaluationTemplate.mapHeaders(english).issues).toEqual([]);
    const cells = evalRow(`ZL${P1}`, 'enterprise', E1.toLowerCase(), {
      原因代码: 'too-early-stage；IP risk',
      合作意向: 'joint R&D',
      同意展示身份: 'yes',
    });
    const result = validateEvaluationRow(Object.fromEntries(english.map((h, i) => [h, cells[i]!])), 2);
    expect(result.errors).toEqual([]);
    expect(result.evaluation).toEqual({
      applicationNumber: P1,
      evaluator: { kind: 'enterprise', id: E1 },
      input: expect.objectContaining({
        industrializationProspect: 4,
        maturityTrl: 6,
        improvementNeeds: { categories: ['pilot-scale-up'], text: '需中试验证' },
        cooperationIntents: ['joint-rnd'],
        priceExpectation: { minWan: 30, maxWan: 80 },
        reasonCodes: ['too-early-stage', 'ip-risk'],
        consentToShareIdentity: true,
      }),
    });
  });

  it('prospect 0 or 6, unknown reason codes, "none" with others and an inverted price are refused cell by cell', () => {
    for (const prospect of ['0', '6']) {
      const result = validateEvaluationRow(raw(evalRow(P1, '企业', E1, { 产业化前景评分: prospect })), 5);
      expect(result.errors.map((e) => [e.row, e.column, e.value, e.code])).toEqual([
        [5, '产业化前景评分', prospect, 'OUT_OF_RANGE'],
      ]);
      expect(result.errors[0]!.messageZh).toContain('请填写1 至 5 的整数');
    }
    const reasons = validateEvaluationRow(
      raw(evalRow(P1, '企业', E1, { 原因代码: '技术阶段过早；太贵了；other' })),
      6,
    );
    expect(reasons.errors.map((e) => [e.column, e.code])).toEqual([['原因代码', 'INVALID_VALUE']]);
    expect(reasons.errors[0]!.messageZh).toContain('「太贵了」不是允许的值');
    expect(reasons.errors[0]!.messageEn).toContain('too costly to implement');
    const several = validateEvaluationRow(
      raw(
        evalRow(P1, '专家', EXPERT, {
          合作意向: '暂无合作意向；许可',
          技术成熟度评价: 'x',
          '期望价格下限（万元）': '90',
        }),
      ),
      7,
    );
    expect(several.errors.map((e) => [e.column, e.code])).toEqual([
      ['技术成熟度评价', 'INVALID_INTEGER'],
      ['合作意向', 'EXCLUSIVE_VALUE'],
      ['期望价格上限（万元）', 'PRICE_RANGE_INVERTED'],
    ]);
    const half = validateEvaluationRow(raw(evalRow(P1, '企业', E1, { '期望价格上限（万元）': '' })), 8);
    expect(half.errors.map((e) => [e.column, e.code])).toEqual([
      ['期望价格上限（万元）', 'PRICE_RANGE_INCOMPLETE'],
    ]);
    const missing = validateEvaluationRow(raw(evalRow('', '供应商', 'x', { 合作意向: '' })), 9);
    expect(missing.errors.map((e) => [e.column, e.code])).toEqual([
      ['申请号', 'REQUIRED'],
      ['评价方类型', 'INVALID_VALUE'],
      ['合作意向', 'REQUIRED'],
    ]);
  });
});

describe('bulk evaluation feedback through the intake', () => {
  it('the evaluation rules refuse rows with their reason while the good rows go in; a second upload updates, versioned', async () => {
    const memory = memoryEvaluations(new Date('2026-11-25T02:00:00Z'));
    const deps = {
      kind: evaluationKind,
      writer: evaluationWriter(memory.deps),
      today: '2026-11-25',
      concurrency: 1,
    };
    const rows = [
      evalRow(P1, '企业', E1),
      evalRow(P2, '企业', E2, { 同意展示身份: '是' }),
      evalRow(P1, '专家', EXPERT),
      evalRow(P1, '企业', INSTITUTION), // the patent's own institution
      evalRow(P1, '专家', 'expert-own'), // affiliated with it
      evalRow(P1, '企业', E3), // pending
      evalRow(P_BJ, '企业', E1), // another province
      evalRow(P_CLOSED, '企业', E1),
      evalRow(P_DRAFT, '企业', E1), // not in the pool
      evalRow(P2, '专家', EXPERT), // not pushed to the expert
      evalRow(P1, '企业', E1, { 产业化前景评分: '3' }),
      evalRow(P2, '企业', E1, { 产业化前景评分: '6' }),
    ];
    const result = await ingestTable(deps, owner, admin, rowsOf(csv([evalHeaders, ...rows])));
    expect(result).toMatchObject({ rowsTotal: 12, rowsAccepted: 3, rowsCreated: 3, rowsRejected: 9 });
    expect(result.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [5, '评价方标识', 'CONFLICT_OF_INTEREST'],
      [6, '评价方标识', 'CONFLICT_OF_INTEREST'],
      [7, '评价方标识', 'EVALUATOR_NOT_VERIFIED'],
      [8, '申请号', 'NOT_IN_POOL'],
      [9, '申请号', 'WINDOW_CLOSED'],
      [10, '申请号', 'NOT_IN_POOL'],
      [11, '评价方标识', 'NOT_REQUESTED'],
      [12, '申请号+评价方标识', 'DUPLICATE_IN_FILE'],
      [13, '产业化前景评分', 'OUT_OF_RANGE'],
    ]);
    expect(result.errors[0]!.messageZh).toMatch(/^第 5 行：企业 .* 是专利 .* 的所属单位，存在利益冲突/);
    expect(result.errors[0]!.messageEn).toContain('conflict of interest');
    expect(result.errors[4]!.messageZh).toContain('评价窗口已于 2026-11-20 关闭（已收到足够的评价）');
    expect(memory.evaluations.get(memory.key(P1, { kind: 'enterprise', id: E1 }))).toMatchObject({
      version: 1,
      industrializationProspect: 4,
      matched: false,
    });
    expect(memory.evaluations.get(memory.key(P1, { kind: 'expert', id: EXPERT }))).toMatchObject({
      matched: true,
    });
    // The first evaluation of P2 opened its window.
    expect(memory.patents.get(P2)).toMatchObject({ evaluationStatus: 'open' });
    expect(memory.actors).toEqual(['gd-admin', 'gd-admin', 'gd-admin']);

    // Same file again: nothing changes. A changed row: a new version of the same evaluation.
    const again = await ingestTable(deps, owner, admin, rowsOf(csv([evalHeaders, ...rows])));
    expect(again).toMatchObject({ rowsAccepted: 0, rowsUnchanged: 3, rowsRejected: 9 });
    const update = await ingestTable(
      deps,
      owner,
      admin,
      rowsOf(csv([evalHeaders, evalRow(P1, '企业', E1, { 产业化前景评分: '2' })])),
    );
    expect(update).toMatchObject({ rowsUpdated: 1, rowsRejected: 0 });
    expect(memory.evaluations.get(memory.key(P1, { kind: 'enterprise', id: E1 }))).toMatchObject({
      version: 2,
      industrializationProspect: 2,
    });
  });
});

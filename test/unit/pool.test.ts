/**
 * The province feed of the conversion pool (GET /v1/pool) and its XLSX export, over an in-memory
 * PoolStore that reads like DynamoDB: the province partition in gsi2sk order, Limit applied before the
 * filter, LastEvaluatedKey whenever a read stopped at its limit (even at the very end).
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportColumns, exportPool, poolSheetName } from '../../functions/pool/pool-export.ts';
import {
  type PoolStore,
  poolFeed,
  type StoredPoolPatent,
  type StoreKey,
  syncMarginMs,
} from '../../functions/pool/pool-feed.ts';
import { InvalidCursorError } from '../../functions/shared/cursor.ts';
import { ForbiddenError, PayloadTooLargeError, ValidationError } from '../../functions/shared/errors.ts';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import { publicPatentFields } from '../../schemas/patent.ts';
import { type PoolFeedQuery, poolFeedQuerySchema, poolPageSchema } from '../../schemas/pool.ts';
import type { Caller } from '../../schemas/roles.ts';
import {
  beijingAdmin,
  enterpriseUser,
  institutionUser,
  nationalAdmin,
  shanghaiAdmin,
} from '../support/callers.ts';

const A = '12100000400000624D'; // Beijing
const B = '121100004000018521'; // Beijing
const C = '12310000425006117U'; // Shanghai
const provinceOf: Record<string, string> = { [A]: '110000', [B]: '110000', [C]: '310000' };

/** A patent item as the intake and the review write it (private fields set), with its gsi2 key. */
function poolItem(
  uscc: string,
  serial: number,
  fields: Partial<StoredPoolPatent> = {},
): StoredPoolPatent & { gsi2sk: string } {
  const number = withApplicationCheck(`2020${String((serial % 3) + 1)}${String(serial).padStart(7, '0')}`);
  return {
    applicationNumber: number,
    title: `一种测试专利 ${serial}`,
    patentType: (['invention', 'utility-model', 'design'] as const)[serial % 3]!,
    applicationDate: '2020-03-01',
    grantDate: '2022-05-20',
    legalStatus: 'valid',
    inventors: ['张三', '李四'],
    department: '计算机学院',
    publiclyFunded: serial % 2 === 0,
    implementationStatus: 'not-implemented',
    implementationAmountWan: 12.5,
    conversionIntents: ['license', 'assignment'],
    feeStandard: '面议',
    trl: (serial % 9) + 1,
    selfAssessedValue: 'high',
    industryCode: '3911',
    strategicIndustries: [{ code: '1.5', name: '人工智能', inferred: true, via: 'G06N3*' }],
    classifications: ['G06N 3/08'],
    intendedPartners: '某某科技有限公司',
    contactName: '王老师',
    contactInfo: '010-62780000',
    incrementalStock: false,
    institutionUscc: uscc,
    provinceCode: provinceOf[uscc] ?? '110000',
    poolStatus: 'conversion',
    reviewStatus: 'approved',
    contentHash: 'hash',
    version: 3,
    createdAt: '2024-01-01T00:00:00.000Z',
    createdBy: 'inst-user',
    updatedAt: '2024-06-01T00:00:00.000Z',
    updatedBy: 'inst-user',
    writeToken: 'token',
    ...fields,
    gsi2sk: `${uscc}#${number}`,
  };
}

const privateFields = [
  'inventors',
  'implementationAmountWan',
  'intendedPartners',
  'contactName',
  'contactInfo',
  'reviewStatus',
  'contentHash',
  'createdBy',
  'updatedBy',
  'writeToken',
  'gsi2sk',
];

function memoryPoolStore(items: Array<StoredPoolPatent & { gsi2sk: string }>) {
  const reads: Array<{ provinceCode: string; since?: string; readLimit: number }> = [];
  const keyOf = (item: StoredPoolPatent & { gsi2sk: string }): StoreKey => ({
    pk: `PAT#${item.applicationNumber}`,
    sk: 'PATENT',
    gsi2pk: `PROV#${item.provinceCode}#PAT`,
    gsi2sk: item.gsi2sk,
  });
  const store: PoolStore = {
    async readPage(provinceCode, since, startKey, readLimit) {
      reads.push({ provinceCode, ...(since ? { since } : {}), readLimit });
      if (startKey && startKey.gsi2pk !== `PROV#${provinceCode}#PAT`)
        throw new ValidationError('cursor of another partition');
      const partition = items
        .filter((item) => item.provinceCode === provinceCode)
        .sort((a, b) => (a.gsi2sk < b.gsi2sk ? -1 : a.gsi2sk > b.gsi2sk ? 1 : 0));
      const from = startKey ? partition.findIndex((item) => item.gsi2sk > String(startKey.gsi2sk)) : 0;
      const examined = from < 0 ? [] : partition.slice(from, from + readLimit);
      // The store's filter (pool-store.ts poolFilter): the pool, and the patents that left it by an exit.
      const matching = examined.filter(
        (item) =>
          (item.poolStatus === 'conversion' || item.poolRemoval !== undefined) &&
          (since === undefined || item.updatedAt >= since),
      );
      return {
        items: matching.map((item) => ({ patent: structuredClone(item), key: keyOf(item) })),
        ...(examined.length === readLimit ? { lastKey: keyOf(examined.at(-1)!) } : {}),
      };
    },
  };
  return { store, reads };
}

// ------------------------------------------------------------------------------------- fixtures

const now = new Date('2024-07-01T08:00:00.000Z');
const day = (d: number) => `2024-06-${String(d).padStart(2, '0')}T10:00:00.000Z`;

/** Beijing: 40 patents of A and B, every fourth one in the base pool; Shanghai: 6 of C. */
function fixture() {
  const items: Array<StoredPoolPatent & { gsi2sk: string }> = [];
  for (let i = 1; i <= 40; i++) {
    items.push(
      poolItem(i % 2 ? A : B, i, {
        poolStatus: i % 4 === 0 ? 'base' : 'conversion',
        updatedAt: day((i % 28) + 1),
      }),
    );
  }
  for (let i = 41; i <= 46; i++) items.push(poolItem(C, i, { updatedAt: day(i - 40) }));
  return items;
}

const query = (raw: Record<string, unknown> = {}): PoolFeedQuery => poolFeedQuerySchema.parse(raw);
const deps = (store: PoolStore, reads?: { readLimit: number; maxReads: number }) => ({
  pool: store,
  now: () => now,
  ...(reads ? { reads } : {}),
});

/** Follows nextCursor to the end: every item returned, and the number of requests. */
async function walk(
  store: PoolStore,
  caller: Caller,
  raw: Record<string, unknown>,
  reads?: { readLimit: number; maxReads: number },
) {
  const numbers: string[] = [];
  const nextSinces = new Set<string>();
  let cursor: string | undefined;
  let requests = 0;
  do {
    const page = await poolFeed(deps(store, reads), caller, query({ ...raw, ...(cursor ? { cursor } : {}) }));
    numbers.push(...page.items.map((item) => item.applicationNumber));
    nextSinces.add(page.nextSince);
    cursor = page.nextCursor;
    requests += 1;
    if (requests > 10_000) throw new Error('the walk does not end');
  } while (cursor);
  return { numbers, requests, nextSinces };
}

const expected = (
  items: ReadonlyArray<StoredPoolPatent & { gsi2sk: string }>,
  province: string,
  since?: string,
) =>
  items
    .filter(
      (i) =>
        i.provinceCode === province &&
        i.poolStatus === 'conversion' &&
        (since === undefined || i.updatedAt >= since),
    )
    .sort((a, b) => (a.gsi2sk < b.gsi2sk ? -1 : 1))
    .map((i) => i.applicationNumber);

// ----------------------------------------------------------------------------------------- scope

describe('GET /v1/pool: who may read which province', () => {
  const { store } = memoryPoolStore(fixture());

  it('a province admin gets its own province by default, and may name it', async () => {
    const page = await poolFeed(deps(store), beijingAdmin, query({ limit: '100' }));
    expect(page.items.length).toBe(expected(fixture(), '110000').length);
    expect(new Set(page.items.map((i) => ('provinceCode' in i ? i.provinceCode : 'tombstone')))).toEqual(
      new Set(['110000']),
    );
    const named = await poolFeed(deps(store), shanghaiAdmin, query({ province: '310000' }));
    expect(named.items.map((i) => i.applicationNumber)).toEqual(expected(fixture(), '310000'));
  });

  it('a province admin naming another province is refused with 403 naming its own', async () => {
    const error = await poolFeed(deps(store), beijingAdmin, query({ province: '310000' })).catch((e) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain('110000');
  });

  it('a province admin whose account names no province is refused with 403', async () => {
    const noProvince: Caller = { sub: 'p', roles: ['province-admin'] };
    await expect(poolFeed(deps(store), noProvince, query())).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('a national admin reads any province, but must name one (400)', async () => {
    const page = await poolFeed(deps(store), nationalAdmin, query({ province: '310000' }));
    expect(page.items).toHaveLength(6);
    const error = await poolFeed(deps(store), nationalAdmin, query()).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual([expect.objectContaining({ in: 'query', field: 'province' })]);
  });

  it('institutions, enterprises and experts are refused (403)', async () => {
    for (const caller of [institutionUser(A), enterpriseUser, { sub: 'e', roles: ['expert'] } as Caller]) {
      await expect(poolFeed(deps(store), caller, query({ province: '110000' }))).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
  });

  it('the query schema refuses unknown provinces and times that are not ISO 8601', () => {
    expect(poolFeedQuerySchema.safeParse({ province: '999999' }).success).toBe(false);
    expect(poolFeedQuerySchema.safeParse({ since: 'yesterday' }).success).toBe(false);
    expect(poolFeedQuerySchema.safeParse({ limit: '501' }).success).toBe(false);
    expect(poolFeedQuerySchema.parse({}).limit).toBe(100);
  });
});

// ----------------------------------------------------------------------------------------- view

describe('GET /v1/pool: what a patent shows', () => {
  it('public fields only, plus the evaluation status, deadline and aggregate when present', async () => {
    const aggregate = {
      count: 3,
      byKind: { enterprise: 1, expert: 2 },
      prospect: { mean: 4, distribution: { '1': 0, '2': 0, '3': 0, '4': 3, '5': 0 } },
      cooperationIntents: { license: 1 },
      improvementNeeds: {},
      reasonCodes: {},
    };
    const items = [
      poolItem(A, 1),
      poolItem(A, 2, {
        evaluationStatus: 'closed',
        evaluationDeadline: '2024-08-30T00:00:00.000Z',
        evaluationAggregate: aggregate,
      }),
      poolItem(A, 3, { evaluationStatus: 'open', evaluationDeadline: '2024-09-01T00:00:00.000Z' }),
    ];
    const { store } = memoryPoolStore(items);
    const page = await poolFeed(deps(store), beijingAdmin, query());
    const byNumber = (i: number) =>
      page.items.find((p) => p.applicationNumber === items[i]!.applicationNumber);
    const [plain, closed, open] = [byNumber(0), byNumber(1), byNumber(2)];
    expect(plain).toMatchObject({ evaluationStatus: 'none' });
    expect(plain).not.toHaveProperty('evaluationAggregate');
    expect(closed).toMatchObject({ evaluationStatus: 'closed', evaluationAggregate: aggregate });
    expect(open).toMatchObject({ evaluationStatus: 'open', evaluationDeadline: '2024-09-01T00:00:00.000Z' });
    const allowed = new Set<string>([
      ...publicPatentFields,
      'evaluationStatus',
      'evaluationDeadline',
      'evaluationAggregate',
    ]);
    for (const item of page.items) {
      for (const field of Object.keys(item)) expect(allowed.has(field), field).toBe(true);
      for (const field of privateFields) expect(item).not.toHaveProperty(field);
    }
  });
});

// ------------------------------------------------------------------------------------ since, cursor

describe('GET /v1/pool: since and the cursor', () => {
  it('since keeps the conversion-pool patents changed at or after it, base-pool ones never', async () => {
    const items = fixture();
    const { store, reads } = memoryPoolStore(items);
    const since = day(20);
    const { numbers } = await walk(store, beijingAdmin, { since, limit: '100' });
    expect(numbers).toEqual(expected(items, '110000', since));
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.length).toBeLessThan(expected(items, '110000').length);
    expect(reads.every((r) => r.since === since)).toBe(true);
    // Exactly at `since` is included.
    const at = items.find((i) => i.provinceCode === '110000' && i.poolStatus === 'conversion')!;
    const exact = await walk(store, beijingAdmin, { since: at.updatedAt, limit: '100' });
    expect(exact.numbers).toContain(at.applicationNumber);
  });

  it('a since with a time-zone offset means the same instant as stored (UTC) times', async () => {
    const items = fixture();
    const { store } = memoryPoolStore(items);
    const utc = await walk(store, beijingAdmin, { since: '2024-06-20T02:00:00Z' });
    const beijing = await walk(store, beijingAdmin, { since: '2024-06-20T10:00:00+08:00' });
    expect(beijing.numbers).toEqual(utc.numbers);
  });

  it('never skips or repeats a patent, whatever the page size and read budget (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ pool: fc.boolean(), day: fc.integer({ min: 1, max: 28 }), b: fc.boolean() }), {
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.integer({ min: 1, max: 28 }), { nil: undefined }),
        async (specs, limit, readLimit, maxReads, sinceDay) => {
          const items = specs.map((s, i) =>
            poolItem(s.b ? A : B, i + 1, {
              poolStatus: s.pool ? 'conversion' : 'base',
              updatedAt: day(s.day),
            }),
          );
          const { store } = memoryPoolStore(items);
          const since = sinceDay === undefined ? undefined : day(sinceDay);
          const { numbers, requests } = await walk(
            store,
            beijingAdmin,
            { limit: String(limit), ...(since ? { since } : {}) },
            { readLimit, maxReads },
          );
          expect(numbers).toEqual(expected(items, '110000', since));
          // Every request moves forward: bounded by the reads the partition needs.
          expect(requests).toBeLessThanOrEqual(
            Math.ceil((items.length + 1) / readLimit) + numbers.length + 1,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads at most maxReads pages per request; a page may be empty while the cursor moves on', async () => {
    const items = Array.from({ length: 30 }, (_, i) => poolItem(A, i + 1, { poolStatus: 'base' }));
    items.push(poolItem(A, 31));
    const { store, reads } = memoryPoolStore(items);
    const first = await poolFeed(deps(store, { readLimit: 5, maxReads: 2 }), beijingAdmin, query());
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toBeDefined();
    expect(reads).toHaveLength(2);
    const { numbers } = await walk(store, beijingAdmin, {}, { readLimit: 5, maxReads: 2 });
    expect(numbers).toEqual([items.at(-1)!.applicationNumber]);
  });

  it('nextSince is the start of the walk minus the margin, on every page of it', async () => {
    const items = fixture();
    const { store } = memoryPoolStore(items);
    let clock = now.getTime();
    const ticking = {
      pool: store,
      now: () => {
        clock += 60_000;
        return new Date(clock);
      },
      reads: { readLimit: 4, maxReads: 1 },
    };
    const first = await poolFeed(ticking, beijingAdmin, query({ limit: '3' }));
    const startedAt = clock;
    let page = first;
    const seen = new Set([first.nextSince]);
    while (page.nextCursor) {
      page = await poolFeed(ticking, beijingAdmin, query({ limit: '3', cursor: page.nextCursor }));
      seen.add(page.nextSince);
    }
    expect([...seen]).toEqual([new Date(startedAt - syncMarginMs).toISOString()]);
  });

  it('a change made behind the cursor during a walk comes with the next sync from nextSince', async () => {
    const items = fixture();
    const { store } = memoryPoolStore(items);
    const d = { pool: store, now: () => now, reads: { readLimit: 4, maxReads: 1 } };
    const first = await poolFeed(d, beijingAdmin, query({ limit: '2', since: day(1) }));
    // The first patent of the walk changes after it was delivered (its updatedAt is written "now").
    const changed = items.find((i) => i.applicationNumber === first.items[0]!.applicationNumber)!;
    changed.updatedAt = new Date(now.getTime() + 1000).toISOString();
    let page = first;
    while (page.nextCursor)
      page = await poolFeed(d, beijingAdmin, query({ limit: '2', since: day(1), cursor: page.nextCursor }));
    const next = await walk(store, beijingAdmin, { since: page.nextSince });
    expect(next.numbers).toContain(changed.applicationNumber);
  });

  it('a cursor is bound to its province and since: reused elsewhere or changed, it is a 400', async () => {
    const { store } = memoryPoolStore(fixture());
    const d = deps(store, { readLimit: 4, maxReads: 1 });
    const first = await poolFeed(d, nationalAdmin, query({ province: '110000', limit: '2' }));
    expect(first.nextCursor).toBeDefined();
    for (const raw of [
      { province: '310000', cursor: first.nextCursor },
      { province: '110000', since: day(3), cursor: first.nextCursor },
      { province: '110000', cursor: 'not-a-cursor' },
      { province: '110000', cursor: `${first.nextCursor}x` },
    ]) {
      await expect(poolFeed(d, nationalAdmin, query(raw))).rejects.toBeInstanceOf(InvalidCursorError);
    }
    const tampered = {
      k: JSON.parse(Buffer.from(first.nextCursor!.split('.')[0]!, 'base64url').toString('utf8')),
    };
    tampered.k.t = 'yesterday';
    const bad = Buffer.from(JSON.stringify(tampered)).toString('base64url');
    await expect(
      poolFeed(d, nationalAdmin, query({ province: '110000', cursor: bad })),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

// ---------------------------------------------------------------------------------------- export

async function readWorkbook(xlsx: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet(poolSheetName)!;
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return { sheet, rows };
}

describe('GET /v1/pool/export.xlsx', () => {
  const exportDeps = (store: PoolStore, limits?: Partial<typeof baseLimits>) => ({
    pool: store,
    now: () => now,
    limits: { ...baseLimits, ...limits },
  });
  const baseLimits = { maxRows: 20_000, maxBytes: 4_400_000, readLimit: 7, maxMs: 60_000 };

  it('Chinese headers, English headers, then one row per conversion-pool patent of the province', async () => {
    const items = fixture();
    const { store } = memoryPoolStore(items);
    const file = await exportPool(exportDeps(store), beijingAdmin, {});
    const { rows } = await readWorkbook(file.xlsx);
    expect(rows[0]).toEqual(exportColumns.map((c) => c.zh));
    expect(rows[1]).toEqual(exportColumns.map((c) => c.en));
    expect(rows[0]).toContain('申请号');
    expect(rows[1]).toContain('application_number');
    const numbers = expected(items, '110000');
    expect(file.rows).toBe(numbers.length);
    expect(rows).toHaveLength(numbers.length + 2);
    expect(rows.slice(2).map((r) => r[0])).toEqual(numbers);
    expect(file.asciiFileName).toBe('conversion-pool-110000-2024-07-01.xlsx');
    expect(file.fileName).toContain('北京市');
  });

  it('values read like the template (发明, 是, 许可), private fields never appear', async () => {
    const item = poolItem(A, 3, {
      evaluationStatus: 'closed',
      evaluationAggregate: {
        count: 4,
        byKind: { enterprise: 3, expert: 1 },
        prospect: { mean: 3.5, distribution: { '3': 2, '4': 2 } },
        cooperationIntents: { none: 0, license: 2, 'joint-rnd': 1 },
        improvementNeeds: { 'pilot-scale-up': 3, 'cost-reduction': 1 },
        reasonCodes: { 'too-early-stage': 1 },
      },
    });
    const { store } = memoryPoolStore([item]);
    const file = await exportPool(exportDeps(store), nationalAdmin, { province: '110000' });
    const { rows } = await readWorkbook(file.xlsx);
    const header = rows[0] as string[];
    const row = rows[2]!;
    const cell = (zh: string) => row[header.indexOf(zh)];
    expect(cell('专利类型')).toBe('发明');
    expect(cell('转化意愿')).toBe('许可；转让');
    expect(cell('技术成熟度')).toBe(item.trl);
    expect(cell('国民经济行业分类')).toMatch(/^3911 /);
    expect(cell('战略性新兴产业分类')).toBe('1.5 人工智能');
    expect(cell('评价数量')).toBe(4);
    expect(cell('产业化前景均分')).toBe(3.5);
    expect(cell('合作意向（评价）')).toBe('许可 2；联合研发 1');
    expect(cell('技术改进需求')).toBe('中试放大 3；降低成本 1');
    expect(cell('市场评价状态')).toBe('已完成 closed');
    // The fee standard is public since issue 15 (item 8): enterprises weigh a patent by its price.
    expect(cell('费用标准')).toBe('面议');
    const text = JSON.stringify(rows);
    for (const secret of ['王老师', '010-62780000', '某某科技有限公司']) expect(text).not.toContain(secret);
  });

  it('text that a spreadsheet could run as a formula is neutralized with an apostrophe', async () => {
    const items = [
      poolItem(A, 1, { title: '=HYPERLINK("http://evil.example","点击")' }),
      poolItem(A, 2, { department: '+cmd|calc', inventors: ['@SUM(1)', '-2+3'] }),
      poolItem(A, 3, { applicationScenarios: '\tHidden' }),
    ];
    const { store } = memoryPoolStore(items);
    const file = await exportPool(exportDeps(store), beijingAdmin, {});
    const { rows, sheet } = await readWorkbook(file.xlsx);
    const header = rows[0] as string[];
    const at = (i: number, zh: string) =>
      rows.find((row) => row[0] === items[i]!.applicationNumber)![header.indexOf(zh)];
    expect(at(0, '专利名称')).toBe('\'=HYPERLINK("http://evil.example","点击")');
    expect(at(1, '所属院系')).toBe("'+cmd|calc");
    // The export holds the public fields: no inventor names (issue 11, defect 9e).
    expect(header).not.toContain('发明人');
    expect(JSON.stringify(rows)).not.toContain('@SUM(1)');
    expect(at(2, '应用场景')).toBe("'\tHidden");
    let formulas = 0;
    sheet.eachRow((row) =>
      row.eachCell((c) => {
        if (c.type === ExcelJS.ValueType.Formula) formulas += 1;
      }),
    );
    expect(formulas).toBe(0);
  });

  it('beyond maxRows: 413 pointing to the feed', async () => {
    const items = Array.from({ length: 12 }, (_, i) => poolItem(B, i + 1));
    const { store } = memoryPoolStore(items);
    const error = await exportPool(exportDeps(store, { maxRows: 11 }), beijingAdmin, {}).catch((e) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.statusCode).toBe(413);
    expect(error.message).toContain('GET /v1/pool?province=110000');
    const file = await exportPool(exportDeps(store, { maxRows: 12 }), beijingAdmin, {});
    expect(file.rows).toBe(12);
  });

  it('beyond maxBytes or maxMs: 413 too', async () => {
    const items = Array.from({ length: 30 }, (_, i) => poolItem(B, i + 1));
    const { store } = memoryPoolStore(items);
    await expect(exportPool(exportDeps(store, { maxBytes: 2000 }), beijingAdmin, {})).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    let clock = now.getTime();
    const slow = {
      pool: store,
      now: () => {
        clock += 10_000;
        return new Date(clock);
      },
      limits: { ...baseLimits, maxMs: 15_000 },
    };
    await expect(exportPool(slow, beijingAdmin, {})).rejects.toThrow(/not read within 15 s/);
  });

  it('the same scope rules as the feed', async () => {
    const { store } = memoryPoolStore(fixture());
    await expect(exportPool(exportDeps(store), beijingAdmin, { province: '310000' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(exportPool(exportDeps(store), nationalAdmin, {})).rejects.toBeInstanceOf(ValidationError);
    await expect(
      exportPool(exportDeps(store), enterpriseUser, { province: '110000' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const empty = await exportPool(exportDeps(memoryPoolStore([]).store), shanghaiAdmin, {});
    expect(empty.rows).toBe(0);
    expect((await readWorkbook(empty.xlsx)).rows).toHaveLength(2);
  });
});

// ------------------------------------------------------------------------------------- tombstones

describe('GET /v1/pool: patents that left the pool come as tombstones', () => {
  const at = '2024-06-20T10:00:00.000Z';
  const items = [
    poolItem(A, 101),
    poolItem(A, 102, {
      poolStatus: 'conversion',
      lifecycle: 'lapsed',
      legalStatus: 'terminated',
      poolRemoval: { reason: 'lapsed', at },
    }),
    poolItem(A, 103, { poolStatus: 'base', poolRemoval: { reason: 'rescreened', at } }),
    poolItem(A, 104, {
      lifecycle: 'licensed',
      exclusiveGrant: { dealId: 'd-1', licenseType: 'exclusive', enterpriseUscc: C, endDate: '2035-12-31' },
    }),
    poolItem(A, 105, { patenteeChange: { dealId: 'd-2', kind: 'assignment' } }),
    // Screened out, then in again: its removal is gone, it is a pool patent.
    poolItem(A, 106, { poolStatus: 'base' }),
  ];

  it('each with its reason and when; the patents still on offer as before; a base-pool patent not at all', async () => {
    const { store } = memoryPoolStore(items);
    const page = await poolFeed(deps(store), beijingAdmin, query());
    const byNumber = new Map(page.items.map((item) => [item.applicationNumber, item]));
    expect(byNumber.get(items[0]!.applicationNumber)).toMatchObject({ title: items[0]!.title });
    expect(byNumber.get(items[0]!.applicationNumber)).not.toHaveProperty('removed');
    expect(byNumber.get(items[1]!.applicationNumber)).toEqual({
      applicationNumber: items[1]!.applicationNumber,
      removed: true,
      removedReason: 'lapsed',
      removedAt: at,
    });
    expect(byNumber.get(items[2]!.applicationNumber)).toMatchObject({ removedReason: 'rescreened' });
    expect(byNumber.get(items[3]!.applicationNumber)).toEqual({
      applicationNumber: items[3]!.applicationNumber,
      removed: true,
      removedReason: 'exclusive-license',
      removedAt: items[3]!.updatedAt,
      until: '2035-12-31',
    });
    expect(byNumber.get(items[4]!.applicationNumber)).toMatchObject({ removedReason: 'assigned' });
    expect(byNumber.has(items[5]!.applicationNumber)).toBe(false);
    // A tombstone carries nothing else of the patent.
    expect(Object.keys(byNumber.get(items[1]!.applicationNumber)!).sort()).toEqual(
      ['applicationNumber', 'removed', 'removedAt', 'removedReason'].sort(),
    );
    expect(poolPageSchema.safeParse(page).success).toBe(true);
  });

  it('the XLSX export lists the patents still on offer only', async () => {
    const { store } = memoryPoolStore(items);
    const limits = { maxRows: 20_000, maxBytes: 4_400_000, readLimit: 7, maxMs: 60_000 };
    const file = await exportPool({ pool: store, now: () => now, limits }, beijingAdmin, {});
    expect(file.rows).toBe(1);
  });
});

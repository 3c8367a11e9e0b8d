import { describe, expect, it } from 'vitest';
import {
  type CoverageCounter,
  type CoverageCounts,
  getCoverage,
  getPatent,
  listPatents,
  matchesPatentFilters,
  type PatentListDeps,
  type PatentPartition,
  type PatentQueryStore,
  type StoredPatent,
} from '../../functions/patents/patent-queries.ts';
import { InvalidCursorError } from '../../functions/shared/cursor.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../functions/shared/errors.ts';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import type { Institution } from '../../schemas/institution.ts';
import { type PatentListQuery, publicPatentFields, publicPatentSchema } from '../../schemas/patent.ts';
import type { Caller } from '../../schemas/roles.ts';
import {
  beijingAdmin,
  enterpriseUser,
  institutionUser,
  miitAdmin,
  moeAdmin,
  nationalAdmin,
  shanghaiAdmin,
} from '../support/callers.ts';

// ------------------------------------------------------------------------------------- fixtures

const A = '12100000400000624D'; // Beijing
const B = '121100004000018521'; // Beijing
const C = '12310000425006117U'; // Shanghai
const provinceOf: Record<string, string> = { [A]: '110000', [B]: '110000', [C]: '310000' };
const expert: Caller = { sub: 'expert-1', roles: ['expert'] };

const privateFields = [
  'inventors',
  'contactName',
  'contactInfo',
  'implementationAmountWan',
  'intendedPartners',
  'createdBy',
  'updatedBy',
  'sourceJobId',
  'writeToken',
  'contentHash',
  'reviewComment',
];

const types = ['invention', 'utility-model', 'design'] as const;
const industryCodes = ['3911', '2710', 'C', '6511', undefined];
const strategic = [
  [{ code: '1.5', name: '人工智能', inferred: true, via: 'G06N3*' }],
  [],
  [
    { code: '4.1', name: '生物医药产业', inferred: false },
    { code: '1.2', name: '电子核心产业', inferred: false },
  ],
];
const intents = [['license'], ['assignment', 'license'], ['none'], ['equity'], []];

/** A patent as the intake and the review write it, with every private field set. */
function patent(uscc: string, i: number): StoredPatent {
  const serial = String(i).padStart(7, '0');
  const typeDigit = String((i % 3) + 1);
  const reviewStatus = (['draft', 'submitted', 'returned', 'approved', 'approved'] as const)[i % 5]!;
  const industryCode = industryCodes[i % 5];
  const trl = i % 4 === 0 ? undefined : (i % 9) + 1;
  return {
    applicationNumber: withApplicationCheck(`${2015 + (i % 6)}${typeDigit}${serial}`),
    title: `专利 ${uscc.slice(-4)}-${i}`,
    patentType: types[i % 3]!,
    applicationDate: `${2015 + (i % 6)}-03-01`,
    grantDate: `${2017 + (i % 6)}-05-20`,
    legalStatus: 'valid',
    inventors: ['张三'],
    department: '计算机系',
    publiclyFunded: i % 2 === 0,
    implementationStatus: 'not-implemented',
    implementationAmountWan: 12.5,
    conversionIntents: [...intents[i % 5]!] as StoredPatent['conversionIntents'],
    feeStandard: '面议',
    ...(trl === undefined ? {} : { trl }),
    ...(industryCode === undefined ? {} : { industryCode }),
    strategicIndustries: strategic[i % 3]!,
    classifications: ['G06T 5/00'],
    intendedPartners: '某科技公司',
    contactName: '李老师',
    contactInfo: '010-12345678',
    incrementalStock: false,
    institutionUscc: uscc,
    provinceCode: provinceOf[uscc]!,
    poolStatus: reviewStatus === 'approved' && i % 2 === 0 ? 'conversion' : 'base',
    reviewStatus,
    ...(reviewStatus === 'returned' ? { reviewComment: '请补充应用场景' } : {}),
    contentHash: `hash-${i}`,
    version: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    createdBy: 'inst-user',
    updatedAt: '2026-11-02T00:00:00.000Z',
    updatedBy: 'inst-user',
    sourceJobId: 'job-1',
    writeToken: 'token-1',
  };
}

const fixture: StoredPatent[] = [
  ...Array.from({ length: 23 }, (_, i) => patent(A, i)),
  ...Array.from({ length: 17 }, (_, i) => patent(B, i + 100)),
  ...Array.from({ length: 19 }, (_, i) => patent(C, i + 200)),
];

const institutions: Record<string, Institution> = Object.fromEntries(
  [A, B, C].map((uscc) => [
    uscc,
    {
      uscc,
      name: uscc,
      provinceCode: provinceOf[uscc]!,
      provinceName: '',
      kind: 'university',
      usccChecksumValid: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'x',
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
      // A (Beijing) and C (Shanghai) are 教育部直属; B was registered before supervision existed.
      ...(uscc === B
        ? {}
        : {
            supervision: {
              department: 'moe-direct' as const,
              departmentName: '教育部直属',
              ministry: '教育部' as const,
            },
          }),
    },
  ]),
);
const institutionLookup = {
  get: async (uscc: string) => institutions[uscc],
  listByProvince: async (code: string) => ({
    items: Object.values(institutions).filter((i) => i.provinceCode === code),
  }),
  listByMinistry: async (ministry: string, _page: unknown, filter?: { provinceCode?: string }) => ({
    items: Object.values(institutions)
      .filter((i) => i.supervision?.ministry === ministry)
      .filter((i) => !filter?.provinceCode || i.provinceCode === filter.provinceCode)
      .sort((a, b) => a.uscc.localeCompare(b.uscc)),
  }),
};

/**
 * The port as DynamoDB behaves: index order, `readLimit` items read before the filter, and a last key
 * whenever the read stopped at the limit (even at the very end of the partition).
 */
function memoryPatents(items: StoredPatent[]): PatentQueryStore & { reads: number } {
  const sortKey = (partition: PatentPartition, p: StoredPatent) =>
    partition.index === 'institution' ? p.applicationNumber : `${p.institutionUscc}#${p.applicationNumber}`;
  const store = {
    reads: 0,
    async get(applicationNumber: string) {
      const found = items.find((p) => p.applicationNumber === applicationNumber);
      return found ? { ...found } : undefined;
    },
    async readPage(
      partition: PatentPartition,
      filters: Parameters<PatentQueryStore['readPage']>[1],
      startKey: Record<string, unknown> | undefined,
      readLimit: number,
    ) {
      store.reads += 1;
      const rows = items
        .filter((p) =>
          partition.index === 'institution'
            ? p.institutionUscc === partition.uscc
            : p.provinceCode === partition.provinceCode,
        )
        .sort((a, b) => (sortKey(partition, a) < sortKey(partition, b) ? -1 : 1));
      const after = startKey?.at as string | undefined;
      const from = after === undefined ? 0 : rows.findIndex((p) => sortKey(partition, p) > after);
      const read = from < 0 ? [] : rows.slice(from, from + readLimit);
      const last = read.at(-1);
      return {
        items: read
          .filter((p) => matchesPatentFilters(p, filters))
          .map((p) => ({ patent: { ...p }, key: { at: sortKey(partition, p) } })),
        ...(read.length === readLimit && last ? { lastKey: { at: sortKey(partition, last) } } : {}),
      };
    },
  };
  return store;
}

const deps = (reads?: PatentListDeps['reads']): PatentListDeps & { patents: { reads: number } } => ({
  patents: memoryPatents(fixture),
  institutions: institutionLookup,
  ...(reads ? { reads } : {}),
});
const query = (q: Partial<PatentListQuery> = {}): PatentListQuery => ({ limit: 25, ...q });

/** Follows nextCursor to the end; checks every page respects the limit. */
async function collect(d: PatentListDeps, caller: Caller, q: Partial<PatentListQuery> = {}) {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listPatents(d, caller, query({ ...q, cursor }));
    expect(page.items.length).toBeLessThanOrEqual(query(q).limit);
    items.push(...(page.items as Array<Record<string, unknown>>));
    cursor = page.nextCursor;
    pages += 1;
    if (pages > 500) throw new Error('pagination does not end');
  } while (cursor);
  return { items, pages };
}

const numbers = (items: Array<Record<string, unknown>>) => items.map((p) => p.applicationNumber);
/** The order of the province walk: province, institution, application number. */
const inOrder = (items: StoredPatent[]) =>
  [...items].sort((a, b) => {
    const ka = `${a.provinceCode}#${a.institutionUscc}#${a.applicationNumber}`;
    const kb = `${b.provinceCode}#${b.institutionUscc}#${b.applicationNumber}`;
    return ka < kb ? -1 : 1;
  });

// ---------------------------------------------------------------------------------------- scope

describe('listPatents: who sees what', () => {
  it('an institution user sees its own patents only, sorted by application number, in full', async () => {
    const { items } = await collect(deps(), institutionUser(A), { limit: 10 });
    const own = fixture.filter((p) => p.institutionUscc === A);
    expect(numbers(items)).toEqual(own.map((p) => p.applicationNumber).sort());
    expect(items[0]).toMatchObject({ contactName: '李老师', feeStandard: '面议', createdBy: 'inst-user' });
    expect(items[0]).not.toHaveProperty('writeToken');
  });

  it('an institution user naming another institution is refused (403), one naming its own is fine', async () => {
    await expect(listPatents(deps(), institutionUser(A), query({ institution: B }))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(listPatents(deps(), institutionUser(A), query({ institution: A }))).resolves.toMatchObject({
      items: expect.any(Array),
    });
    await expect(listPatents(deps(), { sub: 'x', roles: ['institution'] }, query())).rejects.toThrow(
      /custom:uscc/,
    );
  });

  it('a province admin sees its province, by institution then number; other provinces and their institutions are refused', async () => {
    const { items } = await collect(deps(), beijingAdmin, { limit: 7 });
    expect(numbers(items)).toEqual(numbers(inOrder(fixture.filter((p) => p.provinceCode === '110000'))));
    await expect(listPatents(deps(), beijingAdmin, query({ province: '310000' }))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(listPatents(deps(), beijingAdmin, query({ institution: C }))).rejects.toThrow(
      /No institution 12310000425006117U is registered in your province 110000/,
    );
    await expect(
      listPatents(deps(), beijingAdmin, query({ institution: '91110000802100433B' })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const { items: onlyB } = await collect(deps(), beijingAdmin, { institution: B });
    expect(new Set(onlyB.map((p) => p.institutionUscc))).toEqual(new Set([B]));
    expect(onlyB).toHaveLength(17);
  });

  it('a national admin without province or institution walks every province in code order', async () => {
    const { items } = await collect(deps(), nationalAdmin, { limit: 9 });
    expect(numbers(items)).toEqual(numbers(inOrder(fixture)));
    const { items: shanghai } = await collect(deps(), nationalAdmin, { province: '310000' });
    expect(shanghai).toHaveLength(19);
    const { items: b } = await collect(deps(), nationalAdmin, { institution: B });
    expect(b).toHaveLength(17);
    // institution and province together: the institution's patents, if it is in that province
    expect((await collect(deps(), nationalAdmin, { institution: B, province: '310000' })).items).toEqual([]);
  });

  it.each([
    ['enterprise', enterpriseUser],
    ['expert', expert],
  ])('an %s sees conversion-pool patents only, and only public fields', async (_, caller) => {
    const { items } = await collect(deps(), caller, { limit: 4 });
    const pool = inOrder(fixture.filter((p) => p.poolStatus === 'conversion'));
    expect(pool.length).toBeGreaterThan(3);
    expect(numbers(items)).toEqual(numbers(pool));
    for (const item of items) {
      for (const field of Object.keys(item)) expect(publicPatentFields).toContain(field);
      for (const field of privateFields) expect(item).not.toHaveProperty(field);
    }
    expect(items[0]).toMatchObject({ title: expect.any(String), poolStatus: 'conversion' });
  });

  it('enterprises asking for the base pool are refused; asking for the conversion pool is the same list', async () => {
    await expect(listPatents(deps(), enterpriseUser, query({ poolStatus: 'base' }))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const all = await collect(deps(), enterpriseUser);
    const explicit = await collect(deps(), enterpriseUser, { poolStatus: 'conversion' });
    expect(numbers(explicit.items)).toEqual(numbers(all.items));
    const inA = await collect(deps(), enterpriseUser, { institution: A });
    expect(numbers(inA.items)).toEqual(
      numbers(inOrder(fixture.filter((p) => p.institutionUscc === A && p.poolStatus === 'conversion'))),
    );
  });
});

// -------------------------------------------------------------------------------------- filters

describe('listPatents filters', () => {
  const list = async (q: Partial<PatentListQuery>) =>
    numbers((await collect(deps(), nationalAdmin, { limit: 100, ...q })).items);
  const expected = (keep: (p: StoredPatent) => boolean) => numbers(inOrder(fixture.filter(keep)));

  it('status, type, TRL range, intent and granted year', async () => {
    expect(await list({ reviewStatus: 'returned' })).toEqual(expected((p) => p.reviewStatus === 'returned'));
    expect(await list({ poolStatus: 'conversion' })).toEqual(expected((p) => p.poolStatus === 'conversion'));
    expect(await list({ patentType: 'design' })).toEqual(expected((p) => p.patentType === 'design'));
    expect(await list({ trlMin: 4, trlMax: 6 })).toEqual(
      expected((p) => p.trl !== undefined && p.trl >= 4 && p.trl <= 6),
    );
    expect(await list({ trlMin: 8 })).toEqual(expected((p) => p.trl !== undefined && p.trl >= 8));
    expect(await list({ intent: 'license' })).toEqual(
      expected((p) => p.conversionIntents.includes('license')),
    );
    expect(await list({ grantedYear: 2019 })).toEqual(expected((p) => p.grantDate?.slice(0, 4) === '2019'));
    expect(await list({ patentType: 'invention', reviewStatus: 'approved', province: '110000' })).toEqual(
      expected(
        (p) => p.patentType === 'invention' && p.reviewStatus === 'approved' && p.provinceCode === '110000',
      ),
    );
  });

  it('industry is a GB/T 4754 prefix; a section letter covers its divisions', async () => {
    expect(await list({ industry: '39' })).toEqual(expected((p) => p.industryCode === '3911'));
    expect(await list({ industry: '3911' })).toEqual(expected((p) => p.industryCode === '3911'));
    expect(await list({ industry: 'C' })).toEqual(
      expected((p) => ['3911', '2710', 'C'].includes(p.industryCode ?? '')),
    );
    expect(await list({ industry: 'I' })).toEqual(expected((p) => p.industryCode === '6511'));
    await expect(listPatents(deps(), nationalAdmin, query({ industry: '99' }))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('strategic industry 1 covers 1.x; 1.5 only itself', async () => {
    const has = (p: StoredPatent, codes: string[]) =>
      p.strategicIndustries.some((s) => codes.includes(s.code));
    expect(await list({ strategicIndustry: '1' })).toEqual(expected((p) => has(p, ['1.2', '1.5'])));
    expect(await list({ strategicIndustry: '1.5' })).toEqual(expected((p) => has(p, ['1.5'])));
    expect(await list({ strategicIndustry: '4' })).toEqual(expected((p) => has(p, ['4.1'])));
    expect(await list({ strategicIndustry: '1.1' })).toEqual([]);
    await expect(
      listPatents(deps(), nationalAdmin, query({ strategicIndustry: '9.9' })),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('trlMin above trlMax is a 400 naming the fix', async () => {
    await expect(listPatents(deps(), nationalAdmin, query({ trlMin: 7, trlMax: 3 }))).rejects.toThrow(
      /swap them/,
    );
  });
});

// ----------------------------------------------------------------------------------- pagination

describe('listPatents pagination', () => {
  it.each([
    [1, { intent: 'equity' as const }],
    [2, { reviewStatus: 'approved' as const, patentType: 'invention' as const }],
    [3, { strategicIndustry: '1' }],
    [5, {}],
    [7, { trlMin: 9 }],
  ])(
    'limit %i with filters %j: never skips or repeats, across provinces and read budgets',
    async (limit, filters) => {
      const want = numbers(
        inOrder(
          fixture.filter((p) =>
            matchesPatentFilters(p, filters as Parameters<typeof matchesPatentFilters>[1]),
          ),
        ),
      );
      for (const reads of [
        { readLimit: 3, maxReads: 2 },
        { readLimit: 4, maxReads: 1 },
        { readLimit: 200, maxReads: 10 },
      ]) {
        const d = deps(reads);
        const { items } = await collect(d, nationalAdmin, { limit, ...filters });
        expect(numbers(items), JSON.stringify(reads)).toEqual(want);
        expect(new Set(numbers(items)).size).toBe(items.length);
      }
    },
  );

  it('a page cut inside a read continues right after its last item', async () => {
    const d = deps({ readLimit: 50, maxReads: 10 });
    const first = await listPatents(d, institutionUser(A), query({ limit: 4 }));
    const second = await listPatents(d, institutionUser(A), query({ limit: 4, cursor: first.nextCursor }));
    const own = fixture
      .filter((p) => p.institutionUscc === A)
      .map((p) => p.applicationNumber)
      .sort();
    expect(numbers([...first.items, ...second.items] as Array<Record<string, unknown>>)).toEqual(
      own.slice(0, 8),
    );
  });

  it('reads at most maxReads pages per request; when nothing matches, the cursor still moves on', async () => {
    const d = deps({ readLimit: 2, maxReads: 3 });
    const page = await listPatents(d, nationalAdmin, query({ grantedYear: 1999 }));
    expect(page.items).toEqual([]);
    expect(page.nextCursor).toBeDefined();
    expect(d.patents.reads).toBe(3);
    const { items, pages } = await collect(d, nationalAdmin, { grantedYear: 1999 });
    expect(items).toEqual([]);
    expect(pages).toBeLessThan(100);
  });

  it('the last page has no cursor; default limit 25', async () => {
    const page = await listPatents(deps(), institutionUser(A), query());
    expect(page.items).toHaveLength(23);
    expect(page.nextCursor).toBeUndefined();
  });

  it('a cursor is bound to its listing and filters: reused elsewhere or changed, it is a 400', async () => {
    const first = await listPatents(deps(), nationalAdmin, query({ limit: 2, patentType: 'design' }));
    expect(first.nextCursor).toBeDefined();
    await expect(
      listPatents(
        deps(),
        nationalAdmin,
        query({ limit: 2, patentType: 'invention', cursor: first.nextCursor }),
      ),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      listPatents(deps(), beijingAdmin, query({ limit: 2, patentType: 'design', cursor: first.nextCursor })),
    ).rejects.toThrow(/request the first page again/);
    await expect(
      listPatents(deps(), nationalAdmin, query({ cursor: 'not-a-cursor' })),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    // the same listing with another page size is fine
    await expect(
      listPatents(deps(), nationalAdmin, query({ limit: 5, patentType: 'design', cursor: first.nextCursor })),
    ).resolves.toMatchObject({ items: expect.any(Array) });
  });
});

// ------------------------------------------------------------------------------------ one patent

describe('getPatent', () => {
  const ofA = fixture.find((p) => p.institutionUscc === A && p.poolStatus === 'base')!;
  const pooled = fixture.find((p) => p.institutionUscc === C && p.poolStatus === 'conversion')!;
  const store = { patents: memoryPatents(fixture) };

  it('accepts ZL / CN prefixes, spaces and full-width characters', async () => {
    const n = ofA.applicationNumber;
    for (const form of [n, `ZL${n}`, `CN ${n}`, `ＺＬ${n.replace('.', '．')}`, n.replace('.', '')]) {
      await expect(getPatent(store, nationalAdmin, form)).resolves.toMatchObject({ applicationNumber: n });
    }
    await expect(getPatent(store, nationalAdmin, 'abc')).rejects.toBeInstanceOf(ValidationError);
    await expect(
      getPatent(store, nationalAdmin, withApplicationCheck('202099999999')),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('outside the scope it is 404, never 403', async () => {
    await expect(getPatent(store, institutionUser(B), ofA.applicationNumber)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getPatent(store, shanghaiAdmin, ofA.applicationNumber)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getPatent(store, enterpriseUser, ofA.applicationNumber)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getPatent(store, expert, ofA.applicationNumber)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('the owner and the admins of its scope get the full view (never the write token)', async () => {
    for (const caller of [institutionUser(A), beijingAdmin, nationalAdmin]) {
      const view = await getPatent(store, caller, ofA.applicationNumber);
      expect(view).toMatchObject({
        contactName: '李老师',
        implementationAmountWan: 12.5,
        sourceJobId: 'job-1',
      });
      expect(view).not.toHaveProperty('writeToken');
    }
  });

  it('a co-owner, by its registered name, reads the public view of a patent in any pool; others still 404', async () => {
    // B is registered under the name "<B>" (the fixture's names are the codes); full-width and spaces aside.
    const links = new Set([`${B.toLowerCase()}#${ofA.applicationNumber}`]);
    const coOwners = {
      institutions: institutionLookup,
      coOwnership: {
        has: async (nameKey: string, n: string) => links.has(`${nameKey}#${n}`),
        list: async () => ({ items: [] }),
      },
    };
    const view = (await getPatent(
      { ...store, institutions: institutionLookup, coOwners },
      institutionUser(B),
      ofA.applicationNumber,
    )) as Record<string, unknown>;
    expect(view).toMatchObject({ applicationNumber: ofA.applicationNumber, poolStatus: 'base' });
    for (const field of privateFields) expect(view).not.toHaveProperty(field);
    for (const field of Object.keys(view)) expect(publicPatentFields).toContain(field);
    await expect(
      getPatent(
        { ...store, institutions: institutionLookup, coOwners },
        institutionUser(C),
        ofA.applicationNumber,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('enterprises and experts get the public view of a conversion-pool patent', async () => {
    for (const caller of [enterpriseUser, expert]) {
      const view = (await getPatent(store, caller, pooled.applicationNumber)) as Record<string, unknown>;
      expect(view).toMatchObject({ applicationNumber: pooled.applicationNumber, poolStatus: 'conversion' });
      for (const field of privateFields) expect(view).not.toHaveProperty(field);
      for (const field of Object.keys(view)) expect(publicPatentFields).toContain(field);
    }
  });
});

// ------------------------------------------------------------- what an enterprise sees (issue 15, 8)

describe('the public view: institution, fee standard, open license, inventors only when published', () => {
  const pooled = fixture.find((p) => p.institutionUscc === C && p.poolStatus === 'conversion')!;
  const openLicense = {
    status: 'active' as const,
    applicationNumber: pooled.applicationNumber,
    patenteeUscc: C,
    patenteeName: '上海某大学',
    feeStandard: { type: 'lump-sum' as const, amountFen: 5_000_000 },
    paymentMethod: '许可生效后 30 日内一次性支付',
    startDate: '2026-01-01',
    endDate: '2028-12-31',
    declaredAt: '2026-01-01T00:00:00.000Z',
    declaredBy: '上海某大学（机构管理员 / institution administrator）',
  };
  const named = (publishInventors?: boolean) => ({
    ...institutionLookup,
    get: async (uscc: string) => {
      const institution = institutions[uscc];
      return institution && { ...institution, name: `机构 ${uscc.slice(-4)}`, publishInventors };
    },
  });
  const stored = (extra: Record<string, unknown>) => ({
    get: async (n: string) =>
      n === pooled.applicationNumber ? ({ ...pooled, ...extra } as StoredPatent) : undefined,
    readPage: async () => ({ items: [] }),
  });

  it("an enterprise sees the institution's name, the fee standard and the abstract; inventors hidden by default", async () => {
    const patents = stored({ abstract: '一种锂电池隔膜涂层' });
    const view = (await getPatent(
      { patents, institutions: named() },
      enterpriseUser,
      pooled.applicationNumber,
    )) as Record<string, unknown>;
    expect(view).toMatchObject({
      institutionName: `机构 ${C.slice(-4)}`,
      feeStandard: '面议',
      abstract: '一种锂电池隔膜涂层',
    });
    for (const field of privateFields) expect(view).not.toHaveProperty(field);
    expect(publicPatentSchema.strict().parse(view)).toEqual(view);
  });

  it('inventors appear when the institution publishes them', async () => {
    const view = await getPatent(
      { patents: stored({}), institutions: named(true) },
      expert,
      pooled.applicationNumber,
    );
    expect(view).toMatchObject({ inventors: ['张三'] });
    const hidden = await getPatent(
      { patents: stored({}), institutions: named(false) },
      expert,
      pooled.applicationNumber,
    );
    expect(hidden).not.toHaveProperty('inventors');
  });

  it('the open license while active (terms and fee), never once withdrawn', async () => {
    const active = await getPatent(
      { patents: stored({ openLicense, openLicenseHash: 'h' }), institutions: named() },
      enterpriseUser,
      pooled.applicationNumber,
    );
    expect(active).toMatchObject({
      openLicense: { feeStandard: { amountFen: 5_000_000 }, endDate: '2028-12-31' },
    });
    expect(active).not.toHaveProperty('openLicenseHash');
    const withdrawn = await getPatent(
      { patents: stored({ openLicense: { ...openLicense, status: 'withdrawn' } }), institutions: named() },
      enterpriseUser,
      pooled.applicationNumber,
    );
    expect(withdrawn).not.toHaveProperty('openLicense');
  });

  it('a listing names each institution with one read per institution, never their private fields', async () => {
    let reads = 0;
    const lookup = named(false);
    const counted = {
      ...lookup,
      get: async (uscc: string) => {
        reads += 1;
        return lookup.get(uscc);
      },
    };
    const { items } = await listPatents(
      { patents: memoryPatents(fixture), institutions: counted },
      enterpriseUser,
      query({ limit: 20 }),
    );
    expect(items.length).toBeGreaterThan(3);
    for (const item of items) {
      const patent = item as Record<string, unknown>;
      expect(patent.institutionName).toBe(`机构 ${String(patent.institutionUscc).slice(-4)}`);
      expect(patent.feeStandard).toBe('面议');
      for (const field of privateFields) expect(patent).not.toHaveProperty(field);
    }
    expect(reads).toBe(new Set(items.map((i) => i.institutionUscc)).size);
  });
});

// -------------------------------------------------------------------------------------- coverage

describe('getCoverage', () => {
  const count = (items: StoredPatent[]): CoverageCounts => ({
    total: items.length,
    inventoried: items.filter((p) => p.reviewStatus === 'approved').length,
    inConversionPool: items.filter((p) => p.poolStatus === 'conversion').length,
  });
  const groupBy = (items: StoredPatent[], key: (p: StoredPatent) => string) => {
    const groups: Record<string, StoredPatent[]> = {};
    for (const p of items) groups[key(p)] = [...(groups[key(p)] ?? []), p];
    return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, count(v)]));
  };
  const counter = (items: StoredPatent[]): CoverageCounter => ({
    institution: async (uscc) => count(items.filter((p) => p.institutionUscc === uscc)),
    province: async (code) => {
      const inProvince = items.filter((p) => p.provinceCode === code);
      return { ...count(inProvince), byInstitution: groupBy(inProvince, (p) => p.institutionUscc) };
    },
    national: async () => ({
      ...count(items),
      byProvince: groupBy(items, (p) => p.provinceCode),
      byInstitution: groupBy(items, (p) => p.institutionUscc),
    }),
  });
  const at = (iso: string) => () => new Date(iso);
  const coverageDeps = (now = at('2024-08-01T00:00:00Z'), items = fixture) => ({
    counter: counter(items),
    institutions: institutionLookup,
    now,
  });

  it('counts total, inventoried (approved) and the conversion pool for the caller’s own institution', async () => {
    const result = await getCoverage(coverageDeps(), institutionUser(A), {});
    const own = fixture.filter((p) => p.institutionUscc === A);
    const inventoried = own.filter((p) => p.reviewStatus === 'approved').length;
    expect(result).toMatchObject({
      scope: 'institution',
      institutionUscc: A,
      total: 23,
      inventoried,
      inConversionPool: own.filter((p) => p.poolStatus === 'conversion').length,
      coverage: Math.round((inventoried / 23) * 10_000) / 10_000,
      asOf: '2024-08-01',
    });
  });

  it('deadline flags: passed by the China date, met by today’s coverage (integers, so 3 of 10 meets 30%)', async () => {
    const ten = (approved: number) =>
      Array.from({ length: 10 }, (_, i) => ({
        ...patent(A, i),
        reviewStatus: i < approved ? ('approved' as const) : ('draft' as const),
      }));
    const flags = async (now: string, approved: number) =>
      (await getCoverage(coverageDeps(at(now), ten(approved)), institutionUser(A), {})).deadlines.map((d) => [
        d.date,
        d.target,
        d.passed,
        d.met,
      ]);
    expect(await flags('2024-03-01T00:00:00Z', 3)).toEqual([
      ['2024-06-30', 0.3, false, true],
      ['2024-12-31', 1, false, false],
    ]);
    expect(await flags('2024-06-30T15:59:00Z', 2)).toEqual([
      ['2024-06-30', 0.3, false, false],
      ['2024-12-31', 1, false, false],
    ]);
    // 16:30 UTC is already 1 July in China
    expect(await flags('2024-06-30T16:30:00Z', 2)).toEqual([
      ['2024-06-30', 0.3, true, false],
      ['2024-12-31', 1, false, false],
    ]);
    expect(await flags('2026-11-25T08:00:00Z', 10)).toEqual([
      ['2024-06-30', 0.3, true, true],
      ['2024-12-31', 1, true, true],
    ]);
    const empty = await getCoverage(coverageDeps(at('2025-01-01T00:00:00Z'), []), institutionUser(A), {});
    expect(empty).toMatchObject({ total: 0, coverage: 0 });
    expect(empty.deadlines.map((d) => d.met)).toEqual([false, false]);
  });

  it('a province admin gets its province with each institution; elsewhere is refused', async () => {
    const result = await getCoverage(coverageDeps(), beijingAdmin, {});
    expect(result).toMatchObject({ scope: 'province', provinceCode: '110000', total: 40 });
    expect(result.byInstitution?.map((part) => [part.code, part.total])).toEqual([
      [A, 23],
      [B, 17],
    ]);
    // B has no supervising department (registered before it existed): reported under "unassigned".
    expect(result.bySupervision?.map((part) => [part.code, part.total])).toEqual([
      ['unassigned', 17],
      ['教育部', 23],
    ]);
    await expect(
      getCoverage(coverageDeps(), beijingAdmin, { scope: 'institution', institution: B }),
    ).resolves.toMatchObject({ scope: 'institution', institutionUscc: B, total: 17 });
    await expect(getCoverage(coverageDeps(), beijingAdmin, { scope: 'institution' })).rejects.toThrow(
      /&institution=/,
    );
    await expect(
      getCoverage(coverageDeps(), beijingAdmin, { scope: 'institution', institution: C }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getCoverage(coverageDeps(), beijingAdmin, { province: '310000' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(getCoverage(coverageDeps(), beijingAdmin, { scope: 'national' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('an institution user gets its own institution only', async () => {
    await expect(getCoverage(coverageDeps(), institutionUser(A), { institution: B })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      getCoverage(coverageDeps(), institutionUser(A), { scope: 'province' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getCoverage(coverageDeps(), enterpriseUser, {})).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('a national admin gets the nation with each province, or names a province or an institution', async () => {
    const national = await getCoverage(coverageDeps(), nationalAdmin, {});
    expect(national).toMatchObject({ scope: 'national', total: fixture.length });
    expect(national.byProvince?.map((part) => [part.code, part.total])).toEqual([
      ['110000', 40],
      ['310000', 19],
    ]);
    // A and C are 教育部直属 (two provinces), B has no department: "unassigned".
    expect(national.bySupervision?.map((part) => [part.code, part.total])).toEqual([
      ['unassigned', 17],
      ['教育部', 23 + 19],
    ]);
    await expect(getCoverage(coverageDeps(), nationalAdmin, { scope: 'province' })).rejects.toThrow(
      /&province=110000/,
    );
    await expect(
      getCoverage(coverageDeps(), nationalAdmin, { scope: 'province', province: '310000' }),
    ).resolves.toMatchObject({ scope: 'province', total: 19 });
    await expect(
      getCoverage(coverageDeps(), nationalAdmin, { scope: 'institution', institution: C }),
    ).resolves.toMatchObject({ scope: 'institution', total: 19 });
  });
});

// ------------------------------------------------------------------------------- ministry admins

describe('ministry admins (issue 14): the institutions their ministry supervises, in every province', () => {
  const ofA = fixture.find((p) => p.institutionUscc === A)!;
  const ofB = fixture.find((p) => p.institutionUscc === B)!;
  const ofC = fixture.find((p) => p.institutionUscc === C)!;

  it('lists the patents of its institutions across provinces, full view, and nothing of the others', async () => {
    const { items: all } = await collect(deps(), moeAdmin);
    expect(all).toHaveLength(23 + 19);
    expect(new Set(all.map((p) => p.institutionUscc))).toEqual(new Set([A, C]));
    expect(all[0]).toHaveProperty('inventors');
    expect((await collect(deps(), moeAdmin, { province: '310000' })).items).toHaveLength(19);
    expect((await collect(deps(), moeAdmin, { institution: C })).items).toHaveLength(19);
    await expect(listPatents(deps(), moeAdmin, query({ institution: B }))).rejects.toThrow(
      /No institution .* is supervised by 教育部/,
    );
    expect((await collect(deps(), miitAdmin)).items).toEqual([]);
  });

  it("reads one patent of its institutions; another ministry's (or an unassigned institution's) is 404", async () => {
    const d = { patents: memoryPatents(fixture), institutions: institutionLookup };
    await expect(getPatent(d, moeAdmin, ofC.applicationNumber)).resolves.toHaveProperty('inventors');
    await expect(getPatent(d, moeAdmin, ofB.applicationNumber)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getPatent(d, miitAdmin, ofA.applicationNumber)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('coverage per ministry, by institution and province; province scope is not theirs', async () => {
    const d = {
      counter: {
        institution: async (uscc: string) => ({
          total: fixture.filter((p) => p.institutionUscc === uscc).length,
          inventoried: 0,
          inConversionPool: 0,
        }),
        province: async () => ({ total: 0, inventoried: 0, inConversionPool: 0, byInstitution: {} }),
        national: async () => ({ total: 0, inventoried: 0, inConversionPool: 0, byProvince: {} }),
      },
      institutions: institutionLookup,
      now: () => new Date('2024-08-01T00:00:00Z'),
    };
    const result = await getCoverage(d, moeAdmin, {});
    expect(result).toMatchObject({ scope: 'ministry', ministry: '教育部', total: 42 });
    expect(result.byProvince?.map((p) => [p.code, p.total])).toEqual([
      ['110000', 23],
      ['310000', 19],
    ]);
    expect(result.byInstitution?.map((p) => p.code)).toEqual([A, C].sort());
    await expect(getCoverage(d, moeAdmin, { scope: 'province' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getCoverage(d, moeAdmin, { scope: 'institution', institution: B })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(getCoverage(d, moeAdmin, { ministry: '工业和信息化部' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      getCoverage(d, nationalAdmin, { scope: 'ministry', ministry: '教育部' }),
    ).resolves.toMatchObject({
      total: 42,
    });
    await expect(
      getCoverage(d, nationalAdmin, { scope: 'ministry', ministry: '外交部' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(getCoverage(d, beijingAdmin, { scope: 'ministry' })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

/**
 * Full-text search: the embedded engine (analysis, BM25F ranking, filters, highlights, reasons,
 * updates) and the use-case behind GET /v1/search/patents (scope, views, bad input), without AWS.
 */
import { describe, expect, it } from 'vitest';
import { analyze, normalizeText } from '../../functions/search/analyzer.ts';
import { EmbeddedPatentIndex } from '../../functions/search/embedded-index.ts';
import type { IndexedPatent, PatentSearchRequest } from '../../functions/search/ports.ts';
import { searchPatents } from '../../functions/search/search.ts';
import { searchDeps } from '../../functions/search/search-deps.ts';
import { explainingTerms } from '../../functions/search/text.ts';
import { NotConfiguredError, ValidationError } from '../../functions/shared/errors.ts';
import { type PatentSearchQuery, patentSearchQuerySchema } from '../../schemas/search.ts';
import { enterpriseUser, institutionUser, nationalAdmin } from '../support/callers.ts';

const A = '12100000400000624D';
const B = '121100004000018521';

let serial = 0;
function patent(fields: Partial<IndexedPatent> & { title: string }): IndexedPatent {
  serial += 1;
  return {
    applicationNumber: `2020101${String(serial).padStart(5, '0')}.X`,
    patentType: 'invention',
    applicationDate: '2020-03-05',
    grantDate: '2022-06-07',
    department: '材料学院',
    implementationStatus: 'not-implemented',
    conversionIntents: ['license'],
    reviewStatus: 'approved',
    publiclyFunded: false,
    incrementalStock: false,
    createdAt: '2024-05-01T08:00:00.000Z',
    createdBy: '12100000400000624D（高校/科研机构 institution）',
    updatedAt: '2024-05-01T08:00:00.000Z',
    updatedBy: '12100000400000624D（高校/科研机构 institution）',
    poolStatus: 'conversion',
    legalStatus: 'valid',
    lifecycle: 'conversion-pool',
    institutionUscc: A,
    provinceCode: '110000',
    classifications: ['H01M 50/409'],
    strategicIndustries: [],
    inventors: ['张三'],
    contactInfo: '010-62780000',
    feeStandard: '许可费 30 万元',
    version: 1,
    ...fields,
  };
}

const separator = patent({
  title: '一种锂离子电池隔膜及其制备方法',
  abstract: '本发明公开了一种锂离子电池隔膜，陶瓷涂层抑制高温收缩，避免电池短路。',
  industryCode: '3841',
  strategicIndustries: [{ code: '6.1', name: '新能源汽车装置、配件制造', inferred: false }],
  trl: 6,
  tier: 'high-value',
});
const bms = patent({
  title: '一种动力电池的电池管理系统',
  abstract: '估计荷电状态并均衡单体电压。',
  industryCode: '3841',
  classifications: ['H01M 10/42'],
  trl: 4,
});
const coating = patent({
  title: '一种耐高温陶瓷涂层',
  abstract: '用于锂离子电池隔膜表面的涂覆，提高隔膜的耐热性。',
  industryCode: '3072',
  classifications: ['C04B 41/87'],
  provinceCode: '310000',
  institutionUscc: B,
  trl: 7,
});
const drug = patent({
  title: '一种肝癌靶向药物及其制备方法',
  abstract: '抗肿瘤小分子化合物。',
  industryCode: '2720',
  classifications: ['A61K 31/00'],
  strategicIndustries: [{ code: '4.1', name: '生物医药产业', inferred: false }],
});
const basePool = patent({ title: '一种锂电池隔膜的检测方法', poolStatus: 'base' });
const assigned = patent({ title: '一种锂电池隔膜切割设备', lifecycle: 'assigned' });

function indexOf(...patents: IndexedPatent[]) {
  const index = new EmbeddedPatentIndex();
  for (const p of patents) index.upsert(p);
  return index;
}
const all = () => indexOf(separator, bms, coating, drug, basePool, assigned);

const request = (text: string, more: Partial<PatentSearchRequest> = {}): PatentSearchRequest => ({
  text,
  filters: {},
  scope: { kind: 'available' },
  limit: 10,
  offset: 0,
  ...more,
});
const numbers = (answer: { hits: Array<{ patent: IndexedPatent }> }) =>
  answer.hits.map((hit) => hit.patent.applicationNumber);
const query = (q: string, more: Record<string, unknown> = {}): PatentSearchQuery =>
  patentSearchQuerySchema.parse({ q, ...more });

describe('the analyzer', () => {
  it('segments Chinese with the domain dictionary and drops boilerplate', () => {
    expect(analyze('一种锂离子电池隔膜及其制备方法')).toEqual(
      expect.arrayContaining(['锂离子电池', '电池', '隔膜']),
    );
    expect(analyze('一种锂离子电池隔膜及其制备方法')).not.toContain('一种');
    // A word of the domain dictionary stays whole (jieba alone cuts 脱氮除/磷).
    expect(analyze('污水脱氮除磷工艺')).toContain('脱氮除磷');
  });

  it('keeps the function words the segmenter splits off meaningful words (从站, 可拉伸), naming none of them as a reason', () => {
    expect(analyze('从站')).toContain('从');
    expect(analyze('可拉伸电极')).toContain('可');
    expect(explainingTerms([{ term: '隔膜' }, { term: '可' }, { term: '锂电池' }, { term: '以' }])).toEqual([
      '隔膜',
      '锂电池',
    ]);
  });

  it('reads traditional characters, full-width letters and upper case as simplified, ASCII, lower case', () => {
    expect(normalizeText('鋰電池隔膜 ＢＭＳ')).toBe('锂电池隔膜 bms');
    expect(analyze('鋰電池隔膜')).toEqual(analyze('锂电池隔膜'));
  });

  it('yields no term from punctuation, symbols, emoji or query operators alone', () => {
    expect(analyze('！？……【】🔋🚗✨')).toEqual([]);
    expect(analyze('*:* AND OR NOT ( ) " ~ ^ -')).toEqual([]);
  });
});

describe('the embedded engine', () => {
  it('ranks the patent about both words first and says why', () => {
    const answer = all().searchNow(request('锂电池 隔膜'));
    expect(numbers(answer)[0]).toBe(separator.applicationNumber);
    const [first] = answer.hits;
    const terms = first!.reasons.terms.map((t) => t.term);
    expect(terms).toContain('隔膜');
    // 锂电池 matched the patent's 锂离子电池 as a synonym, and the hit says so.
    expect(first!.reasons.terms).toContainEqual(
      expect.objectContaining({ term: '锂离子电池', via: '锂电池', fields: ['title', 'abstract'] }),
    );
    expect(first!.reasons.fields).toEqual(expect.arrayContaining(['title', 'abstract']));
    expect(first!.reasons.filters).toEqual([
      { filter: 'available', value: 'true', matched: 'conversion pool' },
    ]);
    const contributions = first!.reasons.terms.map((t) => t.contribution);
    expect(contributions.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 2);
    expect(answer.terms).toEqual(expect.arrayContaining(['锂电池', '隔膜']));
    expect(answer.expandedTerms).toContainEqual({ term: '锂离子电池', via: '锂电池' });
  });

  it('a title match outranks the same word only in the abstract', () => {
    const answer = all().searchNow(request('陶瓷涂层'));
    expect(numbers(answer).slice(0, 2)).toEqual([coating.applicationNumber, separator.applicationNumber]);
  });

  it('finds simplified patents from a traditional query, with the same ranking', () => {
    const index = all();
    expect(numbers(index.searchNow(request('鋰電池隔膜')))).toEqual(
      numbers(index.searchNow(request('锂电池隔膜'))),
    );
    expect(numbers(index.searchNow(request('電池管理系統')))[0]).toBe(bms.applicationNumber);
  });

  it('highlights the matched words with offsets into the fragment', () => {
    const [hit] = all().searchNow(request('隔膜')).hits;
    const title = hit!.highlights.find((h) => h.field === 'title')!;
    expect(title.spans.length).toBeGreaterThan(0);
    for (const [start, end] of title.spans) expect(title.text.slice(start, end)).toContain('隔膜');
  });

  it('answers available patents only: the base pool and assigned patents stay out', () => {
    const found = numbers(all().searchNow(request('锂电池隔膜')));
    expect(found).not.toContain(basePool.applicationNumber);
    expect(found).not.toContain(assigned.applicationNumber);
  });

  it('an institution scope holds its own patents, available or not', () => {
    const scope = { kind: 'institution', institutionUscc: A, availableOnly: false } as const;
    const found = numbers(all().searchNow(request('锂电池隔膜', { scope })));
    expect(found).toEqual(expect.arrayContaining([basePool.applicationNumber, assigned.applicationNumber]));
    expect(found).not.toContain(coating.applicationNumber); // B's
    const availableOnly = numbers(
      all().searchNow(request('锂电池隔膜', { scope: { ...scope, availableOnly: true } })),
    );
    expect(availableOnly).not.toContain(basePool.applicationNumber);
  });

  it('filters by industry, strategic industry, IPC, province, TRL and tier, each named in the reasons', () => {
    const index = all();
    const only = (filters: PatentSearchRequest['filters'], text = '电池 隔膜 涂层') =>
      numbers(index.searchNow(request(text, { filters })));
    expect(only({ industry: '38' })).toEqual(
      expect.arrayContaining([separator.applicationNumber, bms.applicationNumber]),
    );
    expect(only({ industry: '38' })).not.toContain(coating.applicationNumber);
    expect(only({ industry: 'C' })).toContain(coating.applicationNumber);
    expect(only({ strategicIndustry: '6' })).toEqual([separator.applicationNumber]);
    expect(only({ ipc: 'H01M 50' })).toEqual([separator.applicationNumber]);
    expect(only({ ipc: 'H01M' }).sort()).toEqual([separator.applicationNumber, bms.applicationNumber].sort());
    expect(only({ province: '310000' })).toEqual([coating.applicationNumber]);
    expect(only({ trlMin: 5, trlMax: 6 })).toEqual([separator.applicationNumber]);
    expect(only({ tier: 'high-value' })).toEqual([separator.applicationNumber]);
    const [hit] = index.searchNow(request('隔膜', { filters: { ipc: 'H01M 50', trlMin: 5 } })).hits;
    expect(hit!.reasons.filters).toEqual(
      expect.arrayContaining([
        { filter: 'ipc', value: 'H01M 50', matched: 'H01M 50/409' },
        { filter: 'trl', value: '5-9', matched: '6' },
      ]),
    );
  });

  it('follows updates and removals (stream events)', () => {
    const index = all();
    index.upsert({ ...drug, title: '一种钠离子电池正极材料', abstract: '层状氧化物正极。', version: 2 });
    expect(numbers(index.searchNow(request('肝癌')))).toEqual([]);
    expect(numbers(index.searchNow(request('钠离子电池')))[0]).toBe(drug.applicationNumber);
    index.remove(separator.applicationNumber);
    expect(numbers(index.searchNow(request('隔膜')))).not.toContain(separator.applicationNumber);
    expect(index.size).toBe(5);
  });

  it('keeps answering right after many updates compact the postings', () => {
    const index = new EmbeddedPatentIndex();
    const many = Array.from({ length: 1500 }, (_, i) =>
      patent({ title: i % 2 ? `一种光伏组件清洗机器人${i}` : `一种风力发电机叶片${i}` }),
    );
    for (const p of many) index.upsert(p);
    for (const p of many.slice(0, 1200)) index.remove(p.applicationNumber);
    expect(index.size).toBe(300);
    const answer = index.searchNow(request('光伏组件 清洗', { limit: 50 }));
    expect(answer.total).toBe(150);
    expect(answer.hits.every((hit) => String(hit.patent.title).includes('光伏组件'))).toBe(true);
  });

  it('pages by offset and limit over the same ranking', () => {
    const index = all();
    const whole = numbers(index.searchNow(request('电池', { limit: 10 })));
    const second = numbers(index.searchNow(request('电池', { limit: 1, offset: 1 })));
    expect(second).toEqual(whole.slice(1, 2));
  });
});

describe('searchPatents (GET /v1/search/patents)', () => {
  const deps = { index: all() };

  it('an enterprise gets the public view: the fee standard and abstract, no inventors or contacts', async () => {
    const result = await searchPatents(deps, enterpriseUser, query('锂电池 隔膜'));
    expect(result.items[0]!.patent.applicationNumber).toBe(separator.applicationNumber);
    expect(result.items[0]!.patent).toMatchObject({
      feeStandard: '许可费 30 万元',
      abstract: separator.abstract,
    });
    for (const item of result.items) {
      expect(item.patent).not.toHaveProperty('inventors');
      expect(item.patent).not.toHaveProperty('contactInfo');
      expect(item.patent).not.toHaveProperty('version');
    }
  });

  it('each hit names its institution; inventors only of an institution that publishes them (issue 15, 8)', async () => {
    const reads: string[] = [];
    const institutions = {
      get: async (uscc: string) => {
        reads.push(uscc);
        const name = uscc === A ? '北京某大学' : '上海某研究院';
        return { uscc, name, publishInventors: uscc === B } as never;
      },
    };
    const result = await searchPatents({ ...deps, institutions }, enterpriseUser, query('隔膜 涂层'));
    const ofA = result.items.find((i) => i.patent.institutionUscc === A)!.patent;
    const ofB = result.items.find((i) => i.patent.institutionUscc === B)!.patent;
    expect(ofA).toMatchObject({ institutionName: '北京某大学' });
    expect(ofA).not.toHaveProperty('inventors');
    expect(ofB).toMatchObject({ institutionName: '上海某研究院', inventors: ['张三'] });
    expect(ofB).not.toHaveProperty('contactInfo');
    expect(reads.sort()).toEqual([A, B].sort());
    // An institution searching its own patents gets the full view, without asking for names.
    reads.length = 0;
    await searchPatents({ ...deps, institutions }, institutionUser(A), query('隔膜 涂层'));
    expect(reads).toEqual([]);
  });

  it('a stored patent its schema cannot read is left out and reported, not a 500 for every searcher', async () => {
    const index = all();
    const corrupt = patent({ title: '一种锂离子电池隔膜的涂覆装置', strategicIndustries: 5 as never });
    index.upsert(corrupt);
    const reported: Array<[string, string]> = [];
    const onUnreadable = (number: string, issues: string) => reported.push([number, issues]);
    const whole = await searchPatents({ index }, enterpriseUser, query('锂电池 隔膜'));
    const result = await searchPatents({ index, onUnreadable }, enterpriseUser, query('锂电池 隔膜'));
    expect(result.items.map((i) => i.patent.applicationNumber)).not.toContain(corrupt.applicationNumber);
    expect(result.items.map((i) => i.patent.applicationNumber)).toContain(separator.applicationNumber);
    expect(reported).toEqual([[corrupt.applicationNumber, expect.stringContaining('strategicIndustries')]]);
    expect(result.total).toBe(whole.total);
    index.remove(corrupt.applicationNumber);
    const after = await searchPatents({ index }, enterpriseUser, query('锂电池 隔膜'));
    expect(after.total).toBe(whole.total);
  });

  it('an institution gets its own patents in full, never another institution’s', async () => {
    const result = await searchPatents(deps, institutionUser(A), query('隔膜 涂层'));
    expect(result.items.map((i) => i.patent.institutionUscc)).toEqual(result.items.map(() => A));
    expect(result.items[0]!.patent).toHaveProperty('inventors');
  });

  it('an empty query is refused by the route with what to send', () => {
    const parsed = patentSearchQuerySchema.safeParse({ q: '   ' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toContain('?q=锂电池 隔膜');
  });

  it('a 10,000-character query is refused before any work, with the limit', () => {
    const parsed = patentSearchQuerySchema.safeParse({ q: '电池'.repeat(5000) });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toContain('at most 200 characters');
    // The engine bounds its own work too, whoever calls it.
    const answer = deps.index.searchNow(request('隔膜'.repeat(5000)));
    expect(answer.terms).toEqual(['隔膜']);
  });

  it('a query of punctuation or emoji only is a 400 that says to send words', async () => {
    for (const q of ['！！！？？', '🔋🔋🚗', '【】《》……']) {
      const error = await searchPatents(deps, enterpriseUser, query(q)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toContain('send words');
    }
  });

  it('a query of common words only is a 400 that says what to add', async () => {
    const error = await searchPatents(deps, enterpriseUser, query('一种 方法 的')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('add what the technology does');
  });

  it('query syntax is never interpreted: operators and fields are words or nothing', async () => {
    const injected = await searchPatents(
      deps,
      enterpriseUser,
      query('肝癌 OR *:* AND title:隔膜 NOT "药物" ^10 ~2 {"match_all":{}}'),
    );
    // *:* matched nothing by itself, and no operator widened or narrowed the search.
    expect(injected.terms).not.toContain('*');
    expect(injected.terms).not.toContain('or');
    expect(injected.terms).toEqual(expect.arrayContaining(['肝癌', 'title', '隔膜', '药物', 'match']));
    expect(injected.items.map((i) => i.patent.applicationNumber)).toEqual(
      expect.arrayContaining([drug.applicationNumber, separator.applicationNumber]),
    );
    expect(injected.total).toBeLessThan(5);
    const error = await searchPatents(deps, enterpriseUser, query('*:*')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
  });

  it('enterprises may not ask for unavailable patents; trlMin above trlMax is explained', async () => {
    await expect(searchPatents(deps, nationalAdmin, query('隔膜', { available: 'false' }))).rejects.toThrow(
      'drop available=false',
    );
    await expect(
      searchPatents(deps, enterpriseUser, query('隔膜', { trlMin: 7, trlMax: 3 })),
    ).rejects.toThrow('swap them');
  });

  it('without a search engine (AWS until the OpenSearch slice) it answers 503 NOT_CONFIGURED', async () => {
    const error = await searchPatents(searchDeps({}), enterpriseUser, query('隔膜')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConfiguredError);
    expect((error as NotConfiguredError).statusCode).toBe(503);
    expect((error as NotConfiguredError).message).toContain('Search is not configured in this deployment');
  });
});

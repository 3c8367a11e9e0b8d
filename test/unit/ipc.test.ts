import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatedIpcFiles, parseCsv } from '../../schemas/codes/generate-ipc.ts';
import { industryRows } from '../../schemas/codes/industries.generated.ts';
import {
  allIndustries,
  checkIpc,
  checkLocarno,
  industryByCode,
  inferStrategicIndustries,
  normalizeIpc,
  parseIpcList,
  parseLocarnoList,
  resolveIndustry,
  resolveStrategicIndustry,
  strategicIndustries,
  strategicIndustryByCode,
} from '../../schemas/codes/ipc.ts';
import { strategicExclusionSets, strategicPatterns } from '../../schemas/codes/ipc-strategic.generated.ts';

describe('IPC codes', () => {
  it.each([
    ['H01S 3/00', 'H01S 3/00'],
    ['H01S3/00', 'H01S 3/00'],
    ['h01s 3 / 00', 'H01S 3/00'],
    ['G06F 16/27', 'G06F 16/27'],
    ['G06F16/2458', 'G06F 16/2458'],
    ['A61K', 'A61K'],
    ['G06F16', 'G06F 16/00'],
    ['Ｈ０１Ｓ　３／００', 'H01S 3/00'],
    ['H01S 3/00 (2006.01)', 'H01S 3/00'],
    ['H01S 03/00', 'H01S 3/00'],
  ])('normalizes %j to %j', (input, code) => {
    expect(checkIpc(input)).toMatchObject({ ok: true, code });
  });

  it('splits the code into subclass, main group and subgroup', () => {
    expect(checkIpc('G06F 16/27')).toEqual({
      ok: true,
      code: 'G06F 16/27',
      subclass: 'G06F',
      mainGroup: 16,
      subgroup: '27',
    });
  });

  it('rejects sections outside A-H, class 00, group 0, 1-digit subgroups and non-codes, saying why', () => {
    expect(checkIpc('Y02E 10/50')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('sections are A to H'),
    });
    expect(checkIpc('I01S 3/00')).toMatchObject({ ok: false });
    expect(checkIpc('H00S 3/00')).toMatchObject({ ok: false, reason: expect.stringContaining('class 00') });
    expect(checkIpc('H01S 0/00')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('main group 0'),
    });
    expect(checkIpc('H01S 3/0')).toMatchObject({ ok: false, reason: expect.stringContaining('H01S 3/00?') });
    expect(checkIpc('06-04')).toMatchObject({
      ok: false,
      reasonZh: expect.stringContaining('不是 IPC 分类号'),
    });
    expect(checkIpc('')).toMatchObject({ ok: false });
  });

  it('reads several codes separated by ; ； , ， 、 line breaks or spaces, without repeats', () => {
    expect(
      parseIpcList('H01S 3/00;G06F 16/27；A61K，G06F16/27, H04N 5/232、B41J 2/01\nC08F 10/00 G16H 50/20'),
    ).toEqual({
      codes: ['H01S 3/00', 'G06F 16/27', 'A61K', 'H04N 5/232', 'B41J 2/01', 'C08F 10/00', 'G16H 50/20'],
      invalid: [],
    });
    expect(parseIpcList('Int.Cl. H01S 3/00 (2006.01)；IPC: G06F 16/27').codes).toEqual([
      'H01S 3/00',
      'G06F 16/27',
    ]);
  });

  it('reports each invalid token of a list with its reason', () => {
    const result = parseIpcList('H01S 3/00；Y02E 10/50；foo');
    expect(result.codes).toEqual(['H01S 3/00']);
    expect(result.invalid.map((item) => item.token)).toEqual(['Y02E 10/50', 'foo']);
  });

  const ipcArbitrary = fc
    .tuple(
      fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'),
      fc.integer({ min: 1, max: 99 }),
      fc.constantFrom('B', 'C', 'F', 'J', 'K', 'L', 'N', 'S'),
      fc.option(fc.tuple(fc.integer({ min: 1, max: 999 }), fc.stringMatching(/^\d{2,4}$/))),
    )
    .map(
      ([section, classNo, letter, group]) =>
        `${section}${String(classNo).padStart(2, '0')}${letter}${group ? ` ${group[0]}/${group[1]}` : ''}`,
    );

  it('normalization is idempotent and ignores spacing, case and full width', () => {
    fc.assert(
      fc.property(ipcArbitrary, fc.boolean(), fc.boolean(), (code, squeeze, lower) => {
        expect(normalizeIpc(code)).toBe(code);
        let variant = squeeze ? code.replace(' ', '') : code.replace('/', ' / ');
        if (lower) variant = variant.toLowerCase();
        expect(normalizeIpc(variant)).toBe(code);
        const full = variant.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        expect(normalizeIpc(full)).toBe(code);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (input) => {
        const once = normalizeIpc(input);
        if (once !== undefined) expect(normalizeIpc(once)).toBe(once);
      }),
    );
  });
});

describe('Locarno classes', () => {
  it.each([
    ['LOC(14) Cl.06-04', '06-04'],
    ['LOC (13) Cl. 14-02', '14-02'],
    ['06-04', '06-04'],
    ['6-04', '06-04'],
    ['06.04', '06-04'],
    ['０６－０４', '06-04'],
    ['32-00', '32-00'],
  ])('normalizes %j to %j', (input, code) => {
    expect(checkLocarno(input)).toMatchObject({ ok: true, code });
  });

  it('rejects classes outside 01-32 and malformed subclasses', () => {
    expect(checkLocarno('33-01')).toMatchObject({ ok: false, reason: expect.stringContaining('01 to 32') });
    expect(checkLocarno('00-01')).toMatchObject({ ok: false });
    expect(checkLocarno('06-4')).toMatchObject({ ok: false });
    expect(checkLocarno('H01S 3/00')).toMatchObject({ ok: false });
  });

  it('reads several classes from one cell', () => {
    expect(parseLocarnoList('LOC(14) Cl.06-04，14-02；06-04 LOC(14) Cl.32-00')).toEqual({
      codes: ['06-04', '14-02', '32-00'],
      invalid: [],
    });
    expect(parseLocarnoList('06-04；99-01').invalid.map((item) => item.token)).toEqual(['99-01']);
  });
});

describe('strategic emerging industries from IPC (CNIPA 2021 concordance)', () => {
  const codesOf = (ipc: string[], options?: { includeKeywordRules?: boolean }) =>
    inferStrategicIndustries(ipc, options).map((inference) => inference.code);

  it('matches the spot checks of SOURCES.md, with the pattern as explanation', () => {
    expect(inferStrategicIndustries(['H04Q 3/00'])).toEqual([
      { code: '1.1', name: '下一代信息网络产业', via: 'H04Q3*', ipc: 'H04Q 3/00' },
    ]);
    expect(codesOf(['H04Q 5/00'])).toEqual(['1.1']);
    expect(codesOf(['H04Q 9/00'])).toEqual(['1.1']);
    expect(inferStrategicIndustries(['H04N 5/232'])).toEqual([
      { code: '8.1', name: '数字创意技术设备制造', via: 'H04N5*', ipc: 'H04N 5/232' },
    ]);
    expect(codesOf(['H04N 7/18'])).toEqual(['8.1']);
    expect(codesOf(['H04W 12/06'])).toEqual(['1.2']);
    expect(inferStrategicIndustries(['A01B 1/00'])).toMatchObject([{ code: '2.1', via: 'A01B*' }]);
  });

  it("honours a rule's exclusions (不含)", () => {
    // 8.1 covers H04N5* and H04N7* but not H04N5/932, H04N5/953 or H04N7/00 ...
    expect(codesOf(['H04N 5/932'])).not.toContain('8.1');
    expect(codesOf(['H04N 5/953'])).not.toContain('8.1');
    expect(codesOf(['H04N 7/00'])).not.toContain('8.1');
    // ... and 1.1 covers G06F11* except G06F11/14, which 1.2 lists exactly.
    expect(codesOf(['G06F 11/30'])).toEqual(['1.1']);
    expect(inferStrategicIndustries(['G06F 11/14'])).toMatchObject([{ code: '1.2', via: 'G06F11/14' }]);
  });

  it('reads a main-group pattern as that group, not as a string prefix (H04L1* is not H04L12)', () => {
    expect(inferStrategicIndustries(['H04L 1/00']).find((i) => i.code === '1.1')?.via).toBe('H04L1*');
    expect(inferStrategicIndustries(['H04L 12/00']).find((i) => i.via === 'H04L1*')).toBeUndefined();
  });

  it('matches an exact pattern only on that very code', () => {
    expect(inferStrategicIndustries(['G06F 16/27'])).toMatchObject([{ code: '1.4', via: 'G06F16/27' }]);
    expect(codesOf(['G06F 16/28'])).not.toContain('1.4');
  });

  it('skips keyword-restricted rules unless asked, and then names the keywords', () => {
    expect(codesOf(['H04L 9/32'])).toEqual([]);
    const withKeywords = inferStrategicIndustries(['H04L 9/32'], { includeKeywordRules: true });
    expect(withKeywords).toEqual([
      {
        code: '1.3',
        name: '新兴软件和新型信息技术服务',
        via: 'H04L9*（需关键词：平行链、中继链、以太币等区块链相关关键词）',
        ipc: 'H04L 9/32',
      },
    ]);
  });

  it('combines several codes into distinct categories in code order, ignoring invalid codes', () => {
    expect(codesOf(['G06T 5/00', 'G06N 3/08', 'G06N 3/08', 'not a code', 'Y02E 10/50'])).toEqual([
      '1.5',
      '8.2',
    ]);
    expect(codesOf([])).toEqual([]);
    expect(codesOf(['A61K'])).toEqual([]); // a bare subclass does not reach group-level rules
  });

  it('every pattern names a known second-level category and every exclusion set parses', () => {
    for (const [ipc, category, match, exclusions, keywordRule] of strategicPatterns) {
      expect(strategicIndustryByCode(category), `${ipc} -> ${category}`).toMatchObject({ level: 2 });
      expect(match === 'p' || match === 'e').toBe(true);
      expect(exclusions).toBeLessThan(strategicExclusionSets.length);
      expect(keywordRule).toBeGreaterThanOrEqual(-1);
    }
    for (const set of strategicExclusionSets) {
      for (const pattern of set.split(';')) expect(pattern).toMatch(/^[A-H]\d{2}[A-Z](\d+(\/\d+)?)?\*?$/);
    }
    expect(strategicPatterns).toHaveLength(1689);
    expect(new Set(strategicPatterns.map(([, category]) => category)).size).toBe(40);
  });
});

describe('strategic emerging industry list (2018)', () => {
  it('holds 9 first-level and 40 second-level categories', () => {
    expect(strategicIndustries.filter((industry) => industry.level === 1)).toHaveLength(9);
    expect(strategicIndustries.filter((industry) => industry.level === 2)).toHaveLength(40);
    expect(strategicIndustryByCode('1.5')).toEqual({ code: '1.5', level: 2, name: '人工智能', parent: '1' });
    expect(strategicIndustryByCode('3')).toEqual({ code: '3', level: 1, name: '新材料产业' });
    expect(strategicIndustryByCode('9.9')).toBeUndefined();
  });

  it('resolves a cell by code, code and name, or name', () => {
    expect(resolveStrategicIndustry('1.5')?.industry.name).toBe('人工智能');
    expect(resolveStrategicIndustry('1.5 人工智能')).toEqual({ industry: strategicIndustryByCode('1.5') });
    expect(resolveStrategicIndustry('互联网与云计算、大数据服务')?.industry.code).toBe('1.4');
    expect(resolveStrategicIndustry('1.5 智能电网')).toMatchObject({ nameMismatch: '智能电网' });
    expect(resolveStrategicIndustry('1.1.2')).toMatchObject({
      industry: { code: '1.1' },
      fromThirdLevel: '1.1.2',
    });
    expect(resolveStrategicIndustry('量子产业')).toBeUndefined();
  });
});

describe('GB/T 4754-2017 national economic industries', () => {
  it('holds 20 sections, 97 divisions, 473 groups and 1,382 classes', () => {
    const count = (level: string) => allIndustries().filter((industry) => industry.level === level).length;
    expect([count('section'), count('division'), count('group'), count('class')]).toEqual([
      20, 97, 473, 1382,
    ]);
    const codes = new Set(allIndustries().map((industry) => industry.code));
    for (const industry of allIndustries())
      if (industry.parent) expect(codes.has(industry.parent)).toBe(true);
  });

  it('finds the codes checked in SOURCES.md, with or without the section letter', () => {
    expect(industryByCode('39')?.name).toBe('计算机、通信和其他电子设备制造业');
    expect(industryByCode('27')?.name).toBe('医药制造业');
    expect(industryByCode('I6532')?.name).toBe('物联网技术服务');
    expect(industryByCode('0511')?.name).toBe('种子种苗培育活动');
    expect(industryByCode(' c 3911 ')).toMatchObject({
      code: '3911',
      level: 'class',
      section: 'C',
      parent: '391',
    });
    expect(industryByCode('C')).toMatchObject({ level: 'section', name: '制造业' });
    expect(industryByCode('A3911')).toBeUndefined();
    expect(industryByCode('U')).toBeUndefined();
    expect(industryByCode('39111')).toBeUndefined();
  });

  it('keeps the pre-amendment name where the 2019 amendment changed the meaning', () => {
    expect(industryByCode('9231')).toMatchObject({ name: '监察委员会', nameUnamended: '人民法院' });
  });

  it('resolves a cell by code, code and name, or name', () => {
    expect(resolveIndustry('3911 计算机整机制造')).toEqual({ industry: industryByCode('3911') });
    expect(resolveIndustry('C3911')?.industry.code).toBe('3911');
    expect(resolveIndustry('医药制造业')?.industry.code).toBe('27');
    expect(resolveIndustry('3911 医药制造业')).toMatchObject({ nameMismatch: '医药制造业' });
    expect(resolveIndustry('量子计算')).toBeUndefined();
  });
});

describe('generated classification lists', () => {
  it('are up to date with their CSVs (node --import tsx schemas/codes/generate-ipc.ts)', () => {
    for (const [name, render] of Object.entries(generatedIpcFiles)) {
      expect(readFileSync(new URL(`../../schemas/codes/${name}`, import.meta.url), 'utf8'), name).toBe(
        render(),
      );
    }
  });

  it('parse quoted CSV fields holding commas', () => {
    expect(parseCsv('a,b\n1,"x, ""y"""\n')).toEqual([{ a: '1', b: 'x, "y"' }]);
    expect(industryRows).toHaveLength(1972);
  });
});

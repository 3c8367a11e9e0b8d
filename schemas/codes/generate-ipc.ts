/**
 * Regenerates the classification code lists from the CSVs in ./data:
 *   node --import tsx schemas/codes/generate-ipc.ts
 * ipc-strategic.generated.ts          CNIPA 2021 IPC -> strategic emerging industry concordance
 * strategic-industries.generated.ts   战略性新兴产业分类(2018), levels 1 and 2
 * industries.generated.ts             GB/T 4754-2017 national economic industries
 * Nothing reads a CSV at run time; test/unit/ipc.test.ts fails when a generated file is stale.
 * Sources and known gaps: schemas/codes/data/SOURCES.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** RFC 4180 CSV (quoted fields may hold commas and doubled quotes) into records keyed by header. */
export function parseCsv(csv: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const text = csv.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((cols) => cols.some((col) => col !== ''));
  if (!header) return [];
  return body.map((cols) => Object.fromEntries(header.map((name, i) => [name, cols[i] ?? ''])));
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Rules whose keyword column asks for a keyword test on top of the IPC code (e.g. 区块链相关关键词). */
const keywordRestricted = (keywords: string) => keywords.includes('关键词');

export function renderIpcStrategic(csv: string): string {
  const rows = parseCsv(csv);
  const exclusionSets: string[] = [];
  const keywordHints: string[] = [];
  const indexOf = (list: string[], value: string) => {
    let index = list.indexOf(value);
    if (index < 0) index = list.push(value) - 1;
    return index;
  };
  const lines = rows.map((row) => {
    const exclusions = row.rule_exclusions ? indexOf(exclusionSets, row.rule_exclusions) : -1;
    const keywords = row.rule_keywords ?? '';
    const hint = keywordRestricted(keywords) ? indexOf(keywordHints, keywords) : -1;
    const match = row.match === 'prefix' ? 'p' : 'e';
    return `  [${quote(row.ipc!)}, ${quote(row.sei_code!)}, '${match}', ${exclusions}, ${hint}],`;
  });
  return [
    '// Generated from schemas/codes/data/ipc-strategic-emerging-2021.csv by schemas/codes/generate-ipc.ts; do not edit.',
    '// 战略性新兴产业分类与国际专利分类参照关系表(2021)(试行): one row per IPC pattern, in table order.',
    "// match 'p': the class, subclass or main group and everything below it (printed with '*');",
    "// match 'e': exactly that code. exclusions: index into strategicExclusionSets (-1: none), the rule's",
    '// 不含 patterns, which apply to the whole rule. keywordRule: index into strategicKeywordRules (-1: none)',
    '// when the rule also asks for keywords that an IPC code alone cannot confirm.',
    'export const strategicPatterns: ReadonlyArray<',
    "  readonly [ipc: string, category: string, match: 'p' | 'e', exclusions: number, keywordRule: number]",
    '> = [',
    ...lines,
    '];',
    '',
    '/** Semicolon-separated 不含 patterns (a trailing * marks a prefix). */',
    'export const strategicExclusionSets: readonly string[] = [',
    ...exclusionSets.map((set) => `  ${quote(set)},`),
    '];',
    '',
    '/** The 关键词 text of rules that need a keyword match besides the IPC code. */',
    'export const strategicKeywordRules: readonly string[] = [',
    ...keywordHints.map((hint) => `  ${quote(hint)},`),
    '];',
    '',
  ].join('\n');
}

export function renderStrategicIndustries(csv: string): string {
  const lines = parseCsv(csv).map(
    (row) => `  [${quote(row.code!)}, ${row.level}, ${quote(row.name!)}, ${quote(row.parent_code ?? '')}],`,
  );
  return [
    '// Generated from schemas/codes/data/strategic-emerging-2018.csv by schemas/codes/generate-ipc.ts; do not edit.',
    '// 战略性新兴产业分类(2018): the 9 first-level and 40 second-level categories (no third level, see SOURCES.md).',
    'export const strategicIndustryRows: ReadonlyArray<',
    '  readonly [code: string, level: 1 | 2, name: string, parent: string]',
    '> = [',
    ...lines,
    '];',
    '',
  ].join('\n');
}

const industryLevels: Readonly<Record<string, number>> = { section: 1, division: 2, group: 3, class: 4 };

/**
 * Rows `[code, name, nameUnamended?]`: the level and the parent follow from the code and the order
 * (a letter is a section; a division follows its section; a group or a class is its code without the
 * last digit), which this check proves for every row, so the bundles that name industries carry
 * about 20 KB less.
 */
export function renderIndustries(csv: string): string {
  let section = '';
  const lines = parseCsv(csv).map((row) => {
    const level = industryLevels[row.level!];
    if (level === undefined) throw new Error(`unknown industry level ${row.level} for ${row.code}`);
    const code = row.code!;
    const derivedLevel = /^[A-Z]$/.test(code) ? 1 : code.length;
    if (level === 1) section = code;
    const derivedParent = level === 1 ? '' : level === 2 ? section : code.slice(0, -1);
    if (derivedLevel !== level || derivedParent !== (row.parent_code ?? '')) {
      throw new Error(
        `industry ${code}: level ${level} / parent ${row.parent_code} do not follow from the code and order`,
      );
    }
    const unamended =
      row.name_2017_unamended !== row.name && row.name_2017_unamended
        ? `, ${quote(row.name_2017_unamended)}`
        : '';
    return `  [${quote(code)}, ${quote(row.name!)}${unamended}],`;
  });
  return [
    '// Generated from schemas/codes/data/industry-gbt4754-2017.csv by schemas/codes/generate-ipc.ts; do not edit.',
    '// GB/T 4754-2017 with amendment No. 1 (2019): section (门类, a letter), division (大类, 2 digits, under the',
    '// section above it), group (中类, 3) and class (小类, 4), each under its code without the last digit.',
    '// The optional last element is the name before the 2019 amendment where it differs.',
    'export const industryRows: ReadonlyArray<readonly [code: string, name: string, nameUnamended?: string]> = [',
    ...lines,
    '];',
    '',
  ].join('\n');
}

const data = (name: string) => readFileSync(here(`./data/${name}`), 'utf8');

export const generatedIpcFiles = {
  'ipc-strategic.generated.ts': () => renderIpcStrategic(data('ipc-strategic-emerging-2021.csv')),
  'strategic-industries.generated.ts': () => renderStrategicIndustries(data('strategic-emerging-2018.csv')),
  'industries.generated.ts': () => renderIndustries(data('industry-gbt4754-2017.csv')),
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, render] of Object.entries(generatedIpcFiles)) {
    writeFileSync(here(`./${name}`), render());
    console.log(`wrote schemas/codes/${name}`);
  }
}

/**
 * Patent classifications and industries:
 * - IPC codes (inventions and utility models): section A-H, class, subclass, optional group
 *   (`H01S 3/00`, `G06F 16/27`, `A61K`).
 * - Locarno classes (designs): class 01-32 and a 2-digit subclass (`LOC(14) Cl.06-04` -> `06-04`).
 * - The strategic emerging industries (战略性新兴产业分类 2018) and their inference from IPC codes through
 *   CNIPA's 2021 concordance, and the GB/T 4754-2017 national economic industries.
 * The lists are generated modules (schemas/codes/generate-ipc.ts); nothing reads a CSV at run time.
 */
import {
  strategicExclusionSets,
  strategicKeywordRules,
  strategicPatterns,
} from './ipc-strategic.generated.ts';
import { strategicIndustryRows } from './strategic-industries.generated.ts';
import { toHalfWidth as halfWidth } from './uscc.ts';

// ---------------------------------------------------------------------------------------------- IPC

export type IpcCheck =
  | {
      ok: true;
      /** `H01S 3/00`, `G06F 16/27`, or a bare subclass `A61K`. */
      code: string;
      /** Four characters: section, class, subclass letter (`H01S`). */
      subclass: string;
      mainGroup?: number;
      subgroup?: string;
    }
  | { ok: false; reason: string; reasonZh: string };

const ipcExamples = 'e.g. H01S 3/00, G06F 16/27 or A61K';
const ipcExamplesZh = '如 H01S 3/00、G06F 16/27 或 A61K';

/** Upper case, ASCII, single spaces, no spaces around '/', no version suffix such as (2006.01). */
function cleanIpcText(input: string): string {
  return halfWidth(input)
    .toUpperCase()
    .replace(/\(\s*\d{4}\s*\.\s*\d{2}\s*\)/g, ' ')
    .replace(/\s*\/\s*/g, '/')
    .replace(/[\s\u00a0\u200b\ufeff]+/g, ' ')
    .trim();
}

const ipcPattern = /^([A-Z])\s?(\d{2})\s?([A-Z])(?:\s?(\d{1,4})(?:\/(\d{1,6}))?)?$/;

/** Checks one IPC code and normalizes it to `H01S 3/00` form (a main group alone gets `/00`). */
export function checkIpc(input: string): IpcCheck {
  const text = cleanIpcText(input);
  const match = ipcPattern.exec(text);
  if (!match) {
    return {
      ok: false,
      reason: `"${input.trim()}" is not an IPC code (${ipcExamples})`,
      reasonZh: `“${input.trim()}”不是 IPC 分类号（${ipcExamplesZh}）`,
    };
  }
  const [, section, classNo, letter, group, subgroup] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  if (section > 'H') {
    return {
      ok: false,
      reason: `"${text}" has section ${section}; IPC sections are A to H (Y codes belong to CPC, not IPC)`,
      reasonZh: `“${text}”的部为 ${section}，IPC 只有 A 至 H 部（Y 部属于 CPC，不是 IPC）`,
    };
  }
  if (classNo === '00') {
    return {
      ok: false,
      reason: `"${text}" has class 00, which does not exist (${ipcExamples})`,
      reasonZh: `“${text}”的大类 00 不存在（${ipcExamplesZh}）`,
    };
  }
  const subclass = `${section}${classNo}${letter}`;
  if (group === undefined) return { ok: true, code: subclass, subclass };
  const mainGroup = Number(group);
  if (mainGroup === 0) {
    return {
      ok: false,
      reason: `"${text}" has main group 0, which does not exist (${ipcExamples})`,
      reasonZh: `“${text}”的大组 0 不存在（${ipcExamplesZh}）`,
    };
  }
  const sub = subgroup ?? '00';
  if (sub.length < 2) {
    return {
      ok: false,
      reason: `"${text}" has a 1-digit subgroup; subgroups have at least 2 digits (${subclass} ${mainGroup}/0${sub}?)`,
      reasonZh: `“${text}”的小组只有 1 位，小组号至少 2 位（是否为 ${subclass} ${mainGroup}/0${sub}？）`,
    };
  }
  return { ok: true, code: `${subclass} ${mainGroup}/${sub}`, subclass, mainGroup, subgroup: sub };
}

/** The normalized code, or undefined when the input is not an IPC code. */
export function normalizeIpc(input: string): string | undefined {
  const result = checkIpc(input);
  return result.ok ? result.code : undefined;
}

export interface InvalidCode {
  token: string;
  reason: string;
  reasonZh: string;
}

/** Separators between codes in one cell: ; ； , ， 、 | and line breaks (spaces are handled per token). */
const listSeparators = /[;,、|\n\r\t]+/;

/**
 * Several IPC codes in one cell, separated by `;` `；` `,` `，` `、` or line breaks, or by spaces between
 * complete codes (`H01S 3/00 G06F 16/27`). Returns the normalized codes without duplicates, in order.
 */
export function parseIpcList(text: string): { codes: string[]; invalid: InvalidCode[] } {
  const cleaned = halfWidth(text)
    .replace(/\(\s*\d{4}\s*\.\s*\d{2}\s*\)/g, ' ')
    .replace(/\b(INT\.?\s*CL\.?\s*\d*|IPC)\s*:?/gi, ' ')
    .replace(/\s*\/\s*/g, '/');
  const codes: string[] = [];
  const invalid: InvalidCode[] = [];
  for (const piece of cleaned.split(listSeparators)) {
    const words = piece.split(/\s+/).filter((word) => word !== '');
    for (let i = 0; i < words.length; i++) {
      let token = words[i]!;
      const next = words[i + 1];
      // "H01S 3/00": a bare subclass followed by a group belongs together.
      if (/^[A-Z]\d{2}[A-Z]$/i.test(token) && next !== undefined && /^\d{1,4}(\/\d+)?$/.test(next)) {
        token = `${token} ${next}`;
        i++;
      }
      const result = checkIpc(token);
      if (!result.ok) invalid.push({ token, reason: result.reason, reasonZh: result.reasonZh });
      else if (!codes.includes(result.code)) codes.push(result.code);
    }
  }
  return { codes, invalid };
}

// ------------------------------------------------------------------------------------------ Locarno

export type LocarnoCheck =
  | { ok: true; code: string; classNo: number; subclassNo: number }
  | { ok: false; reason: string; reasonZh: string };

const locarnoExamples = 'e.g. 06-04 or LOC(14) Cl.06-04; classes 01 to 32';
const locarnoExamplesZh = '如 06-04 或 LOC(14) Cl.06-04；大类为 01 至 32';

function cleanLocarnoText(input: string): string {
  return halfWidth(input)
    .toUpperCase()
    .replace(/LOC\s*\(\s*\d+\s*\)/g, ' ')
    .replace(/\bCL\s*\.?\s*/g, ' ')
    .replace(/\s*[-\u2010-\u2015\u2212]\s*/g, '-');
}

/** Checks one Locarno class and normalizes it to `06-04` (accepts `LOC(14) Cl.06-04`, `6-04`, `06.04`). */
export function checkLocarno(input: string): LocarnoCheck {
  const text = cleanLocarnoText(input).trim();
  const match = /^(\d{1,2})[-.](\d{2})$/.exec(text);
  if (!match) {
    return {
      ok: false,
      reason: `"${input.trim()}" is not a Locarno class (${locarnoExamples})`,
      reasonZh: `“${input.trim()}”不是洛迦诺分类号（${locarnoExamplesZh}）`,
    };
  }
  const classNo = Number(match[1]);
  const subclassNo = Number(match[2]);
  if (classNo < 1 || classNo > 32) {
    return {
      ok: false,
      reason: `"${input.trim()}" has class ${match[1]}; Locarno classes are 01 to 32`,
      reasonZh: `“${input.trim()}”的大类为 ${match[1]}，洛迦诺分类大类为 01 至 32`,
    };
  }
  return { ok: true, code: `${String(classNo).padStart(2, '0')}-${match[2]}`, classNo, subclassNo };
}

/** Several Locarno classes in one cell, separated like IPC lists (or by spaces). */
export function parseLocarnoList(text: string): { codes: string[]; invalid: InvalidCode[] } {
  const codes: string[] = [];
  const invalid: InvalidCode[] = [];
  for (const piece of cleanLocarnoText(text).split(listSeparators)) {
    for (const token of piece.split(/\s+/).filter((word) => word !== '')) {
      const result = checkLocarno(token);
      if (!result.ok) invalid.push({ token, reason: result.reason, reasonZh: result.reasonZh });
      else if (!codes.includes(result.code)) codes.push(result.code);
    }
  }
  return { codes, invalid };
}

// ------------------------------------------------------------------------ strategic emerging industries

export interface StrategicIndustry {
  /** `1` (first level) or `1.1` (second level). */
  code: string;
  level: 1 | 2;
  name: string;
  parent?: string;
}

export const strategicIndustries: readonly StrategicIndustry[] = strategicIndustryRows.map(
  ([code, level, name, parent]) => (parent ? { code, level, name, parent } : { code, level, name }),
);
const strategicByCode = new Map(strategicIndustries.map((industry) => [industry.code, industry]));
const strategicByName = new Map(strategicIndustries.map((industry) => [industry.name, industry]));

export function strategicIndustryByCode(code: string): StrategicIndustry | undefined {
  return strategicByCode.get(halfWidth(code).trim());
}

/**
 * A cell value naming a strategic industry: its code (`1.1`), code and name (`1.1 下一代信息网络产业`) or
 * name. A third-level code (`1.1.2`, whose list is not available) resolves to its second-level parent,
 * with `fromThirdLevel` set so the caller can say so.
 */
export function resolveStrategicIndustry(
  value: string,
): { industry: StrategicIndustry; fromThirdLevel?: string; nameMismatch?: string } | undefined {
  const text = halfWidth(value).replace(/\s+/g, ' ').trim();
  const match = /^(\d(?:\.\d{1,2}){0,2})(?:\s*[-:：]?\s*)(.*)$/.exec(text);
  if (!match) {
    const industry = strategicByName.get(text.replace(/\s+/g, ''));
    return industry ? { industry } : undefined;
  }
  const code = match[1]!;
  const name = match[2]!.trim();
  const parts = code.split('.');
  const industry = strategicByCode.get(parts.slice(0, 2).join('.'));
  if (!industry) return undefined;
  const result: { industry: StrategicIndustry; fromThirdLevel?: string; nameMismatch?: string } = {
    industry,
  };
  if (parts.length === 3) result.fromThirdLevel = code;
  else if (name !== '' && name.replace(/\s+/g, '') !== industry.name) result.nameMismatch = name;
  return result;
}

export interface StrategicInference {
  /** Second-level category code, e.g. `1.1`. */
  code: string;
  name: string;
  /** The concordance pattern that matched, as printed in the table (`H04N5*`, `G06F16/27`). */
  via: string;
  /** The (normalized) IPC code that matched it. */
  ipc: string;
}

type Scope = 'class' | 'subclass' | 'group' | 'code';
interface ParsedPattern {
  scope: Scope;
  head: string;
  group?: number;
  subgroup?: string;
}

const scopeRank: Readonly<Record<Scope, number>> = { class: 1, subclass: 2, group: 3, code: 4 };

/**
 * A concordance pattern. With `/` it is exactly one code. Without, it stands for the class (3 characters),
 * subclass (4) or main group (more) and everything below: the table prints these with `*`, except
 * `H03M13` and `G16H`, which lack the `*` but cannot mean a single code (no patent is classified in a
 * bare subclass), so they are read the same way.
 */
function parsePattern(pattern: string): ParsedPattern {
  const text = pattern.replace(/\*$/, '');
  const slash = text.indexOf('/');
  if (slash >= 0) {
    return {
      scope: 'code',
      head: text.slice(0, 4),
      group: Number(text.slice(4, slash)),
      subgroup: text.slice(slash + 1),
    };
  }
  if (text.length === 3) return { scope: 'class', head: text };
  if (text.length === 4) return { scope: 'subclass', head: text };
  return { scope: 'group', head: text.slice(0, 4), group: Number(text.slice(4)) };
}

interface IpcParts {
  subclass: string;
  mainGroup?: number;
  subgroup?: string;
}

function patternMatches(pattern: ParsedPattern, code: IpcParts): boolean {
  switch (pattern.scope) {
    case 'class':
      return code.subclass.startsWith(pattern.head);
    case 'subclass':
      return code.subclass === pattern.head;
    case 'group':
      return code.subclass === pattern.head && code.mainGroup === pattern.group;
    case 'code':
      return (
        code.subclass === pattern.head &&
        code.mainGroup === pattern.group &&
        code.subgroup === pattern.subgroup
      );
  }
}

interface CompiledPattern extends ParsedPattern {
  printed: string;
  category: string;
  exclusions: readonly ParsedPattern[];
  keywordRule?: string;
}

/**
 * Patterns bucketed by their first 3 (class scope) or 4 characters, so a lookup scans a few dozen.
 * Compiled on the first inference, not at import: most functions that carry this module (for the
 * industry names) never infer, and compiling the ~3,000 patterns is the costliest part of its load
 * (bench/results/bundles.json, docs/architecture.md "Bundles").
 */
let compiledBuckets: Map<string, CompiledPattern[]> | undefined;
function patternBuckets(): Map<string, CompiledPattern[]> {
  if (compiledBuckets) return compiledBuckets;
  const exclusionSets = strategicExclusionSets.map((set) => set.split(';').map(parsePattern));
  const buckets = new Map<string, CompiledPattern[]>();
  for (const [ipc, category, match, exclusions, keywordRule] of strategicPatterns) {
    const parsed = parsePattern(ipc);
    const compiled: CompiledPattern = {
      ...parsed,
      printed: match === 'p' ? `${ipc}*` : ipc,
      category,
      exclusions: exclusions >= 0 ? exclusionSets[exclusions]! : [],
    };
    if (keywordRule >= 0) compiled.keywordRule = strategicKeywordRules[keywordRule]!;
    const bucket = buckets.get(parsed.head) ?? [];
    bucket.push(compiled);
    buckets.set(parsed.head, bucket);
  }
  compiledBuckets = buckets;
  return buckets;
}

/**
 * Infers the second-level strategic emerging industries of a patent from its IPC codes, with the
 * concordance pattern that led there (the most specific one when several do). A rule's 不含 exclusions
 * are honoured. Eight rules also ask for keywords in the patent text (e.g. H03M13 counts for 1.3 only
 * with 区块链 keywords); an IPC code alone cannot confirm those, so they are skipped unless
 * `includeKeywordRules` is set, and then `via` names the keywords to check.
 */
export function inferStrategicIndustries(
  ipcCodes: readonly string[],
  options: { includeKeywordRules?: boolean } = {},
): StrategicInference[] {
  const found = new Map<string, { pattern: CompiledPattern; ipc: string }>();
  const buckets = patternBuckets();
  for (const input of ipcCodes) {
    const code = checkIpc(input);
    if (!code.ok) continue;
    const candidates = [
      ...(buckets.get(code.subclass.slice(0, 3)) ?? []),
      ...(buckets.get(code.subclass) ?? []),
    ];
    for (const pattern of candidates) {
      if (pattern.keywordRule !== undefined && !options.includeKeywordRules) continue;
      if (!patternMatches(pattern, code)) continue;
      if (pattern.exclusions.some((exclusion) => patternMatches(exclusion, code))) continue;
      const previous = found.get(pattern.category);
      if (!previous || scopeRank[pattern.scope] > scopeRank[previous.pattern.scope]) {
        found.set(pattern.category, { pattern, ipc: code.code });
      }
    }
  }
  return [...found.entries()]
    .sort(([a], [b]) => compareCategoryCodes(a, b))
    .map(([category, { pattern, ipc }]) => ({
      code: category,
      name: strategicByCode.get(category)?.name ?? category,
      via:
        pattern.keywordRule === undefined
          ? pattern.printed
          : `${pattern.printed}（需关键词：${pattern.keywordRule}）`,
      ipc,
    }));
}

function compareCategoryCodes(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1! - b1! || (a2 ?? 0) - (b2 ?? 0);
}

export {
  allIndustries,
  type Industry,
  type IndustryLevel,
  industryByCode,
  resolveIndustry,
} from './industries.ts';

/**
 * The GB/T 4754-2017 national economic industries (国民经济行业分类, with amendment No. 1 of 2019):
 * lookups by code and by name. A module of its own (re-exported by ./ipc.ts) so that code that only
 * names industries does not carry the IPC concordance tables.
 */
import { industryRows } from './industries.generated.ts';
import { toHalfWidth as halfWidth } from './uscc.ts';

export type IndustryLevel = 'section' | 'division' | 'group' | 'class';

export interface Industry {
  /** `C` (section), `39` (division), `391` (group) or `3911` (class). */
  code: string;
  level: IndustryLevel;
  name: string;
  parent?: string;
  /** The section letter the code belongs to. */
  section: string;
  /** The name before amendment No. 1 (2019), where it differs (9231 and 9232 changed meaning). */
  nameUnamended?: string;
}

const levelNames: readonly IndustryLevel[] = ['section', 'division', 'group', 'class'];

interface IndustryTable {
  list: readonly Industry[];
  byCode: ReadonlyMap<string, Industry>;
  byName: ReadonlyMap<string, Industry>;
}

/**
 * The rows as records with their lookups, built on first use, not at import: many functions carry this
 * module for a path they seldom take, and building ~1,400 records and two maps is most of its load
 * (bench/results/bundles.json).
 */
let table: IndustryTable | undefined;
function industryTable(): IndustryTable {
  if (table) return table;
  // Level and parent follow from the code and the order (checked when the rows are generated).
  let section = '';
  const list = industryRows.map(([code, name, nameUnamended]) => {
    const level = /^[A-Z]$/.test(code) ? 1 : code.length;
    if (level === 1) section = code;
    const industry: Industry = { code, level: levelNames[level - 1]!, name, section };
    const parent = level === 1 ? '' : level === 2 ? section : code.slice(0, -1);
    if (parent) industry.parent = parent;
    if (nameUnamended) industry.nameUnamended = nameUnamended;
    return industry;
  });
  const byName = new Map<string, Industry>();
  for (const industry of list) byName.set(industry.name, industry); // the deepest level wins
  table = { list, byCode: new Map(list.map((industry) => [industry.code, industry])), byName };
  return table;
}

/** Every industry, in the standard's order. */
export const allIndustries = (): readonly Industry[] => industryTable().list;

/** `3911`, `C3911` (section letter must fit), `39`, `C`; case, spaces and full-width forms tolerated. */
export function industryByCode(code: string): Industry | undefined {
  const text = halfWidth(code).replace(/\s+/g, '').toUpperCase();
  const match = /^([A-T])?(\d{2,4})?$/.exec(text);
  if (!match || text === '') return undefined;
  const [, letter, digits] = match;
  if (digits === undefined) return industryTable().byCode.get(letter!);
  const industry = industryTable().byCode.get(digits);
  if (!industry || (letter !== undefined && letter !== industry.section)) return undefined;
  return industry;
}

/**
 * A cell value naming a national economic industry: code (`3911`, `C3911`), code and name
 * (`3911 计算机整机制造`) or the exact name. `nameMismatch` holds a given name that is not the code's.
 */
export function resolveIndustry(value: string): { industry: Industry; nameMismatch?: string } | undefined {
  const text = halfWidth(value).replace(/\s+/g, ' ').trim();
  const match = /^([A-Ta-t]?\d{2,4}|[A-Ta-t])(?![\dA-Za-z])\s*[-:：]?\s*(.*)$/.exec(text);
  if (!match) {
    const industry = industryTable().byName.get(text.replace(/\s+/g, ''));
    return industry ? { industry } : undefined;
  }
  const industry = industryByCode(match[1]!);
  if (!industry) return undefined;
  const name = match[2]!.replace(/\s+/g, '');
  return name === '' || name === industry.name || name === industry.nameUnamended
    ? { industry }
    : { industry, nameMismatch: name };
}

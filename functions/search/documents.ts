/**
 * What both engines read of an indexed patent, without the segmenter (so that the OpenSearch adapter,
 * which runs in Lambda, shares it without bundling jieba): the text of each searched field, the IPC
 * prefixes a patent answers to, the scope and the filters as tests that say which value passed them
 * (the hits' reasons). The embedded engine (./embedded-index.ts) runs them over its entries; the
 * OpenSearch adapter (./opensearch-index.ts) turns the same filters into `filter` clauses and runs these
 * tests on each hit for its reasons.
 */
import { industryByCode } from '../../schemas/codes/industries.ts';
import { checkIpc } from '../../schemas/codes/ipc.ts';
import type { SearchField } from '../../schemas/search.ts';
import { isAvailable } from './availability.ts';
import type { IndexedPatent, SearchFilters, SearchScope } from './ports.ts';

/** A patent with its IPC prefixes (ipcKeys), what the filter tests read. */
export interface FilterEntry {
  patent: IndexedPatent;
  ipc: Set<string>;
}

/** Field weights (both engines: BM25F here, the multi_match boosts on OpenSearch): a word in the title says most about the patent; the prospect text least. */
export const fieldWeights: Readonly<Record<SearchField, number>> = {
  title: 3,
  abstract: 1,
  applicationScenarios: 1.2,
  productsAndAdvantages: 1,
  industrializationProspect: 0.5,
  classification: 0.6,
};
/** The text of each searched field of a patent (classification: the names of its industry codes). */
export function fieldTexts(patent: IndexedPatent): Record<SearchField, string> {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const strategic = Array.isArray(patent.strategicIndustries)
    ? (patent.strategicIndustries as Array<{ name?: unknown }>).map((s) => text(s.name))
    : [];
  const industry =
    typeof patent.industryCode === 'string' ? industryByCode(patent.industryCode)?.name : undefined;
  return {
    title: text(patent.title),
    abstract: text(patent.abstract),
    applicationScenarios: text(patent.applicationScenarios),
    productsAndAdvantages: text(patent.productsAndAdvantages),
    industrializationProspect: text(patent.industrializationProspect),
    classification: [industry ?? '', ...strategic].filter(Boolean).join('；'),
  };
}

/** `IPC#H01`, `IPC#H01M`, `IPC#H01M50`: the prefixes a patent's IPC codes answer to. */
export function ipcKeys(classifications: unknown): Set<string> {
  const keys = new Set<string>();
  if (!Array.isArray(classifications)) return keys;
  for (const code of classifications) {
    const ipc = checkIpc(String(code));
    if (!ipc.ok) continue;
    keys.add(`IPC#${ipc.subclass.slice(0, 3)}`);
    keys.add(`IPC#${ipc.subclass}`);
    if (ipc.mainGroup !== undefined) keys.add(`IPC#${ipc.subclass}${ipc.mainGroup}`);
  }
  return keys;
}

export function ipcFilterKey(prefix: string): string {
  const match = /^([A-H]\d{2})([A-Z])?\s*(\d{1,4})?$/.exec(prefix.trim().toUpperCase());
  if (!match) return `IPC#${prefix}`;
  const [, cls, subclass, group] = match;
  return `IPC#${cls}${subclass ?? ''}${group ? Number(group) : ''}`;
}

export type FilterReason = { filter: string; value: string; matched: string };

/** Each filter as a test that returns what passed it, or undefined. */
export function compileFilters(
  filters: SearchFilters,
): Array<(entry: FilterEntry) => FilterReason | undefined> {
  const tests: Array<(entry: FilterEntry) => FilterReason | undefined> = [];
  const {
    industry,
    strategicIndustry,
    ipc,
    province,
    trlMin,
    trlMax,
    tier,
    enteredPoolAfter,
    enteredPoolUntil,
  } = filters;
  if (industry !== undefined) {
    const prefix = industry.toUpperCase();
    tests.push(({ patent }) => {
      const code = typeof patent.industryCode === 'string' ? patent.industryCode : undefined;
      if (!code) return undefined;
      const found = industryByCode(code);
      const ok = /^[A-Z]$/.test(prefix) ? found?.section === prefix : code.startsWith(prefix);
      return ok ? { filter: 'industry', value: industry, matched: code } : undefined;
    });
  }
  if (strategicIndustry !== undefined) {
    tests.push(({ patent }) => {
      const codes = Array.isArray(patent.strategicIndustries)
        ? (patent.strategicIndustries as Array<{ code?: unknown }>).map((s) => String(s.code))
        : [];
      const hit = codes.find(
        (code) => code === strategicIndustry || code.startsWith(`${strategicIndustry}.`),
      );
      return hit ? { filter: 'strategicIndustry', value: strategicIndustry, matched: hit } : undefined;
    });
  }
  if (ipc !== undefined) {
    const key = ipcFilterKey(ipc);
    tests.push((entry) => {
      if (!entry.ipc.has(key)) return undefined;
      const codes = (entry.patent.classifications as string[]) ?? [];
      const matched = codes.find((code) => ipcKeys([code]).has(key)) ?? key.slice(4);
      return { filter: 'ipc', value: ipc, matched };
    });
  }
  if (province !== undefined)
    tests.push(({ patent }) =>
      patent.provinceCode === province
        ? { filter: 'province', value: province, matched: province }
        : undefined,
    );
  if (trlMin !== undefined || trlMax !== undefined) {
    const value = `${trlMin ?? 1}-${trlMax ?? 9}`;
    tests.push(({ patent }) => {
      const trl = patent.trl;
      if (typeof trl !== 'number') return undefined;
      if ((trlMin !== undefined && trl < trlMin) || (trlMax !== undefined && trl > trlMax)) return undefined;
      return { filter: 'trl', value, matched: String(trl) };
    });
  }
  if (tier !== undefined)
    tests.push(({ patent }) =>
      patent.tier === tier ? { filter: 'tier', value: tier, matched: tier } : undefined,
    );
  if (enteredPoolAfter !== undefined || enteredPoolUntil !== undefined)
    tests.push(({ patent }) => {
      const at = patent.inventoriedAt;
      if (typeof at !== 'string') return undefined;
      if (enteredPoolAfter !== undefined && at <= enteredPoolAfter) return undefined;
      if (enteredPoolUntil !== undefined && at > enteredPoolUntil) return undefined;
      return { filter: 'enteredPoolAfter', value: enteredPoolAfter ?? '', matched: at };
    });
  return tests;
}

/** The scope test without building reasons (the hot loop of a search). */
export function isInScope(scope: SearchScope, patent: IndexedPatent): boolean {
  if (scope.kind === 'available') return isAvailable(patent);
  if (patent.institutionUscc !== scope.institutionUscc) return false;
  return !scope.availableOnly || isAvailable(patent);
}

export function inScope(scope: SearchScope, patent: IndexedPatent): FilterReason | undefined {
  if (scope.kind === 'available')
    return isAvailable(patent)
      ? { filter: 'available', value: 'true', matched: 'conversion pool' }
      : undefined;
  if (patent.institutionUscc !== scope.institutionUscc) return undefined;
  if (scope.availableOnly && !isAvailable(patent)) return undefined;
  return scope.availableOnly
    ? { filter: 'available', value: 'true', matched: 'conversion pool' }
    : { filter: 'institution', value: scope.institutionUscc, matched: scope.institutionUscc };
}

/**
 * The Amazon OpenSearch Service side of the search port (docs/search.md, "AWS"): the index definition
 * (settings and mappings) and how an indexed patent (or a need read as one, ./need-documents.ts)
 * becomes an OpenSearch document. Pure data, no client: the adapter (./opensearch-index.ts) sends them.
 *
 * Analysis: the IK analyzer (medcl's analysis-ik, pre-installed on every OpenSearch Service domain
 * since OpenSearch 1.0, AWS China regions included: "Plugins by engine version in Amazon OpenSearch
 * Service") with `ik_max_word` at index time (every word and its parts, like jieba's search mode here)
 * and `ik_smart` at search time (the coarsest segmentation), the same stop words as the embedded
 * engine (./text.ts) and, at search time only, the synonym groups (./synonyms.ts) as a
 * `synonym_graph` filter. 简繁: STConvert is an optional package on OpenSearch Service (it has to be
 * associated with the domain); it is not declared, so the texts are converted here, before indexing,
 * and the query in the adapter, with the converter the embedded engine uses (OpenCC, ./text.ts).
 *
 * Filters: keyword fields holding every prefix a filter may name (industry section and code prefixes,
 * strategic-industry code and its ancestors, IPC class / subclass / main group as the embedded engine
 * keys them), so every filter is an exact `term`; TRL is an integer for `range`. `available` is decided
 * when the document is written (./availability.ts reads only the patent's own attributes, and each
 * change of them is a new stream record).
 */
import { industryByCode } from '../../schemas/codes/industries.ts';
import { type SearchField, searchFieldValues } from '../../schemas/search.ts';
import { isAvailable } from './availability.ts';
import { fieldTexts, ipcKeys } from './documents.ts';
import type { IndexedPatent } from './ports.ts';
import { synonymGroups } from './synonyms.ts';
import { normalizeText, stopWords } from './text.ts';

/**
 * The indices: one mapping, two indices (patents; needs read as documents). Versioned names: a mapping
 * change is a new index filled by a replay (docs/search.md, "Changing the mapping").
 */
export const openSearchIndexNames = { patents: 'patents-v1', needs: 'needs-v1' } as const;
export type OpenSearchIndexName = (typeof openSearchIndexNames)[keyof typeof openSearchIndexNames];

/** Highlight markers: Unicode private-use characters, removed from every indexed text (./opensearch-documents.ts). */
export const highlightPreTag = '\uE000';
export const highlightPostTag = '\uE001';
const markers = /[\uE000\uE001]/g;

const textField = { type: 'text', analyzer: 'patent_index', search_analyzer: 'patent_search' } as const;
const keyword = { type: 'keyword' } as const;

/** The body of `PUT /<index>`: settings (analysis) and mappings (strict: an unknown field is a bug). */
export function openSearchIndexDefinition() {
  return {
    settings: {
      index: {
        number_of_shards: 1,
        // One replica where a second data node exists (production: zone awareness), none on one node.
        auto_expand_replicas: '0-1',
        max_result_window: 1000,
      },
      analysis: {
        filter: {
          patent_stop: { type: 'stop', stopwords: [...stopWords] },
          patent_synonyms: {
            type: 'synonym_graph',
            synonyms: synonymGroups.map((group) => group.join(', ')),
          },
        },
        analyzer: {
          patent_index: { type: 'custom', tokenizer: 'ik_max_word', filter: ['lowercase', 'patent_stop'] },
          patent_search: {
            type: 'custom',
            tokenizer: 'ik_smart',
            filter: ['lowercase', 'patent_synonyms', 'patent_stop'],
          },
          /** The query's own terms, without synonyms (the answer's `terms`, read with _analyze). */
          patent_query_terms: { type: 'custom', tokenizer: 'ik_smart', filter: ['lowercase', 'patent_stop'] },
        },
      },
    },
    mappings: {
      dynamic: 'strict',
      properties: {
        ...Object.fromEntries(searchFieldValues.map((field) => [field, textField])),
        id: keyword,
        institutionUscc: keyword,
        available: { type: 'boolean' },
        industryKeys: keyword,
        strategicIndustryKeys: keyword,
        ipcKeys: keyword,
        provinceCode: keyword,
        trl: { type: 'integer' },
        tier: keyword,
        /** When the patent entered the pool (saved-search alerts: `enteredPoolAfter`). */
        inventoriedAt: { type: 'date' },
        version: { type: 'long' },
        /** The stored patent (or need document) as the port answers it: kept, never indexed. */
        patent: { type: 'object', enabled: false },
      },
    },
  };
}

export type OpenSearchDocument = Record<SearchField, string> & {
  id: string;
  institutionUscc?: string;
  available: boolean;
  industryKeys: string[];
  strategicIndustryKeys: string[];
  ipcKeys: string[];
  provinceCode?: string;
  trl?: number;
  tier?: string;
  inventoriedAt?: string;
  version?: number;
  patent: IndexedPatent;
};

/** `C`, `38`, `384`, `3841`: the section and every prefix of the GB/T 4754-2017 code. */
function industryKeysOf(code: unknown): string[] {
  if (typeof code !== 'string' || !code) return [];
  const keys = new Set<string>();
  const section = industryByCode(code)?.section;
  if (section) keys.add(section);
  for (let length = 1; length <= code.length; length++) keys.add(code.slice(0, length).toUpperCase());
  return [...keys];
}

/** `6`, `6.3`, `6.3.1`: the strategic-industry code and its ancestors (the embedded filter's prefix rule). */
function strategicKeysOf(strategic: unknown): string[] {
  if (!Array.isArray(strategic)) return [];
  const keys = new Set<string>();
  for (const entry of strategic as Array<{ code?: unknown }>) {
    const parts = String(entry.code ?? '').split('.');
    if (!parts[0]) continue;
    for (let i = 1; i <= parts.length; i++) keys.add(parts.slice(0, i).join('.'));
  }
  return [...keys];
}

/** The document of a patent: normalized field texts (NFKC, lower case, simplified), filter keys, the patent. */
export function openSearchDocument(patent: IndexedPatent): OpenSearchDocument {
  const texts = fieldTexts(patent);
  const searched = Object.fromEntries(
    searchFieldValues.map((field) => [field, normalizeText(texts[field]).replace(markers, '')]),
  ) as Record<SearchField, string>;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const trl = typeof patent.trl === 'number' ? patent.trl : undefined;
  const version = typeof patent.version === 'number' ? patent.version : undefined;
  return {
    ...searched,
    id: patent.applicationNumber,
    ...(text(patent.institutionUscc) ? { institutionUscc: text(patent.institutionUscc) } : {}),
    available: isAvailable(patent),
    industryKeys: industryKeysOf(patent.industryCode),
    strategicIndustryKeys: strategicKeysOf(patent.strategicIndustries),
    ipcKeys: [...ipcKeys(patent.classifications)].map((key) => key.slice(4)),
    ...(text(patent.provinceCode) ? { provinceCode: text(patent.provinceCode) } : {}),
    ...(trl !== undefined ? { trl } : {}),
    ...(text(patent.tier) ? { tier: text(patent.tier) } : {}),
    ...(text(patent.inventoriedAt) ? { inventoriedAt: text(patent.inventoriedAt) } : {}),
    ...(version !== undefined ? { version } : {}),
    patent,
  };
}

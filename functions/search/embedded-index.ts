/**
 * The embedded search engine: an in-memory inverted index of patents with BM25F ranking, for the local
 * cloud (infra/local/search.ts builds it from the store at start and feeds it the stream) and the bench.
 *
 * Ranking: BM25F (Robertson, Zaragoza & Taylor 2004, "Simple BM25 extension to multiple weighted
 * fields"): a term's frequencies in the fields are length-normalized per field and weighted
 * (fieldWeights), summed, then saturated with k1 and multiplied by the term's IDF. Query terms that are
 * only a part of a longer query term (jieba's search mode yields 离子 inside 锂离子电池) weigh half;
 * synonyms (./synonyms.ts) weigh synonymWeight. Hits matching more of the query's words get a
 * coordination factor, so that 锂电池 隔膜 prefers patents about both.
 *
 * Storage: a term dictionary (term -> id), one posting list per term as a plain array of
 * [slot, packed field frequencies] pairs (six fields x 5 bits), per-slot field lengths, and the patent
 * itself (for filters, highlights and the answer). An update or removal marks the old slot dead
 * (its postings are skipped) and the postings are compacted when dead slots outnumber a third of all.
 */

import { industryByCode } from '../../schemas/codes/industries.ts';
import { checkIpc } from '../../schemas/codes/ipc.ts';
import { maxSearchQueryLength, type SearchField, searchFieldValues } from '../../schemas/search.ts';
import { normalizeText, synonyms, termsOfNormalized } from './analyzer.ts';
import { isAvailable } from './availability.ts';
import type {
  IndexedPatent,
  PatentIndexWriter,
  PatentSearchAnswer,
  PatentSearchIndex,
  PatentSearchRequest,
  SearchFilters,
  SearchScope,
} from './ports.ts';

/** Field weights: a word in the title says most about the patent; the prospect text least. */
export const fieldWeights: Readonly<Record<SearchField, number>> = {
  title: 3,
  abstract: 1,
  applicationScenarios: 1.2,
  productsAndAdvantages: 1,
  industrializationProspect: 0.5,
  classification: 0.6,
};
const k1 = 1.2;
const b = 0.75;
const partWeight = 0.5;
/** Below this IDF (a term in about 95 % of the patents) a term is not scored. */
const minIdf = 0.05;
export const synonymWeight = 0.7;
const fieldCount = searchFieldValues.length;
const tfBits = 5;
const tfMax = (1 << tfBits) - 1;

export interface EmbeddedIndexOptions {
  /** Expand query terms with the synonym groups (default true; the bench measures both). */
  synonyms?: boolean;
}

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
function ipcKeys(classifications: unknown): Set<string> {
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

function ipcFilterKey(prefix: string): string {
  const match = /^([A-H]\d{2})([A-Z])?\s*(\d{1,4})?$/.exec(prefix.trim().toUpperCase());
  if (!match) return `IPC#${prefix}`;
  const [, cls, subclass, group] = match;
  return `IPC#${cls}${subclass ?? ''}${group ? Number(group) : ''}`;
}

interface Entry {
  patent: IndexedPatent;
  ipc: Set<string>;
  /** Term ids of the slot, each once (for document frequencies on removal). */
  terms: Int32Array;
}

type FilterReason = { filter: string; value: string; matched: string };

/** Each filter as a test that returns what passed it, or undefined. */
function compileFilters(filters: SearchFilters): Array<(entry: Entry) => FilterReason | undefined> {
  const tests: Array<(entry: Entry) => FilterReason | undefined> = [];
  const { industry, strategicIndustry, ipc, province, trlMin, trlMax, tier, enteredPoolAfter } = filters;
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
  if (enteredPoolAfter !== undefined)
    tests.push(({ patent }) =>
      typeof patent.inventoriedAt === 'string' && patent.inventoriedAt > enteredPoolAfter
        ? { filter: 'enteredPoolAfter', value: enteredPoolAfter, matched: patent.inventoriedAt }
        : undefined,
    );
  return tests;
}

/** The scope test without building reasons (the hot loop of a search). */
function isInScope(scope: SearchScope, patent: IndexedPatent): boolean {
  if (scope.kind === 'available') return isAvailable(patent);
  if (patent.institutionUscc !== scope.institutionUscc) return false;
  return !scope.availableOnly || isAvailable(patent);
}

function inScope(scope: SearchScope, patent: IndexedPatent): FilterReason | undefined {
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

interface QueryTerm {
  term: string;
  id: number;
  weight: number;
  via?: string;
  /** The query word (or the word a synonym stands for) it counts for in the coordination factor. */
  concept: string;
}

/** Merged [start, end) spans of every occurrence of the terms in the text. */
function spansOf(text: string, terms: readonly string[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const term of terms) {
    if (!term) continue;
    for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length))
      spans.push([at, at + term.length]);
  }
  spans.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

const fragmentLength = 120;
const fragmentLead = 20;

export function highlight(field: SearchField, original: string, terms: readonly string[]) {
  const normalized = normalizeText(original);
  // OpenCC maps characters one to one in practice; where a phrase changed length, show the normalized text.
  const shown = normalized.length === original.length ? original : normalized;
  const spans = spansOf(normalized, terms);
  if (!spans.length) return undefined;
  const start = Math.max(0, Math.min(spans[0]![0] - fragmentLead, shown.length - fragmentLength));
  const end = Math.min(shown.length, start + fragmentLength);
  return {
    field,
    text: shown.slice(start, end),
    spans: spans
      .filter(([s, e]) => s >= start && e <= end)
      .map(([s, e]) => [s - start, e - start] as [number, number]),
  };
}

export class EmbeddedPatentIndex implements PatentSearchIndex, PatentIndexWriter {
  private readonly termIds = new Map<string, number>();
  private readonly termNames: string[] = [];
  private postings: number[][] = [];
  private readonly df: number[] = [];
  private readonly slotOf = new Map<string, number>();
  private entries: Array<Entry | undefined> = [];
  private lengths: number[][] = searchFieldValues.map(() => []);
  private readonly totalLength: number[] = searchFieldValues.map(() => 0);
  private live = 0;
  private dead = 0;
  private readonly expandSynonyms: boolean;

  constructor(options: EmbeddedIndexOptions = {}) {
    this.expandSynonyms = options.synonyms ?? true;
  }

  get size(): number {
    return this.live;
  }
  get vocabulary(): number {
    return this.termIds.size;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termNames.length;
      this.termIds.set(term, id);
      this.termNames.push(term);
      this.postings.push([]);
      this.df.push(0);
    }
    return id;
  }

  upsert(patent: IndexedPatent): void {
    this.remove(patent.applicationNumber);
    const texts = fieldTexts(patent);
    const slot = this.entries.length;
    const frequencies = new Map<number, number>();
    searchFieldValues.forEach((field, f) => {
      const terms = termsOfNormalized(normalizeText(texts[field]));
      this.lengths[f]![slot] = terms.length;
      this.totalLength[f]! += terms.length;
      const shift = f * tfBits;
      for (const term of terms) {
        const id = this.termId(term);
        const packed = frequencies.get(id) ?? 0;
        const tf = (packed >>> shift) & tfMax;
        if (tf < tfMax) frequencies.set(id, packed + (1 << shift));
      }
    });
    const ids = new Int32Array(frequencies.size);
    let i = 0;
    for (const [id, packed] of frequencies) {
      this.postings[id]!.push(slot, packed);
      this.df[id]! += 1;
      ids[i++] = id;
    }
    this.entries.push({ patent, ipc: ipcKeys(patent.classifications), terms: ids });
    this.slotOf.set(patent.applicationNumber, slot);
    this.live++;
  }

  remove(applicationNumber: string): void {
    const slot = this.slotOf.get(applicationNumber);
    if (slot === undefined) return;
    const entry = this.entries[slot]!;
    for (const id of entry.terms) this.df[id]! -= 1;
    searchFieldValues.forEach((_, f) => {
      this.totalLength[f]! -= this.lengths[f]![slot]!;
    });
    this.entries[slot] = undefined;
    this.slotOf.delete(applicationNumber);
    this.live--;
    this.dead++;
    if (this.dead > 1000 && this.dead * 3 > this.entries.length) this.compact();
  }

  /** Drops dead slots: slots renumbered, postings rewritten (no text is analyzed again). */
  private compact(): void {
    const newSlot = new Int32Array(this.entries.length).fill(-1);
    const entries: Entry[] = [];
    const lengths: number[][] = searchFieldValues.map(() => []);
    this.entries.forEach((entry, slot) => {
      if (!entry) return;
      newSlot[slot] = entries.length;
      searchFieldValues.forEach((_, f) => {
        lengths[f]![entries.length] = this.lengths[f]![slot]!;
      });
      this.slotOf.set(entry.patent.applicationNumber, entries.length);
      entries.push(entry);
    });
    this.postings = this.postings.map((list) => {
      const kept: number[] = [];
      for (let i = 0; i < list.length; i += 2) {
        const slot = newSlot[list[i]!]!;
        if (slot >= 0) kept.push(slot, list[i + 1]!);
      }
      return kept;
    });
    this.entries = entries;
    this.lengths = lengths;
    this.dead = 0;
  }

  /** The query's terms: its words (parts of a longer word at half weight), then their synonyms. */
  private queryTerms(normalized: string): { terms: QueryTerm[]; words: string[]; expanded: QueryTerm[] } {
    const words = [...new Set(termsOfNormalized(normalized))];
    const isPart = (word: string) => words.some((other) => other !== word && other.includes(word));
    const terms: QueryTerm[] = [];
    const seen = new Set<string>();
    for (const word of words) {
      seen.add(word);
      const id = this.termIds.get(word);
      const concept = words.find((other) => other !== word && other.includes(word)) ?? word;
      if (id !== undefined) terms.push({ term: word, id, weight: isPart(word) ? partWeight : 1, concept });
    }
    const expanded: QueryTerm[] = [];
    if (this.expandSynonyms)
      for (const word of words) {
        if (isPart(word)) continue;
        for (const synonym of synonyms(word)) {
          if (seen.has(synonym)) continue;
          seen.add(synonym);
          const id = this.termIds.get(synonym);
          const term = { term: synonym, id: id ?? -1, weight: synonymWeight, via: word, concept: word };
          expanded.push(term);
          if (id !== undefined) terms.push(term);
        }
      }
    return { terms, words, expanded };
  }

  async search(request: PatentSearchRequest): Promise<PatentSearchAnswer> {
    return this.searchNow(request);
  }

  /** The filters' and scope's reasons for a slot, or undefined when it does not pass them all. */
  private admission(
    slot: number,
    scope: SearchScope,
    filters: ReturnType<typeof compileFilters>,
  ): FilterReason[] | undefined {
    const entry = this.entries[slot];
    if (!entry) return undefined;
    const inside = inScope(scope, entry.patent);
    if (!inside) return undefined;
    const reasons = [inside];
    for (const test of filters) {
      const reason = test(entry);
      if (!reason) return undefined;
      reasons.push(reason);
    }
    return reasons;
  }

  /** The packed field frequencies of a term in a slot (postings are in slot order: binary search). */
  private packedOf(termId: number, slot: number): number {
    const list = this.postings[termId]!;
    let low = 0;
    let high = list.length / 2 - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const at = list[middle * 2]!;
      if (at === slot) return list[middle * 2 + 1]!;
      if (at < slot) low = middle + 1;
      else high = middle - 1;
    }
    return 0;
  }

  /** The search itself, synchronous (the bench times it without the event loop). */
  searchNow(request: PatentSearchRequest): PatentSearchAnswer {
    const normalized = normalizeText(request.text.slice(0, maxSearchQueryLength));
    const { terms: allTerms, words, expanded } = this.queryTerms(normalized);
    // At most 31 terms: each slot keeps the terms it matched as bits of one integer.
    const terms = allTerms.slice(0, 31);
    const answer = (hits: PatentSearchAnswer['hits'], total: number): PatentSearchAnswer => ({
      hits,
      total,
      terms: words,
      expandedTerms: expanded.map(({ term, via }) => ({ term, via: via! })),
    });
    if (!terms.length || this.live === 0) return answer([], 0);

    const filters = compileFilters(request.filters);
    const size = this.entries.length;
    /** 0: not decided, 1: admitted, 2: refused. */
    const admitted = new Uint8Array(size);
    const scores = new Float64Array(size);
    const masks = new Int32Array(size);
    const touched: number[] = [];
    const averages = this.totalLength.map((total) => (this.live ? total / this.live : 1) || 1);
    const weights = searchFieldValues.map((field) => fieldWeights[field]);
    const idfs = terms.map((term) => {
      const df = this.df[term.id]!;
      return df > 0 ? Math.log(1 + (this.live - df + 0.5) / (df + 0.5)) : 0;
    });
    const termScore = (t: number, slot: number, packed: number) => {
      let weighted = 0;
      for (let f = 0; f < fieldCount; f++) {
        const tf = (packed >>> (f * tfBits)) & tfMax;
        if (!tf) continue;
        weighted += (weights[f]! * tf) / (1 - b + (b * this.lengths[f]![slot]!) / averages[f]!);
      }
      return terms[t]!.weight * idfs[t]! * ((weighted * (k1 + 1)) / (weighted + k1));
    };
    terms.forEach((term, t) => {
      // A term in nearly every patent (解决, 问题 ...) changes no ranking: not worth reading its postings.
      if (idfs[t]! < minIdf) return;
      const list = this.postings[term.id]!;
      const bit = 1 << t;
      for (let i = 0; i < list.length; i += 2) {
        const slot = list[i]!;
        let state = admitted[slot]!;
        if (state === 0) {
          const entry = this.entries[slot];
          state =
            entry &&
            isInScope(request.scope, entry.patent) &&
            filters.every((test) => test(entry) !== undefined)
              ? 1
              : 2;
          admitted[slot] = state;
        }
        if (state !== 1) continue;
        if (masks[slot] === 0) touched.push(slot);
        scores[slot]! += termScore(t, slot, list[i + 1]!);
        masks[slot]! |= bit;
      }
    });

    // Coordination: the share of the query's words (a synonym counts for its word) a hit matched.
    const conceptNames = [
      ...new Set(terms.filter((term) => term.weight === 1 || term.via).map((term) => term.concept)),
    ];
    const conceptOf = terms.map((term) => conceptNames.indexOf(term.concept));
    const ranked = touched.map((slot) => {
      let covered = 0;
      for (let t = 0; t < terms.length; t++)
        if (masks[slot]! & (1 << t) && conceptOf[t]! >= 0) covered |= 1 << conceptOf[t]!;
      let count = 0;
      for (let c = covered; c; c &= c - 1) count++;
      const coordination = conceptNames.length > 1 ? (count / conceptNames.length) ** 2 : 1;
      return { slot, score: scores[slot]! * (0.5 + 0.5 * coordination) };
    });
    const numberOf = (slot: number) => this.entries[slot]!.patent.applicationNumber;
    // Only the hits that can reach the page are sorted: those scoring at least the k-th best score.
    const wanted = request.offset + request.limit;
    let candidates = ranked;
    if (ranked.length > wanted * 4) {
      const best = Float64Array.from(ranked, (r) => -r.score).sort();
      const threshold = -best[wanted - 1]!;
      candidates = ranked.filter((r) => r.score >= threshold);
    }
    candidates.sort((x, y) => {
      if (y.score !== x.score) return y.score - x.score;
      return numberOf(x.slot) < numberOf(y.slot) ? -1 : 1;
    });
    const page = candidates.slice(request.offset, request.offset + request.limit);
    return answer(
      page.map(({ slot, score }) => {
        const pairs: Array<[number, number]> = [];
        terms.forEach((term, t) => {
          if (masks[slot]! & (1 << t)) pairs.push([t, termScore(t, slot, this.packedOf(term.id, slot))]);
        });
        return this.hit(slot, score, terms, pairs, this.admission(slot, request.scope, filters)!);
      }),
      ranked.length,
    );
  }

  private hit(
    slot: number,
    score: number,
    terms: QueryTerm[],
    pairs: Array<[number, number]>,
    filterReasons: FilterReason[],
  ): PatentSearchAnswer['hits'][number] {
    const { patent } = this.entries[slot]!;
    const texts = fieldTexts(patent);
    const total = pairs.reduce((sum, [, s]) => sum + s, 0) || 1;
    const reasonTerms = pairs
      .map(([t, s]) => {
        const term = terms[t]!;
        const packed = this.packedOf(term.id, slot);
        const fields = searchFieldValues.filter((_, f) => ((packed >>> (f * tfBits)) & tfMax) > 0);
        return {
          term: term.term,
          fields,
          ...(term.via ? { via: term.via } : {}),
          contribution: Math.round((s / total) * 1000) / 1000,
        };
      })
      .sort((x, y) => y.contribution - x.contribution);
    const fields = searchFieldValues.filter((field) => reasonTerms.some((r) => r.fields.includes(field)));
    const matchedTerms = reasonTerms.map((r) => r.term).sort((x, y) => y.length - x.length);
    const highlights = fields
      .map((field) => highlight(field, texts[field], matchedTerms))
      .filter((h): h is NonNullable<typeof h> => h !== undefined);
    return {
      patent,
      score: Math.round(score * 1000) / 1000,
      highlights,
      reasons: { terms: reasonTerms, fields, filters: filterReasons },
    };
  }
}

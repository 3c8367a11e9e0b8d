/**
 * The search port on Amazon OpenSearch Service (docs/search.md, "AWS"), through the official client
 * (@opensearch-project/opensearch). One adapter for both indices: patents, and needs read as documents
 * (./need-documents.ts); the index definition and the documents are in ./opensearch-documents.ts.
 *
 * Request mapping: a `bool` query whose scoring part is `multi_match` (best_fields) over the six fields
 * with the embedded engine's weights as boosts (./documents.ts, fieldWeights), plus a `should`
 * `multi_match` with operator `and` that favours hits holding every word of the query (the embedded
 * engine's coordination factor); the scope and the filters are `filter` clauses (exact `term`s on the
 * prefix keys, `range` on TRL): they do not score. The user's text is only ever a match query's
 * `query` string, analyzed by the index's analyzer: never `query_string` or `simple_query_string`, so
 * nothing a user types is query syntax. It is normalized first (NFKC, lower case, 繁 -> 简 with OpenCC,
 * as the embedded engine does; STConvert is not associated with the domain) and bounded (the route's
 * 200 characters; `from` + `size` within the search depth).
 *
 * Answers: highlights come with private-use markers as tags (./opensearch-documents.ts) and become the
 * port's [start, end) spans; the reasons are derived from them: the matched terms (a synonym's `via` is
 * the query word it stands for), their fields, each term's share weighted by the field boosts (an
 * approximation: OpenSearch does not say per-term scores without `explain`, which costs a second
 * scoring pass), and the filters with the patent's values that passed them (the same tests as the
 * embedded engine, ./documents.ts). The query's terms are read with `_analyze` (the index's search
 * analyzer without synonyms), side by side with the search.
 *
 * Errors: a throttled or unavailable domain (429, 502-504, a timeout, a refused connection) is a 503
 * telling the user to send the request again; anything else from the domain (a mapping bug) a 503
 * telling them to tell the operators. A missing index (nothing written yet) answers no hits.
 */
import {
  maxSearchDepth,
  maxSearchQueryLength,
  type SearchField,
  searchFieldValues,
} from '../../schemas/search.ts';
import { ServiceUnavailableError } from '../shared/errors.ts';
import { type FilterReason, fieldWeights, inScope, ipcFilterKey } from './documents.ts';
import type { SearchTransport } from './opensearch-client.ts';
import { highlightPostTag, highlightPreTag, type OpenSearchIndexName } from './opensearch-documents.ts';
import type {
  IndexedPatent,
  PatentSearchAnswer,
  PatentSearchIndex,
  PatentSearchRequest,
  SearchFilters,
  SearchScope,
} from './ports.ts';
import { normalizeText, stopWords, synonyms } from './text.ts';

/** The most hits one page may ask for (the route allows 50). */
const maxPageSize = 50;
/** Fragment size of a highlight, as the embedded engine's (~120 characters). */
const fragmentSize = 120;

/** `title^3`, `abstract`, ...: the embedded engine's field weights as boosts. */
export const boostedFields = searchFieldValues.map((field) =>
  fieldWeights[field] === 1 ? field : `${field}^${fieldWeights[field]}`,
);

/** The scope and the filters as `filter` clauses (no scoring). */
export function filterClauses(scope: SearchScope, filters: SearchFilters): Array<Record<string, unknown>> {
  const clauses: Array<Record<string, unknown>> = [];
  if (scope.kind === 'available') clauses.push({ term: { available: true } });
  else {
    clauses.push({ term: { institutionUscc: scope.institutionUscc } });
    if (scope.availableOnly) clauses.push({ term: { available: true } });
  }
  if (filters.industry !== undefined)
    clauses.push({ term: { industryKeys: filters.industry.toUpperCase() } });
  if (filters.strategicIndustry !== undefined)
    clauses.push({ term: { strategicIndustryKeys: filters.strategicIndustry } });
  if (filters.ipc !== undefined) clauses.push({ term: { ipcKeys: ipcFilterKey(filters.ipc).slice(4) } });
  if (filters.province !== undefined) clauses.push({ term: { provinceCode: filters.province } });
  if (filters.trlMin !== undefined || filters.trlMax !== undefined)
    clauses.push({
      range: {
        trl: {
          ...(filters.trlMin !== undefined ? { gte: filters.trlMin } : {}),
          ...(filters.trlMax !== undefined ? { lte: filters.trlMax } : {}),
        },
      },
    });
  if (filters.tier !== undefined) clauses.push({ term: { tier: filters.tier } });
  if (filters.enteredPoolAfter !== undefined || filters.enteredPoolUntil !== undefined)
    clauses.push({
      range: {
        inventoriedAt: {
          ...(filters.enteredPoolAfter !== undefined ? { gt: filters.enteredPoolAfter } : {}),
          ...(filters.enteredPoolUntil !== undefined ? { lte: filters.enteredPoolUntil } : {}),
        },
      },
    });
  return clauses;
}

/** The request body of `POST /<index>/_search` for a port request (exported for the contract tests). */
export function searchBody(request: PatentSearchRequest, text: string) {
  const size = Math.max(0, Math.min(request.limit, maxPageSize, maxSearchDepth - request.offset));
  const from = Math.max(0, Math.min(request.offset, maxSearchDepth));
  return {
    from,
    size,
    track_total_hits: true,
    _source: ['patent'],
    query: {
      bool: {
        must: [
          { multi_match: { query: text, type: 'best_fields', fields: boostedFields, tie_breaker: 0.3 } },
        ],
        should: [
          { multi_match: { query: text, type: 'cross_fields', fields: boostedFields, operator: 'and' } },
        ],
        filter: filterClauses(request.scope, request.filters),
      },
    },
    highlight: {
      pre_tags: [highlightPreTag],
      post_tags: [highlightPostTag],
      require_field_match: true,
      fields: Object.fromEntries(
        searchFieldValues.map((field) => [field, { fragment_size: fragmentSize, number_of_fragments: 1 }]),
      ),
    },
  };
}

interface Marked {
  text: string;
  spans: Array<[number, number]>;
  terms: string[];
}

/** A fragment with the private tags -> plain text, its [start, end) spans and the marked terms. */
export function unmark(fragment: string): Marked {
  let text = '';
  const spans: Array<[number, number]> = [];
  const terms: string[] = [];
  let start = -1;
  for (const character of fragment) {
    if (character === highlightPreTag) start = text.length;
    else if (character === highlightPostTag) {
      if (start >= 0 && text.length > start) {
        const last = spans.at(-1);
        if (last && last[1] === start) last[1] = text.length;
        else spans.push([start, text.length]);
        terms.push(text.slice(start));
      }
      start = -1;
    } else text += character;
  }
  // Adjacent marks merged into one span: the terms are the marked pieces, each once.
  return { text, spans, terms: [...new Set(terms)] };
}

/** `H01`, `H01M`, `H01M50`: the keys an IPC code answers to (as ./opensearch-documents.ts indexes them). */
function ipcCodeKeys(code: string): string[] {
  const match = /^([A-H]\d{2})([A-Z])?\s*(\d{1,4})?/.exec(code.trim().toUpperCase());
  if (!match) return [];
  const [, cls, subclass, group] = match;
  return [
    cls!,
    ...(subclass ? [`${cls}${subclass}`] : []),
    ...(subclass && group ? [`${cls}${subclass}${Number(group)}`] : []),
  ];
}

/**
 * The filters' reasons of a hit: the value of the patent that passed each (the embedded engine's
 * reasons, ./documents.ts compileFilters, without the code lists: the domain has filtered already).
 */
export function filterReasons(filters: SearchFilters, patent: IndexedPatent): FilterReason[] {
  const reasons: FilterReason[] = [];
  const { industry, strategicIndustry, ipc, province, trlMin, trlMax, tier, enteredPoolAfter } = filters;
  if (industry !== undefined && typeof patent.industryCode === 'string')
    reasons.push({ filter: 'industry', value: industry, matched: patent.industryCode });
  if (strategicIndustry !== undefined) {
    const codes = Array.isArray(patent.strategicIndustries)
      ? (patent.strategicIndustries as Array<{ code?: unknown }>).map((s) => String(s.code))
      : [];
    const hit = codes.find((code) => code === strategicIndustry || code.startsWith(`${strategicIndustry}.`));
    if (hit) reasons.push({ filter: 'strategicIndustry', value: strategicIndustry, matched: hit });
  }
  if (ipc !== undefined) {
    const key = ipcFilterKey(ipc).slice(4);
    const codes = Array.isArray(patent.classifications)
      ? (patent.classifications as unknown[]).map(String)
      : [];
    const hit = codes.find((code) => ipcCodeKeys(code).includes(key));
    if (hit) reasons.push({ filter: 'ipc', value: ipc, matched: hit });
  }
  if (province !== undefined && patent.provinceCode === province)
    reasons.push({ filter: 'province', value: province, matched: province });
  if ((trlMin !== undefined || trlMax !== undefined) && typeof patent.trl === 'number')
    reasons.push({ filter: 'trl', value: `${trlMin ?? 1}-${trlMax ?? 9}`, matched: String(patent.trl) });
  if (tier !== undefined && patent.tier === tier)
    reasons.push({ filter: 'tier', value: tier, matched: tier });
  if (enteredPoolAfter !== undefined && typeof patent.inventoriedAt === 'string')
    reasons.push({ filter: 'enteredPoolAfter', value: enteredPoolAfter, matched: patent.inventoriedAt });
  return reasons;
}

type Hit = {
  _score?: number | null;
  _source?: { patent?: IndexedPatent };
  highlight?: Record<string, string[]>;
};

/** The port's hit of an OpenSearch hit: highlights as spans, reasons from the highlights and the filters. */
export function hitOf(
  hit: Hit,
  request: PatentSearchRequest,
  queryTerms: readonly string[],
): PatentSearchAnswer['hits'][number] | undefined {
  const patent = hit._source?.patent;
  if (!patent) return undefined;
  const highlights: PatentSearchAnswer['hits'][number]['highlights'] = [];
  const termFields = new Map<string, { fields: Set<SearchField>; weight: number }>();
  for (const field of searchFieldValues) {
    const fragment = hit.highlight?.[field]?.[0];
    if (!fragment) continue;
    const marked = unmark(fragment);
    if (!marked.spans.length) continue;
    highlights.push({ field, text: marked.text, spans: marked.spans });
    for (const term of marked.terms) {
      const entry = termFields.get(term) ?? { fields: new Set<SearchField>(), weight: 0 };
      entry.fields.add(field);
      entry.weight += fieldWeights[field];
      termFields.set(term, entry);
    }
  }
  const total = [...termFields.values()].reduce((sum, entry) => sum + entry.weight, 0) || 1;
  const viaOf = (term: string) =>
    queryTerms.includes(term) ? undefined : queryTerms.find((word) => synonyms(word).includes(term));
  const terms = [...termFields]
    .map(([term, entry]) => {
      const via = viaOf(term);
      return {
        term,
        fields: searchFieldValues.filter((field) => entry.fields.has(field)),
        ...(via ? { via } : {}),
        contribution: Math.round((entry.weight / total) * 1000) / 1000,
      };
    })
    .sort((x, y) => y.contribution - x.contribution || (x.term < y.term ? -1 : 1));
  // The domain filtered already: a document whose stored patent disagrees (written by an older
  // adapter) is still answered, with the reasons that hold.
  const scopeReason = inScope(request.scope, patent);
  const filters = [...(scopeReason ? [scopeReason] : []), ...filterReasons(request.filters, patent)];
  return {
    patent,
    score: Math.round((hit._score ?? 0) * 1000) / 1000,
    highlights,
    reasons: {
      terms,
      fields: searchFieldValues.filter((field) => highlights.some((h) => h.field === field)),
      filters,
    },
  };
}

const wordLike = /[\p{L}\p{N}]/u;

/** The query's terms when the index cannot analyze them (it does not exist yet): split on non-words. */
function plainTerms(text: string): string[] {
  return [...new Set(text.split(/[^\p{L}\p{N}]+/u).filter((word) => word && !stopWords.has(word)))];
}

/** The status code of a client error (ResponseError carries statusCode; connection errors none). */
const statusOf = (error: unknown) =>
  typeof (error as { meta?: { statusCode?: unknown } })?.meta?.statusCode === 'number'
    ? ((error as { meta: { statusCode: number } }).meta.statusCode as number)
    : undefined;
const isMissingIndex = (error: unknown) =>
  statusOf(error) === 404 &&
  JSON.stringify((error as { meta?: { body?: unknown } }).meta?.body ?? '').includes('index_not_found');

/** A failure of the domain as the 503 the route answers, with what the user should do. */
export function unavailable(error: unknown): ServiceUnavailableError {
  const status = statusOf(error);
  if (status === undefined || status === 429 || status === 502 || status === 503 || status === 504)
    return new ServiceUnavailableError(
      `The search engine is busy or did not answer (${status ?? (error as Error)?.name ?? 'no answer'}): send the same request again in a few seconds.`,
    );
  return new ServiceUnavailableError(
    `The search engine refused the search (${status}): send it again later; if it persists, tell the operators (the search function's log has the details).`,
  );
}

export interface OpenSearchIndexOptions {
  /** The official client's transport (./opensearch-client.ts; a `Client`'s `transport` in the tests). */
  transport: SearchTransport;
  index: OpenSearchIndexName;
}

export function openSearchIndex({ transport, index }: OpenSearchIndexOptions): PatentSearchIndex {
  return {
    // The core stream's one reader (infra/resources/streams.ts) retries a failed batch up to 10 times
    // with backoff before the index sees it, and the index refreshes every second: 10 minutes.
    indexingLagMs: 10 * 60_000,
    async search(request: PatentSearchRequest): Promise<PatentSearchAnswer> {
      const text = normalizeText(request.text.slice(0, maxSearchQueryLength));
      const analyzed = transport
        .request({
          method: 'POST',
          path: `/${index}/_analyze`,
          body: { analyzer: 'patent_query_terms', text },
        })
        .then(
          ({ body }) => {
            const tokens = (body as { tokens?: Array<{ token: string }> }).tokens ?? [];
            return [
              ...new Set(tokens.map((t) => t.token).filter((t) => wordLike.test(t) && !stopWords.has(t))),
            ];
          },
          (error: unknown) => {
            if (isMissingIndex(error)) return plainTerms(text);
            throw unavailable(error);
          },
        );
      const searched = transport
        .request({
          method: 'POST',
          path: `/${index}/_search`,
          body: searchBody(request, text),
          querystring: { ignore_unavailable: true },
        })
        .then(
          ({ body }) => body as { hits?: { total?: { value?: number } | number; hits?: Hit[] } },
          (error: unknown) => {
            throw unavailable(error);
          },
        );
      const [terms, body] = await Promise.all([analyzed, searched]);
      const isPart = (word: string) => terms.some((other) => other !== word && other.includes(word));
      const expandedTerms = terms
        .filter((word) => !isPart(word))
        .flatMap((word) =>
          synonyms(word)
            .filter((s) => !terms.includes(s))
            .map((term) => ({ term, via: word })),
        )
        .filter((entry, i, all) => all.findIndex((other) => other.term === entry.term) === i);
      const total = body.hits?.total;
      const hits = (body.hits?.hits ?? [])
        .map((hit) => hitOf(hit, request, terms))
        .filter((hit) => hit !== undefined);
      return {
        hits,
        total: typeof total === 'number' ? total : (total?.value ?? hits.length),
        terms,
        expandedTerms,
      };
    },
  };
}

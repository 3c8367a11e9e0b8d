/**
 * The search port: what the search use-case asks of a search engine, shaped so that both engines fit.
 * The embedded engine (./embedded-index.ts) runs in the local cloud's process; an Amazon OpenSearch
 * Service adapter is the AWS slice still to come (docs/search.md says how it maps). The request carries
 * the user's words as plain text and the filters as values: an adapter analyzes the text with the
 * engine's Chinese analyzer as a match query, never as query syntax (no query_string), so nothing a
 * user types is ever passed through raw.
 */
import type { Highlight, MatchReasons } from '../../schemas/search.ts';

export interface SearchFilters {
  /** GB/T 4754-2017 code prefix (C, 38, 384, 3841). */
  industry?: string;
  /** Strategic emerging industry code prefix (6, 6.3). */
  strategicIndustry?: string;
  /** IPC class, subclass or main group (H01, H01M, H01M 50). */
  ipc?: string;
  province?: string;
  trlMin?: number;
  trlMax?: number;
  tier?: string;
  /**
   * Only patents that entered the conversion pool (`inventoriedAt`) after this instant (ISO 8601): the
   * daily saved-search alerts (./saved-searches.ts). Not a filter of GET /v1/search/patents.
   */
  enteredPoolAfter?: string;
  /**
   * And at or before this instant: the end of an alert's window, so that patents entered after it (not
   * surely indexed yet, alerted next time) do not fill the page before those of the window.
   */
  enteredPoolUntil?: string;
}

/** Whose patents a search may see: available patents of anyone, or one institution's own. */
export type SearchScope =
  | { kind: 'available' }
  | { kind: 'institution'; institutionUscc: string; availableOnly: boolean };

export interface PatentSearchRequest {
  /** The user's words (at most maxSearchQueryLength characters), plain text. */
  text: string;
  filters: SearchFilters;
  scope: SearchScope;
  limit: number;
  offset: number;
}

/** A patent as stored (without table keys): the use-case projects it to the caller's view. */
export type IndexedPatent = Record<string, unknown> & { applicationNumber: string };

export interface PatentSearchAnswer {
  hits: Array<{ patent: IndexedPatent; score: number; highlights: Highlight[]; reasons: MatchReasons }>;
  total: number;
  /** The query's terms after analysis (empty: nothing searchable in it). */
  terms: string[];
  expandedTerms: Array<{ term: string; via: string }>;
}

export interface PatentSearchIndex {
  search(request: PatentSearchRequest): Promise<PatentSearchAnswer>;
  /**
   * How long after a change in the table this engine is known to show it (the stream, the consumer and
   * the engine's refresh, with the consumer's retries): the daily alerts look no later than this before
   * their run (../search/search-alerts.ts). Absent: `alertSettings.indexingLagMs` (10 minutes).
   */
  readonly indexingLagMs?: number;
}

/** How the change events of patents reach an index (the same events feed every engine). */
export interface PatentIndexWriter {
  upsert(patent: IndexedPatent): void;
  remove(applicationNumber: string): void;
}

/**
 * GET /v1/search/needs: Chinese full-text search of enterprise technology needs (issue 15 items 1 and
 * 4), through the same search port and engine as patents (./need-documents.ts says how a need is read
 * as a document). Institutions, experts and administrators search the open needs of every enterprise
 * (以产业需求为导向: institutions look for the needs their patents answer); an enterprise searches its
 * own needs, any state.
 */
import { needSchema } from '../../schemas/need.ts';
import {
  maxSearchDepth,
  type NeedSearchField,
  type NeedSearchQuery,
  type NeedSearchResult,
} from '../../schemas/need-search.ts';
import type { Caller } from '../../schemas/roles.ts';
import type { SearchField } from '../../schemas/search.ts';
import { ForbiddenError, ValidationError } from '../shared/errors.ts';
import type { PatentSearchIndex, SearchScope } from './ports.ts';

const example = 'e.g. ?q=防腐涂层 or ?q=电池 热失控';

/** The need's name of each engine field a need fills (./need-documents.ts). */
const needFieldOf: Partial<Record<SearchField, NeedSearchField>> = {
  title: 'title',
  abstract: 'description',
  productsAndAdvantages: 'expectedOutcome',
  classification: 'classification',
};
const toNeedField = (field: SearchField): NeedSearchField => needFieldOf[field] ?? 'description';

export function needSearchScope(caller: Caller): SearchScope {
  if (caller.roles.includes('enterprise')) {
    if (!caller.orgUscc)
      throw new ForbiddenError(
        'Your account has no enterprise code (custom:uscc): register your enterprise with POST /v1/enterprises first.',
      );
    return { kind: 'institution', institutionUscc: caller.orgUscc, availableOnly: false };
  }
  return { kind: 'available' };
}

export async function searchNeeds(
  deps: { index: PatentSearchIndex; onUnreadable?: (needId: string, issues: string) => void },
  caller: Caller,
  query: NeedSearchQuery,
): Promise<NeedSearchResult> {
  const scope = needSearchScope(caller);
  if (!/[\p{L}\p{N}]/u.test(query.q))
    throw new ValidationError(
      `The query has no words to search for (only punctuation, symbols or emoji): send words, ${example}.`,
      [{ in: 'query', field: 'q', message: 'no letters or digits' }],
    );
  const { q, limit, offset, ...filters } = query;
  const answer = await deps.index.search({
    text: q,
    filters,
    scope,
    limit: Math.min(limit, maxSearchDepth - offset),
    offset,
  });
  if (!answer.terms.length)
    throw new ValidationError(
      `The query holds only common words (like 的, 一种, 方法): add what the technology does or is for, ${example}.`,
      [{ in: 'query', field: 'q', message: 'only stop words' }],
    );
  const items: NeedSearchResult['items'] = [];
  for (const hit of answer.hits) {
    const parsed = needSchema.safeParse(hit.patent.need);
    if (!parsed.success) {
      deps.onUnreadable?.(
        hit.patent.applicationNumber,
        parsed.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; '),
      );
      continue;
    }
    items.push({
      need: parsed.data,
      score: hit.score,
      highlights: hit.highlights.map((h) => ({ ...h, field: toNeedField(h.field) })),
      reasons: {
        terms: hit.reasons.terms.map((t) => ({ ...t, fields: [...new Set(t.fields.map(toNeedField))] })),
        fields: [...new Set(hit.reasons.fields.map(toNeedField))],
        filters: hit.reasons.filters.map((f) =>
          f.filter === 'available'
            ? { filter: 'open', value: 'true', matched: 'approved, not closed' }
            : f.filter === 'institution'
              ? { filter: 'enterprise', value: f.value, matched: f.matched }
              : f,
        ),
      },
    });
  }
  return {
    items,
    total: answer.total - (answer.hits.length - items.length),
    terms: answer.terms,
    expandedTerms: answer.expandedTerms,
  };
}

/**
 * GET /v1/search/patents: the caller's scope, the query's words checked, the engine asked through its
 * port, each hit answered in the caller's view. Plain TypeScript over the port, tested without AWS.
 *
 * Scope (docs/search.md): institution users search their institution's own patents, every field
 * (`available=true` narrows to those available); enterprises, experts and administrators search the
 * available patents of every institution (./availability.ts), in the public view (schemas/patent.ts).
 */
import {
  type PatentPublisher,
  patentSchema,
  publicPatentSchema,
  toFullPatent,
  toPublicPatent,
} from '../../schemas/patent.ts';
import type { Caller } from '../../schemas/roles.ts';
import { maxSearchDepth, type PatentSearchQuery, type PatentSearchResult } from '../../schemas/search.ts';
import type { InstitutionStore } from '../institutions/institutions.ts';
import { publishersOf } from '../institutions/publishers.ts';
import { ForbiddenError, ValidationError } from '../shared/errors.ts';
import type { PatentSearchIndex, SearchScope } from './ports.ts';

export interface SearchDeps {
  index: PatentSearchIndex;
  /** The hits' institutions, for their names in the public view (absent: hits without names). */
  institutions?: Pick<InstitutionStore, 'get'>;
  /**
   * Told of an indexed patent that its view schema cannot read (a corrupt item, see below): the
   * handler logs it as an error, so the operators' error alarm fires with the application number.
   */
  onUnreadable?: (applicationNumber: string, issues: string) => void;
}

const example = 'e.g. ?q=锂电池 隔膜 or ?q=无人机 巡检';

export function searchScope(caller: Caller, query: Pick<PatentSearchQuery, 'available'>): SearchScope {
  if (caller.roles.includes('institution')) {
    if (!caller.orgUscc)
      throw new ForbiddenError(
        'Your account has no institution (custom:uscc): ask your province administrator to set it.',
      );
    return {
      kind: 'institution',
      institutionUscc: caller.orgUscc,
      availableOnly: query.available === 'true',
    };
  }
  if (query.available === 'false')
    throw new ValidationError(
      'Enterprises, experts and administrators search the patents available for conversion only: drop available=false.',
      [{ in: 'query', field: 'available', message: 'only true is allowed for your role' }],
    );
  return { kind: 'available' };
}

export async function searchPatents(
  deps: SearchDeps,
  caller: Caller,
  query: PatentSearchQuery,
): Promise<PatentSearchResult> {
  const scope = searchScope(caller, query);
  if (!/[\p{L}\p{N}]/u.test(query.q))
    throw new ValidationError(
      `The query has no words to search for (only punctuation, symbols or emoji): send words, ${example}.`,
      [{ in: 'query', field: 'q', message: 'no letters or digits' }],
    );
  if (query.trlMin !== undefined && query.trlMax !== undefined && query.trlMin > query.trlMax)
    throw new ValidationError(`trlMin (${query.trlMin}) is above trlMax (${query.trlMax}): swap them.`, [
      { in: 'query', field: 'trlMin', message: 'above trlMax' },
    ]);
  const { q, limit, offset, available: _available, ...filters } = query;
  const answer = await deps.index.search({
    text: q,
    filters,
    scope,
    limit: Math.min(limit, maxSearchDepth - offset),
    offset,
  });
  if (!answer.terms.length)
    throw new ValidationError(
      `The query holds only common words (like 的, 一种, 方法) that every patent has: add what the technology does or is for, ${example}.`,
      [{ in: 'query', field: 'q', message: 'only stop words' }],
    );
  const publishers =
    scope.kind !== 'institution' && deps.institutions
      ? await publishersOf(
          deps.institutions,
          answer.hits.map((hit) => String(hit.patent.institutionUscc)),
        )
      : new Map<string, PatentPublisher>();
  const [view, schema] =
    scope.kind === 'institution'
      ? [toFullPatent, patentSchema as typeof patentSchema | typeof publicPatentSchema]
      : [
          (patent: Readonly<Record<string, unknown>>) =>
            toPublicPatent(patent, publishers.get(String(patent.institutionUscc))),
          publicPatentSchema,
        ];
  // A search answers for every institution at once: one stored patent its schema cannot read (written
  // around the API, e.g. by a repair or a bad migration) is left out and reported, instead of turning
  // every enterprise's search into a 500 as a single-patent read rightly does.
  const items: PatentSearchResult['items'] = [];
  for (const hit of answer.hits) {
    const patent = view(hit.patent);
    const parsed = schema.safeParse(patent);
    if (parsed.success) items.push({ ...hit, patent });
    else
      deps.onUnreadable?.(
        hit.patent.applicationNumber,
        parsed.error.issues
          .slice(0, 5)
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('; '),
      );
  }
  return {
    items,
    total: answer.total - (answer.hits.length - items.length),
    terms: answer.terms,
    expandedTerms: answer.expandedTerms,
  };
}

/**
 * Pool -> open needs (issue 15 item 5, second half): the patents that newly entered the conversion pool
 * are matched against the enterprises' open needs and pushed to those enterprises through the daily
 * alert email (functions/search/saved-searches.ts: the same run and the same one email a day as the
 * saved searches), capped per enterprise and day; every match is kept with why (a NeedMatch item,
 * `direction: pool-to-need`, read with GET /v1/needs/{id}/matches, audited as `need.matched`).
 *
 * Found as need -> pool matching finds them (need-matching.ts: the need's words through the search
 * port, weighed with the shared codes), restricted to the patents that entered the pool (`inventoriedAt`)
 * in the alert's window and after the need opened (those before were matched when it opened).
 */
import type { Need, NeedMatch, Proposal } from '../../schemas/need.ts';
import type { PatentSearchIndex } from '../search/ports.ts';
import { explainingTerms } from '../search/text.ts';
import { codeBonus, matchContent, needQueryText, sharedCodes } from './need-matching.ts';

/** Per need a day at most, and per enterprise a day at most (docs/market.md, "Pool -> open needs"). */
export const poolToNeedSettings = { perNeed: 5, capPerEnterprise: 20, searchDepth: 30, minTerms: 2 };

export interface PoolToNeedStore {
  /** Every open need (gsi3 NEED#open). */
  openNeeds(): Promise<Need[]>;
  /** Keeps the match with its audit entry unless the need and patent were matched before: 'exists'. */
  recordPoolMatch(match: NeedMatch): Promise<'created' | 'exists'>;
  /** The proposals (揭榜) of a need, for the enterprise's daily alert (at most 1,000). */
  proposalsOf(needId: string): Promise<Proposal[]>;
}

export interface PoolToNeedDeps {
  index: PatentSearchIndex;
  store: PoolToNeedStore;
}

const openedAt = (need: Need) => need.reviewedAt ?? need.createdAt;

/**
 * The new pool patents of (since, until] matched with these needs of one enterprise, at most `cap` in
 * all, recorded; `since` undefined: from each need's opening.
 */
export async function matchNewPatentsToNeeds(
  deps: PoolToNeedDeps,
  needs: Need[],
  window: { since?: string; until: string; day: string; at: string },
  cap: number,
): Promise<Array<{ need: Need; matches: NeedMatch[] }>> {
  const found: Array<{ need: Need; matches: NeedMatch[] }> = [];
  let left = cap;
  for (const need of needs) {
    if (left <= 0) break;
    const opened = openedAt(need);
    const since = window.since && window.since > opened ? window.since : opened;
    if (since >= window.until) continue;
    const answer = await deps.index.search({
      text: needQueryText(need),
      filters: { enteredPoolAfter: since, enteredPoolUntil: window.until },
      scope: { kind: 'available' },
      limit: poolToNeedSettings.searchDepth,
      offset: 0,
    });
    const matches: NeedMatch[] = [];
    for (const hit of answer.hits) {
      if (matches.length >= poolToNeedSettings.perNeed || left <= 0) break;
      const entered = typeof hit.patent.inventoriedAt === 'string' ? hit.patent.inventoriedAt : undefined;
      if (!entered || entered <= since || entered > window.until) continue;
      const codes = sharedCodes(need, hit.patent);
      const terms = explainingTerms(hit.reasons.terms);
      // A long need shares a common word with many patents: a match needs a shared code or 2 words.
      if (!codes.length && terms.length < poolToNeedSettings.minTerms) continue;
      const match: NeedMatch = {
        needId: need.needId,
        applicationNumber: hit.patent.applicationNumber,
        institutionUscc: String(hit.patent.institutionUscc),
        direction: 'pool-to-need',
        score: Math.round((hit.score + codeBonus(codes)) * 1000) / 1000,
        ...matchContent(need, hit, codes, {
          zh: `新入库专利（${entered.slice(0, 10)}）与需求“${need.title}”匹配`,
          en: `New in the pool (${entered.slice(0, 10)}), matches need "${need.title}"`,
        }),
        pushDay: window.day,
        createdAt: window.at,
      };
      // Recorded before (`exists`) by a run whose email never went out (it failed, or lost the race
      // to another run): this window has not moved past the patent, so it was never mailed. Listed.
      await deps.store.recordPoolMatch(match);
      matches.push(match);
      left--;
    }
    if (matches.length) found.push({ need, matches });
  }
  return found;
}

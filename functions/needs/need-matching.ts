/**
 * Need -> pool matching (issue 15 item 5): when a need opens, the conversion pool is searched with its
 * words (the search port: the same engine and ranking as GET /v1/search/patents) and the hits are
 * weighed with the codes the need and the patent share (IPC prefix, industry code, strategic
 * industry). The best patents are pushed to their institutions as "an enterprise needs this": a match
 * item that keeps why it was made, in the institution's inbox partition, counted on the institution's
 * push counter of the day (at most `capPerDay` a day per institution, as for evaluators) so that the
 * existing daily digest (functions/market/digest.ts) mails it the next morning.
 */
import { chinaDate } from '../../schemas/china-date.ts';
import type { Need, NeedMatch } from '../../schemas/need.ts';
import { maxSearchQueryLength } from '../../schemas/search.ts';
import type { IndexedPatent, PatentSearchIndex } from '../search/ports.ts';
import { explainingTerms } from '../search/text.ts';
import { DomainError } from '../shared/errors.ts';

/** Fixed for now (docs/market.md, "Need -> pool matching"): patents pushed per need, pushes per institution a day. */
export const needMatchSettings = { maxPatents: 10, capPerDay: 20, searchDepth: 50, minShare: 0.3 };

export interface NeedMatchStore {
  /** Creates the match unless it exists; 'capped' when the institution's day is full. */
  pushMatch(match: NeedMatch, day: string, capPerDay: number): Promise<'pushed' | 'exists' | 'capped'>;
}

export interface NeedMatchDeps {
  index: PatentSearchIndex;
  store: NeedMatchStore;
  now: () => Date;
}

const compact = (code: string) => code.replace(/\s+/g, '').toUpperCase();

/** The codes a need and a patent share, each as a reason. */
export function sharedCodes(need: Need, patent: IndexedPatent): NeedMatch['reasons']['codes'] {
  const codes: NeedMatch['reasons']['codes'] = [];
  const classifications = Array.isArray(patent.classifications) ? patent.classifications.map(String) : [];
  for (const prefix of need.ipcInterests) {
    const hit = classifications.find((c) => compact(c).startsWith(compact(prefix)));
    if (hit) codes.push({ facet: 'ipc', need: prefix, patent: hit });
  }
  const industry = typeof patent.industryCode === 'string' ? patent.industryCode : undefined;
  for (const code of need.industryCodes)
    if (industry?.startsWith(code)) codes.push({ facet: 'industry', need: code, patent: industry });
  const strategic = Array.isArray(patent.strategicIndustries)
    ? (patent.strategicIndustries as Array<{ code?: unknown }>).map((s) => String(s.code))
    : [];
  for (const code of need.strategicIndustries) {
    const hit = strategic.find((s) => s === code || s.startsWith(`${code}.`));
    if (hit) codes.push({ facet: 'strategic', need: code, patent: hit });
  }
  return codes;
}

const facetZh = { ipc: 'IPC', industry: '国民经济行业', strategic: '战略性新兴产业' } as const;

/** The words a need is searched with, in both directions: its title, expected outcome and description. */
export const needQueryText = (need: Need) =>
  `${need.title} ${need.expectedOutcome ?? ''} ${need.description}`.slice(0, maxSearchQueryLength);

/** What each kind of shared code (IPC, industry, strategic industry) adds to a match's score. */
export const codeBonus = (codes: NeedMatch['reasons']['codes']) =>
  0.25 * new Set(codes.map((c) => c.facet)).size;

/**
 * The part of a match both directions build alike: its reasons (the first 5 matched words and the
 * shared codes), the explanations after their lead (`lead：matched words ...；IPC ...`), and what the
 * match shows of the patent and of the need.
 */
export function matchContent(
  need: Need,
  hit: { patent: IndexedPatent; reasons: { terms: ReadonlyArray<{ term: string }> } },
  codes: NeedMatch['reasons']['codes'],
  lead: { zh: string; en: string },
): Pick<NeedMatch, 'reasons' | 'explanationZh' | 'explanationEn' | 'patent' | 'need'> {
  const terms = explainingTerms(hit.reasons.terms);
  const parts = (words: string, facet: (c: (typeof codes)[number]) => string) =>
    [terms.length ? words : '', ...codes.map((c) => `${facet(c)} ${c.patent}`)].filter(Boolean);
  return {
    reasons: { terms, codes },
    explanationZh: `${lead.zh}：${parts(`匹配词 ${terms.join('、')}`, (c) => facetZh[c.facet]).join('；')}`,
    explanationEn: `${lead.en}: ${parts(`matched words ${terms.join(', ')}`, (c) => c.facet).join('; ')}`,
    patent: { title: String(hit.patent.title ?? ''), patentType: String(hit.patent.patentType ?? '') },
    need: {
      title: need.title,
      kind: need.kind,
      enterpriseName: need.enterpriseName,
      ...(need.rewardYuan !== undefined ? { rewardYuan: need.rewardYuan } : {}),
      ...(need.deadline ? { deadline: need.deadline } : {}),
    },
  };
}

export async function matchNeedToPool(deps: NeedMatchDeps, need: Need) {
  if (need.status !== 'open') return { needId: need.needId, skipped: `the need is ${need.status}` };
  let answer: Awaited<ReturnType<PatentSearchIndex['search']>>;
  try {
    answer = await deps.index.search({
      text: needQueryText(need),
      filters: {},
      scope: { kind: 'available' },
      limit: needMatchSettings.searchDepth,
      offset: 0,
    });
  } catch (error) {
    // No engine in this deployment (503 NOT_CONFIGURED) or none
    // answering: the need stays open and searchable; the match is skipped, not the review.
    if (error instanceof DomainError && error.statusCode === 503)
      return { needId: need.needId, skipped: `search unavailable: ${error.message}` };
    throw error;
  }
  const top = answer.hits[0]?.score ?? 0;
  const ranked = answer.hits
    .map((hit) => {
      const codes = sharedCodes(need, hit.patent);
      const share = top ? hit.score / top : 0;
      return { hit, codes, share, rank: share + codeBonus(codes) };
    })
    .filter((m) => m.share >= needMatchSettings.minShare || m.codes.length > 0)
    .sort(
      (x, y) => y.rank - x.rank || (x.hit.patent.applicationNumber < y.hit.patent.applicationNumber ? -1 : 1),
    )
    .slice(0, needMatchSettings.maxPatents);
  const now = deps.now();
  const at = now.toISOString();
  const day = chinaDate(now);
  const outcome = { pushed: 0, exists: 0, capped: 0 };
  for (const { hit, codes, rank } of ranked) {
    const match: NeedMatch = {
      needId: need.needId,
      applicationNumber: hit.patent.applicationNumber,
      institutionUscc: String(hit.patent.institutionUscc),
      score: Math.round(rank * 1000) / 1000,
      ...matchContent(need, hit, codes, {
        zh: `企业需求“${need.title}”（${need.enterpriseName}）`,
        en: `Enterprise need "${need.title}" (${need.enterpriseName})`,
      }),
      pushDay: day,
      createdAt: at,
    };
    outcome[await deps.store.pushMatch(match, day, needMatchSettings.capPerDay)]++;
  }
  return { needId: need.needId, candidates: answer.hits.length, matches: ranked.length, ...outcome };
}

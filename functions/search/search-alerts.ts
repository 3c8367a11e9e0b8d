/**
 * The daily saved-search alerts (issue 15 item 6; docs/market.md, "Saved searches and alerts"): every
 * saved search (./saved-searches.ts) run again through the search port, restricted to the patents that
 * entered the conversion pool in the window (since the enterprise's previous alert or the search's
 * saving, up to the engine's indexing lag before the run); ONE email per enterprise, the
 * patents listed per saved search with why each matched. Run by the daily digest's schedule
 * (functions/market/send-digests.handler.ts). Apart from the routes' module so that their bundles carry
 * no mail layout (nor its portal setting).
 */
import { chinaDate } from '../../schemas/china-date.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { Need, NeedMatch, Proposal } from '../../schemas/need.ts';
import type { SavedSearch } from '../../schemas/saved-search.ts';
import { renderMail } from '../mail/layout.ts';
import { matchNewPatentsToNeeds, type PoolToNeedDeps, poolToNeedSettings } from '../needs/pool-to-needs.ts';
import { DomainError } from '../shared/errors.ts';
import type { PatentSearchIndex, SearchFilters } from './ports.ts';
import type { SavedSearchStore } from './saved-searches.ts';
import { explainingTerms } from './text.ts';

/**
 * Patents listed per saved search in one alert at most; patents entered this long ago are indexed for
 * sure, unless the engine says how long it takes (`PatentSearchIndex.indexingLagMs`).
 */
export const alertSettings = { perSearch: 10, indexingLagMs: 10 * 60_000 };

export interface AlertHit {
  applicationNumber: string;
  title: string;
  institutionName?: string;
  /** Why it matched: the words of the query found in it, and each filter with the patent's value. */
  whyZh: string;
}

export interface AlertSection {
  search: Pick<SavedSearch, 'savedSearchId' | 'name' | 'q'>;
  hits: AlertHit[];
}

const filterZh: Record<string, string> = {
  industry: '国民经济行业',
  strategicIndustry: '战略性新兴产业',
  ipc: 'IPC',
  province: '省份',
  trl: 'TRL',
  tier: '推广分级',
};

export interface NeedAlertSection {
  need: Pick<Need, 'needId' | 'title'>;
  matches: NeedMatch[];
  /** Patents institutions proposed for the need (揭榜) since the last alert. */
  proposals?: Proposal[];
}

export function renderAlert(
  name: string,
  day: string,
  sections: AlertSection[],
  portalUrl: string,
  needSections: NeedAlertSection[] = [],
): MailMessage {
  const n =
    sections.reduce((sum, s) => sum + s.hits.length, 0) +
    needSections.reduce((sum, s) => sum + s.matches.length, 0);
  const p = needSections.reduce((sum, s) => sum + (s.proposals?.length ?? 0), 0);
  const proposed = p
    ? { zh: `技术需求新揭榜 ${p} 件；`, en: `${p} new proposal(s) for your needs; ` }
    : { zh: '', en: '' };
  return {
    to: [],
    subject: `${p ? proposed.zh : '订阅检索：'}新入库专利 ${n} 件（${day}）/ ${proposed.en}${n} new patent(s) match your saved searches`,
    ...renderMail({
      title: {
        zh: `${proposed.zh}您订阅的检索有 ${n} 件新入库专利（${day}）`,
        en: `${proposed.en}${n} new patent(s) in the pool match your saved searches (${day})`,
      },
      greeting: `${name}，您好：`,
      blocks: [
        ...needSections.flatMap((section) => [
          ...(section.proposals?.length
            ? [
                {
                  p: {
                    zh: `您的技术需求“${section.need.title}”：高校院所揭榜提出专利 ${section.proposals.length} 件`,
                    en: `Your need "${section.need.title}": ${section.proposals.length} patent(s) proposed by institutions`,
                  },
                },
                {
                  table: {
                    head: [
                      { zh: '申请号', en: 'Application no.' },
                      { zh: '专利名称', en: 'Title' },
                      { zh: '提出单位', en: 'Institution' },
                      { zh: '说明', en: 'How it answers' },
                    ],
                    rows: section.proposals.map((x) => [
                      x.applicationNumber,
                      x.patentTitle,
                      x.institutionName,
                      x.message,
                    ]),
                  },
                },
              ]
            : []),
          ...(section.matches.length
            ? [
                {
                  p: {
                    zh: `您的技术需求“${section.need.title}”：新入库专利 ${section.matches.length} 件`,
                    en: `Your need "${section.need.title}": ${section.matches.length} new patent(s) in the pool`,
                  },
                },
                {
                  table: {
                    head: [
                      { zh: '申请号', en: 'Application no.' },
                      { zh: '专利名称', en: 'Title' },
                      { zh: '匹配原因', en: 'Why it matched' },
                    ],
                    rows: section.matches.map((m) => [m.applicationNumber, m.patent.title, m.explanationZh]),
                  },
                },
              ]
            : []),
        ]),
        ...sections.flatMap((section) => [
          {
            p: {
              zh: `订阅“${section.search.name}”（检索词：${section.search.q}）：${section.hits.length} 件`,
              en: `Saved search "${section.search.name}" (${section.search.q}): ${section.hits.length}`,
            },
          },
          {
            table: {
              head: [
                { zh: '申请号', en: 'Application no.' },
                { zh: '专利名称', en: 'Title' },
                { zh: '专利权人', en: 'Institution' },
                { zh: '匹配原因', en: 'Why it matched' },
              ],
              rows: section.hits.map((h) => [h.applicationNumber, h.title, h.institutionName ?? '', h.whyZh]),
            },
          },
        ]),
      ],
      action: { label: { zh: '登录平台查看', en: 'Open the portal' }, href: portalUrl },
      reason: {
        zh: '您收到此邮件，是因为贵单位在平台保存了订阅检索或发布了技术需求，且有新专利与之匹配或有高校院所揭榜；每天最多一封，可在平台删除订阅或关闭需求。',
        en: 'You get this email because your enterprise saved searches or posted technology needs, and new patents match them or institutions proposed patents; one email a day at most; delete a saved search or close a need to stop it.',
      },
    }),
    attachments: [],
  };
}

export interface AlertDeps {
  store: SavedSearchStore;
  index: PatentSearchIndex;
  now: () => Date;
  portalUrl: string;
  institutionName?: (uscc: string) => Promise<string | undefined>;
  /** Pool -> open needs (functions/needs/pool-to-needs.ts) in the same email; absent: saved searches only. */
  needs?: PoolToNeedDeps;
}

/** The daily alerts: one email per enterprise whose saved searches match patents new to the pool. */
export async function sendSearchAlerts(deps: AlertDeps) {
  const now = deps.now();
  const day = chinaDate(now);
  // The window ends a little before now: a patent that entered the pool just now may not be indexed yet.
  const lag = deps.index.indexingLagMs ?? alertSettings.indexingLagMs;
  const until = new Date(now.getTime() - lag).toISOString();
  const outcome: {
    day: string;
    enterprises: number;
    mailed: number;
    nothingNew: number;
    alreadyToday: number;
    skipped: number;
    changed: number;
    stopped?: string;
  } = { day, enterprises: 0, mailed: 0, nothingNew: 0, alreadyToday: 0, skipped: 0, changed: 0 };
  const states = await deps.store.alertStates();
  const needsOf = new Map<string, Need[]>();
  for (const need of deps.needs ? await deps.needs.store.openNeeds() : [])
    needsOf.set(need.enterpriseUscc, [...(needsOf.get(need.enterpriseUscc) ?? []), need]);
  const known = new Set(states.map((s) => s.enterpriseUscc));
  for (const uscc of needsOf.keys()) if (!known.has(uscc)) states.push({ enterpriseUscc: uscc });
  for (const state of states) {
    outcome.enterprises++;
    if (state.alertedDay === day) {
      outcome.alreadyToday++;
      continue;
    }
    if (state.alertedUntil !== undefined && state.alertedUntil >= until) {
      outcome.nothingNew++;
      continue;
    }
    const enterprise = await deps.store.enterprise(state.enterpriseUscc);
    const searches = await deps.store.list(state.enterpriseUscc);
    // An enterprise no longer verified (or without an email) gets nothing; its window still moves on,
    // so that it is not mailed a backlog once it is verified again.
    const email = enterprise?.status === 'verified' ? enterprise.contact?.email : undefined;
    const sections: AlertSection[] = [];
    let needSections: NeedAlertSection[] = [];
    if (email) {
      try {
        for (const search of searches) {
          // A search's window starts at the later of the last alert and the day it was saved.
          const since =
            state.alertedUntil && state.alertedUntil > search.createdAt
              ? state.alertedUntil
              : search.createdAt;
          const hits = await newMatches(deps, search, since, until);
          if (hits.length) sections.push({ search, hits });
        }
        const needs = needsOf.get(state.enterpriseUscc) ?? [];
        if (deps.needs && needs.length)
          needSections = await matchNewPatentsToNeeds(
            deps.needs,
            needs,
            {
              ...(state.alertedUntil ? { since: state.alertedUntil } : {}),
              until,
              day,
              at: now.toISOString(),
            },
            poolToNeedSettings.capPerEnterprise,
          );
        // 揭榜: the proposals institutions made for these needs since the last alert (all of them, with
        // the first alert), in the same email.
        if (deps.needs)
          for (const need of needs) {
            const proposals = (await deps.needs.store.proposalsOf(need.needId)).filter(
              (x) => (!state.alertedUntil || x.createdAt > state.alertedUntil) && x.createdAt <= until,
            );
            if (!proposals.length) continue;
            const section = needSections.find((s) => s.need.needId === need.needId);
            if (section) section.proposals = proposals;
            else needSections.push({ need, matches: [], proposals });
          }
      } catch (error) {
        // No engine in this deployment (503 NOT_CONFIGURED on AWS until the OpenSearch slice) or none
        // answering: no window moves, so nothing is lost; the next run covers the whole time since.
        if (error instanceof DomainError && error.statusCode === 503)
          return { ...outcome, stopped: `search unavailable: ${error.message}` };
        throw error;
      }
    } else outcome.skipped++;
    const mail =
      sections.length || needSections.length
        ? { ...renderAlert(enterprise!.name, day, sections, deps.portalUrl, needSections), to: [email!] }
        : undefined;
    if (!(await deps.store.markAlerted(state, until, day, mail))) outcome.changed++;
    else if (mail) outcome.mailed++;
    else if (email) outcome.nothingNew++;
  }
  return outcome;
}

async function newMatches(
  deps: AlertDeps,
  search: SavedSearch,
  since: string,
  until: string,
): Promise<AlertHit[]> {
  const {
    savedSearchId: _id,
    enterpriseUscc: _e,
    name: _n,
    q,
    createdAt: _c,
    createdBy: _b,
    ...filters
  } = search;
  const answer = await deps.index.search({
    text: q,
    filters: { ...(filters as SearchFilters), enteredPoolAfter: since, enteredPoolUntil: until },
    scope: { kind: 'available' },
    limit: alertSettings.perSearch * 2,
    offset: 0,
  });
  const hits: AlertHit[] = [];
  for (const hit of answer.hits) {
    const entered = typeof hit.patent.inventoriedAt === 'string' ? hit.patent.inventoriedAt : undefined;
    if (!entered || entered <= since || entered > until) continue;
    const words = explainingTerms(hit.reasons.terms);
    // Every alerted patent is available and new to the pool: only the search's own filters say why.
    const filterText = hit.reasons.filters
      .filter((f) => f.filter !== 'enteredPoolAfter' && f.filter !== 'available')
      .map((f) => `${filterZh[f.filter] ?? f.filter} ${f.matched}`);
    hits.push({
      applicationNumber: hit.patent.applicationNumber,
      title: String(hit.patent.title ?? ''),
      ...(deps.institutionName
        ? { institutionName: await deps.institutionName(String(hit.patent.institutionUscc)) }
        : {}),
      whyZh: [words.length ? `匹配词 ${words.join('、')}` : '', ...filterText, `${entered.slice(0, 10)} 入库`]
        .filter(Boolean)
        .join('；'),
    });
    if (hits.length >= alertSettings.perSearch) break;
  }
  return hits;
}

/**
 * Matching patents with enterprises and experts (Work Plan step 2: push by industry field and
 * technology field). Pure: turns a patent into index keys, evaluators' interests into index keys, and
 * scores the candidates found under the patent's keys, with a human-readable reason per match.
 *
 * The index is inverted (one DynamoDB partition per key, docs/data-model.md), so the cost per patent
 * depends only on the evaluators that share one of its fields, never on those in unrelated fields.
 */
import { checkIpc, industryByCode, strategicIndustryByCode } from '../../schemas/codes/ipc.ts';

export type Facet = 'industry' | 'strategic' | 'ipc';

export interface MatchKey {
  facet: Facet;
  /** Index key, e.g. IND#3911, SEI#1.1, IPC#H01M4. */
  key: string;
  /** How specific the shared field is: more specific, more weight. */
  weight: number;
  labelZh: string;
  labelEn: string;
}

export interface PatentForMatching {
  applicationNumber: string;
  institutionUscc: string;
  provinceCode: string;
  industryCode?: string;
  strategicIndustries: Array<{ code: string }>;
  classifications: string[];
}

export interface Interests {
  industryCodes: string[];
  strategicIndustries: string[];
  ipcInterests: string[];
}

export interface Candidate {
  kind: 'enterprise' | 'expert';
  id: string;
  name: string;
  provinceCode: string;
  /** Experts: the organization they work for (conflict of interest). */
  affiliationUscc?: string;
  /**
   * Experts: whether the administrator of their province verified them (functions/experts/pool.ts).
   * false: never pushed (issue 15 item 7: the pool's experts are recommended and verified by a province).
   */
  verified?: boolean;
  /** The index key under which it was found. */
  key: string;
}

export interface Match {
  kind: 'enterprise' | 'expert';
  id: string;
  name: string;
  score: number;
  reasons: Array<{ facet: Facet | 'province'; key: string; labelZh: string; labelEn: string }>;
  explanationZh: string;
  explanationEn: string;
}

const industryWeight = { class: 4, group: 3, division: 2, section: 1 } as const;
const industryLevelZh = { class: '小类', group: '中类', division: '大类', section: '门类' } as const;

/** Normalizes an IPC prefix given by an evaluator: H01, H01M or H01M 4 (main group). */
export function ipcPrefixKey(prefix: string): string | undefined {
  const match = /^([A-H]\d{2})([A-Z])?\s*(\d{1,4})?$/.exec(prefix.trim().toUpperCase().replace(/\s+/g, ' '));
  if (!match) return undefined;
  const [, cls, subclass, group] = match;
  if (group && !subclass) return undefined;
  return `IPC#${cls}${subclass ?? ''}${group ? Number(group) : ''}`;
}

export function industryKeyOf(code: string): string | undefined {
  const industry = industryByCode(code);
  return industry ? `IND#${industry.code}` : undefined;
}

/** The index keys an evaluator is listed under. Unknown codes are dropped (validated at registration). */
export function interestKeys(interests: Interests): string[] {
  const keys = new Set<string>();
  for (const code of interests.industryCodes) {
    const key = industryKeyOf(code);
    if (key) keys.add(key);
  }
  for (const code of interests.strategicIndustries)
    if (strategicIndustryByCode(code)) keys.add(`SEI#${code}`);
  for (const prefix of interests.ipcInterests) {
    const key = ipcPrefixKey(prefix);
    if (key) keys.add(key);
  }
  return [...keys];
}

/** The keys to look up for a patent: its fields and every broader field above them. */
export function patentMatchKeys(patent: PatentForMatching): MatchKey[] {
  const keys = new Map<string, MatchKey>();
  const add = (key: MatchKey) => {
    const existing = keys.get(key.key);
    if (!existing || existing.weight < key.weight) keys.set(key.key, key);
  };
  let industry = patent.industryCode ? industryByCode(patent.industryCode) : undefined;
  while (industry) {
    add({
      facet: 'industry',
      key: `IND#${industry.code}`,
      weight: industryWeight[industry.level],
      labelZh: `国民经济行业 ${industry.code} ${industry.name}（${industryLevelZh[industry.level]}）`,
      labelEn: `industry ${industry.code} ${industry.name} (${industry.level})`,
    });
    industry = industry.parent ? industryByCode(industry.parent) : undefined;
  }
  for (const { code } of patent.strategicIndustries) {
    const found = strategicIndustryByCode(code);
    if (!found) continue;
    const level2 = found.level === 2 ? found : undefined;
    if (level2) {
      add({
        facet: 'strategic',
        key: `SEI#${level2.code}`,
        weight: 3,
        labelZh: `战略性新兴产业 ${level2.code} ${level2.name}`,
        labelEn: `strategic industry ${level2.code} ${level2.name}`,
      });
    }
    const level1 = level2 ? (level2.parent ? strategicIndustryByCode(level2.parent) : undefined) : found;
    if (level1)
      add({
        facet: 'strategic',
        key: `SEI#${level1.code}`,
        weight: 2,
        labelZh: `战略性新兴产业 ${level1.code} ${level1.name}`,
        labelEn: `strategic industry ${level1.code} ${level1.name}`,
      });
  }
  for (const code of patent.classifications) {
    const ipc = checkIpc(code);
    if (!ipc.ok) continue; // Locarno classes (designs) match by industry only
    const cls = ipc.subclass.slice(0, 3);
    if (ipc.mainGroup !== undefined) {
      add({
        facet: 'ipc',
        key: `IPC#${ipc.subclass}${ipc.mainGroup}`,
        weight: 4,
        labelZh: `IPC 主组 ${ipc.subclass} ${ipc.mainGroup}`,
        labelEn: `IPC main group ${ipc.subclass} ${ipc.mainGroup}`,
      });
    }
    add({
      facet: 'ipc',
      key: `IPC#${ipc.subclass}`,
      weight: 3,
      labelZh: `IPC 小类 ${ipc.subclass}`,
      labelEn: `IPC subclass ${ipc.subclass}`,
    });
    add({
      facet: 'ipc',
      key: `IPC#${cls}`,
      weight: 1,
      labelZh: `IPC 大类 ${cls}`,
      labelEn: `IPC class ${cls}`,
    });
  }
  return [...keys.values()];
}

export interface ScoreOptions {
  maxEnterprises: number;
  maxExperts: number;
  /** Extra points for an evaluator in the patent's province (the Work Plan pushes by province). */
  sameProvinceBonus?: number;
}

/**
 * Scores candidates: per facet the most specific shared field counts, plus the province bonus.
 * Experts of the patent's own institution are never matched (conflict of interest). Ties are broken
 * by id so that the same inputs always give the same matches.
 */
export function scoreCandidates(
  patent: PatentForMatching,
  keys: MatchKey[],
  candidates: Candidate[],
  options: ScoreOptions,
): Match[] {
  const byKey = new Map(keys.map((k) => [k.key, k]));
  const grouped = new Map<string, { candidate: Candidate; best: Map<Facet, MatchKey> }>();
  for (const candidate of candidates) {
    const key = byKey.get(candidate.key);
    if (!key) continue;
    if (candidate.kind === 'expert' && candidate.affiliationUscc === patent.institutionUscc) continue;
    // An expert not (or no longer) verified by its province receives no pushes.
    if (candidate.kind === 'expert' && candidate.verified === false) continue;
    if (candidate.kind === 'enterprise' && candidate.id === patent.institutionUscc) continue;
    const id = `${candidate.kind}#${candidate.id}`;
    const entry = grouped.get(id) ?? { candidate, best: new Map<Facet, MatchKey>() };
    const current = entry.best.get(key.facet);
    // Most specific wins; between equally specific keys the first in key order, so input order never matters.
    if (!current || current.weight < key.weight || (current.weight === key.weight && key.key < current.key))
      entry.best.set(key.facet, key);
    grouped.set(id, entry);
  }
  const bonus = options.sameProvinceBonus ?? 1;
  const matches: Match[] = [...grouped.values()].map(({ candidate, best }) => {
    const reasons: Match['reasons'] = [...best.values()]
      .sort((a, b) => b.weight - a.weight || a.facet.localeCompare(b.facet))
      .map((k) => ({ facet: k.facet, key: k.key, labelZh: k.labelZh, labelEn: k.labelEn }));
    let score = [...best.values()].reduce((sum, k) => sum + k.weight, 0);
    if (candidate.provinceCode === patent.provinceCode) {
      score += bonus;
      reasons.push({
        facet: 'province',
        key: `PROV#${candidate.provinceCode}`,
        labelZh: '同省（按省推送）',
        labelEn: 'same province (pushed by province)',
      });
    }
    return {
      kind: candidate.kind,
      id: candidate.id,
      name: candidate.name,
      score,
      reasons,
      explanationZh: `匹配原因：${reasons.map((r) => r.labelZh).join('；')}`,
      explanationEn: `Matched on: ${reasons.map((r) => r.labelEn).join('; ')}`,
    };
  });
  const ranked = matches.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return [
    ...ranked.filter((m) => m.kind === 'enterprise').slice(0, options.maxEnterprises),
    ...ranked.filter((m) => m.kind === 'expert').slice(0, options.maxExperts),
  ];
}

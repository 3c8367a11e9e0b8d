/**
 * The expert pool's directory (专利评价专家库, "按产业领域组建专家库，供有需求的企业、高校进行选择"): a verified
 * expert is listed under each of its fields and every broader field above them (industry class 3911 ->
 * group 391 -> division 39 -> section C; strategic 1.2 -> 1; IPC H01M 4 -> H01M -> H01), and under
 * `ALL`. So `GET /v1/experts?field=39` reads one partition and finds the experts of 39, 391 and 3911.
 * Entries carry the listing only (name, title, affiliation, fields): never a contact.
 */
import { industryByCode } from '../../schemas/codes/industries.ts';
import { strategicIndustryByCode } from '../../schemas/codes/ipc.ts';
import type { ExpertListing } from '../../schemas/experts.ts';
import type { Expert } from '../../schemas/market.ts';
import { industryKeyOf, ipcPrefixKey } from '../market/matching.ts';
import { keys } from '../shared/dynamo/keys.ts';
import { ValidationError } from '../shared/errors.ts';

export const allExpertsKey = 'ALL';

/** An expert saved before verification existed has no status: pending. */
export const expertStatusOf = (expert: Pick<Expert, 'status'>) => expert.status ?? 'pending';

/** What the pool shows of an expert: no email, no phone. */
export function toListing(expert: Expert): ExpertListing {
  return {
    expertId: expert.expertId,
    name: expert.name,
    title: expert.title,
    affiliationUscc: expert.affiliationUscc,
    ...(expert.affiliationName ? { affiliationName: expert.affiliationName } : {}),
    provinceCode: expert.provinceCode,
    industryCodes: expert.industryCodes,
    strategicIndustries: expert.strategicIndustries,
    ipcInterests: expert.ipcInterests,
    status: expertStatusOf(expert),
    ...(expert.rejectionReason ? { rejectionReason: expert.rejectionReason } : {}),
  };
}

/** The directory keys of a field named in a query, or 400 saying which forms are understood. */
export function fieldKey(field: string): string {
  const text = field.trim().toUpperCase();
  let key: string | undefined;
  if (/^[A-H]\d{2}/.test(text)) key = ipcPrefixKey(text);
  else if (/^\d(\.\d{1,2})?$/.test(text)) key = strategicIndustryByCode(text) ? `SEI#${text}` : undefined;
  else key = industryKeyOf(text);
  if (!key) {
    throw new ValidationError(
      `"${field}" is not a field of the expert pool: give a GB/T 4754-2017 industry code (C, 39, 391, 3911), a strategic emerging industry (1, 1.2) or an IPC prefix (H01, H01M, H01M 4).`,
      [{ in: 'query', field: 'field', message: 'unknown field' }],
    );
  }
  return key;
}

/** Every key a verified expert is listed under: its fields, every broader one, and ALL. */
export function directoryKeys(
  expert: Pick<Expert, 'industryCodes' | 'strategicIndustries' | 'ipcInterests'>,
) {
  const found = new Set<string>([allExpertsKey]);
  for (const code of expert.industryCodes) {
    let industry = industryByCode(code);
    while (industry) {
      found.add(`IND#${industry.code}`);
      industry = industry.parent ? industryByCode(industry.parent) : undefined;
    }
  }
  for (const code of expert.strategicIndustries) {
    const industry = strategicIndustryByCode(code);
    if (!industry) continue;
    found.add(`SEI#${industry.code}`);
    if (industry.parent) found.add(`SEI#${industry.parent}`);
  }
  for (const prefix of expert.ipcInterests) {
    const key = ipcPrefixKey(prefix); // IPC#H01M4, IPC#H01M or IPC#H01
    if (!key) continue;
    const code = key.slice('IPC#'.length);
    found.add(`IPC#${code.slice(0, 3)}`);
    if (code.length >= 4) found.add(`IPC#${code.slice(0, 4)}`);
    found.add(key);
  }
  return [...found];
}

type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * The directory writes that take an expert from `before` to `after` (either may be absent): entries of
 * keys it no longer has (or all, when no longer verified) deleted, its current entries written. Writing
 * an entry again is harmless, so a retry completes the directory.
 */
export function directoryWrites(before: Expert | undefined, after: Expert | undefined): WriteRequest[] {
  const listed = (e: Expert | undefined) => (e && expertStatusOf(e) === 'verified' ? e : undefined);
  const was = listed(before);
  const now = listed(after);
  const oldKeys = was ? directoryKeys(was) : [];
  const newKeys = now ? directoryKeys(now) : [];
  const expertId = (now ?? was)?.expertId;
  if (!expertId) return [];
  return [
    ...oldKeys
      .filter((key) => !newKeys.includes(key))
      .map((key) => ({ DeleteRequest: { Key: keys.expertDirectory(key, expertId) } })),
    ...(now
      ? newKeys.map((key) => ({
          PutRequest: {
            Item: { ...keys.expertDirectory(key, expertId), entity: 'expert-directory', ...toListing(now) },
          },
        }))
      : []),
  ];
}

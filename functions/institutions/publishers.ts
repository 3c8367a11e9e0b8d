/**
 * The owning institutions of patents as the public view shows them (schemas/patent.ts toPublicPatent):
 * the name, and whether it publishes its inventors' names. One read per distinct institution of a
 * page (a page of 25 patents is a handful of institutions), never one per patent.
 */
import type { PatentPublisher } from '../../schemas/patent.ts';
import type { InstitutionStore } from './institutions.ts';

export async function publishersOf(
  institutions: Pick<InstitutionStore, 'get'>,
  usccs: Iterable<string>,
): Promise<Map<string, PatentPublisher>> {
  const distinct = [...new Set(usccs)];
  const found = await Promise.all(distinct.map((uscc) => institutions.get(uscc)));
  const publishers = new Map<string, PatentPublisher>();
  found.forEach((institution, i) => {
    if (!institution) return;
    publishers.set(distinct[i]!, {
      name: institution.name,
      ...(institution.publishInventors === true ? { publishInventors: true } : {}),
    });
  });
  return publishers;
}

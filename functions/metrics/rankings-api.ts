/**
 * The rankings route's use-case (GET /v1/rankings/{quarter}): who sees which ranking and which flags.
 * The ranking itself is functions/metrics/rankings.ts (pure, shared with the quarterly report).
 */
import type { Quarter, QuarterFigures } from '../../schemas/metrics.ts';
import type { RankingFlag, RankingKind, Rankings } from '../../schemas/rankings.ts';
import type { Caller } from '../../schemas/roles.ts';
import { callerMinistry } from '../institutions/institutions.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { rankingScopes, rankScopes } from './rankings.ts';

export interface RankingsDeps {
  /** The national figures of a quarter, with the ministry rows when `ministries` (no institution rows). */
  nationalFigures: (quarter: Quarter, options: { ministries: boolean }) => Promise<QuarterFigures>;
}

const notInScope = (scope: string) =>
  new NotFoundError(
    `没有该范围的排名数据 / No ranking row ${scope} in your scope: province and ministry admins read their own row (leave out ?scope=, or send your own province code or ministry).`,
  );

/**
 * GET /v1/rankings/{quarter}?by=province|ministry[&scope=]. The ranking table is shown whole to every
 * admin of its kind: the Work Plan feeds the quarterly figures back to the ministries and the province
 * IP offices (三（四）: 建立相关数据通报反馈机制……及时向国务院有关部门和各省级知识产权局反馈), a comparison, and the
 * province's assessment rests on it. The anomaly flags are leads for the national administrators and
 * the scope concerned, not published findings: a province or ministry admin sees only its own row's.
 * National admins: either ranking, every flag; province admins: by province; ministry admins: by
 * ministry (custom:ministry). ?scope= keeps one row (another admin's own only: 404 otherwise).
 */
export async function getRankings(
  deps: RankingsDeps,
  caller: Caller,
  quarter: Quarter,
  query: { by?: RankingKind; scope?: string },
): Promise<Rankings> {
  const national = caller.roles.includes('national-admin');
  const ministryAdmin = caller.roles.includes('ministry-admin') && !caller.roles.includes('province-admin');
  let own: string | undefined;
  let kind: RankingKind;
  if (national) kind = query.by ?? 'province';
  else if (ministryAdmin) {
    own = callerMinistry(caller);
    kind = query.by ?? 'ministry';
  } else {
    if (!caller.provinceCode)
      throw new ForbiddenError(
        '您的账号未设置省份 / Your province-admin account has no province (custom:province): ask the national administrators to set it.',
      );
    own = caller.provinceCode;
    kind = query.by ?? 'province';
  }
  const ownKind: RankingKind = ministryAdmin ? 'ministry' : 'province';
  if (!national && kind !== ownKind)
    throw new ForbiddenError(
      `${ministryAdmin ? 'Ministry' : 'Province'} admins read the ranking by ${ownKind}: send ?by=${ownKind} (national admins read both).`,
    );
  const scopes = rankingScopes(kind);
  if (query.scope !== undefined && !scopes.includes(query.scope)) {
    if (!national) throw notInScope(query.scope);
    throw new ValidationError(
      `"${query.scope}" is not a ${kind} of the ranking: send ${kind === 'province' ? 'a GB/T 2260 province code such as 110000' : `one of ${scopes.join(', ')}`}.`,
      [{ in: 'query', field: 'scope', message: 'unknown scope' }],
    );
  }
  if (!national && query.scope !== undefined && query.scope !== own) throw notInScope(query.scope);
  const figures = await deps.nationalFigures(quarter, { ministries: kind === 'ministry' });
  const rankings = rankScopes(figures, kind);
  const rows = rankings.rows
    .filter((row) => query.scope === undefined || row.code === query.scope)
    .map((row) =>
      national ? row : row.code === own ? { ...row, own: true } : { ...row, flags: [] as RankingFlag[] },
    );
  return { ...rankings, rows };
}

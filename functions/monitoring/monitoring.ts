/**
 * Monitoring flags, as use-cases over ports:
 * - random spot checks (随机抽查): each quarter a reproducible sample of every institution's inventoried
 *   patents is assigned to its province's administrators, who give a verdict (ok / needs correction
 *   with a comment, emailed to the institution through the outbox);
 * - the 5-year rule: publicly funded patents granted over 5 years ago and never implemented, listed
 *   per institution or province (the list is kept by the metrics stream consumer).
 * Scope: province admins see their province only (404 for another: ids do not leak); national admins
 * name the province; institution users see their own institution's 5-year list.
 */
import { createHash, createHmac } from 'node:crypto';
import { chinaDate } from '../../schemas/china-date.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { Quarter } from '../../schemas/metrics.ts';
import {
  type CorrectionAnswer,
  correctionDays,
  type SizeStratum,
  type SpotCheck,
  type SpotCheckListQuery,
  type SpotCheckSample,
  type SpotCheckVerdict,
  stratumOf,
  type UnimplementedFundedQuery,
} from '../../schemas/monitoring.ts';
import type { Caller } from '../../schemas/roles.ts';
import { actorLabel } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import type { SpotCheckMail, spotCheckMail } from './spot-check-mail.ts';

// ------------------------------------------------------------------------------------------ sample

/** How many of `population` inventoried patents are checked: rate, at least min (if any), at most max. */
export function sampleSize(population: number, sample: SpotCheckSample): number {
  if (population <= 0) return 0;
  const wanted = Math.max(sample.min, Math.ceil(population * sample.rate));
  return Math.min(population, sample.max, wanted);
}

/** The purpose the sample key is derived for from the server-side secret (functions/shared/cursor.ts). */
export const sampleKeyPurpose = 'spot-check-sample/v1';

/** A short public fingerprint of the sample key, recorded with each sample (which key drew it). */
export const sampleKeyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 12);

/**
 * The sample: the `size` patents with the smallest HMAC-SHA256(key, quarter#uscc#number), the key a
 * server-side secret (sampleKeyPurpose derived from the cursor signing secret: Secrets Manager in AWS).
 * Unpredictable to an institution (every input but the key is public: it cannot know which patents
 * will be drawn and tidy only those), reproducible by an operator who reads the secret (same key, same
 * sample), independent of the order patents are read in, and a larger sample of the same quarter
 * contains the smaller one.
 */
export function pickSample(
  key: Buffer,
  quarter: Quarter,
  uscc: string,
  numbers: readonly string[],
  size: number,
): string[] {
  const rank = (number: string) =>
    createHmac('sha256', key).update(`${quarter}#${uscc}#${number}`).digest('hex');
  return [...new Set(numbers)]
    .map((number) => ({ number, rank: rank(number) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, size)
    .map((entry) => entry.number);
}

export const spotCheckId = (
  check: Pick<SpotCheck, 'quarter' | 'provinceCode' | 'institutionUscc' | 'applicationNumber'>,
) => `${check.quarter}.${check.provinceCode}.${check.institutionUscc}.${check.applicationNumber}`;

export function parseSpotCheckId(id: string) {
  const match = /^(\d{4}Q[1-4])\.(\d{6})\.([0-9A-Z]{18})\.((?:\d{12}|\d{8})\.[\dX])$/.exec(id);
  if (!match) return undefined;
  return {
    quarter: match[1] as Quarter,
    provinceCode: match[2]!,
    institutionUscc: match[3]!,
    applicationNumber: match[4]!,
  };
}

// ------------------------------------------------------------------------------------------- ports

export interface MonitoredInstitution {
  uscc: string;
  name: string;
  provinceCode: string;
  contactEmail?: string;
}

export interface SpotCheckStore {
  institutions(provinceCode: string): Promise<MonitoredInstitution[]>;
  institution(uscc: string): Promise<MonitoredInstitution | undefined>;
  /** The inventoried (review approved) patents of an institution. */
  inventoried(uscc: string): Promise<Array<{ applicationNumber: string; title?: string }>>;
  /** The institution's own sample settings, if an admin set them. */
  sampleSettings(uscc: string): Promise<SpotCheckSample | undefined>;
  saveSampleSettings(uscc: string, sample: SpotCheckSample, caller: Caller, at: string): Promise<void>;
  /** Writes the sample of one institution for a quarter; 'exists' when the quarter was sampled before. */
  assign(
    quarter: Quarter,
    institution: MonitoredInstitution,
    checks: SpotCheck[],
    population: number,
    at: string,
    drawn?: { stratum: SizeStratum; keyId: string },
  ): Promise<'created' | 'exists'>;
  list(
    quarter: Quarter,
    provinceCode: string,
    filter: { institution?: string; status?: string },
    startKey: Record<string, unknown> | undefined,
    limit: number,
  ): Promise<{ items: SpotCheck[]; lastKey?: Record<string, unknown> }>;
  get(id: ReturnType<typeof parseSpotCheckId> & {}): Promise<SpotCheck | undefined>;
  /**
   * Conditional on the version read; with the audit entry and the mail (if any) in one transaction.
   * `audit`: the action and time of the entry (default: the verdict, at reviewedAt).
   */
  decide(
    before: SpotCheck,
    after: SpotCheck,
    caller: Caller,
    mail: SpotCheckMail | undefined,
    audit?: { action: string; at: string },
  ): Promise<'saved' | 'conflict'>;
}

// ------------------------------------------------------------------------------------------ access

type Scope =
  | { kind: 'national' }
  | { kind: 'province'; provinceCode: string }
  | { kind: 'institution'; uscc: string };

function scopeOf(caller: Caller, allowInstitution: boolean): Scope {
  if (caller.roles.includes('national-admin')) return { kind: 'national' };
  if (caller.roles.includes('province-admin')) {
    if (!caller.provinceCode)
      throw new ForbiddenError(
        'Your account has no province (custom:province): ask the national administrators to set it.',
      );
    return { kind: 'province', provinceCode: caller.provinceCode };
  }
  if (allowInstitution && caller.roles.includes('institution')) {
    if (!caller.orgUscc)
      throw new ForbiddenError(
        'Your account has no institution (custom:uscc): ask your province administrator to set it.',
      );
    return { kind: 'institution', uscc: caller.orgUscc };
  }
  throw new ForbiddenError(
    'Monitoring is for the administrators (and institutions for their own 5-year list).',
  );
}

const otherProvince = (provinceCode: string) =>
  new NotFoundError(
    `Nothing of province ${provinceCode} is in your scope: you administer one province; drop "province" or use your own.`,
  );

// ------------------------------------------------------------------------------------- spot checks

export interface AssignDeps {
  store: SpotCheckStore;
  now: () => Date;
  /** The server-side sample key (sampleKeyPurpose): see pickSample. */
  sampleKey: Buffer;
  /** The sample when an institution has no settings of its own (the job's input); else its size stratum's. */
  sample?: SpotCheckSample;
  /** Provinces to sample (default: all). */
  provinces?: string[];
}

/** Samples every institution for the quarter; institutions sampled before in the quarter are left as they are. */
export async function assignSpotChecks(deps: AssignDeps, quarter: Quarter) {
  const at = deps.now().toISOString();
  const keyId = sampleKeyId(deps.sampleKey);
  const byStratum: Record<SizeStratum, { institutions: number; checks: number }> = {
    small: { institutions: 0, checks: 0 },
    medium: { institutions: 0, checks: 0 },
    large: { institutions: 0, checks: 0 },
  };
  const outcome = {
    quarter,
    keyId,
    institutions: 0,
    sampled: 0,
    alreadySampled: 0,
    checks: 0,
    withoutInventory: 0,
    byStratum,
  };
  for (const provinceCode of deps.provinces ?? [...provinceNames.keys()].sort()) {
    for (const institution of await deps.store.institutions(provinceCode)) {
      outcome.institutions += 1;
      const patents = await deps.store.inventoried(institution.uscc);
      const stratum = stratumOf(patents.length);
      const sample = (await deps.store.sampleSettings(institution.uscc)) ?? deps.sample ?? stratum.sample;
      const size = sampleSize(patents.length, sample);
      if (size === 0) {
        outcome.withoutInventory += 1;
        continue;
      }
      const titles = new Map(patents.map((p) => [p.applicationNumber, p.title]));
      const picked = pickSample(
        deps.sampleKey,
        quarter,
        institution.uscc,
        patents.map((p) => p.applicationNumber),
        size,
      );
      const checks: SpotCheck[] = picked.map((applicationNumber) => {
        const check = { quarter, provinceCode, institutionUscc: institution.uscc, applicationNumber };
        const title = titles.get(applicationNumber);
        return {
          id: spotCheckId(check),
          ...check,
          ...(title ? { title } : {}),
          status: 'pending',
          assignedAt: at,
          version: 1,
        };
      });
      const written = await deps.store.assign(quarter, institution, checks, patents.length, at, {
        stratum: stratum.id,
        keyId,
      });
      if (written === 'exists') outcome.alreadySampled += 1;
      else {
        outcome.sampled += 1;
        outcome.checks += checks.length;
        byStratum[stratum.id].institutions += 1;
        byStratum[stratum.id].checks += checks.length;
      }
    }
  }
  return outcome;
}

/** GET /v1/monitoring/spot-checks: the quarter's checks of a province (the caller's own for province admins). */
export async function listSpotChecks(store: SpotCheckStore, caller: Caller, query: SpotCheckListQuery) {
  const scope = scopeOf(caller, false);
  let provinceCode: string;
  if (scope.kind === 'province') {
    if (query.province !== undefined && query.province !== scope.provinceCode)
      throw otherProvince(query.province);
    provinceCode = scope.provinceCode;
  } else {
    if (query.province === undefined)
      throw new ValidationError('Name the province whose spot checks you want: add &province=110000.', [
        { in: 'query', field: 'province', message: 'required for national administrators' },
      ]);
    provinceCode = query.province;
  }
  const quarter = query.quarter as Quarter;
  const filter = {
    ...(query.institution ? { institution: query.institution } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
  const listing = `spot-checks:${quarter}:${provinceCode}:${filter.institution ?? ''}:${filter.status ?? ''}`;
  const page = await store.list(
    quarter,
    provinceCode,
    filter,
    decodeCursor(listing, query.cursor),
    query.limit,
  );
  const nextCursor = encodeCursor(listing, page.lastKey);
  return { items: page.items, ...(nextCursor ? { nextCursor } : {}) };
}

/** The China date `days` after a China date. */
export function addChinaDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** An open correction whose deadline has passed (China date `today`): the report lists it. */
export const correctionOverdue = (check: Pick<SpotCheck, 'correction'>, today: string) =>
  check.correction?.status === 'open' && check.correction.dueDate < today;

/**
 * PUT /v1/monitoring/spot-checks/{id}: the verdict. needs-correction opens a correction request with
 * a deadline (correctionDays; a new round when one was answered or closed) and emails the comment and
 * the deadline to the institution; ok closes an open or answered correction (the re-check).
 */
export async function decideSpotCheck(
  deps: { store: SpotCheckStore; now: () => Date; mail: typeof spotCheckMail },
  caller: Caller,
  id: string,
  body: SpotCheckVerdict,
): Promise<SpotCheck> {
  const scope = scopeOf(caller, false);
  const parts = parseSpotCheckId(id);
  const notFound = new NotFoundError(
    `No spot check ${id} in your scope: list them with GET /v1/monitoring/spot-checks?quarter=...`,
  );
  if (!parts) throw notFound;
  if (scope.kind === 'province' && parts.provinceCode !== scope.provinceCode) throw notFound;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await deps.store.get(parts);
    if (!before) throw notFound;
    const comment = body.comment || undefined;
    // The same verdict again changes nothing, unless it re-checks an answered correction.
    const unchanged =
      body.verdict === 'ok'
        ? before.correction === undefined || before.correction.status === 'closed'
        : before.correction?.status === 'open';
    if (before.status === body.verdict && before.comment === comment && unchanged) return before;
    const now = deps.now();
    const at = now.toISOString();
    let correction: SpotCheck['correction'] = before.correction;
    if (body.verdict === 'needs-correction' && before.correction?.status !== 'open') {
      correction = {
        status: 'open',
        requestedAt: at,
        dueDate: addChinaDays(chinaDate(now), correctionDays),
        round: (before.correction?.round ?? 0) + 1,
      };
    } else if (body.verdict === 'ok' && correction && correction.status !== 'closed') {
      correction = { ...correction, status: 'closed', closedAt: at, closedBy: actorLabel(caller) };
    }
    let mail: SpotCheckMail | undefined;
    let mailSkipped: string | undefined;
    if (body.verdict === 'needs-correction') {
      const institution = await deps.store.institution(before.institutionUscc);
      if (institution?.contactEmail) {
        mail = deps.mail(
          { ...institution, contactEmail: institution.contactEmail },
          before,
          comment,
          correction?.dueDate,
        );
      } else {
        mailSkipped = 'no-contact-email';
      }
    }
    const after: SpotCheck = {
      ...before,
      status: body.verdict,
      ...(comment !== undefined ? { comment } : {}),
      reviewedAt: at,
      reviewedBy: actorLabel(caller),
      version: before.version + 1,
      ...(mailSkipped ? { mailSkipped } : {}),
      ...(correction ? { correction } : {}),
    };
    if (comment === undefined) delete after.comment;
    if (!mailSkipped) delete after.mailSkipped;
    delete after.mailId;
    const saved = await deps.store.decide(before, after, caller, mail);
    if (saved === 'saved') return (await deps.store.get(parts)) ?? after;
  }
  throw new Error(`spot check ${id} kept changing; try again`);
}

export class CorrectionRefusedError extends ConflictError {}

/**
 * POST /v1/monitoring/spot-checks/{id}/correction: the institution answers an open correction request
 * by its deadline (China date). Another institution's check is 404; no open request, or an answer
 * after the deadline, is 409 (the administrators reopen it with a new deadline).
 */
export async function answerCorrection(
  deps: { store: SpotCheckStore; now: () => Date },
  caller: Caller,
  id: string,
  body: CorrectionAnswer,
): Promise<SpotCheck> {
  const scope = scopeOf(caller, true);
  const parts = parseSpotCheckId(id);
  const notFound = new NotFoundError(
    `No spot check ${id} of your institution: the id is in the correction email (quarter.province.USCC.number).`,
  );
  if (!parts || scope.kind !== 'institution' || parts.institutionUscc !== scope.uscc) throw notFound;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await deps.store.get(parts);
    if (!before) throw notFound;
    const correction = before.correction;
    if (!correction || correction.status === 'closed')
      throw new CorrectionRefusedError(
        `Spot check ${id} has no open correction request: nothing to answer (the administrators found it ${before.status}).`,
      );
    if (correction.status === 'answered')
      throw new CorrectionRefusedError(
        `You answered the correction request of ${id} on ${correction.answeredAt}: the province administrators re-check it now.`,
      );
    const now = deps.now();
    const today = chinaDate(now);
    if (today > correction.dueDate)
      throw new CorrectionRefusedError(
        `更正期限 ${correction.dueDate} 已过 / The deadline of this correction request was ${correction.dueDate} (China date; today is ${today}): the answer is refused. Ask your province administrators to reopen it with a new deadline.`,
      );
    const at = now.toISOString();
    const after: SpotCheck = {
      ...before,
      correction: {
        ...correction,
        status: 'answered',
        answer: body.answer,
        answeredAt: at,
        answeredBy: actorLabel(caller),
      },
      version: before.version + 1,
    };
    const saved = await deps.store.decide(before, after, caller, undefined, {
      action: 'monitoring.correctionAnswered',
      at,
    });
    if (saved === 'saved') return (await deps.store.get(parts)) ?? after;
  }
  throw new Error(`spot check ${id} kept changing; try again`);
}

/** PUT /v1/monitoring/spot-check-settings/{uscc}: the sample size of one institution (admins of its province). */
export async function setSampleSettings(
  deps: { store: SpotCheckStore; now: () => Date },
  caller: Caller,
  uscc: string,
  sample: SpotCheckSample,
) {
  const scope = scopeOf(caller, false);
  const institution = await deps.store.institution(uscc);
  if (!institution || (scope.kind === 'province' && institution.provinceCode !== scope.provinceCode)) {
    throw new NotFoundError(`No institution ${uscc} in your scope: list them with GET /v1/institutions.`);
  }
  await deps.store.saveSampleSettings(uscc, sample, caller, deps.now().toISOString());
  return { institutionUscc: uscc, ...sample };
}

// ------------------------------------------------------------------------------------ 5-year rule

export interface FundedListStore {
  /** One page of a watch-list partition with grant dates on or before `grantedOnOrBefore`. */
  page(
    partition: { institution: string } | { province: string },
    grantedOnOrBefore: string,
    startKey: Record<string, unknown> | undefined,
    limit: number,
  ): Promise<{ items: Array<Record<string, unknown>>; lastKey?: Record<string, unknown> }>;
}

const fundedProjectKeys = ['fundedProjectName', 'fundedProjectNumber', 'fundingSource'] as const;
const justificationStatusOf = (value: unknown) =>
  value === 'filed' || value === 'rejected' ? { justificationStatus: value } : {};

/** The China date five years before `today` (29 February goes to 28 February). */
export function fiveYearsBefore(today: string): string {
  const year = Number(today.slice(0, 4)) - 5;
  let monthDay = today.slice(5);
  if (monthDay === '02-29') monthDay = '02-28';
  return `${year}-${monthDay}`;
}

const wholeYearsBetween = (from: string, to: string) => {
  let years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  if (to.slice(5) < from.slice(5)) years -= 1;
  return years;
};

/** GET /v1/monitoring/unimplemented-funded: the 5-year-rule list of one institution or province, paginated. */
export async function listUnimplementedFunded(
  deps: { list: FundedListStore; institutions: Pick<SpotCheckStore, 'institution'>; now: () => Date },
  caller: Caller,
  query: UnimplementedFundedQuery,
) {
  const scope = scopeOf(caller, true);
  let partition: { institution: string } | { province: string };
  if (scope.kind === 'institution') {
    if (query.institution !== undefined && query.institution !== scope.uscc)
      throw new NotFoundError(
        `You see your institution ${scope.uscc} only: drop "institution" or use ${scope.uscc}.`,
      );
    if (query.province !== undefined)
      throw new ValidationError('Institutions list their own patents: drop "province".', [
        { in: 'query', field: 'province', message: 'not for institutions' },
      ]);
    partition = { institution: scope.uscc };
  } else {
    if (scope.kind === 'province' && query.province !== undefined && query.province !== scope.provinceCode)
      throw otherProvince(query.province);
    const province = scope.kind === 'province' ? scope.provinceCode : query.province;
    if (query.institution !== undefined) {
      const institution = await deps.institutions.institution(query.institution);
      if (!institution || (province !== undefined && institution.provinceCode !== province)) {
        throw new NotFoundError(
          `No institution ${query.institution} in ${province ? `province ${province}` : 'the register'}: list them with GET /v1/institutions.`,
        );
      }
      partition = { institution: query.institution };
    } else if (province !== undefined) {
      partition = { province };
    } else {
      throw new ValidationError(
        'Name a province or an institution: add &province=110000 or &institution=<USCC>.',
        [
          {
            in: 'query',
            field: 'province',
            message: 'province or institution required for national administrators',
          },
        ],
      );
    }
  }
  const today = chinaDate(deps.now());
  const cutoff = fiveYearsBefore(today);
  const listing = `unimplemented-funded:${'institution' in partition ? `i:${partition.institution}` : `p:${partition.province}`}`;
  const page = await deps.list.page(partition, cutoff, decodeCursor(listing, query.cursor), query.limit);
  const nextCursor = encodeCursor(listing, page.lastKey);
  return {
    items: page.items.map((item) => ({
      applicationNumber: String(item.applicationNumber),
      ...(item.title !== undefined ? { title: String(item.title) } : {}),
      institutionUscc: String(item.institutionUscc),
      provinceCode: String(item.provinceCode),
      grantDate: String(item.grantDate),
      yearsSinceGrant: wholeYearsBetween(String(item.grantDate), today),
      ...(item.implementationStatus !== undefined
        ? { implementationStatus: String(item.implementationStatus) }
        : {}),
      ...(item.lifecycle !== undefined ? { lifecycle: String(item.lifecycle) } : {}),
      ...Object.fromEntries(
        fundedProjectKeys.filter((key) => item[key] !== undefined).map((key) => [key, String(item[key])]),
      ),
      ...justificationStatusOf(item.justificationStatus),
    })),
    asOf: today,
    grantedOnOrBefore: cutoff,
    ...(nextCursor ? { nextCursor } : {}),
  };
}

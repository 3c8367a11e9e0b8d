/**
 * Patent queries: the list, one patent, and inventory coverage against the Work Plan deadlines. Plain
 * functions over ports (PatentQueryStore, CoverageCounter, the institutions' get), tested without AWS.
 *
 * Who sees what (issue 3, item 7):
 * - national admin: every patent, full view;
 * - province admin: the patents of its province (custom:province), full view;
 * - ministry admin: the patents of the institutions its ministry supervises (custom:ministry; Work Plan
 *   二、（一）2: 教育部 ... 中国科学院 supervise their own institutions), in every province, full view;
 * - institution user: its own institution's patents (custom:uscc), full view;
 * - enterprise / expert: conversion-pool patents only, public view (schemas/patent.ts).
 * One patent outside the caller's scope is 404, never 403, so application numbers do not leak. A list
 * filter that reaches outside the scope is refused with 403 naming the scope (the caller chose it).
 */
import { createHash } from 'node:crypto';
import { chinaDate } from '../../schemas/china-date.ts';
import { normalizeApplicationNumber } from '../../schemas/codes/application-number.ts';
import { allIndustries, industryByCode, strategicIndustryByCode } from '../../schemas/codes/ipc.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { ConversionIntent, PatentType } from '../../schemas/inventory/template.ts';
import { inventoryDeadlines } from '../../schemas/metrics.ts';
import {
  type Coverage,
  type CoverageQuery,
  type CoverageScope,
  type Patent,
  type PatentListQuery,
  type PatentPage,
  type PoolStatus,
  type PublicPatent,
  type ReviewStatus,
  toFullPatent,
  toPublicPatent,
} from '../../schemas/patent.ts';
import type { Caller } from '../../schemas/roles.ts';
import { supervisedBy, supervisingMinistries, supervisionGroupOf } from '../../schemas/supervision.ts';
import { callerMinistry, type InstitutionStore } from '../institutions/institutions.ts';
import { publishersOf } from '../institutions/publishers.ts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../shared/cursor.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { type CoOwnerDeps, isCoOwner } from './co-ownership.ts';

// ------------------------------------------------------------------------------------------ ports

/** A patent item as stored, without its table and index keys (it may carry fields added later). */
export type StoredPatent = Patent & Record<string, unknown>;
/** A position in an index (DynamoDB's LastEvaluatedKey / ExclusiveStartKey); opaque to the use-cases. */
export type StoreKey = Record<string, unknown>;

/** Where a listing reads: one institution's patents (gsi1) or one province's (gsi2). */
export type PatentPartition =
  | { index: 'institution'; uscc: string }
  | { index: 'province'; provinceCode: string };

/** Filters applied on top of the partition (a DynamoDB FilterExpression, mirrored by matchesPatentFilters). */
export interface PatentFilters {
  /** Only on an institution partition, when a province was named too. */
  provinceCode?: string;
  poolStatus?: PoolStatus;
  reviewStatus?: ReviewStatus;
  patentType?: PatentType;
  trlMin?: number;
  trlMax?: number;
  intent?: ConversionIntent;
  /** GB/T 4754 code prefixes; any one matches (a section letter expands to its divisions). */
  industryPrefixes?: string[];
  /** Strategic emerging industry code: `1` matches 1 and 1.x, `1.5` matches 1.5. */
  strategicIndustry?: string;
  grantedYear?: number;
}

export interface PatentQueryStore {
  get(applicationNumber: string): Promise<StoredPatent | undefined>;
  /**
   * One read of a partition in index order, after `startKey`: reads at most `readLimit` items (the
   * limit applies before filtering, as DynamoDB's does) and returns those matching `filters`, each with
   * its own index key, and `lastKey` when reading stopped before the end of the partition.
   */
  readPage(
    partition: PatentPartition,
    filters: PatentFilters,
    startKey: StoreKey | undefined,
    readLimit: number,
  ): Promise<{ items: Array<{ patent: StoredPatent; key: StoreKey }>; lastKey?: StoreKey }>;
}

export interface CoverageCounts {
  total: number;
  inventoried: number;
  inConversionPool: number;
}

/**
 * Counts behind GET /v1/inventory/coverage. The adapter (metricsCoverageCounter) reads the counters
 * the core stream maintains in the metrics table (functions/metrics), never the patents.
 */
export interface CoverageCounter {
  institution(uscc: string): Promise<CoverageCounts>;
  province(provinceCode: string): Promise<CoverageCounts & { byInstitution: Record<string, CoverageCounts> }>;
  /** byInstitution, when given, lets the national coverage group by supervising department. */
  national(): Promise<
    CoverageCounts & {
      byProvince: Record<string, CoverageCounts>;
      byInstitution?: Record<string, CoverageCounts>;
    }
  >;
}

type InstitutionLookup = Pick<InstitutionStore, 'get'> & Partial<Pick<InstitutionStore, 'listByMinistry'>>;

/** Every institution a ministry supervises (optionally in one province), by code: pages of 100. */
export async function ministryInstitutions(
  institutions: InstitutionLookup,
  ministry: string,
  provinceCode?: string,
) {
  if (!institutions.listByMinistry) throw new Error('the institutions port lists by ministry');
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await institutions.listByMinistry(ministry, { limit: 100, cursor }, { provinceCode });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

// ----------------------------------------------------------------------------------------- access

type Access =
  | { kind: 'national' }
  | { kind: 'province'; provinceCode: string }
  | { kind: 'ministry'; ministry: string }
  | { kind: 'institution'; uscc: string }
  | { kind: 'public' };

/** The widest scope among the caller's roles. */
function accessOf(caller: Caller): Access {
  if (caller.roles.includes('national-admin')) return { kind: 'national' };
  if (caller.roles.includes('province-admin')) {
    if (!caller.provinceCode) {
      throw new ForbiddenError(
        'Your account has no province (custom:province): ask the national administrators to set it.',
      );
    }
    return { kind: 'province', provinceCode: caller.provinceCode };
  }
  if (caller.roles.includes('ministry-admin')) return { kind: 'ministry', ministry: callerMinistry(caller) };
  if (caller.roles.includes('institution')) {
    if (!caller.orgUscc) {
      throw new ForbiddenError(
        'Your account has no institution (custom:uscc): ask your province administrator to set it.',
      );
    }
    return { kind: 'institution', uscc: caller.orgUscc };
  }
  if (caller.roles.includes('enterprise') || caller.roles.includes('expert')) return { kind: 'public' };
  throw new ForbiddenError(`Your role (${caller.roles.join(', ')}) may not read patents.`);
}

async function assertSupervised(institutions: InstitutionLookup, uscc: string, ministry: string) {
  if (!supervisedBy(await institutions.get(uscc), ministry)) {
    // Same answer for "another ministry's" and "unknown".
    throw new ForbiddenError(
      `No institution ${uscc} is supervised by ${ministry}: list yours with GET /v1/institutions.`,
    );
  }
}

async function assertInProvince(institutions: InstitutionLookup, uscc: string, provinceCode: string) {
  const institution = await institutions.get(uscc);
  if (institution?.provinceCode !== provinceCode) {
    // Same answer for "elsewhere" and "unknown": which province an institution is in does not leak.
    throw new ForbiddenError(
      `No institution ${uscc} is registered in your province ${provinceCode}: list them with GET /v1/institutions.`,
    );
  }
}

// ---------------------------------------------------------------------------------------- filters

/** The predicate the store's FilterExpression implements; the single definition of each filter. */
export function matchesPatentFilters(patent: Partial<StoredPatent>, filters: PatentFilters): boolean {
  const f = filters;
  if (f.provinceCode !== undefined && patent.provinceCode !== f.provinceCode) return false;
  if (f.poolStatus !== undefined && patent.poolStatus !== f.poolStatus) return false;
  if (f.reviewStatus !== undefined && patent.reviewStatus !== f.reviewStatus) return false;
  if (f.patentType !== undefined && patent.patentType !== f.patentType) return false;
  if (f.trlMin !== undefined && !(patent.trl !== undefined && patent.trl >= f.trlMin)) return false;
  if (f.trlMax !== undefined && !(patent.trl !== undefined && patent.trl <= f.trlMax)) return false;
  if (f.intent !== undefined && !(patent.conversionIntents ?? []).includes(f.intent)) return false;
  if (f.industryPrefixes !== undefined) {
    const code = patent.industryCode;
    if (code === undefined || !f.industryPrefixes.some((prefix) => code.startsWith(prefix))) return false;
  }
  if (f.strategicIndustry !== undefined) {
    const wanted = f.strategicIndustry;
    const found = (patent.strategicIndustries ?? []).some(
      (entry) => entry.code === wanted || entry.code.startsWith(`${wanted}.`),
    );
    if (!found) return false;
  }
  if (f.grantedYear !== undefined && !patent.grantDate?.startsWith(`${f.grantedYear}-`)) return false;
  return true;
}

function industryPrefixes(value: string): string[] {
  const industry = industryByCode(value);
  if (!industry) {
    throw new ValidationError(
      `"${value}" is not a GB/T 4754-2017 industry code: use a section letter (C), a division (39), a group (391) or a class (3911).`,
      [{ in: 'query', field: 'industry', message: 'unknown industry code' }],
    );
  }
  if (industry.level !== 'section') return [industry.code];
  // Patents store the most specific code given: a bare section letter, or digits of one of its divisions.
  const divisions = allIndustries().filter((i) => i.level === 'division' && i.section === industry.code);
  return [industry.code, ...divisions.map((division) => division.code)];
}

function filtersOf(query: PatentListQuery): PatentFilters {
  if (query.trlMin !== undefined && query.trlMax !== undefined && query.trlMin > query.trlMax) {
    throw new ValidationError(
      `trlMin (${query.trlMin}) is above trlMax (${query.trlMax}): swap them or drop one.`,
      [{ in: 'query', field: 'trlMax', message: 'must not be below trlMin' }],
    );
  }
  if (query.strategicIndustry !== undefined && !strategicIndustryByCode(query.strategicIndustry)) {
    throw new ValidationError(
      `"${query.strategicIndustry}" is not a strategic emerging industry code (2018): use a first-level code such as 1 or a second-level one such as 1.5.`,
      [{ in: 'query', field: 'strategicIndustry', message: 'unknown strategic industry code' }],
    );
  }
  const filters: PatentFilters = {
    poolStatus: query.poolStatus,
    reviewStatus: query.reviewStatus,
    patentType: query.patentType,
    trlMin: query.trlMin,
    trlMax: query.trlMax,
    intent: query.intent,
    industryPrefixes: query.industry === undefined ? undefined : industryPrefixes(query.industry),
    strategicIndustry: query.strategicIndustry,
    grantedYear: query.grantedYear,
  };
  return Object.fromEntries(
    Object.entries(filters).filter(([, value]) => value !== undefined),
  ) as PatentFilters;
}

// ---------------------------------------------------------------------------------------- listing

/** How much one request may read: DynamoDB applies Limit before the filter, so pages are read until full. */
export const listingReads = { readLimit: 200, maxReads: 10 };

export interface PatentListDeps {
  patents: PatentQueryStore;
  institutions: InstitutionLookup;
  /** Overrides listingReads (tests). */
  reads?: { readLimit: number; maxReads: number };
}

interface ListingPlan {
  partitions: PatentPartition[];
  filters: PatentFilters;
  view: 'full' | 'public';
  listing: string;
}

const allProvinces = (): string[] => [...provinceNames.keys()].sort();
const partitionId = (partition: PatentPartition) =>
  partition.index === 'institution' ? `inst:${partition.uscc}` : `prov:${partition.provinceCode}`;

/**
 * Applies the scope. A national admin who names neither province nor institution walks every province
 * in code order, as enterprises and experts do (rather than a 400): the walk is bounded per request
 * (listingReads) and the cursor carries the province it stopped in.
 */
async function planListing(
  deps: PatentListDeps,
  caller: Caller,
  query: PatentListQuery,
): Promise<ListingPlan> {
  const access = accessOf(caller);
  let institution = query.institution;
  let province = query.province;
  const filters = filtersOf(query);
  switch (access.kind) {
    case 'institution':
      if (institution !== undefined && institution !== access.uscc) {
        throw new ForbiddenError(
          `You see the patents of your institution ${access.uscc} only: drop "institution" or set it to ${access.uscc}.`,
        );
      }
      institution = access.uscc;
      break;
    case 'province':
      if (province !== undefined && province !== access.provinceCode) {
        throw new ForbiddenError(
          `You administer province ${access.provinceCode} and see its patents only: drop "province" or set it to ${access.provinceCode}.`,
        );
      }
      province = access.provinceCode;
      if (institution !== undefined) await assertInProvince(deps.institutions, institution, province);
      break;
    case 'ministry':
      if (institution !== undefined) await assertSupervised(deps.institutions, institution, access.ministry);
      break;
    case 'public':
      if (filters.poolStatus !== undefined && filters.poolStatus !== 'conversion') {
        throw new ForbiddenError(
          'Enterprises and experts see the conversion pool (专利转化资源库) only: drop "poolStatus" or set it to conversion.',
        );
      }
      filters.poolStatus = 'conversion';
      break;
    case 'national':
      break;
  }
  let partitions: PatentPartition[];
  if (access.kind === 'ministry' && institution === undefined) {
    // The ministry's institutions one after the other (by code); a province narrows them.
    partitions = (await ministryInstitutions(deps.institutions, access.ministry, province)).map((i) => ({
      index: 'institution',
      uscc: i.uscc,
    }));
  } else if (institution !== undefined) {
    partitions = [{ index: 'institution', uscc: institution }];
    if (province !== undefined) filters.provinceCode = province;
  } else if (province !== undefined) {
    partitions = [{ index: 'province', provinceCode: province }];
  } else {
    partitions = allProvinces().map((code) => ({ index: 'province', provinceCode: code }));
  }
  // The cursor is bound to the partitions and every filter (hashed, to keep cursors short).
  const signature = JSON.stringify({
    p:
      institution !== undefined
        ? `inst:${institution}`
        : access.kind === 'ministry'
          ? `min:${access.ministry}:${province ?? ''}`
          : province !== undefined
            ? `prov:${province}`
            : 'all',
    f: filters,
  });
  return {
    partitions,
    filters,
    view: access.kind === 'public' ? 'public' : 'full',
    listing: `patents:${createHash('sha256').update(signature).digest('base64url').slice(0, 22)}`,
  };
}

function startPosition(plan: ListingPlan, cursor: string | undefined) {
  const decoded = decodeCursor(plan.listing, cursor);
  if (!decoded) return { index: 0, startKey: undefined };
  const index = plan.partitions.findIndex((partition) => partitionId(partition) === decoded.p);
  const key = decoded.k;
  if (index < 0 || !(key === null || (typeof key === 'object' && !Array.isArray(key)))) {
    throw new InvalidCursorError();
  }
  return { index, startKey: (key ?? undefined) as StoreKey | undefined };
}

/**
 * GET /v1/patents. Reads partition pages (listingReads.readLimit items each, filtered) until `limit`
 * items are collected, the partitions end, or listingReads.maxReads reads are spent. The next cursor
 * points right after the last item returned when the page was cut inside a read; when a read was used
 * up, it points where that read stopped (the items in between were read and failed the filters), so no
 * item is skipped or repeated and a request whose reads matched nothing still moves forward.
 */
export async function listPatents(
  deps: PatentListDeps,
  caller: Caller,
  query: PatentListQuery,
): Promise<PatentPage> {
  const plan = await planListing(deps, caller, query);
  const { readLimit, maxReads } = deps.reads ?? listingReads;
  let { index, startKey } = startPosition(plan, query.cursor);
  const found: StoredPatent[] = [];
  for (
    let reads = 0;
    index < plan.partitions.length && found.length < query.limit && reads < maxReads;
    reads++
  ) {
    const page = await deps.patents.readPage(plan.partitions[index]!, plan.filters, startKey, readLimit);
    const wanted = query.limit - found.length;
    found.push(...page.items.slice(0, wanted).map((item) => item.patent));
    if (page.items.length > wanted) {
      startKey = page.items[wanted - 1]!.key;
    } else if (page.lastKey) {
      startKey = page.lastKey;
    } else {
      index += 1;
      startKey = undefined;
    }
  }
  const nextCursor =
    index < plan.partitions.length
      ? encodeCursor(plan.listing, { p: partitionId(plan.partitions[index]!), k: startKey ?? null })
      : undefined;
  const items =
    plan.view === 'public'
      ? await publicViews(deps.institutions, found)
      : found.map((patent) => toFullPatent(patent));
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}

/** The public views of the patents stored under `numbers` (those no longer stored are left out). */
export async function publicViewsOf(
  deps: { patents: PatentQueryStore; institutions?: InstitutionLookup },
  numbers: readonly string[],
): Promise<Map<string, PublicPatent>> {
  const found = (await Promise.all(numbers.map((n) => deps.patents.get(n)))).filter(
    (patent): patent is StoredPatent => patent !== undefined,
  );
  const views = await publicViews(deps.institutions, found);
  return new Map(views.map((view, i) => [found[i]!.applicationNumber, view]));
}

/** Public views of patents with their institutions' names (and inventors where they publish them). */
async function publicViews(
  institutions: InstitutionLookup | undefined,
  patents: readonly StoredPatent[],
): Promise<PublicPatent[]> {
  const publishers = institutions
    ? await publishersOf(
        institutions,
        patents.map((patent) => patent.institutionUscc),
      )
    : new Map();
  return patents.map((patent) => toPublicPatent(patent, publishers.get(patent.institutionUscc)));
}

// ------------------------------------------------------------------------------------- one patent

const applicationNumberPattern = /^(\d{12}|\d{8})\.[\dX]$/;

/** GET /v1/patents/{applicationNumber}: in the caller's scope (404 outside it), in the caller's view. */
export async function getPatent(
  deps: { patents: PatentQueryStore; institutions?: InstitutionLookup; coOwners?: CoOwnerDeps },
  caller: Caller,
  applicationNumber: string,
): Promise<Patent | PublicPatent> {
  const access = accessOf(caller);
  const number = normalizeApplicationNumber(applicationNumber);
  if (!applicationNumberPattern.test(number)) {
    throw new ValidationError(
      `"${applicationNumber}" is not a patent application number: use the form 202010123456.2 (12 digits, '.', check character; ZL or CN prefixes are fine).`,
      [{ in: 'path', field: 'applicationNumber', message: 'not an application number' }],
    );
  }
  const notFound = new NotFoundError(
    `No patent ${number} in your scope: check the application number, or list patents with GET /v1/patents.`,
  );
  const patent = await deps.patents.get(number);
  if (!patent) throw notFound;
  switch (access.kind) {
    case 'national':
      return toFullPatent(patent);
    case 'province':
      if (patent.provinceCode === access.provinceCode) return toFullPatent(patent);
      throw notFound;
    case 'ministry':
      if (!deps.institutions) throw new Error('getPatent needs the institutions port for ministry admins');
      if (supervisedBy(await deps.institutions.get(patent.institutionUscc), access.ministry))
        return toFullPatent(patent);
      throw notFound;
    case 'institution':
      if (patent.institutionUscc === access.uscc) return toFullPatent(patent);
      // A co-owner (共有专利权人) by its registered name reads the public view (./co-ownership.ts).
      if (deps.coOwners && (await isCoOwner(deps.coOwners, access.uscc, number)))
        return (await publicViews(deps.institutions, [patent]))[0]!;
      throw notFound;
    case 'public':
      if (patent.poolStatus === 'conversion') return (await publicViews(deps.institutions, [patent]))[0]!;
      throw notFound;
  }
}

// --------------------------------------------------------------------------------------- coverage

/** The Work Plan inventory deadlines (one definition, with the metrics: schemas/metrics.ts). */
export { inventoryDeadlines };

export interface CoverageDeps {
  counter: CoverageCounter;
  institutions: InstitutionLookup & Partial<Pick<InstitutionStore, 'listByProvince'>>;
  now: () => Date;
}

/** Every institution of a province (pages of 100). */
async function provinceInstitutions(deps: CoverageDeps, provinceCode: string) {
  if (!deps.institutions.listByProvince) throw new Error('the institutions port lists by province');
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await deps.institutions.listByProvince(provinceCode, { limit: 100, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

const zeroCounts = (): CoverageCounts => ({ total: 0, inventoried: 0, inConversionPool: 0 });
function addCounts(into: CoverageCounts, counts: CoverageCounts) {
  into.total += counts.total;
  into.inventoried += counts.inventoried;
  into.inConversionPool += counts.inConversionPool;
}

/**
 * The counts of `byInstitution` (institutions of `provinces`) by supervising department: each ministry,
 * local (地方所属), and unassigned for an institution with no department recorded (registered before
 * it existed, or not yet assigned) or not found.
 */
async function bySupervision(
  deps: CoverageDeps,
  provinces: readonly string[],
  byInstitution: Record<string, CoverageCounts>,
): Promise<Record<string, CoverageCounts>> {
  const listed = await mapLimited(provinces, 8, (code) => provinceInstitutions(deps, code));
  const groupOf = new Map(listed.flat().map((i) => [i.uscc, supervisionGroupOf(i)]));
  const groups: Record<string, CoverageCounts> = {};
  for (const [uscc, counts] of Object.entries(byInstitution)) {
    const group = groupOf.get(uscc) ?? 'unassigned';
    groups[group] ??= zeroCounts();
    addCounts(groups[group], counts);
  }
  return groups;
}

/** Runs `fn` over `items`, `concurrency` at a time, answers in order. */
async function mapLimited<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

const ratio = (counts: CoverageCounts) =>
  counts.total === 0 ? 0 : Math.round((counts.inventoried / counts.total) * 10_000) / 10_000;

const figures = (counts: CoverageCounts) => ({
  total: counts.total,
  inventoried: counts.inventoried,
  inConversionPool: counts.inConversionPool,
  coverage: ratio(counts),
});

const parts = (byCode: Record<string, CoverageCounts>) =>
  Object.entries(byCode)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, counts]) => ({ code, ...figures(counts) }));

function requireParam(
  value: string | undefined,
  field: 'province' | 'institution' | 'ministry',
  example: string,
) {
  if (value !== undefined) return value;
  throw new ValidationError(`Name the ${field} to report on: add &${field}=${example}.`, [
    { in: 'query', field, message: 'required for this scope' },
  ]);
}

/**
 * GET /v1/inventory/coverage: inventoried (review approved) / total and the conversion pool, for one
 * institution, one province (with each institution) or the nation (with each province), against the
 * Work Plan deadlines. The scope defaults to the caller's own. National scope sums every province
 * (from the stream-maintained counters: see CoverageCounter).
 */
export async function getCoverage(
  deps: CoverageDeps,
  caller: Caller,
  query: CoverageQuery,
): Promise<Coverage> {
  const access = accessOf(caller);
  const defaultScope: Record<Access['kind'], CoverageScope | undefined> = {
    national: 'national',
    province: 'province',
    ministry: 'ministry',
    institution: 'institution',
    public: undefined,
  };
  const scope = query.scope ?? defaultScope[access.kind];
  const refuse = (what: string) =>
    new ForbiddenError(
      `${what}; your scope is ${describe(access)}: ask with scope=${defaultScope[access.kind]}.`,
    );
  if (access.kind === 'public' || scope === undefined) {
    throw new ForbiddenError('Inventory coverage is for institutions and administrators.');
  }

  let result: Omit<Coverage, 'asOf' | 'deadlines'>;
  if (scope === 'institution') {
    let uscc: string;
    if (access.kind === 'institution') {
      if (query.institution !== undefined && query.institution !== access.uscc) {
        throw refuse(`You may see the coverage of your institution ${access.uscc} only`);
      }
      uscc = access.uscc;
    } else {
      uscc = requireParam(query.institution, 'institution', '12100000400000624D');
      if (access.kind === 'province') await assertInProvince(deps.institutions, uscc, access.provinceCode);
      if (access.kind === 'ministry') await assertSupervised(deps.institutions, uscc, access.ministry);
    }
    result = { scope, institutionUscc: uscc, ...figures(await deps.counter.institution(uscc)) };
  } else if (scope === 'province') {
    let province: string;
    if (access.kind === 'institution') throw refuse('Province coverage is for administrators');
    if (access.kind === 'ministry')
      throw refuse('Province coverage is for province and national administrators');
    if (access.kind === 'province') {
      if (query.province !== undefined && query.province !== access.provinceCode) {
        throw refuse(`You may see the coverage of province ${access.provinceCode} only`);
      }
      province = access.provinceCode;
    } else {
      province = requireParam(query.province, 'province', '110000');
    }
    const counts = await deps.counter.province(province);
    result = {
      scope,
      provinceCode: province,
      ...figures(counts),
      byInstitution: parts(counts.byInstitution),
      bySupervision: parts(await bySupervision(deps, [province], counts.byInstitution)),
    };
  } else if (scope === 'ministry') {
    let ministry: string;
    if (access.kind === 'ministry') {
      if (query.ministry !== undefined && query.ministry !== access.ministry) {
        throw refuse(`You may see the coverage of ${access.ministry}'s institutions only`);
      }
      ministry = access.ministry;
    } else if (access.kind === 'national') {
      ministry = requireParam(query.ministry, 'ministry', '教育部');
      if (!(supervisingMinistries as readonly string[]).includes(ministry)) {
        throw new ValidationError(
          `"${ministry}" is not a supervising ministry of the Work Plan: use one of ${supervisingMinistries.join(', ')}.`,
          [{ in: 'query', field: 'ministry', message: 'unknown ministry' }],
        );
      }
    } else {
      throw refuse('Ministry coverage is for ministry and national administrators');
    }
    const institutions = await ministryInstitutions(deps.institutions, ministry);
    const counted = await mapLimited(institutions, 8, (i) => deps.counter.institution(i.uscc));
    const total = zeroCounts();
    const byInstitution: Record<string, CoverageCounts> = {};
    const byProvince: Record<string, CoverageCounts> = {};
    institutions.forEach((institution, index) => {
      const counts = counted[index]!;
      byInstitution[institution.uscc] = counts;
      byProvince[institution.provinceCode] ??= zeroCounts();
      addCounts(byProvince[institution.provinceCode]!, counts);
      addCounts(total, counts);
    });
    result = {
      scope,
      ministry,
      ...figures(total),
      byInstitution: parts(byInstitution),
      byProvince: parts(byProvince),
    };
  } else {
    if (access.kind !== 'national') throw refuse('National coverage is for national administrators');
    const counts = await deps.counter.national();
    const provincesWithData = Object.entries(counts.byProvince)
      .filter(([, c]) => c.total > 0 || c.inventoried > 0 || c.inConversionPool > 0)
      .map(([code]) => code);
    result = {
      scope,
      ...figures(counts),
      byProvince: parts(counts.byProvince),
      ...(counts.byInstitution
        ? { bySupervision: parts(await bySupervision(deps, provincesWithData, counts.byInstitution)) }
        : {}),
    };
  }

  const today = chinaDate(deps.now());
  return {
    ...result,
    asOf: today,
    deadlines: inventoryDeadlines.map((deadline) => ({
      date: deadline.date,
      target: deadline.targetPercent / 100,
      description: deadline.description,
      passed: today > deadline.date,
      // Integer comparison: 3 of 10 meets 30% exactly, with no floating-point doubt.
      met: result.total > 0 && result.inventoried * 100 >= deadline.targetPercent * result.total,
    })),
  };
}

function describe(access: Access): string {
  switch (access.kind) {
    case 'national':
      return 'national';
    case 'province':
      return `province ${access.provinceCode}`;
    case 'ministry':
      return `the institutions ${access.ministry} supervises`;
    case 'institution':
      return `institution ${access.uscc}`;
    case 'public':
      return 'the conversion pool';
  }
}

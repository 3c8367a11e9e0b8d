/**
 * The report API: an admin's reports (national admins: every scope; province admins: their
 * province's), one report with its figures and presigned links, starting a run (national admins),
 * and an admin's own report preferences (the opt-out flag).
 */
import type { Quarter, QuarterFigures } from '../../schemas/metrics.ts';
import type { ReportSummary } from '../../schemas/report.ts';
import type { Caller } from '../../schemas/roles.ts';
import { callerMinistry } from '../institutions/institutions.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { ForbiddenError, NotFoundError } from '../shared/errors.ts';
import type { ReportReads, StoredReport } from './report-store.ts';
import type { ReportFiles } from './reports.ts';

export interface ReportApiDeps {
  reads: ReportReads;
  files: ReportFiles & { presign(key: string): Promise<string> };
  startRun: (input: { quarter: Quarter; resend: boolean }) => Promise<{ executionArn: string }>;
  now: () => Date;
}

const isNational = (caller: Caller) => caller.roles.includes('national-admin');
/** A ministry admin and nothing wider (a province admin keeps its province). */
const isMinistryAdmin = (caller: Caller) =>
  caller.roles.includes('ministry-admin') && !caller.roles.includes('province-admin');

function ownProvince(caller: Caller): string {
  if (!caller.provinceCode)
    throw new ForbiddenError(
      '您的账号未设置省份 / Your province-admin account has no province (custom:province): ask the national administrator to set it.',
    );
  return caller.provinceCode;
}

/**
 * The scope the caller asks for, within what it may see. National admins: the given scope, or
 * `fallback`; province admins: their own province; ministry admins: their own ministry's report
 * (custom:ministry; Work Plan 二（一）2: a ministry supervises its own institutions). Another scope
 * answers 404 as if absent.
 */
function scopeFor(caller: Caller, asked: string | undefined, fallback: string | undefined) {
  if (isNational(caller)) return asked ?? fallback;
  const own = isMinistryAdmin(caller) ? callerMinistry(caller) : ownProvince(caller);
  if (asked !== undefined && asked !== own) throw notFound(asked);
  return own;
}

const notFound = (what: string) =>
  new NotFoundError(
    `没有该报告 / No report ${what} in your scope: list your reports with GET /v1/reports; a national admin can produce a missing quarter with POST /v1/reports/{quarter}/run.`,
  );

function summary(record: StoredReport): ReportSummary {
  return {
    quarter: record.quarter,
    scope: record.scope,
    scopeName: record.scopeName,
    generatedAt: record.generatedAt,
    hasData: record.hasData,
    sentTo: record.sentTo,
  };
}

export async function listReports(
  deps: Pick<ReportApiDeps, 'reads'>,
  caller: Caller,
  query: { scope?: string; limit: number; cursor?: string },
) {
  const scope = scopeFor(caller, query.scope, undefined);
  const listing = `reports:${scope ?? '*'}`;
  const page = await deps.reads.list(scope, query.limit, decodeCursor(listing, query.cursor));
  const nextCursor = encodeCursor(listing, page.lastKey);
  return { items: page.items.map(summary), ...(nextCursor ? { nextCursor } : {}) };
}

export async function getReport(
  deps: Pick<ReportApiDeps, 'reads' | 'files'>,
  caller: Caller,
  quarter: Quarter,
  query: { scope?: string },
) {
  const scope = scopeFor(caller, query.scope, 'national')!;
  const record = await deps.reads.get(quarter, scope);
  if (!record) throw notFound(`${quarter} ${scope}`);
  const stored = await deps.files.get(record.keys.figures);
  const figures = stored ? (JSON.parse(stored.toString('utf8')) as QuarterFigures) : null;
  const [html, xlsx, png] = await Promise.all([
    deps.files.presign(record.keys.html),
    deps.files.presign(record.keys.xlsx),
    deps.files.presign(record.keys.png),
  ]);
  return { ...summary(record), figures, links: { html, xlsx, png } };
}

export async function runReport(
  deps: Pick<ReportApiDeps, 'startRun'>,
  quarter: Quarter,
  body: { resend: boolean },
) {
  const { executionArn } = await deps.startRun({ quarter, resend: body.resend });
  return { quarter, resend: body.resend, executionArn };
}

/**
 * The steps of the quarterly-report workflow (workflows/quarterly-report.asl.json), one use-case per
 * task, over ports. Per scope (national, then each province in an inline Map): compute the figures ->
 * render (HTML, XLSX, PNG, the email's body) -> store in the reports bucket -> email the scope's
 * admins -> record (REPORT#<quarter>).
 *
 * Re-running a quarter replaces its files and records (same keys) and emails nobody twice: each
 * recipient's mail is queued in one transaction with a sent marker (quarter + scope + admin); a marker
 * present means "already sent" unless the run asks to resend. A resend run marks the markers with its
 * run id, so that a retried email task within that run does not send twice either.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import {
  addQuarters,
  checkQuarter,
  lastEndedQuarter,
  type Quarter,
  type QuarterFigures,
  quarterBounds,
  quarterFiguresSchema,
  quartersBetween,
} from '../../schemas/metrics.ts';
import { isMinistryScope, ministryScopes, reportScopeKind, unassignedScope } from '../../schemas/report.ts';
import type { AdminDirectory, DirectoryAdmin } from '../shared/directory.ts';
import { type ReportMailContent, reportKeys, reportMailMessage } from './report-mail.ts';
import { scopeName } from './report-model.ts';

/** Not retried by the workflow: the run's input is wrong. */
export class InvalidReportRunError extends Error {
  override readonly name = 'InvalidReportRun';
}

export interface ReportFiles {
  put(key: string, body: Buffer | string, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
}

export interface SentMarker {
  sub: string;
  runId: string;
  mailId: string;
}

export interface RecipientOutcome {
  sub: string;
  email?: string;
  mailId?: string;
  status: 'queued' | 'already-sent' | 'opted-out' | 'no-email' | 'failed';
  error?: string;
}

export interface ScopeOutcome {
  quarter: string;
  scope: string;
  hasData: boolean;
  generatedAt: string;
  recipients: RecipientOutcome[];
}

export interface ScopeFailure {
  scope: string;
  failed: true;
  error?: string;
  cause?: string;
}

export interface ReportRecord {
  quarter: string;
  scope: string;
  scopeName: string;
  hasData: boolean;
  generatedAt: string;
  runId: string;
  keys: ReturnType<typeof reportKeys>;
  /** Admins this scope's report was emailed to, over all runs (queued now or sent before). */
  sentTo: number;
  recipients: RecipientOutcome[];
}

export interface ReportStore {
  sentMarkers(quarter: string, scope: string): Promise<Map<string, SentMarker>>;
  /** Queues the email and writes (or refreshes) the sent marker, in one transaction. */
  queueReportMail(input: {
    quarter: string;
    scope: string;
    sub: string;
    runId: string;
    resend: boolean;
    message: MailMessage;
  }): Promise<{ mailId: string; queued: boolean }>;
  /** Replaces the scope records of a quarter and its run summary (with its audit entry). */
  recordReport(input: {
    quarter: string;
    runId: string;
    resend: boolean;
    records: ReportRecord[];
    failures: ScopeFailure[];
    at: string;
  }): Promise<void>;
}

/** A spot-check correction request open past its deadline (functions/monitoring). */
export interface OverdueCorrection {
  id: string;
  institutionUscc: string;
  applicationNumber: string;
  dueDate: string;
}

export interface ReportDeps {
  files: ReportFiles;
  store: ReportStore;
  directory: AdminDirectory;
  computeFigures: (quarter: Quarter, scope: string) => Promise<QuarterFigures>;
  /**
   * The correction requests of the provinces still open past their deadline on `asOf` (China date),
   * over the spot checks of `quarters`; optional (no monitoring port: the report says nothing of them).
   */
  overdueCorrections?: (
    provinces: readonly string[],
    quarters: readonly Quarter[],
    asOf: string,
  ) => Promise<OverdueCorrection[]>;
  now: () => Date;
}

/** Spot checks of this many quarters up to the report's are searched for overdue corrections. */
export const correctionQuarters = 8;

/**
 * The report's anomaly for overdue corrections (Work Plan 三（四）加强监测评价: 随机抽查监督, 通报反馈): the
 * national and province reports; ministry reports leave it to the provinces that ran the checks.
 */
export function overdueAnomaly(scope: string, asOf: string, overdue: readonly OverdueCorrection[]) {
  const listed = overdue
    .slice(0, 20)
    .map((c) => `${c.institutionUscc} ${c.applicationNumber}（${c.dueDate}）`)
    .join('；');
  return {
    code: 'CORRECTIONS_OVERDUE' as const,
    scope,
    message: `${overdue.length} 项抽查更正逾期未答复（截至 ${asOf}）/ ${overdue.length} spot-check correction request(s) past their deadline without an answer at ${asOf}: ${listed}${overdue.length > 20 ? ' …' : ''} (GET /v1/monitoring/spot-checks?status=needs-correction).`,
  };
}

// ------------------------------------------------------------------------------------ prepare

/** Report scopes besides national: every province of GB/T 2260 (a province with no data gets a report that says so). */
export const provinceScopes = (): string[] => [...provinceNames.keys()];

/**
 * The scopes after the provinces (issue 14): each supervising ministry (Work Plan 二（一）2 责任分工) and
 * `unassigned` (institutions with no supervising department recorded). They go through the same
 * per-scope steps (the workflow's Map) as the provinces.
 */
export const ministryReportScopes = (): string[] => [...ministryScopes];

export interface RunInput {
  quarter?: unknown;
  resend?: unknown;
  runId?: unknown;
}

export function prepareRun(input: RunInput, now: Date) {
  let quarter: Quarter;
  if (input.quarter === undefined || input.quarter === null || input.quarter === '') {
    quarter = lastEndedQuarter(now);
  } else {
    const checked = checkQuarter(String(input.quarter), now);
    if (!checked.ok) throw new InvalidReportRunError(checked.message);
    quarter = checked.quarter;
  }
  if (input.resend !== undefined && typeof input.resend !== 'boolean')
    throw new InvalidReportRunError('resend must be true or false');
  return {
    quarter,
    resend: input.resend === true,
    runId: typeof input.runId === 'string' ? input.runId : `run-${now.toISOString()}`,
    scopes: [...provinceScopes(), ...ministryReportScopes()],
  };
}

// ------------------------------------------------------------------------------------ compute

export async function computeScope(
  deps: Pick<ReportDeps, 'files' | 'computeFigures' | 'overdueCorrections'> & { now?: () => Date },
  input: { quarter: string; scope: string },
) {
  const quarter = checkedQuarter(input.quarter);
  const figures = quarterFiguresSchema.parse(await deps.computeFigures(quarter, input.scope));
  const kind = reportScopeKind(input.scope);
  if (deps.overdueCorrections && kind !== 'ministry') {
    // Overdue at the report's cut-off: the quarter's last day, or today while it runs.
    const today = chinaDate((deps.now ?? (() => new Date()))());
    const lastDay = quarterBounds(quarter).lastDay;
    const asOf = [today, lastDay].sort()[0]!;
    const provinces = kind === 'national' ? provinceScopes() : [input.scope];
    const quarters = quartersBetween(addQuarters(quarter, 1 - correctionQuarters), quarter);
    const overdue = await deps.overdueCorrections(provinces, quarters, asOf);
    if (overdue.length) figures.anomalies.push(overdueAnomaly(input.scope, asOf, overdue));
  }
  const keys = reportKeys(quarter, input.scope);
  await deps.files.put(keys.figures, JSON.stringify(figures), 'application/json');
  return { quarter, scope: input.scope, hasData: figures.hasData };
}

function checkedQuarter(value: string): Quarter {
  const checked = checkQuarter(value);
  if (!checked.ok) throw new InvalidReportRunError(checked.message);
  return checked.quarter;
}

// -------------------------------------------------------------------------------------- email

/**
 * National admins receive the national report; a province's admins their province's; a ministry's
 * admins (ministry-admin, custom:ministry) their ministry's. The `unassigned` report goes to the
 * national admins, who assign supervising departments (PATCH /v1/institutions/{uscc}), and only when
 * it has institutions in it.
 */
export async function recipientsOf(
  directory: AdminDirectory,
  scope: string,
  hasData = true,
): Promise<DirectoryAdmin[]> {
  const nationalAdmins = async () =>
    (await directory.listAdmins()).filter((a) => a.role === 'national-admin');
  if (scope === 'national') return nationalAdmins();
  if (scope === unassignedScope) return hasData ? nationalAdmins() : [];
  if (isMinistryScope(scope)) return directory.listAdmins({ ministry: scope });
  return directory.listAdmins({ provinceCode: scope });
}

export async function emailScope(
  deps: Pick<ReportDeps, 'files' | 'store' | 'directory'>,
  input: { quarter: string; scope: string; resend?: boolean; runId: string },
): Promise<ScopeOutcome> {
  const keys = reportKeys(input.quarter, input.scope);
  const stored = await deps.files.get(keys.mail);
  if (!stored) throw new Error(`${keys.mail} is missing: the render step did not store it`);
  const content = JSON.parse(stored.toString('utf8')) as ReportMailContent & { generatedAt: string };
  const admins = await recipientsOf(deps.directory, input.scope, content.hasData);
  const markers = await deps.store.sentMarkers(input.quarter, input.scope);
  const recipients: RecipientOutcome[] = [];
  for (const admin of admins) {
    const base = { sub: admin.sub, ...(admin.email ? { email: admin.email } : {}) };
    if (admin.reportsOptOut) {
      recipients.push({ ...base, status: 'opted-out' });
      continue;
    }
    if (!admin.email) {
      recipients.push({ ...base, status: 'no-email' });
      continue;
    }
    const marker = markers.get(admin.sub);
    // Sent before: only a resend run sends again, and only once per run (a retried task skips it).
    if (marker && (!input.resend || marker.runId === input.runId)) {
      recipients.push({ ...base, mailId: marker.mailId, status: 'already-sent' });
      continue;
    }
    try {
      const { mailId, queued } = await deps.store.queueReportMail({
        quarter: input.quarter,
        scope: input.scope,
        sub: admin.sub,
        runId: input.runId,
        resend: input.resend === true,
        message: reportMailMessage(content, admin.email),
      });
      // Not queued: a concurrent run of the same quarter sent it first.
      recipients.push({ ...base, mailId, status: queued ? 'queued' : 'already-sent' });
    } catch (error) {
      // One recipient failing does not stop the others; a later run (no resend needed) retries them.
      recipients.push({ ...base, status: 'failed', error: (error as Error).message.slice(0, 500) });
    }
  }
  return {
    quarter: input.quarter,
    scope: input.scope,
    hasData: content.hasData,
    generatedAt: content.generatedAt,
    recipients,
  };
}

// ------------------------------------------------------------------------------------- record

export async function recordRun(
  deps: Pick<ReportDeps, 'store' | 'now'>,
  input: {
    quarter: string;
    resend?: boolean;
    runId: string;
    national: ScopeOutcome | ScopeFailure;
    provinces: Array<ScopeOutcome | ScopeFailure>;
  },
) {
  const outcomes = [input.national, ...input.provinces];
  const failures = outcomes.filter((o): o is ScopeFailure => 'failed' in o && o.failed === true);
  const records: ReportRecord[] = outcomes
    .filter((o): o is ScopeOutcome => !('failed' in o))
    .map((o) => ({
      quarter: o.quarter,
      scope: o.scope,
      scopeName: scopeName(o.scope),
      hasData: o.hasData,
      generatedAt: o.generatedAt,
      runId: input.runId,
      keys: reportKeys(o.quarter, o.scope),
      sentTo: o.recipients.filter((r) => r.status === 'queued' || r.status === 'already-sent').length,
      recipients: o.recipients,
    }));
  await deps.store.recordReport({
    quarter: input.quarter,
    runId: input.runId,
    resend: input.resend === true,
    records,
    failures,
    at: deps.now().toISOString(),
  });
  const count = (status: RecipientOutcome['status']) =>
    records.reduce((n, r) => n + r.recipients.filter((x) => x.status === status).length, 0);
  return {
    quarter: input.quarter,
    scopes: records.length,
    failedScopes: failures.length,
    failed: failures.map((f) => f.scope),
    queued: count('queued'),
    alreadySent: count('already-sent'),
    optedOut: count('opted-out'),
    noEmail: count('no-email'),
    recipientFailures: count('failed'),
  };
}

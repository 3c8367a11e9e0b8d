/**
 * GET /v1/jobs/{jobId}: a job's status and progress, in the caller's scope (404 outside it). Inventory
 * jobs: the institution, the administrator of its province, national administrators. Enterprises and
 * evaluations jobs: the administrator of their province and national administrators. A ministry admin
 * reads the inventory jobs of the institutions its ministry supervises (never a province's jobs).
 *
 * Department users (custom:department) see the uploads announced by users of their department only.
 *
 * GET /v1/jobs: the same scope as a listing, newest first. A listing is one partition: an
 * institution's jobs (gsi1 INST#<uscc>#JOB, files dropped straight into the bucket included) or a
 * province's enterprises and evaluations jobs (gsi1 PROV#<code>#JOB).
 */
import type { BatchJob, BatchKind, JobStatus, JobsQuery } from '../../schemas/batch-job.ts';
import type { Institution } from '../../schemas/institution.ts';
import type { Caller } from '../../schemas/roles.ts';
import { supervisedBy } from '../../schemas/supervision.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import type { StoredJob } from './job-store.ts';

/** Whose jobs a listing reads. */
export type JobListing = { institutionUscc: string } | { provinceCode: string };

export interface JobListStore {
  get(jobId: string): Promise<StoredJob | undefined>;
  /**
   * One owner's jobs, newest first, only those matching the filter (`department`: only the uploads
   * announced by users of that department).
   */
  list(
    listing: JobListing,
    filter: { status?: JobStatus; kind?: BatchKind; department?: string },
    page: { limit: number; cursor?: string },
  ): Promise<{ items: StoredJob[]; nextCursor?: string }>;
}

export interface JobViewDeps {
  jobs: Pick<JobListStore, 'get'>;
  institutions: { get(uscc: string): Promise<Institution | undefined> };
  presignGet(bucket: string, key: string, expiresSeconds: number): Promise<string>;
}

export async function getJobView(deps: JobViewDeps, caller: Caller, jobId: string): Promise<BatchJob> {
  const notFound = new NotFoundError(
    `No job ${jobId} in your scope: check the id returned by POST /v1/uploads.`,
  );
  const job = await deps.jobs.get(jobId);
  if (!job) throw notFound;
  const provinceAdmin = caller.roles.includes('province-admin') && caller.provinceCode !== undefined;
  const ministryAdmin = caller.roles.includes('ministry-admin') && caller.ministry !== undefined;
  const mayRead =
    caller.roles.includes('national-admin') ||
    (job.institutionUscc !== undefined
      ? (caller.roles.includes('institution') &&
          caller.orgUscc === job.institutionUscc &&
          // A department user's scope is its department's uploads (as for its patents).
          (caller.department === undefined || job.uploadedBy?.department === caller.department)) ||
        (provinceAdmin &&
          (await deps.institutions.get(job.institutionUscc))?.provinceCode === caller.provinceCode) ||
        (ministryAdmin && supervisedBy(await deps.institutions.get(job.institutionUscc), caller.ministry!))
      : provinceAdmin && job.provinceCode === caller.provinceCode);
  if (!mayRead) throw notFound;
  return jobView(deps, job);
}

/** The job as the API shows it; the error report as a presigned link valid one hour. */
async function jobView(deps: Pick<JobViewDeps, 'presignGet'>, job: StoredJob): Promise<BatchJob> {
  const kind = job.kind ?? 'inventory';
  const size = job.sizeBytes || 0;
  return {
    jobId: job.jobId,
    status: job.status,
    kind,
    ...(job.institutionUscc ? { institutionUscc: job.institutionUscc } : {}),
    ...(job.provinceCode ? { provinceCode: job.provinceCode } : {}),
    fileName: job.fileName,
    sizeBytes: size,
    rowsTotal: job.rowsTotal ?? 0,
    rowsAccepted: job.rowsAccepted ?? 0,
    rowsRejected: job.rowsRejected ?? 0,
    rowsUnchanged: job.rowsUnchanged ?? 0,
    progress: job.status === 'succeeded' ? 1 : size > 0 ? Math.min(1, (job.bytesRead ?? 0) / size) : 0,
    ...(job.errorReportKey
      ? { errorReportUrl: await deps.presignGet(job.bucket, job.errorReportKey, 3600) }
      : {}),
    ...(job.errorCount !== undefined ? { errorCount: job.errorCount } : {}),
    ...(job.warningCount !== undefined ? { warningCount: job.warningCount } : {}),
    ...(job.firstErrors ? { firstErrors: job.firstErrors } : {}),
    ...(job.failure ? { failure: job.failure } : {}),
    warnings: job.warnings ?? [],
    ...(job.profile ? { profile: job.profile } : {}),
    createdAt: job.createdAt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
  };
}

export interface JobListDeps extends Omit<JobViewDeps, 'jobs'> {
  jobs: Pick<JobListStore, 'list'>;
}

/** Which partition the caller may list, from the query; 404 for another tenant's, as for one job. */
async function listingOf(
  deps: Pick<JobViewDeps, 'institutions'>,
  caller: Caller,
  query: Pick<JobsQuery, 'institution' | 'province'>,
): Promise<JobListing> {
  const national = caller.roles.includes('national-admin');
  const provinceAdmin = caller.roles.includes('province-admin');
  if (query.institution && query.province)
    throw new ValidationError(
      'Name either institution (its inventory jobs) or province (its enterprises and evaluations jobs), not both.',
      [{ in: 'query', field: 'province', message: 'leave out province when institution is given' }],
    );
  const notFound = (what: string) =>
    new NotFoundError(
      `No ${what} in your scope: check the code, or leave the filter out to list your own jobs.`,
    );
  if (query.institution) {
    const uscc = query.institution.toUpperCase();
    if (national) return { institutionUscc: uscc };
    if (caller.roles.includes('institution') && caller.orgUscc === uscc) return { institutionUscc: uscc };
    if (provinceAdmin && caller.provinceCode !== undefined) {
      const institution = await deps.institutions.get(uscc);
      if (institution?.provinceCode === caller.provinceCode) return { institutionUscc: uscc };
    }
    if (caller.roles.includes('ministry-admin') && caller.ministry !== undefined) {
      if (supervisedBy(await deps.institutions.get(uscc), caller.ministry)) return { institutionUscc: uscc };
    }
    throw notFound(`institution ${uscc}`);
  }
  if (query.province) {
    if (national || (provinceAdmin && caller.provinceCode === query.province))
      return { provinceCode: query.province };
    throw notFound(`province ${query.province}`);
  }
  if (caller.roles.includes('institution') && caller.orgUscc) return { institutionUscc: caller.orgUscc };
  if (provinceAdmin) {
    if (!caller.provinceCode)
      throw new ForbiddenError(
        'Your account has no province (custom:province): ask the national administrators to set it.',
      );
    return { provinceCode: caller.provinceCode };
  }
  if (caller.roles.includes('ministry-admin') && !national)
    throw new ValidationError(
      'Ministry administrators list the jobs of one institution their ministry supervises: add institution=<USCC> to the query (GET /v1/institutions lists them).',
      [{ in: 'query', field: 'institution', message: 'name an institution' }],
    );
  throw new ValidationError(
    'National administrators list the jobs of one institution or one province: add institution=<USCC> or province=<code> to the query.',
    [{ in: 'query', field: 'institution', message: 'name an institution or a province' }],
  );
}

export async function listJobs(
  deps: JobListDeps,
  caller: Caller,
  query: JobsQuery,
): Promise<{ items: BatchJob[]; nextCursor?: string }> {
  const listing = await listingOf(deps, caller, query);
  const page = await deps.jobs.list(
    listing,
    {
      ...(query.status ? { status: query.status } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(caller.department !== undefined && caller.roles.includes('institution')
        ? { department: caller.department }
        : {}),
    },
    { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
  );
  return {
    items: await Promise.all(page.items.map((job) => jobView(deps, job))),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

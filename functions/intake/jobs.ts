/**
 * GET /v1/jobs/{jobId}: a job's status and progress, in the caller's scope (404 outside it). Inventory
 * jobs: the institution, the administrator of its province, national administrators. Enterprises and
 * evaluations jobs: the administrator of their province and national administrators.
 */
import type { BatchJob } from '../../schemas/batch-job.ts';
import type { Institution } from '../../schemas/institution.ts';
import type { Caller } from '../../schemas/roles.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { StoredJob } from './job-store.ts';

export interface JobViewDeps {
  jobs: { get(jobId: string): Promise<StoredJob | undefined> };
  institutions: { get(uscc: string): Promise<Institution | undefined> };
  presignGet(bucket: string, key: string, expiresSeconds: number): Promise<string>;
}

export async function getJobView(deps: JobViewDeps, caller: Caller, jobId: string): Promise<BatchJob> {
  const notFound = new NotFoundError(
    `No job ${jobId} in your scope: check the id returned by POST /v1/uploads.`,
  );
  const job = await deps.jobs.get(jobId);
  if (!job) throw notFound;
  const kind = job.kind ?? 'inventory';
  const provinceAdmin = caller.roles.includes('province-admin') && caller.provinceCode !== undefined;
  const mayRead =
    caller.roles.includes('national-admin') ||
    (job.institutionUscc !== undefined
      ? (caller.roles.includes('institution') && caller.orgUscc === job.institutionUscc) ||
        (provinceAdmin &&
          (await deps.institutions.get(job.institutionUscc))?.provinceCode === caller.provinceCode)
      : provinceAdmin && job.provinceCode === caller.provinceCode);
  if (!mayRead) throw notFound;
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
    createdAt: job.createdAt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
  };
}

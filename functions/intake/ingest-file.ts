/**
 * Ingests one batch job's file end to end: claim the job (once), check the institution and the size,
 * stream the rows through the intake use-case while the job shows progress, store the error report,
 * and record the outcome. A file that cannot be used at all ends the job as failed, with the reason
 * and what to do; nothing of it is stored.
 */

import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import type { Institution } from '../../schemas/institution.ts';
import { renderErrorReport } from './error-report.ts';
import { ingestTable, type PatentWriter } from './ingest.ts';
import type { BatchJobStore } from './job-store.ts';
import { readTableRows, UnreadableFileError } from './read-table.ts';

export const maxFileBytes = 100 * 1024 * 1024;

export interface IngestFileDeps {
  jobs: BatchJobStore;
  patents: PatentWriter;
  institutions: { get(uscc: string): Promise<Institution | undefined> };
  openObject(bucket: string, key: string): Promise<Readable>;
  putErrorReport(key: string, body: string): Promise<void>;
  now: () => Date;
  concurrency?: number;
}

export type IngestFileResult =
  | {
      jobId: string;
      status: 'succeeded';
      rowsTotal: number;
      rowsAccepted: number;
      rowsRejected: number;
      rowsUnchanged: number;
    }
  | { jobId: string; status: 'failed'; code: string }
  | { jobId: string; status: 'skipped'; reason: string };

/** Today's date in China (UTC+8), as the inventory rules count days. */
export const chinaToday = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export async function ingestBatchFile(
  deps: IngestFileDeps,
  jobId: string,
  executionId: string,
): Promise<IngestFileResult> {
  const job = await deps.jobs.claim(jobId, executionId, deps.now().toISOString());
  if (!job)
    return {
      jobId,
      status: 'skipped',
      reason: 'the job is not queued (already done, or taken by another run)',
    };
  const fail = async (code: string, messageZh: string, messageEn: string): Promise<IngestFileResult> => {
    await deps.jobs.fail(jobId, { code, messageZh, messageEn }, deps.now().toISOString());
    return { jobId, status: 'failed', code };
  };
  const institution = await deps.institutions.get(job.institutionUscc);
  if (!institution) {
    return fail(
      'INSTITUTION_NOT_REGISTERED',
      `单位 ${job.institutionUscc} 尚未在系统中登记：请联系省级管理员登记后重新上传`,
      `Institution ${job.institutionUscc} is not registered: ask your province administrator to register it, then upload again`,
    );
  }
  if (job.sizeBytes > maxFileBytes) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    return fail(
      'FILE_TOO_LARGE',
      `文件大小 ${mb(job.sizeBytes)} MB，超过上限 ${mb(maxFileBytes)} MB：请拆分为多个文件后分别上传`,
      `The file is ${mb(job.sizeBytes)} MB, over the limit of ${mb(maxFileBytes)} MB: split it into several files and upload each`,
    );
  }
  let bytesRead = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      done(null, chunk);
    },
  });
  const body = (await deps.openObject(job.bucket, job.key)).pipe(counter);
  const actor = { sub: `upload:${jobId}`, roles: ['institution' as const] };
  try {
    const result = await ingestTable(
      {
        writer: deps.patents,
        today: chinaToday(deps.now()),
        concurrency: deps.concurrency,
        onProgress: (counts) => deps.jobs.progress(jobId, counts, bytesRead),
        onProgressError: (error) =>
          console.warn(`job ${jobId}: progress not recorded: ${(error as Error).message}`),
      },
      { uscc: institution.uscc, provinceCode: institution.provinceCode },
      actor,
      readTableRows(body),
      jobId,
    );
    let reportKey: string | undefined;
    if (result.errors.length || result.warnings.length) {
      reportKey = `errors/${jobId}.csv`;
      await deps.putErrorReport(reportKey, renderErrorReport(result.errors, result.warnings));
    }
    const warnings = result.warnings.length
      ? [`${result.warnings.length} warning(s): see the error report`]
      : [];
    await deps.jobs.succeed(jobId, result, reportKey, warnings, deps.now().toISOString());
    return {
      jobId,
      status: 'succeeded',
      rowsTotal: result.rowsTotal,
      rowsAccepted: result.rowsAccepted,
      rowsRejected: result.rowsRejected,
      rowsUnchanged: result.rowsUnchanged,
    };
  } catch (error) {
    if (error instanceof UnreadableFileError) return fail(error.code, error.messageZh, error.messageEn);
    throw error;
  } finally {
    body.destroy();
  }
}

/**
 * Ingests one batch job's file end to end: claim the job (once), check the owner (the institution of
 * an inventory, the province of enterprises or evaluations) and the size, stream the rows through the
 * intake use-case with the job's kind (table kind and writer) while the job shows progress and the
 * error report is streamed to S3, and record the outcome (exact counts, the first errors, the report). A file that cannot be used at all ends the job as failed, with
 * the reason and what to do; nothing of it is stored.
 */

import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import type { BatchKind } from '../../schemas/batch-job.ts';
import { chinaDate } from '../../schemas/china-date.ts';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import type { Institution } from '../../schemas/institution.ts';
import { defaultProfileName, type MappingProfile } from '../../schemas/mapping-profile.ts';
import type { EnterpriseRecord } from '../../schemas/market-templates/enterprise.ts';
import type { EvaluationRecord } from '../../schemas/market-templates/evaluation.ts';
import type { LegalStatusRecord } from '../../schemas/market-templates/legal-status.ts';
import type { NeedRecord } from '../../schemas/market-templates/need.ts';
import type { Role } from '../../schemas/roles.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { enterpriseKind } from './enterprise-kind.ts';
import { ErrorReportStream, type ReportObjectStore } from './error-report.ts';
import { evaluationKind } from './evaluation-kind.ts';
import {
  type IngestDeps,
  ingestTable,
  inventoryKindWith,
  type Owner,
  type PatentWriter,
  type RowWriter,
} from './ingest.ts';
import { type JobEnd, jobEndMail, jobMailId } from './job-mail.ts';
import type { BatchJobStore } from './job-store.ts';
import { legalStatusKind } from './legal-status-kind.ts';
import type { MappingProfileStore } from './mapping-profiles.ts';
import { needKind } from './need-kind.ts';
import { chooseHeader, readTableRows, UnreadableFileError } from './read-table.ts';
import { maxFileBytes } from './table.ts';

export { maxFileBytes } from './table.ts';

export interface IngestFileDeps {
  jobs: BatchJobStore;
  patents: PatentWriter;
  /** The writers of the province kinds (registry and evaluation use-cases). */
  enterprises?: RowWriter<EnterpriseRecord>;
  evaluations?: RowWriter<EvaluationRecord>;
  /** The writer of legal-status imports (the patents' status change, functions/patents/legal-status.ts). */
  legalStatuses?: RowWriter<LegalStatusRecord>;
  /** The writer of technology needs posted in bulk (functions/intake/need-kind.ts). */
  needs?: RowWriter<NeedRecord>;
  institutions: { get(uscc: string): Promise<Institution | undefined> };
  /** Inventory files are read with the institution's mapping profile (the job's, else `default`). */
  profiles?: Pick<MappingProfileStore, 'get'>;
  openObject(bucket: string, key: string): Promise<Readable>;
  /** Where error reports are streamed (`errors/<jobId>.csv` in the drop bucket). */
  errorReports: ReportObjectStore;
  now: () => Date;
  concurrency?: number;
  /** Bytes per uploaded part of the error report (default 8 MiB). */
  reportPartBytes?: number;
  /** Warning lines one job's report lists (default `maxReportedWarnings`). */
  maxReportedWarnings?: number;
}

/**
 * Warning lines one job's error report lists (about 300 bytes each: some 30 MB): a file whose every
 * cell is converted (七级, 2024年3月5日, √ ...) must not make a report many times its own size. Error
 * lines (refused rows) are all listed; the warnings past this are counted exactly on the job
 * (`warningCount`) and the report's last line says how many were not listed.
 */
export const maxReportedWarnings = 100_000;

/** Error rows kept on the job item itself (the first by row number); the report lists them all. */
export const errorsOnJob = 20;

export type IngestFileResult =
  | {
      jobId: string;
      status: 'succeeded';
      kind: BatchKind;
      rowsTotal: number;
      rowsAccepted: number;
      rowsRejected: number;
      rowsUnchanged: number;
    }
  | { jobId: string; status: 'failed'; kind: BatchKind; code: string }
  | { jobId: string; status: 'skipped'; reason: string };

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
  const kind = job.kind ?? 'inventory';
  // An inventory's institution is told by email when its job fails or leaves rows out (job-mail.ts).
  const institution =
    kind === 'inventory' && job.institutionUscc
      ? await deps.institutions.get(job.institutionUscc)
      : undefined;
  const endMail = (outcome: JobEnd['outcome']) => {
    const message = institution
      ? jobEndMail({ jobId, fileName: job.fileName, institution, outcome })
      : undefined;
    return message ? { ...newMailItem(message, deps.now()), mailId: jobMailId(jobId) } : undefined;
  };
  const fail = async (code: string, messageZh: string, messageEn: string): Promise<IngestFileResult> => {
    const failure = { code, messageZh, messageEn };
    await deps.jobs.fail(jobId, failure, deps.now().toISOString(), endMail({ status: 'failed', failure }));
    return { jobId, status: 'failed', kind, code };
  };
  let owner: Owner;
  let profile: MappingProfile | undefined;
  if (kind === 'inventory') {
    if (!institution) {
      return fail(
        'INSTITUTION_NOT_REGISTERED',
        `单位 ${job.institutionUscc} 尚未在系统中登记：请联系省级管理员登记后重新上传`,
        `Institution ${job.institutionUscc} is not registered: ask your province administrator to register it, then upload again`,
      );
    }
    owner = { uscc: institution.uscc, provinceCode: institution.provinceCode, name: institution.name };
    if (deps.profiles) {
      const named = job.profile?.name;
      profile = await deps.profiles.get(institution.uscc, named ?? defaultProfileName);
      if (named && !profile) {
        return fail(
          'PROFILE_NOT_FOUND',
          `上传时指定的映射方案「${named}」已不存在：请重新保存该方案（PUT /v1/institutions/${institution.uscc}/mapping-profiles/${named}）后重新上传，或上传时不指定方案`,
          `The mapping profile "${named}" named at upload no longer exists: save it again (PUT /v1/institutions/${institution.uscc}/mapping-profiles/${named}) and upload again, or upload without a profile`,
        );
      }
      if (profile) await deps.jobs.noteProfile(jobId, { name: profile.name, version: profile.version });
    }
  } else {
    if (!job.provinceCode || !provinceNames.has(job.provinceCode)) {
      return fail(
        'UNKNOWN_PROVINCE',
        `文件路径中的省份代码 ${job.provinceCode} 不是 GB/T 2260 省级代码：请放在 inbox-${kind}/<省级代码>/ 下重新上传`,
        `Province ${job.provinceCode} in the file's path is not a GB/T 2260 province code: upload it again under inbox-${kind}/<province code>/`,
      );
    }
    // Province files have no institution: the owner is the province.
    owner = { uscc: '', provinceCode: job.provinceCode };
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
  // Inventory rows are written as the upload; a province file as its uploader (or, dropped straight
  // into the bucket, as the upload acting for the province administrator of the prefix).
  // The organization it speaks for goes with it (audit entries name organization and role).
  // A department user's upload stays a department user's: its rows are limited to that department.
  const actor: { sub: string; roles: Role[]; orgUscc?: string; provinceCode?: string; department?: string } =
    kind === 'inventory'
      ? {
          sub: `upload:${jobId}`,
          roles: ['institution'],
          orgUscc: job.institutionUscc,
          ...(job.uploadedBy?.department !== undefined ? { department: job.uploadedBy.department } : {}),
        }
      : {
          ...(job.uploadedBy ?? { sub: `upload:${jobId}`, roles: ['province-admin'] }),
          ...(job.provinceCode ? { provinceCode: job.provinceCode } : {}),
        };
  // Every error and warning row goes to the report as it is found; the job keeps the first few.
  const report = new ErrorReportStream(deps.errorReports, `errors/${jobId}.csv`, {
    partBytes: deps.reportPartBytes,
  });
  const warningRoom = deps.maxReportedWarnings ?? maxReportedWarnings;
  let warningsNotReported = 0;
  const common = {
    today: chinaDate(deps.now()),
    maxListedRows: errorsOnJob,
    report: (level: 'error' | 'warning', rows: Parameters<ErrorReportStream['add']>[1]) => {
      if (level === 'warning') {
        const room = Math.max(0, warningRoom - report.lines.warning);
        if (rows.length > room) {
          warningsNotReported += rows.length - room;
          return report.add(level, rows.slice(0, room));
        }
      }
      return report.add(level, rows);
    },
    onProgress: (counts: Parameters<NonNullable<IngestDeps['onProgress']>>[0]) =>
      deps.jobs.progress(jobId, counts, bytesRead),
    onProgressError: (error: unknown) =>
      console.warn(`job ${jobId}: progress not recorded: ${(error as Error).message}`),
  };
  const writerOf = <R>(writer: RowWriter<R> | undefined): RowWriter<R> => {
    if (!writer) throw new Error(`batch-ingest has no writer for ${kind} files`);
    return writer;
  };
  try {
    const readWith = inventoryKindWith(profile);
    const tableKind =
      kind === 'enterprises'
        ? enterpriseKind
        : kind === 'evaluations'
          ? evaluationKind
          : kind === 'legal-status'
            ? legalStatusKind
            : kind === 'needs'
              ? needKind
              : readWith;
    // An XLSX whose first sheet is 填表说明: the first sheet naming template columns holds the table.
    const rows = readTableRows(body, {
      isTableSheet: (firstRows) => chooseHeader(firstRows, (h) => tableKind.isKnownHeader(h)) !== undefined,
    });
    const result =
      kind === 'enterprises'
        ? await ingestTable(
            {
              ...common,
              kind: enterpriseKind,
              writer: writerOf(deps.enterprises),
              batchSize: 25,
              concurrency: 4,
            },
            owner,
            actor,
            rows,
            jobId,
          )
        : kind === 'evaluations'
          ? await ingestTable(
              {
                ...common,
                kind: evaluationKind,
                writer: writerOf(deps.evaluations),
                // One row after the other: evaluations of one patent share its window.
                batchSize: 25,
                concurrency: 1,
              },
              owner,
              actor,
              rows,
              jobId,
            )
          : kind === 'legal-status'
            ? await ingestTable(
                {
                  ...common,
                  kind: legalStatusKind,
                  writer: writerOf(deps.legalStatuses),
                  // Rows name distinct patents (a repeat is refused): batches may run side by side.
                  batchSize: 25,
                  concurrency: 4,
                },
                owner,
                actor,
                rows,
                jobId,
              )
            : kind === 'needs'
              ? await ingestTable(
                  {
                    ...common,
                    kind: needKind,
                    writer: writerOf(deps.needs),
                    // Each need is matched with the pool as it opens: one row at a time.
                    batchSize: 25,
                    concurrency: 1,
                  },
                  owner,
                  actor,
                  rows,
                  jobId,
                )
              : await ingestTable(
                  { ...common, kind: readWith, writer: deps.patents, concurrency: deps.concurrency },
                  owner,
                  actor,
                  rows,
                  jobId,
                );
    const notListed = warningsNotReported
      ? {
          zh: `另有 ${warningsNotReported} 条提示未列出：每个任务的报告最多列出 ${warningRoom} 条提示（错误全部列出）；请先按已列出的提示统一修改文件的写法`,
          en: `${warningsNotReported} more warning(s) not listed: a job's report lists at most ${warningRoom} warnings (every error is listed); fix the wordings listed above throughout the file first`,
        }
      : undefined;
    if (notListed) {
      await report.add('warning', [
        {
          row: 0,
          column: '',
          value: '',
          code: 'WARNINGS_NOT_LISTED',
          messageZh: notListed.zh,
          messageEn: notListed.en,
        },
      ]);
    }
    const reportKey = await report.close();
    const errorCount = result.errors.length + (result.errorsNotListed ?? 0);
    const warningCount = result.warnings.length + (result.warningsNotListed ?? 0);
    const warnings = [
      ...(result.headerWarnings ?? []),
      ...(warningCount
        ? [
            `${warningCount} warning(s): see the error report, fix them if they are mistakes${
              notListed ? ` (it lists the first ${warningRoom})` : ''
            }`,
          ]
        : []),
    ];
    const ended = await deps.jobs.succeed(
      jobId,
      result,
      reportKey ? { key: reportKey, errorCount, warningCount, firstErrors: result.errors } : undefined,
      warnings,
      deps.now().toISOString(),
      {
        executionId,
        mail: endMail({
          status: 'succeeded',
          rowsTotal: result.rowsTotal,
          rowsAccepted: result.rowsAccepted,
          rowsRejected: result.rowsRejected,
          rowsUnchanged: result.rowsUnchanged,
          errorCount,
          firstErrors: result.errors,
        }),
      },
    );
    if (!ended) {
      // Another run ended the job while this one read the file (the workflow timed this task out and
      // failed the job): the job keeps that outcome; the rows this run stored stay (idempotent writes).
      console.warn(`job ${jobId}: ended by another run while execution ${executionId} ingested it`);
      return { jobId, status: 'skipped', reason: 'the job was ended by another run meanwhile' };
    }
    return {
      jobId,
      status: 'succeeded',
      kind,
      rowsTotal: result.rowsTotal,
      rowsAccepted: result.rowsAccepted,
      rowsRejected: result.rowsRejected,
      rowsUnchanged: result.rowsUnchanged,
    };
  } catch (error) {
    await report
      .abort()
      .catch((reason) =>
        console.warn(`job ${jobId}: error report upload not aborted: ${(reason as Error).message}`),
      );
    if (error instanceof UnreadableFileError) return fail(error.code, error.messageZh, error.messageEn);
    throw error;
  } finally {
    body.destroy();
  }
}

/**
 * The email an institution's contact gets when its batch job failed or left rows out: what happened,
 * the first rows refused with their column and reason, and where the whole report is. It is queued in
 * the transactional outbox together with the job's final write (job-store.ts), under the job's own
 * mail id, so a job ends with exactly one such email or none.
 *
 * The report link in the email is the job's page in the portal and its API route: the presigned link
 * the API returns is signed by the function's temporary credentials and dies with them (hours), too
 * soon for an email read the next morning.
 */
import type { ErrorRow } from '../../schemas/batch-job.ts';
import type { Institution } from '../../schemas/institution.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { portalLink } from '../shared/portal.ts';
import type { BatchJobStore } from './job-store.ts';

/** The outbox id of a job's end-of-job email: one per job. */
export const jobMailId = (jobId: string) => `job-${jobId}`;

/** Rows listed in the email itself; the report has them all. */
export const rowsInMail = 10;

export interface JobEnd {
  jobId: string;
  fileName: string;
  institution: { name: string; contactEmail?: string };
  outcome:
    | {
        status: 'succeeded';
        rowsTotal: number;
        rowsAccepted: number;
        rowsRejected: number;
        rowsUnchanged: number;
        errorCount: number;
        firstErrors: readonly ErrorRow[];
      }
    | { status: 'failed'; failure: { code: string; messageZh: string; messageEn: string } };
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The email for a job's end, or undefined when there is nothing to act on or nobody to tell. */
export function jobEndMail(end: JobEnd): MailMessage | undefined {
  const to = end.institution.contactEmail;
  if (!to) return undefined;
  const { outcome, jobId } = end;
  if (outcome.status === 'succeeded' && outcome.rowsRejected === 0) return undefined;
  const link = portalLink(`jobs/${jobId}`);
  const api = `GET /v1/jobs/${jobId}`;
  const file = clip(end.fileName, 120);
  if (outcome.status === 'failed') {
    return {
      to: [to],
      subject: `上传文件未能导入：${file} / Upload not imported: ${file}`,
      text: [
        `${end.institution.name}：`,
        `文件“${file}”（任务 ${jobId}）未能导入，没有任何行被保存。`,
        `原因：${outcome.failure.messageZh}`,
        `查看任务：${link}（或 ${api}）`,
        '',
        `The file "${file}" (job ${jobId}) was not imported; no row was stored.`,
        `Why: ${outcome.failure.messageEn}`,
        `The job: ${link} (or ${api})`,
        '',
        `code: ${outcome.failure.code}`,
      ].join('\n'),
      attachments: [],
    };
  }
  const listed = outcome.firstErrors.slice(0, rowsInMail);
  const lines = listed.map(
    (e) =>
      `- 第 ${e.row} 行 / row ${e.row}${e.column ? ` [${clip(e.column, 40)}]` : ''}: ${clip(e.messageZh, 200)} / ${clip(e.messageEn, 200)}`,
  );
  const more = outcome.errorCount - listed.length;
  return {
    to: [to],
    subject: `上传文件有 ${outcome.rowsRejected} 行未导入：${file} / ${outcome.rowsRejected} row(s) not imported: ${file}`,
    text: [
      `${end.institution.name}：`,
      `文件“${file}”（任务 ${jobId}）已处理：共 ${outcome.rowsTotal} 行，导入 ${outcome.rowsAccepted} 行，未变化 ${outcome.rowsUnchanged} 行，未导入 ${outcome.rowsRejected} 行。`,
      '请按错误报告逐行修改未导入的行后，重新上传这些行（已导入的行不会重复导入）。',
      '',
      `The file "${file}" (job ${jobId}) was processed: ${outcome.rowsTotal} rows, ${outcome.rowsAccepted} stored, ${outcome.rowsUnchanged} unchanged, ${outcome.rowsRejected} not stored.`,
      'Correct the rows the error report lists, then upload them again (rows already stored are not stored twice).',
      '',
      ...lines,
      ...(more > 0 ? [`… 另有 ${more} 处错误 / ${more} more error(s) in the report`] : []),
      '',
      `错误报告 / Error report: ${link} (or ${api}: errorReportUrl)`,
    ].join('\n'),
    attachments: [],
  };
}

/**
 * The batch-ingest workflow's catch: the job failed for a reason its retries did not cure. Records it
 * (unless the job succeeded meanwhile) with the end-of-job email to an inventory's institution.
 */
export async function recordJobFailure(
  deps: {
    jobs: Pick<BatchJobStore, 'get' | 'fail'>;
    institutions: { get(uscc: string): Promise<Institution | undefined> };
    now: () => Date;
  },
  jobId: string,
  failure: { code: string; messageZh: string; messageEn: string },
): Promise<{ jobId: string; status: 'failed' | 'skipped' }> {
  const job = await deps.jobs.get(jobId);
  const institution =
    job && (job.kind ?? 'inventory') === 'inventory' && job.institutionUscc
      ? await deps.institutions.get(job.institutionUscc)
      : undefined;
  const message =
    job && institution
      ? jobEndMail({ jobId, fileName: job.fileName, institution, outcome: { status: 'failed', failure } })
      : undefined;
  const recorded = await deps.jobs.fail(
    jobId,
    failure,
    deps.now().toISOString(),
    message ? { ...newMailItem(message, deps.now()), mailId: jobMailId(jobId) } : undefined,
  );
  return { jobId, status: recorded ? 'failed' : 'skipped' };
}

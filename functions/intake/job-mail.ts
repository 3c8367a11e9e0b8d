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
import type { BatchKind, ErrorRow } from '../../schemas/batch-job.ts';
import type { Institution } from '../../schemas/institution.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { renderMail } from '../mail/layout.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
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
  const link = portalLink(portalPages.job(jobId));
  const notes = [`系统对接 / For integrators: GET /v1/jobs/${jobId}`];
  const reason = {
    zh: '您收到此邮件，是因为您是该单位在平台登记的联系人，且该单位上传的盘点文件未能全部导入。全部导入的文件不发邮件。',
    en: "You get this email as your institution's registered contact because a file it uploaded was not imported in full. Files imported in full send no email.",
  };
  const file = clip(end.fileName, 120);
  if (outcome.status === 'failed') {
    return {
      to: [to],
      subject: `上传文件未能导入：${file} / Upload not imported: ${file}`,
      ...renderMail({
        title: { zh: `上传文件未能导入：${file}`, en: `Upload not imported: ${file}` },
        greeting: `${end.institution.name}：`,
        blocks: [
          {
            p: {
              zh: `文件“${file}”（任务 ${jobId}）未能导入，没有任何行被保存。`,
              en: `The file "${file}" (job ${jobId}) was not imported; no row was stored.`,
            },
          },
          {
            facts: [
              [{ zh: '原因', en: 'Why' }, `${outcome.failure.messageZh} / ${outcome.failure.messageEn}`],
              ['code', outcome.failure.code],
            ],
          },
          {
            p: {
              zh: '请按原因修改文件后重新上传；任务页面有详细信息。',
              en: "Correct the file as the reason says and upload it again; the job's page has the details.",
            },
          },
        ],
        action: { label: { zh: '查看任务', en: 'See the job' }, href: link },
        notes,
        reason,
      }),
      attachments: [],
    };
  }
  const listed = outcome.firstErrors.slice(0, rowsInMail);
  const more = outcome.errorCount - listed.length;
  return {
    to: [to],
    subject: `上传文件有 ${outcome.rowsRejected} 行未导入：${file} / ${outcome.rowsRejected} row(s) not imported: ${file}`,
    ...renderMail({
      title: {
        zh: `上传文件有 ${outcome.rowsRejected} 行未导入：${file}`,
        en: `${outcome.rowsRejected} row(s) not imported: ${file}`,
      },
      greeting: `${end.institution.name}：`,
      blocks: [
        {
          p: {
            zh: `文件“${file}”（任务 ${jobId}）已处理：共 ${outcome.rowsTotal} 行，导入 ${outcome.rowsAccepted} 行，未变化 ${outcome.rowsUnchanged} 行，未导入 ${outcome.rowsRejected} 行。`,
            en: `The file "${file}" (job ${jobId}) was processed: ${outcome.rowsTotal} rows, ${outcome.rowsAccepted} stored, ${outcome.rowsUnchanged} unchanged, ${outcome.rowsRejected} not stored.`,
          },
        },
        {
          p: {
            zh: '请按错误报告逐行修改未导入的行后，重新上传这些行（已导入的行不会重复导入）。',
            en: 'Correct the rows the error report lists, then upload them again (rows already stored are not stored twice).',
          },
        },
        {
          table: {
            head: [
              { zh: '行', en: 'Row' },
              { zh: '列', en: 'Column' },
              { zh: '原因', en: 'Why' },
            ],
            rows: listed.map((e) => [
              e.row,
              e.column ? clip(e.column, 40) : '',
              `${clip(e.messageZh, 200)} / ${clip(e.messageEn, 200)}`,
            ]),
          },
        },
        ...(more > 0
          ? [{ p: { zh: `另有 ${more} 处错误见错误报告。`, en: `${more} more error(s) in the report.` } }]
          : []),
      ],
      action: { label: { zh: '查看错误报告', en: 'See the error report' }, href: link },
      notes: [`${notes[0]} (errorReportUrl)`],
      reason,
    }),
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
): Promise<{ jobId: string; status: 'failed' | 'skipped'; kind?: BatchKind }> {
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
  return {
    jobId,
    status: recorded ? 'failed' : 'skipped',
    ...(job ? { kind: job.kind ?? 'inventory' } : {}),
  };
}

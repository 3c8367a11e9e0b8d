/**
 * The daily digest: each evaluator who received new evaluation requests on a day gets one email
 * listing them (the push cap already bounds how many), sent once: the day's push counter is marked
 * as digested in the same step that queues the email, so a re-run sends nothing twice.
 */
import { chinaDayBefore } from '../../schemas/china-date.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { renderMail } from '../mail/layout.ts';

export interface DigestRequest {
  applicationNumber: string;
  score: number;
  explanationZh: string;
  explanationEn: string;
  patent: { title: string; patentType: string; trl?: number; industryCode?: string };
}

export interface DigestStore {
  /** Evaluators with new requests on `day` whose digest is not sent yet. */
  pending(day: string): Promise<Array<{ kind: 'enterprise' | 'expert'; id: string }>>;
  requests(kind: string, id: string, day: string): Promise<DigestRequest[]>;
  emailOf(kind: string, id: string): Promise<{ email?: string; name: string } | undefined>;
  /** Queues the email and marks the digest sent, atomically; false if it was sent meanwhile. */
  sendOnce(kind: string, id: string, day: string, message: MailMessage | undefined): Promise<boolean>;
}

const typeZh: Record<string, string> = { invention: '发明', 'utility-model': '实用新型', design: '外观设计' };

export function renderDigest(
  name: string,
  day: string,
  requests: DigestRequest[],
  inboxUrl: string,
): MailMessage {
  const n = requests.length;
  return {
    to: [],
    subject: `待评价专利 ${n} 件（${day}）/ ${n} patent(s) to evaluate`,
    ...renderMail({
      title: { zh: `待评价专利 ${n} 件（${day}）`, en: `${n} patent(s) to evaluate (${day})` },
      greeting: `${name}，您好：`,
      blocks: [
        {
          p: {
            zh: `${day} 共有 ${n} 件专利按您的行业和技术领域推送给您评价：`,
            en: `${n} patent(s) matched your industry and technical fields on ${day}:`,
          },
        },
        {
          table: {
            head: [
              { zh: '申请号', en: 'Application no.' },
              { zh: '专利名称', en: 'Title' },
              { zh: '类型', en: 'Type' },
              { zh: 'TRL', en: 'TRL' },
              { zh: '匹配原因', en: 'Why you' },
            ],
            rows: requests.map((r) => [
              r.applicationNumber,
              r.patent.title,
              typeZh[r.patent.patentType] ?? r.patent.patentType,
              r.patent.trl,
              r.explanationZh,
            ]),
          },
        },
        {
          p: {
            zh: '请登录平台，在“待评价”收件箱中逐件填写产业化前景和合作意向；不适合您的专利可以直接谢绝。',
            en: 'Sign in and evaluate each one from your inbox (industrialization prospect, cooperation intent); decline those that do not fit you.',
          },
        },
      ],
      action: { label: { zh: '打开待评价收件箱', en: 'Open your inbox' }, href: inboxUrl },
      reason: {
        zh: '您收到此邮件，是因为您作为企业或专家登记为评价人，且当天有专利按您的行业和技术领域推送给您；每天最多一封。',
        en: 'You get this email because you are registered as an evaluating enterprise or expert and patents were matched to your fields that day; one email a day at most.',
      },
    }),
    attachments: [],
  };
}

/** The day before `now` in China: the digest of 08:00 covers yesterday's pushes. */
export const chinaYesterday = (now: Date) => chinaDayBefore(now);

export async function sendDailyDigests(
  deps: { store: DigestStore; now: () => Date; inboxUrl: string },
  day = chinaYesterday(deps.now()),
) {
  const outcome = { day, sent: 0, withoutEmail: 0, alreadySent: 0 };
  for (const evaluator of await deps.store.pending(day)) {
    const requests = await deps.store.requests(evaluator.kind, evaluator.id, day);
    const contact = await deps.store.emailOf(evaluator.kind, evaluator.id);
    const message =
      contact?.email && requests.length
        ? { ...renderDigest(contact.name, day, requests, deps.inboxUrl), to: [contact.email] }
        : undefined;
    if (!message) outcome.withoutEmail++;
    if (await deps.store.sendOnce(evaluator.kind, evaluator.id, day, message)) {
      if (message) outcome.sent++;
    } else outcome.alreadySent++;
  }
  return outcome;
}

/**
 * The daily digest: each evaluator who received new evaluation requests on a day gets one email
 * listing them (the push cap already bounds how many), sent once: the day's push counter is marked
 * as digested in the same step that queues the email, so a re-run sends nothing twice.
 *
 * Institutions ride the same machinery (issue 15 item 5): the pool patents matched with enterprises'
 * technology needs (functions/needs/need-matching.ts) are counted on the institution's push counter and
 * listed in its inbox partition, and its digest says "an enterprise needs this" (renderNeedDigest).
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
  /** Set on an institution's requests: the enterprise need the patent was matched with. */
  need?: { title: string; enterpriseName: string; rewardYuan?: number; deadline?: string };
}

export type DigestRecipientKind = 'enterprise' | 'expert' | 'institution';

export interface DigestStore {
  /** Evaluators with new requests on `day` whose digest is not sent yet. */
  pending(day: string): Promise<Array<{ kind: DigestRecipientKind; id: string }>>;
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

/** An institution's digest: its patents matched with enterprises' technology needs on `day`. */
export function renderNeedDigest(
  name: string,
  day: string,
  requests: DigestRequest[],
  portalUrl: string,
): MailMessage {
  const n = requests.length;
  return {
    to: [],
    subject: `企业技术需求匹配到您的专利 ${n} 件（${day}）/ ${n} patent(s) of yours match enterprise needs`,
    ...renderMail({
      title: {
        zh: `企业需要这些专利：${n} 件（${day}）`,
        en: `Enterprises need these patents: ${n} (${day})`,
      },
      greeting: `${name}，您好：`,
      blocks: [
        {
          p: {
            zh: `${day} 有企业发布的技术需求（含揭榜挂帅项目）与贵单位以下专利匹配：`,
            en: `On ${day}, technology needs posted by enterprises (揭榜挂帅 challenges included) matched these patents of yours:`,
          },
        },
        {
          table: {
            head: [
              { zh: '企业需求', en: 'Need' },
              { zh: '企业', en: 'Enterprise' },
              { zh: '申请号', en: 'Application no.' },
              { zh: '专利名称', en: 'Title' },
              { zh: '匹配原因', en: 'Why' },
            ],
            rows: requests.map((r) => [
              r.need?.title ?? '',
              r.need?.enterpriseName ?? '',
              r.applicationNumber,
              r.patent.title,
              r.explanationZh,
            ]),
          },
        },
        {
          p: {
            zh: '如专利能解决该需求，请登录平台在需求页面“揭榜”，提出您的专利（POST /v1/needs/{needId}/proposals）。',
            en: 'If a patent answers the need, sign in and propose it on the need (揭榜).',
          },
        },
      ],
      action: { label: { zh: '登录平台', en: 'Open the portal' }, href: portalUrl },
      reason: {
        zh: '您收到此邮件，是因为贵单位有专利在转化资源库中，且当天与企业技术需求匹配；每天最多一封。',
        en: 'You get this email because your institution has patents in the conversion pool that matched enterprise needs that day; one email a day at most.',
      },
    }),
    attachments: [],
  };
}

/** The day before `now` in China: the digest of 08:00 covers yesterday's pushes. */
export const chinaYesterday = (now: Date) => chinaDayBefore(now);

export async function sendDailyDigests(
  deps: { store: DigestStore; now: () => Date; inboxUrl: string; portalUrl?: string },
  day = chinaYesterday(deps.now()),
) {
  const outcome = { day, sent: 0, withoutEmail: 0, alreadySent: 0 };
  for (const evaluator of await deps.store.pending(day)) {
    const requests = await deps.store.requests(evaluator.kind, evaluator.id, day);
    const contact = await deps.store.emailOf(evaluator.kind, evaluator.id);
    const render =
      evaluator.kind === 'institution'
        ? () => renderNeedDigest(contact!.name, day, requests, deps.portalUrl ?? deps.inboxUrl)
        : () => renderDigest(contact!.name, day, requests, deps.inboxUrl);
    const message = contact?.email && requests.length ? { ...render(), to: [contact.email] } : undefined;
    if (!message) outcome.withoutEmail++;
    if (await deps.store.sendOnce(evaluator.kind, evaluator.id, day, message)) {
      if (message) outcome.sent++;
    } else outcome.alreadySent++;
  }
  return outcome;
}

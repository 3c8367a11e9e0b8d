/**
 * The daily digest: each evaluator who received new evaluation requests on a day gets one email
 * listing them (the push cap already bounds how many), sent once: the day's push counter is marked
 * as digested in the same step that queues the email, so a re-run sends nothing twice.
 */
import type { MailMessage } from '../../schemas/mail.ts';

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
  const rows = requests
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.applicationNumber)}</td><td>${escapeHtml(r.patent.title)}</td><td>${typeZh[r.patent.patentType] ?? r.patent.patentType}</td><td>${r.patent.trl ?? ''}</td><td>${escapeHtml(r.explanationZh)}</td></tr>`,
    )
    .join('');
  return {
    to: [],
    subject: `待评价专利 ${requests.length} 件（${day}）/ ${requests.length} patent(s) to evaluate`,
    text: [
      `${name}，您好：`,
      `${day} 共有 ${requests.length} 件专利按您的行业和技术领域推送给您评价：`,
      ...requests.map((r) => `- ${r.applicationNumber} ${r.patent.title}（${r.explanationZh}）`),
      `请登录查看并评价：${inboxUrl}`,
      '',
      `${requests.length} patent(s) matched your fields on ${day}. Evaluate them in your inbox: ${inboxUrl}`,
    ].join('\n'),
    html: `<p>${escapeHtml(name)}，您好：</p><p>${day} 共有 ${requests.length} 件专利按您的行业和技术领域推送给您评价。</p><table border="1" cellpadding="4" cellspacing="0"><tr><th>申请号</th><th>专利名称</th><th>类型</th><th>TRL</th><th>匹配原因</th></tr>${rows}</table><p><a href="${escapeHtml(inboxUrl)}">${escapeHtml(inboxUrl)}</a></p><p>${requests.length} patent(s) matched your fields on ${day}.</p>`,
    attachments: [],
  };
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The day before `now` in China: the digest of 08:00 covers yesterday's pushes. */
export const chinaYesterday = (now: Date) =>
  new Date(now.getTime() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);

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

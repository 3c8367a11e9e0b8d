/**
 * The weekly feedback email (Work Plan: evaluations are fed back to the institutions): each
 * institution with new or updated evaluations in the past week gets one summary, once per week (a
 * marker item is written in the same transaction that queues the email).
 */
import type { MailMessage } from '../../schemas/mail.ts';
import { escapeHtml } from '../market/digest.ts';

export interface FeedbackEvaluation {
  applicationNumber: string;
  evaluatorKind: 'enterprise' | 'expert';
  industrializationProspect: number;
  cooperationIntents: string[];
  updatedAt: string;
}

export interface FeedbackStore {
  institutions(): AsyncIterable<{ uscc: string; name: string; contactEmail?: string }>;
  evaluationsSince(uscc: string, since: string): Promise<FeedbackEvaluation[]>;
  /** Queues the email and writes the week's marker atomically; false if this week's was sent. */
  sendOnce(uscc: string, week: string, message: MailMessage): Promise<boolean>;
}

const intentZh: Record<string, string> = {
  none: '暂无',
  license: '许可',
  assignment: '转让',
  equity: '作价入股',
  'joint-rnd': '联合研发',
  pilot: '中试',
  'further-contact': '进一步接洽',
};

export function renderFeedback(name: string, week: string, evaluations: FeedbackEvaluation[]): MailMessage {
  const byPatent = new Map<string, FeedbackEvaluation[]>();
  for (const e of evaluations)
    byPatent.set(e.applicationNumber, [...(byPatent.get(e.applicationNumber) ?? []), e]);
  const rows = [...byPatent.entries()]
    .map(([number, list]) => {
      const mean = list.reduce((s, e) => s + e.industrializationProspect, 0) / list.length;
      const intents = [...new Set(list.flatMap((e) => e.cooperationIntents))]
        .map((i) => intentZh[i] ?? i)
        .join('、');
      return { number, count: list.length, mean: mean.toFixed(1), intents };
    })
    .sort((a, b) => a.number.localeCompare(b.number));
  return {
    to: [],
    subject: `本周专利评价反馈：${rows.length} 件专利收到 ${evaluations.length} 条评价（${week}）/ Weekly evaluation feedback`,
    text: [
      `${name}：`,
      `过去一周，贵单位 ${rows.length} 件专利收到 ${evaluations.length} 条企业和专家评价：`,
      ...rows.map(
        (r) => `- ${r.number}：${r.count} 条，产业化前景均分 ${r.mean}，合作意向：${r.intents || '无'}`,
      ),
      '详细评价与汇总请登录系统查看（GET /v1/patents/{申请号}/evaluations）。',
      '',
      `${evaluations.length} evaluation(s) of ${rows.length} of your patents arrived this week; see the details in the system.`,
    ].join('\n'),
    html: `<p>${escapeHtml(name)}：</p><p>过去一周，贵单位 ${rows.length} 件专利收到 ${evaluations.length} 条企业和专家评价。</p><table border="1" cellpadding="4" cellspacing="0"><tr><th>申请号</th><th>评价数</th><th>产业化前景均分</th><th>合作意向</th></tr>${rows
      .map(
        (r) =>
          `<tr><td>${escapeHtml(r.number)}</td><td>${r.count}</td><td>${r.mean}</td><td>${escapeHtml(r.intents || '无')}</td></tr>`,
      )
      .join(
        '',
      )}</table><p>${evaluations.length} evaluation(s) of ${rows.length} of your patents arrived this week.</p>`,
    attachments: [],
  };
}

/** ISO week label of a date in China time, e.g. 2026-W48. */
export function chinaWeek(now: Date): string {
  const date = new Date(now.getTime() + 8 * 3600_000);
  const day = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(date.getUTCFullYear(), 0, 4));
  const week =
    1 +
    Math.round(
      ((date.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) /
        7,
    );
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export async function sendWeeklyFeedback(deps: { store: FeedbackStore; now: () => Date }) {
  const now = deps.now();
  const week = chinaWeek(now);
  const since = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const outcome = { week, sent: 0, withoutEmail: 0, alreadySent: 0, withoutFeedback: 0 };
  for await (const institution of deps.store.institutions()) {
    const evaluations = await deps.store.evaluationsSince(institution.uscc, since);
    if (evaluations.length === 0) {
      outcome.withoutFeedback++;
      continue;
    }
    if (!institution.contactEmail) {
      outcome.withoutEmail++;
      continue;
    }
    const message = {
      ...renderFeedback(institution.name, week, evaluations),
      to: [institution.contactEmail],
    };
    if (await deps.store.sendOnce(institution.uscc, week, message)) outcome.sent++;
    else outcome.alreadySent++;
  }
  return outcome;
}

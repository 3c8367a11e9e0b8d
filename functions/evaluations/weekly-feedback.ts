/**
 * The weekly feedback email (Work Plan: evaluations are fed back to the institutions): each
 * institution with new or updated evaluations in the past week gets one summary, once per week (a
 * marker item is written in the same transaction that queues the email).
 */
import { chinaIsoWeek } from '../../schemas/china-date.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { renderMail } from '../mail/layout.ts';
import { portalLink, portalPages } from '../shared/portal.ts';

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
  const patents = rows.length;
  const count = evaluations.length;
  return {
    to: [],
    subject: `本周专利评价反馈：${patents} 件专利收到 ${count} 条评价（${week}）/ Weekly evaluation feedback`,
    ...renderMail({
      title: {
        zh: `本周专利评价反馈（${week}）`,
        en: `Evaluation feedback of the week (${week})`,
      },
      greeting: `${name}：`,
      blocks: [
        {
          p: {
            zh: `过去一周，贵单位 ${patents} 件专利收到 ${count} 条企业和专家评价：`,
            en: `${count} evaluation(s) of ${patents} of your patents arrived this week:`,
          },
        },
        {
          table: {
            head: [
              { zh: '申请号', en: 'Application no.' },
              { zh: '评价数', en: 'Evaluations' },
              { zh: '产业化前景均分', en: 'Prospect (mean, 1-5)' },
              { zh: '合作意向', en: 'Cooperation intents' },
            ],
            rows: rows.map((r) => [r.number, r.count, r.mean, r.intents || '无']),
          },
        },
        {
          p: {
            zh: '请登录平台查看每条评价的详情与汇总，对有合作意向的企业及时跟进接洽。',
            en: 'Sign in to read each evaluation and the summary, and follow up with the enterprises that want to cooperate.',
          },
        },
      ],
      action: {
        label: { zh: '查看评价详情', en: 'See the evaluations' },
        href: portalLink(portalPages.evaluationsReceived),
      },
      notes: ['系统对接 / For integrators: GET /v1/patents/{applicationNumber}/evaluations'],
      reason: {
        zh: '您收到此邮件，是因为您是贵单位在平台登记的联系人，且本周贵单位的专利收到了评价；每周最多一封。',
        en: "You get this email as your institution's registered contact because its patents were evaluated this week; one email a week at most.",
      },
    }),
    attachments: [],
  };
}

/** ISO week label of a date in China time, e.g. 2026-W48. */
export const chinaWeek = (now: Date): string => chinaIsoWeek(now);

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

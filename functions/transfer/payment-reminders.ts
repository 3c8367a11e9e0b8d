/**
 * Overdue payments and royalty reports (the deadline sweep, with the overdue filings:
 * flag-overdue-filings.handler.ts): each obligation past its due date, unpaid (or unreported), is
 * reminded once to the deal's institution, through the mail outbox, in the transaction that marks it.
 * Kept apart from money.ts so that the HTTP functions do not bundle the mail layout.
 */
import { chinaDate } from '../../schemas/china-date.ts';
import type { Deal } from '../../schemas/deal.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { renderMail } from '../mail/layout.ts';
import { systemActor } from '../shared/audit.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import type { MoneyDeps } from './money.ts';
import { type Ledger, overdueToRemind, type StoredObligation } from './obligations.ts';

// ------------------------------------------------------------------------- overdue reminders (sweep)

const money = (fen: number) =>
  `${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;

/** The reminder to the institution: what the enterprise has not paid (or reported) by its due date. */
export function paymentReminderMail(
  deal: Deal,
  overdue: StoredObligation[],
  to: string[],
  today: string,
): MailMessage {
  return {
    to,
    subject: `逾期未付款 / Payment overdue: deal ${deal.dealId} (${deal.enterprise.name})`,
    ...renderMail({
      title: { zh: `交易 ${deal.dealId} 有逾期款项`, en: `Deal ${deal.dealId}: payments overdue` },
      blocks: [
        {
          p: {
            zh: `截至 ${today}，${deal.enterprise.name}（${deal.enterprise.uscc}）以下款项已过约定期限，平台上尚未录入付款${overdue.some((o) => o.amountFen === undefined) ? '或提成报告' : ''}。`,
            en: `As of ${today}, these amounts owed by ${deal.enterprise.name} are past due and no payment${overdue.some((o) => o.amountFen === undefined) ? ' or royalty report' : ''} is recorded.`,
          },
        },
        {
          table: {
            head: [
              { zh: '款项', en: 'Obligation' },
              { zh: '到期日', en: 'Due' },
              { zh: '应付', en: 'Amount' },
              { zh: '已付', en: 'Paid' },
            ],
            rows: overdue.map((o) => [
              o.label,
              o.dueDate,
              o.amountFen === undefined ? '待报告 / report due' : money(o.amountFen),
              money(o.paidFen),
            ]),
          },
        },
        {
          p: {
            zh: '已收到款项的：登录平台，在该交易的页面录入付款（金额、日期、凭证号）。尚未收到的：请与受让方 / 被许可方联系催收。',
            en: "Received already: record the payment (amount, date, voucher) on the deal's page. Not received: ask the enterprise to pay.",
          },
        },
      ],
      action: {
        label: { zh: '录入付款', en: 'Record a payment' },
        href: portalLink(portalPages.deal(deal.dealId)),
      },
      notes: [
        `系统对接 / For integrators: POST /v1/deals/${deal.dealId}/payments {"amountFen": ..., "paidOn": "YYYY-MM-DD", "evidenceReference": "..."}`,
      ],
      reason: {
        zh: '您收到此邮件，是因为您是该交易所属单位在平台登记的联系人。每笔逾期款项只提醒一次。',
        en: "You get this email as the registered contact of the deal's institution. Each overdue amount is reminded once.",
      },
    }),
    attachments: [],
  };
}

export interface ReminderOutcome {
  due: number;
  reminded: number;
  mailed: number;
  skipped: number;
  withoutRecipient: string[];
  failed: Array<{ dealId: string; error: string }>;
  complete: boolean;
}

/** The deadline sweep's part: one reminder per overdue obligation, to the deal's institution. */
export async function remindOverduePayments(
  deps: MoneyDeps,
  input: { now?: string; limit?: number; shouldStop?: () => boolean } = {},
): Promise<ReminderOutcome> {
  const now = input.now ? new Date(input.now) : deps.now();
  const today = chinaDate(now);
  const at = now.toISOString();
  const outcome: ReminderOutcome = {
    due: 0,
    reminded: 0,
    mailed: 0,
    skipped: 0,
    withoutRecipient: [],
    failed: [],
    complete: true,
  };
  const seen = new Set<string>();
  for (;;) {
    const ledgers = (await deps.store.dueLedgers(today, input.limit ?? 100)).filter(
      (l) => !seen.has(l.dealId),
    );
    if (ledgers.length === 0) break;
    for (const ledger of ledgers) {
      seen.add(ledger.dealId);
      outcome.due++;
      try {
        const deal = await deps.store.deal(ledger.dealId);
        const overdue = overdueToRemind(ledger, today);
        if (!deal || overdue.length === 0) {
          outcome.skipped++;
          // Re-index it (its next date moved on, e.g. paid meanwhile): written unchanged otherwise.
          if (deal) await deps.store.reindexLedger(ledger);
          continue;
        }
        const institution = await deps.store.institution(deal.institutionUscc);
        const to = institution?.contactEmail ? [institution.contactEmail] : [];
        const ids = new Set(overdue.map((o) => o.obligationId));
        const after: Ledger = {
          ...ledger,
          obligations: ledger.obligations.map((o) =>
            ids.has(o.obligationId) ? { ...o, remindedAt: at } : o,
          ),
        };
        const written = await deps.store.remindPayments({
          deal,
          ledger: after,
          reminded: [...ids],
          notified: to,
          ...(to.length ? { mail: paymentReminderMail(deal, overdue, to, today) } : {}),
          actor: systemActor('deadline-sweep'),
          now,
        });
        if (written === 'conflict') {
          outcome.skipped++;
          continue;
        }
        outcome.reminded++;
        if (to.length) outcome.mailed++;
        else outcome.withoutRecipient.push(deal.dealId);
      } catch (error) {
        outcome.failed.push({ dealId: ledger.dealId, error: (error as Error).message });
      }
      if (input.shouldStop?.()) return { ...outcome, complete: false };
    }
  }
  return outcome;
}

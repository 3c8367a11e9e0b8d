/**
 * Overdue license filings and registration reminders (task `flagOverdueFilings`, run by the deadline
 * sweep). A license whose contract filing is still pending after its due date (专利实施许可合同备案:
 * 3 months) is flagged overdue once (conditional on the status still being pending), with its audit
 * entry and one email to the institution and the admins of its province, all in one transaction; it
 * moves from the DUE#filing index to OVERDUE#filing, so the next sweep does not read it again.
 * An assignment or equity deal has no legal deadline (专利法 art. 10: it takes effect on registration):
 * past its reminder day it stays `pending`, the institution and the admins get one reminder, and it
 * leaves the index. Recording the filing or registration removes either.
 */

import { chinaDate } from '../../schemas/china-date.ts';
import type { Deal } from '../../schemas/deal.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import type { TransactItem } from '../pipeline/transitions.ts';
import { auditItem } from '../shared/audit.ts';
import { indexes } from '../shared/dynamo/keys.ts';
import { ConflictError } from '../shared/errors.ts';
import type { TransferDeps } from './ports.ts';
import { dealKey } from './transfer-store.ts';

export interface OverdueOutcome {
  /** Deals past their due date (licenses) or reminder day (assignments) read from the index. */
  due: number;
  /** License filings flagged overdue. */
  flagged: number;
  /** Assignment registrations reminded (still pending: no legal deadline). */
  reminded: number;
  /** Flagged or filed by someone else in the meantime. */
  skipped: number;
  /** Emails queued (one per flagged deal with at least one address). */
  mailed: number;
  /** Flagged deals for which nobody had an email address (institution contact and province admins). */
  withoutRecipient: string[];
  failed: Array<{ dealId: string; error: string }>;
  /** false when the time budget ran out with deals possibly left (the sweep calls again). */
  complete: boolean;
}

const kindZh = { assignment: '转让登记', license: '许可合同备案', equity: '作价入股（转让登记）' } as const;

export function overdueMail(deal: Deal, to: string[], today: string): MailMessage {
  const what = deal.filingKind === 'license-filing' ? 'license contract filing' : 'assignment registration';
  const lines = [
    `交易 ${deal.dealId}（${kindZh[deal.kind]}）应于 ${deal.filingDueDate} 前办理，截至 ${today} 尚未登记备案。`,
    `Deal ${deal.dealId}: the ${what} was due by ${deal.filingDueDate} and is still not recorded (${today}).`,
    '',
    `机构 / Institution: ${deal.institutionName ?? ''} ${deal.institutionUscc}`,
    `企业 / Enterprise: ${deal.enterprise.name} ${deal.enterprise.uscc}`,
    `专利 / Patents: ${deal.applicationNumbers.join(', ')}`,
    `生效日 / Effective: ${deal.effectiveDate}`,
    '',
    `请尽快向国家知识产权局办理并录入登记/备案号：PUT /v1/deals/${deal.dealId}/filing`,
    `Please file it with CNIPA and record the number and date: PUT /v1/deals/${deal.dealId}/filing`,
  ];
  return {
    to,
    subject: `逾期未备案 / Filing overdue: deal ${deal.dealId} (${deal.applicationNumbers.length} patent${deal.applicationNumbers.length > 1 ? 's' : ''})`,
    text: lines.join('\n'),
    attachments: [],
  };
}

/** One reminder of a pending assignment registration: it stays pending and leaves the sweep's index. */
function reminderItems(
  tableName: string,
  deal: Deal,
  reminderOn: string,
  to: string[],
  at: string,
): TransactItem[] {
  const { pk, sk } = dealKey(deal.dealId);
  return [
    {
      Update: {
        TableName: tableName,
        Key: { pk, sk },
        UpdateExpression:
          'SET registrationRemindedAt = :at, version = version + :one, updatedAt = :at REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'filingStatus = :pending AND attribute_not_exists(registrationRemindedAt)',
        ExpressionAttributeValues: { ':pending': 'pending', ':at': at, ':one': 1 },
      },
    },
    {
      Put: {
        TableName: tableName,
        Item: auditItem({
          kind: 'updated',
          pk,
          action: 'deal.registrationReminded',
          caller: { sub: 'system:deadline-sweep', roles: [] },
          at,
          before: {},
          after: { registrationRemindedAt: at },
          context: { reminderOn, notified: to },
        }),
      },
    },
  ];
}

/** The reminder of an assignment registration not yet recorded: no deadline, but no effect before it. */
export function reminderMail(deal: Deal, to: string[], today: string): MailMessage {
  const lines = [
    `交易 ${deal.dealId}（${kindZh[deal.kind]}）的合同于 ${deal.effectiveDate} 生效，截至 ${today} 尚未录入转让登记。`,
    '专利权的转让自登记之日起生效（专利法第十条）：登记前专利仍属本单位，受让方尚未取得专利权。',
    `Deal ${deal.dealId}: the contract took effect on ${deal.effectiveDate} and no assignment registration is recorded yet (${today}).`,
    'An assignment takes effect on its registration with CNIPA (Patent Law art. 10): until then the patent is still the institution’s and the enterprise does not hold it.',
    '',
    `机构 / Institution: ${deal.institutionName ?? ''} ${deal.institutionUscc}`,
    `企业 / Enterprise: ${deal.enterprise.name} ${deal.enterprise.uscc}`,
    `专利 / Patents: ${deal.applicationNumbers.join(', ')}`,
    '',
    `请向国家知识产权局办理转让登记，收到通知后录入登记号和登记日：PUT /v1/deals/${deal.dealId}/filing`,
    `Register the assignment with CNIPA and, once notified, record the registration number and date: PUT /v1/deals/${deal.dealId}/filing`,
  ];
  return {
    to,
    subject: `转让登记提醒 / Registration reminder: deal ${deal.dealId} (${deal.applicationNumbers.length} patent${deal.applicationNumbers.length > 1 ? 's' : ''})`,
    text: lines.join('\n'),
    attachments: [],
  };
}

export async function flagOverdueFilings(
  deps: TransferDeps,
  input: { now?: string; limit?: number; shouldStop?: () => boolean } = {},
): Promise<OverdueOutcome> {
  const now = input.now ? new Date(input.now) : deps.now();
  const today = chinaDate(now);
  const at = now.toISOString();
  const outcome: OverdueOutcome = {
    due: 0,
    flagged: 0,
    reminded: 0,
    skipped: 0,
    mailed: 0,
    withoutRecipient: [],
    failed: [],
    complete: true,
  };
  const adminEmails = new Map<string, string[]>();
  const seen = new Set<string>();
  for (;;) {
    // Flagged deals leave the index, so each round reads the next ones; failures are skipped by `seen`.
    const deals = (await deps.store.dueFilings(today, input.limit ?? 100)).filter((d) => !seen.has(d.dealId));
    if (deals.length === 0) break;
    for (const deal of deals) {
      seen.add(deal.dealId);
      outcome.due++;
      // Deals recorded before the registration was tracked apart carry a filingDueDate for assignments too.
      const remind = deal.filingKind === 'assignment-registration';
      const dueOn = deal.filingDueDate ?? deal.registrationReminderOn ?? today;
      if (deal.filingStatus !== 'pending' || dueOn >= today) {
        outcome.skipped++;
        continue;
      }
      try {
        const institution = await deps.store.institution(deal.institutionUscc);
        if (!adminEmails.has(deal.provinceCode)) {
          adminEmails.set(
            deal.provinceCode,
            (await deps.directory?.provinceAdminEmails(deal.provinceCode)) ?? [],
          );
        }
        const to = [
          ...new Set([
            ...(institution?.contactEmail ? [institution.contactEmail] : []),
            ...adminEmails.get(deal.provinceCode)!,
          ]),
        ];
        const { pk, sk } = dealKey(deal.dealId);
        const items: TransactItem[] = remind
          ? reminderItems(deps.store.tableName, deal, dueOn, to, at)
          : [
              {
                Update: {
                  TableName: deps.store.tableName,
                  Key: { pk, sk },
                  UpdateExpression:
                    'SET filingStatus = :overdue, overdueFlaggedAt = :at, gsi3pk = :flagged, version = version + :one, updatedAt = :at',
                  ConditionExpression: 'filingStatus = :pending',
                  ExpressionAttributeValues: {
                    ':overdue': 'overdue',
                    ':pending': 'pending',
                    ':at': at,
                    ':flagged': indexes.overdueFiling,
                    ':one': 1,
                  },
                },
              },
              {
                Put: {
                  TableName: deps.store.tableName,
                  Item: auditItem({
                    kind: 'updated',
                    pk,
                    action: 'deal.filingOverdue',
                    caller: { sub: 'system:deadline-sweep', roles: [] },
                    at,
                    // What the condition fixes: the filing was pending (a pending filing was never flagged).
                    before: { filingStatus: 'pending' },
                    after: { filingStatus: 'overdue', overdueFlaggedAt: at },
                    context: { dueDate: dueOn, notified: to },
                  }),
                },
              },
            ];
        if (to.length)
          items.push({
            Put: {
              TableName: deps.store.tableName,
              Item: mailOutboxItem(
                newMailItem(remind ? reminderMail(deal, to, today) : overdueMail(deal, to, today), now),
              ),
            },
          });
        await deps.store.transact(items, { recordIndexes: [], markerIndexes: [], patentIndexes: [] });
        if (remind) outcome.reminded++;
        else outcome.flagged++;
        if (to.length) outcome.mailed++;
        else outcome.withoutRecipient.push(deal.dealId);
      } catch (error) {
        if (error instanceof ConflictError) {
          // Filed or flagged at the same moment: nothing left to do for it.
          outcome.skipped++;
        } else {
          outcome.failed.push({ dealId: deal.dealId, error: (error as Error).message });
        }
      }
      if (input.shouldStop?.()) return { ...outcome, complete: false };
    }
  }
  return outcome;
}

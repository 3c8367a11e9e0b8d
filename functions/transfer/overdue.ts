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
import { type Bilingual, type Block, renderMail } from '../mail/layout.ts';
import { systemActor } from '../shared/audit.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import type { TransferDeps } from './ports.ts';

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

/** Who flags and reminds (the audit entries' actor). */
const sweepActor = systemActor('deadline-sweep');

const kindZh = { assignment: '转让登记', license: '许可合同备案', equity: '作价入股（转让登记）' } as const;

const patentsEn = (deal: Deal) =>
  `${deal.applicationNumbers.length} patent${deal.applicationNumbers.length > 1 ? 's' : ''}`;

/** The deal's parties and patents, as label-value pairs. */
const dealFacts = (deal: Deal, due?: { zh: string; en: string; date: string }): Block => ({
  facts: [
    [{ zh: '交易', en: 'Deal' }, `${deal.dealId}（${kindZh[deal.kind]}）`],
    [{ zh: '机构', en: 'Institution' }, `${deal.institutionName ?? ''} ${deal.institutionUscc}`.trim()],
    [{ zh: '企业', en: 'Enterprise' }, `${deal.enterprise.name} ${deal.enterprise.uscc}`],
    [{ zh: '专利', en: 'Patents' }, deal.applicationNumbers.join(', ')],
    [{ zh: '合同生效日', en: 'Effective' }, deal.effectiveDate],
    ...(due ? [[{ zh: due.zh, en: due.en }, due.date] as [Bilingual, string]] : []),
  ],
});

/** What the province administrators among the recipients do. */
const provinceAdminStep: Block = {
  p: {
    zh: '省级管理部门：请督促该单位办理；单位无法录入时，省级管理员也可以在同一页面代为录入。',
    en: 'Province administrators: please follow up with the institution; you may also record it yourselves on the same page.',
  },
};

const integratorNote = (deal: Deal) =>
  `系统对接 / For integrators: PUT /v1/deals/${deal.dealId}/filing {"number": "...", "date": "YYYY-MM-DD"}`;

/** The notice of a license filing past its due date (to the institution and its province's admins). */
export function overdueMail(deal: Deal, to: string[], today: string): MailMessage {
  const license = deal.filingKind === 'license-filing';
  // Deals recorded before registrations were tracked apart: an assignment with a filing due date.
  const w = license
    ? {
        zh: '备案',
        en: 'filing',
        what: { zh: '专利实施许可合同备案', en: 'license contract filing' },
        how: {
          zh: '尚未办理的：请尽快通过国家知识产权局专利业务办理系统（或知识产权业务受理窗口）提交专利实施许可合同备案，备案完成后会取得《专利实施许可合同备案证明》。',
          en: 'Not filed yet: file the license contract with CNIPA as soon as possible (its online patent services system or a service counter); CNIPA then issues a filing certificate.',
        },
        record: {
          zh: '已取得备案证明的：登录平台，打开该交易的页面（点击下方按钮），录入备案证明上的备案号和备案日期并保存。录入后逾期标记即解除，专利状态随之更新。',
          en: "Already filed: sign in, open the deal's page (the button below), enter the filing number and date from the certificate and save. That clears the overdue flag and updates the patents.",
        },
        action: { zh: '录入备案号和备案日期', en: 'Record the filing number and date' },
      }
    : {
        zh: '登记',
        en: 'registration',
        what: { zh: '专利权转让登记', en: 'assignment registration' },
        how: {
          zh: '尚未办理的：请双方通过国家知识产权局专利业务办理系统提交著录项目变更（专利权转移），附转让合同。',
          en: 'Not registered yet: the parties request the change of patentee with CNIPA (online patent services system), with the contract.',
        },
        record: {
          zh: '已登记的：登录平台，打开该交易的页面（点击下方按钮），录入登记号和登记日并保存。',
          en: "Already registered: sign in, open the deal's page (the button below), enter the registration number and date and save.",
        },
        action: { zh: '录入登记号和登记日', en: 'Record the registration number and date' },
      };
  return {
    to,
    subject: `逾期未备案 / Filing overdue: deal ${deal.dealId} (${patentsEn(deal)})`,
    ...renderMail({
      title: {
        zh: `${w.what.zh}逾期：交易 ${deal.dealId}`,
        en: `${w.what.en[0]!.toUpperCase()}${w.what.en.slice(1)} overdue: deal ${deal.dealId}`,
      },
      blocks: [
        {
          p: {
            zh: `交易 ${deal.dealId}（${kindZh[deal.kind]}）应于 ${deal.filingDueDate} 前办理${w.what.zh}，截至 ${today} 平台上尚未录入${w.zh}。`,
            en: `Deal ${deal.dealId}: the ${w.what.en} was due by ${deal.filingDueDate} and is still not recorded (${today}).`,
          },
        },
        dealFacts(deal, { zh: `${w.zh}期限`, en: 'Due by', date: deal.filingDueDate ?? '' }),
        { p: { zh: '请这样处理：', en: 'What to do:' } },
        { p: w.how },
        { p: w.record },
        provinceAdminStep,
      ],
      action: { label: w.action, href: portalLink(portalPages.deal(deal.dealId)) },
      notes: [integratorNote(deal)],
      reason: {
        zh: '您收到此邮件，是因为您是该交易所属单位在平台登记的联系人，或该单位所在省份的管理员。每笔逾期交易只通知一次。',
        en: "You get this email as the registered contact of the deal's institution or an administrator of its province. Each overdue deal is notified once.",
      },
    }),
    attachments: [],
  };
}

/** The reminder of an assignment registration not yet recorded: no deadline, but no effect before it. */
export function reminderMail(deal: Deal, to: string[], today: string): MailMessage {
  return {
    to,
    subject: `转让登记提醒 / Registration reminder: deal ${deal.dealId} (${patentsEn(deal)})`,
    ...renderMail({
      title: {
        zh: `转让登记提醒：交易 ${deal.dealId}`,
        en: `Registration reminder: deal ${deal.dealId}`,
      },
      blocks: [
        {
          p: {
            zh: `交易 ${deal.dealId}（${kindZh[deal.kind]}）的合同于 ${deal.effectiveDate} 生效，截至 ${today} 平台上尚未录入转让登记。`,
            en: `Deal ${deal.dealId}: the contract took effect on ${deal.effectiveDate} and no assignment registration is recorded yet (${today}).`,
          },
        },
        {
          p: {
            zh: '专利权的转让自登记之日起生效（专利法第十条）：登记前专利仍属本单位，受让方尚未取得专利权。',
            en: "An assignment takes effect on its registration with CNIPA (Patent Law art. 10): until then the patent is still the institution's and the enterprise does not hold it.",
          },
        },
        dealFacts(deal),
        { p: { zh: '请这样处理：', en: 'What to do:' } },
        {
          p: {
            zh: '尚未办理的：请双方通过国家知识产权局专利业务办理系统提交著录项目变更（专利权转移），附转让合同；国家知识产权局登记并公告后发出通知书。',
            en: 'Not registered yet: the parties request the change of patentee with CNIPA (its online patent services system), with the assignment contract; CNIPA registers and announces it and sends a notice.',
          },
        },
        {
          p: {
            zh: '收到通知书后：登录平台，打开该交易的页面（点击下方按钮），录入登记号和登记日并保存。登记日起专利移出本单位的存量。',
            en: "Once notified: sign in, open the deal's page (the button below), enter the registration number and date and save. From that date the patent leaves the institution’s stock.",
          },
        },
        provinceAdminStep,
      ],
      action: {
        label: { zh: '录入登记号和登记日', en: 'Record the registration number and date' },
        href: portalLink(portalPages.deal(deal.dealId)),
      },
      notes: [integratorNote(deal)],
      reason: {
        zh: '您收到此邮件，是因为您是该交易所属单位在平台登记的联系人，或该单位所在省份的管理员。转让登记没有法定期限，此提醒每笔交易只发送一次。',
        en: "You get this email as the registered contact of the deal's institution or an administrator of its province. An assignment registration has no legal deadline: this reminder is sent once per deal.",
      },
    }),
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
        const notice = {
          actor: sweepActor,
          dueOn,
          notified: to,
          ...(to.length
            ? { mail: remind ? reminderMail(deal, to, today) : overdueMail(deal, to, today) }
            : {}),
          now,
        };
        const written = remind
          ? await deps.store.remindRegistration(deal, at, notice)
          : await deps.store.flagOverdueFiling(deal, at, notice);
        if (written === 'changed') {
          // Filed or flagged at the same moment: nothing left to do for it.
          outcome.skipped++;
        } else {
          if (written === 'reminded') outcome.reminded++;
          else outcome.flagged++;
          if (to.length) outcome.mailed++;
          else outcome.withoutRecipient.push(deal.dealId);
        }
      } catch (error) {
        outcome.failed.push({ dealId: deal.dealId, error: (error as Error).message });
      }
      if (input.shouldStop?.()) return { ...outcome, complete: false };
    }
  }
  return outcome;
}

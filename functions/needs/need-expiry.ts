/**
 * Needs past their deadline close (issue 15 item 4): a need or 揭榜挂帅 challenge whose deadline (the
 * last day proposals are taken, China time) has passed is closed by the daily job (the schedule of the
 * daily digest, functions/market/send-digests.handler.ts: no function of its own), as status `closed`
 * with `closeReason: expired`. The close is versioned and audited as `need.expired` by the system actor
 * `need-deadline`; its proposals and matches stay (the enterprise still reads them and may still deal);
 * the enterprise gets one email, queued in the same transaction as the close, so a re-run sends none twice.
 */
import { chinaDate } from '../../schemas/china-date.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { type Need, needKindLabels } from '../../schemas/need.ts';
import { renderMail } from '../mail/layout.ts';
import { systemActor } from '../shared/audit.ts';
import type { NeedStore } from './needs.ts';

/** Needs closed per run at most (pages of 100): a larger backlog is closed by the next days' runs. */
export const needExpirySettings = { pageSize: 100, maxPerRun: 500 };

export interface NeedExpiryDeps {
  store: Pick<NeedStore, 'listOpenDue' | 'update' | 'enterprise'>;
  now: () => Date;
  /** The need's page on the portal (where the enterprise reads its proposals). */
  needUrl: (needId: string) => string;
}

export function renderNeedExpired(need: Need, name: string, url: string): MailMessage {
  const kindZh = needKindLabels[need.kind];
  const count = need.proposalCount;
  return {
    to: [],
    subject: `${kindZh}“${need.title}”已过截止日期并关闭 / Your need "${need.title}" closed at its deadline`,
    ...renderMail({
      title: {
        zh: `${kindZh}已到期关闭：${need.title}`,
        en: `Need closed at its deadline: ${need.title}`,
      },
      greeting: `${name}，您好：`,
      blocks: [
        {
          p: {
            zh: `贵单位发布的${kindZh}“${need.title}”截止日期为 ${need.deadline}，现已到期关闭，不再接受揭榜。到期前共收到高校院所提出的专利 ${count} 件，仍可在需求页面查看并与其洽谈。`,
            en: `Your need "${need.title}" took proposals until ${need.deadline}; it is now closed. It received ${count} proposed patent(s), which you can still read on the need and negotiate.`,
          },
        },
        {
          p: {
            zh: '如需求仍然存在，请重新发布一个新的截止日期的需求（POST /v1/needs）。',
            en: 'If the need remains, post it again with a new deadline (POST /v1/needs).',
          },
        },
      ],
      action: { label: { zh: '查看需求与揭榜方案', en: 'Read the need and its proposals' }, href: url },
      reason: {
        zh: '您收到此邮件，是因为贵单位在平台发布的技术需求到期关闭；每个需求只发一次。',
        en: 'You get this email because a technology need your enterprise posted reached its deadline; one email per need.',
      },
    }),
    attachments: [],
  };
}

/** Closes the open needs whose deadline is before today (China time), each with one email to its enterprise. */
export async function expireNeeds(deps: NeedExpiryDeps) {
  const now = deps.now();
  const today = chinaDate(now);
  const at = now.toISOString();
  const actor = systemActor('need-deadline');
  const outcome = { day: today, expired: 0, mailed: 0, withoutEmail: 0, changed: 0, complete: true };
  while (outcome.expired + outcome.changed < needExpirySettings.maxPerRun) {
    const due = await deps.store.listOpenDue(today, needExpirySettings.pageSize);
    if (!due.length) return outcome;
    let progressed = false;
    for (const need of due) {
      const enterprise = await deps.store.enterprise(need.enterpriseUscc);
      const email = enterprise?.contact?.email;
      const closed: Need = {
        ...need,
        status: 'closed',
        closeReason: 'expired',
        closedAt: at,
        closeComment: `已过截止日期 ${need.deadline} / past its deadline ${need.deadline}`,
        updatedAt: at,
        version: need.version + 1,
      };
      const mail = email
        ? {
            ...renderNeedExpired(need, enterprise?.name ?? need.enterpriseName, deps.needUrl(need.needId)),
            to: [email],
          }
        : undefined;
      if (await deps.store.update(closed, need, 'need.expired', actor, mail)) {
        progressed = true;
        outcome.expired++;
        if (mail) outcome.mailed++;
        else outcome.withoutEmail++;
      } else outcome.changed++; // closed or answered meanwhile: read again on the next page
    }
    if (!progressed) break;
  }
  outcome.complete = (await deps.store.listOpenDue(today, 1)).length === 0;
  return outcome;
}

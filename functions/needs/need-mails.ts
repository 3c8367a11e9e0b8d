/**
 * The email an enterprise gets when its province reviews a need it posted (issue 15 item 4): approved
 * (open: institutions read it and may propose their patents) or rejected with the reviewer's comment
 * (what to change). Queued in the same transaction as the decision (needs.ts `reviewNeed`), so a
 * decision is never mailed twice nor left unmailed. Proposals reach the enterprise in its daily alert
 * (functions/search/search-alerts.ts), never one email per patent.
 */
import type { MailMessage } from '../../schemas/mail.ts';
import { type Need, needKindLabels } from '../../schemas/need.ts';
import { renderMail } from '../mail/layout.ts';

export function renderNeedReviewed(need: Need, name: string, url: string): MailMessage {
  const kindZh = needKindLabels[need.kind];
  const approved = need.status === 'open';
  const comment = need.reviewComment;
  return {
    to: [],
    subject: approved
      ? `${kindZh}“${need.title}”已通过审核并发布 / Your need "${need.title}" is approved and open`
      : `${kindZh}“${need.title}”未通过审核 / Your need "${need.title}" was not approved`,
    ...renderMail({
      title: approved
        ? { zh: `${kindZh}已发布：${need.title}`, en: `Need approved and open: ${need.title}` }
        : { zh: `${kindZh}未通过审核：${need.title}`, en: `Need not approved: ${need.title}` },
      greeting: `${name}，您好：`,
      blocks: [
        {
          p: approved
            ? {
                zh: `贵单位发布的${kindZh}“${need.title}”已由省级知识产权管理部门审核通过并公开${need.deadline ? `，截止日期 ${need.deadline}` : ''}。高校院所可以查看并揭榜提出专利；平台已将其与转化资源库匹配并推送给相关高校，揭榜方案与新匹配的专利每天汇总一封邮件发给您。`,
                en: `Your need "${need.title}" was approved by your province and is open${need.deadline ? ` until ${need.deadline}` : ''}. Institutions read it and may propose their patents; it was matched with the conversion pool and pushed to the institutions concerned. Proposals and newly matched patents reach you in one email a day.`,
              }
            : {
                zh: `贵单位发布的${kindZh}“${need.title}”未通过省级知识产权管理部门审核。`,
                en: `Your need "${need.title}" was not approved by your province.`,
              },
        },
        ...(comment ? [{ p: { zh: `审核意见：${comment}`, en: `The reviewer's comment: ${comment}` } }] : []),
        ...(approved
          ? []
          : [
              {
                p: {
                  zh: '请按审核意见修改后重新发布（POST /v1/needs）。',
                  en: 'Change it as the comment says and post it again (POST /v1/needs).',
                },
              },
            ]),
      ],
      action: { label: { zh: '查看需求', en: 'Read the need' }, href: url },
      reason: {
        zh: '您收到此邮件，是因为贵单位在平台发布的技术需求完成了审核；每次审核一封。',
        en: 'You get this email because a technology need your enterprise posted was reviewed; one email per review.',
      },
    }),
    attachments: [],
  };
}

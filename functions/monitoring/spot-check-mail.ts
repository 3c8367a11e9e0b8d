/**
 * The email of a spot check found wanting. Its own module, handed to decideSpotCheck by its handler:
 * the other monitoring functions bundle no mail layout and read no portal setting.
 */
import type { MailMessage } from '../../schemas/mail.ts';
import type { SpotCheck } from '../../schemas/monitoring.ts';
import { type Bilingual, renderMail } from '../mail/layout.ts';
import { portalLink, portalPages } from '../shared/portal.ts';

/** The email of a spot check found wanting (the outbox adds no attachment). */
export type SpotCheckMail = Omit<MailMessage, 'attachments'>;

/** "Needs correction": to the institution's contact, with the administrators' comment and what to do. */
export function spotCheckMail(
  institution: { name: string; contactEmail: string },
  check: Pick<SpotCheck, 'applicationNumber' | 'quarter' | 'title'> & { id?: string },
  comment: string | undefined,
  /** The China date the correction is due (the request's deadline). */
  dueDate?: string,
): SpotCheckMail {
  const n = check.applicationNumber;
  return {
    to: [institution.contactEmail],
    subject: `专利盘点抽查需更正 / Inventory spot check: correction needed (${n}, ${check.quarter})`,
    ...renderMail({
      title: { zh: `专利盘点抽查需更正：${n}`, en: `Inventory spot check: correction needed (${n})` },
      greeting: `${institution.name}：`,
      blocks: [
        {
          p: {
            zh: `省级管理部门在 ${check.quarter} 随机抽查中发现专利 ${n}${check.title ? `（${check.title}）` : ''} 的盘点信息需要更正。`,
            en: `The province administrators checked patent ${n} in the ${check.quarter} spot check and ask for a correction.`,
          },
        },
        {
          facts: [
            [{ zh: '专利', en: 'Patent' }, `${n}${check.title ? ` ${check.title}` : ''}`],
            [{ zh: '抽查季度', en: 'Quarter' }, check.quarter],
            [{ zh: '审核意见', en: 'Comment' }, comment ?? '（无 none）'],
            ...(dueDate
              ? [
                  [{ zh: '更正期限', en: 'Answer by' }, `${dueDate}（北京时间 China date）`] as [
                    Bilingual,
                    string,
                  ],
                ]
              : []),
          ],
        },
        {
          p: {
            zh: '请登录平台，打开该专利的盘点记录（点击下方按钮），按审核意见更正后重新提交盘点；也可以修改盘点表后重新上传。',
            en: "Sign in, open the patent's inventory record (the button below), correct it as the comment says and submit it again; or correct your inventory sheet and upload it again.",
          },
        },
      ],
      action: {
        label: { zh: '打开盘点记录并更正', en: 'Open the record and correct it' },
        href: portalLink(portalPages.patent(n)),
      },
      notes: [
        `系统对接 / For integrators: PUT /v1/patents/${n}/self-assessment`,
        ...(dueDate
          ? [
              `更正后请在 ${dueDate} 前答复 / Once corrected, answer by ${dueDate}: POST /v1/monitoring/spot-checks/${check.id ?? '{id}'}/correction`,
            ]
          : []),
      ],
      reason: {
        zh: '您收到此邮件，是因为您是该单位在平台登记的联系人，且省级管理部门的季度随机抽查认为该专利的盘点信息需要更正。',
        en: "You get this email as your institution's registered contact because the province's quarterly spot check found the patent's inventory record needs a correction.",
      },
    }),
  };
}

/**
 * The email of a reviewed 5-year-rule justification (正当理由), to the institution's registered contact.
 * Its own module, handed to reviewFiveYearJustification by its handler (as spot-check-mail.ts is to
 * decideSpotCheck): the filing function bundles no mail layout and reads no portal setting.
 *
 * Why it matters to the institution (Work Plan 二、（四）1): "对于授权超过5年没有实施且无正当理由的专利，国家可以
 * 无偿实施，也可以许可企业等主体有偿或无偿实施". An accepted justification takes the patent off the list; a
 * rejected one leaves it there until the institution files a better one or the patent is implemented.
 */
import type { MailMessage } from '../../schemas/mail.ts';
import type { FiveYearJustification } from '../../schemas/monitoring.ts';
import { renderMail } from '../mail/layout.ts';
import { portalLink, portalPages } from '../shared/portal.ts';

/** The email of a reviewed justification (the outbox adds no attachment). */
export type JustificationMail = Omit<MailMessage, 'attachments'>;

/** Accepted or rejected: the decision, the reviewer's comment, and what the institution does next. */
export function justificationReviewMail(
  institution: { name: string; contactEmail: string },
  patent: { applicationNumber: string; title?: string },
  justification: Pick<FiveYearJustification, 'status' | 'reason' | 'reviewComment'>,
): JustificationMail {
  const n = patent.applicationNumber;
  const named = `${n}${patent.title ? `（${patent.title}）` : ''}`;
  const accepted = justification.status === 'accepted';
  const verdict = accepted ? { zh: '已认可', en: 'accepted' } : { zh: '未认可', en: 'rejected' };
  const next = accepted
    ? {
        zh: '该专利已移出“授权超过5年未实施”清单，无需再做处理。请留存所述理由的证明材料以备抽查；专利实施后，请在盘点记录中更新实施状态。',
        en: 'The patent is off the 5-year-rule list: nothing more to do. Keep the evidence of the reason for spot checks; once the patent is implemented, update its implementation status in the inventory record.',
      }
    : {
        zh: '该专利仍在“授权超过5年未实施”清单上（国家可以无偿实施，也可以许可企业等主体实施）。请按审核意见补充证明材料后重新提交理由；或者推动其实施（转让、许可、开放许可），并在盘点记录中更新实施状态。',
        en: 'The patent stays on the 5-year-rule list (the state may implement it free of charge or license it to others). Add the evidence the comment asks for and file the justification again; or get the patent implemented (assignment, license, open license) and update its implementation status in the inventory record.',
      };
  return {
    to: [institution.contactEmail],
    subject: `5年未实施专利正当理由${verdict.zh} / 5-year-rule justification ${verdict.en} (${n})`,
    ...renderMail({
      title: {
        zh: `正当理由${verdict.zh}：${n}`,
        en: `5-year-rule justification ${verdict.en} (${n})`,
      },
      greeting: `${institution.name}：`,
      blocks: [
        {
          p: {
            zh: `管理部门审核了贵单位就专利 ${named} 提交的未实施正当理由，结论为：${verdict.zh}。`,
            en: `The administrators reviewed the reason your institution filed why patent ${n} is not implemented: ${verdict.en}.`,
          },
        },
        {
          facts: [
            [{ zh: '专利', en: 'Patent' }, `${n}${patent.title ? ` ${patent.title}` : ''}`],
            [{ zh: '审核结论', en: 'Decision' }, `${verdict.zh} ${verdict.en}`],
            [{ zh: '所报理由', en: 'Reason filed' }, justification.reason],
            [{ zh: '审核意见', en: 'Comment' }, justification.reviewComment ?? '（无 none）'],
          ],
        },
        { p: next },
      ],
      action: {
        label: accepted
          ? { zh: '查看专利记录', en: 'Open the patent record' }
          : { zh: '打开专利记录并补充理由', en: 'Open the record and file again' },
        href: portalLink(portalPages.patent(n)),
      },
      notes: accepted
        ? [`系统对接 / For integrators: GET /v1/patents/${n}`]
        : [`系统对接 / For integrators: POST /v1/monitoring/unimplemented-funded/${n}/justification`],
      reason: {
        zh: '您收到此邮件，是因为您是该单位在平台登记的联系人，且管理部门审核了该单位提交的“授权超过5年未实施”专利的正当理由。',
        en: "You get this email as your institution's registered contact because the administrators reviewed the justification your institution filed for a patent on the 5-year-rule list.",
      },
    }),
  };
}

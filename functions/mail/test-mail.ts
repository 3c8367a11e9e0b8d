/** The test email of POST /v1/admin/mail:test: proof that mail leaves the system, in the one layout. */
import type { MailMessage } from '../../schemas/mail.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import { renderMail } from './layout.ts';

export function testMail(stage: string, to: string, requestedBy: string): MailMessage {
  return {
    to: [to],
    subject: `测试邮件 / Test email (${stage})`,
    ...renderMail({
      title: { zh: `测试邮件（${stage}）`, en: `Test email (${stage})` },
      blocks: [
        {
          p: {
            zh: `这是专利转化系统（${stage}）的测试邮件，由 ${requestedBy} 发起。收到即说明邮件发送正常，无需处理。`,
            en: `This is a test email from the patent revitalization system (${stage}), requested by ${requestedBy}. It arrived, so mail works; nothing to do.`,
          },
        },
      ],
      action: { label: { zh: '打开平台', en: 'Open the portal' }, href: portalLink(portalPages.home) },
      reason: {
        zh: '您收到此邮件，是因为国家管理员通过 POST /v1/admin/mail:test 向此地址发送了测试邮件。',
        en: 'You get this email because a national administrator sent a test email to this address (POST /v1/admin/mail:test).',
      },
    }),
    attachments: [],
  };
}

/**
 * The `NotifyTransition` stage (dealRecorded, filingConfirmed, productFiled): emails the owning
 * institution what was recorded and what is due next. The mail id derives from the event id and the
 * outbox item is written only if absent, so a replayed event queues nothing twice.
 */
import type { LifecycleEvent } from '../../schemas/lifecycle.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import { renderMail } from '../mail/layout.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import type { PipelineEvent } from './events.ts';

export interface NotifyStore {
  institution(uscc: string): Promise<{ name: string; contactEmail?: string } | undefined>;
  patentTitle(applicationNumber: string): Promise<string | undefined>;
  /** Queues the email under `mailId` unless it exists: false when it did. */
  queue(mailId: string, message: MailMessage, at: string): Promise<boolean>;
}

const labels: Partial<Record<LifecycleEvent, { zh: string; en: string; next: { zh: string; en: string } }>> =
  {
    dealRecorded: {
      zh: '交易已登记',
      en: 'deal recorded',
      next: {
        zh: '转让须办理登记，许可合同须在生效之日起 3 个月内备案。',
        en: 'Register the assignment, or file the license contract within 3 months of its effective date.',
      },
    },
    filingConfirmed: {
      zh: '登记/备案已确认',
      en: 'registration / filing confirmed',
      next: { zh: '请跟进产业化实施情况。', en: 'Follow the implementation by the enterprise.' },
    },
    productFiled: {
      zh: '专利密集型产品已备案',
      en: 'patent-intensive product filed',
      next: { zh: '该专利已产业化。', en: 'The patent is industrialized.' },
    },
  };

export const notifyMailId = (eventId: string) => `pipeline-${eventId.replace(/[^A-Za-z0-9:._-]/g, '_')}`;

function scalarDetails(details: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(details)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => [k, String(v)]);
}

export async function notifyTransition(
  deps: { store: NotifyStore; now: () => Date },
  event: PipelineEvent,
): Promise<{ eventId: string; outcome: 'queued' | 'already-queued' | 'no-contact' | 'not-notified' }> {
  const label = labels[event.type];
  if (!label) return { eventId: event.eventId, outcome: 'not-notified' };
  const institution = event.institutionUscc ? await deps.store.institution(event.institutionUscc) : undefined;
  if (!institution?.contactEmail) return { eventId: event.eventId, outcome: 'no-contact' };
  const title = (await deps.store.patentTitle(event.applicationNumber)) ?? '';
  const facts = scalarDetails(event.details);
  const n = event.applicationNumber;
  const message: MailMessage = {
    to: [institution.contactEmail],
    subject: `专利 ${n} ${label.zh} / Patent ${n}: ${label.en}`,
    ...renderMail({
      title: { zh: `专利 ${n} ${label.zh}`, en: `Patent ${n}: ${label.en}` },
      greeting: `${institution.name}：`,
      blocks: [
        {
          p: {
            zh: `专利 ${n}${title ? `《${title}》` : ''}${label.zh}（${event.from} → ${event.to}，${event.at}）。`,
            en: `Patent ${n}${title ? ` "${title}"` : ''}: ${label.en} (${event.from} -> ${event.to}, ${event.at}).`,
          },
        },
        { p: label.next },
        ...(facts.length ? [{ facts }] : []),
      ],
      action: {
        label: { zh: '查看专利记录', en: "See the patent's record" },
        href: portalLink(portalPages.patent(n)),
      },
      notes: [`系统对接 / For integrators: GET /v1/patents/${n}/history`],
      reason: {
        zh: '您收到此邮件，是因为您是该专利所属单位在平台登记的联系人，且该专利的转化状态有了变化。',
        en: "You get this email as the registered contact of the patent's institution because the patent's transfer status changed.",
      },
    }),
    attachments: [],
  };
  const queued = await deps.store.queue(notifyMailId(event.eventId), message, deps.now().toISOString());
  return { eventId: event.eventId, outcome: queued ? 'queued' : 'already-queued' };
}

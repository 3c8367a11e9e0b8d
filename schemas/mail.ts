import * as z from 'zod';

/** An email waiting in the transactional outbox (a row in the core table, sent by the stream consumer). */
export const mailAttachmentSchema = z.object({
  filename: z.string(),
  contentType: z.string(),
  /** Base64 content, or an S3 key in the reports bucket for large attachments. */
  contentBase64: z.string().optional(),
  s3Key: z.string().optional(),
  cid: z.string().optional(),
});

export const mailMessageSchema = z.object({
  to: z.array(z.email()).min(1),
  subject: z.string().min(1).max(500),
  text: z.string(),
  html: z.string().optional(),
  attachments: z.array(mailAttachmentSchema).default([]),
});
export type MailMessage = z.infer<typeof mailMessageSchema>;

export const mailStatuses = ['queued', 'sent', 'failed'] as const;
export type MailStatus = (typeof mailStatuses)[number];

export const sendTestMailSchema = z
  .object({ to: z.email().meta({ example: 'ops@example.org' }) })
  .meta({ id: 'SendTestMail' });

export const queuedMailSchema = z
  .object({ mailId: z.string(), status: z.enum(mailStatuses) })
  .meta({ id: 'QueuedMail' });

/**
 * Where a report's files live in the reports bucket, and the email of a report (its content is rendered
 * by render-html.ts, in the render step only): the HTML body with
 * the chart as an inline image (cid), the XLSX workbook attached. Both files are referenced by S3 key
 * (the outbox item stays small; the mail dispatcher reads them when it builds the MIME with nodemailer).
 */
import type { MailMessage } from '../../schemas/mail.ts';
import { type ReportModel, scopeFileName } from '../../schemas/report.ts';

export const chartCid = 'chart@quarterly-report';
export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function reportKeys(quarter: string, scope: string) {
  const base = `reports/${quarter}/${scopeFileName(scope)}`;
  return {
    html: `${base}.html`,
    xlsx: `${base}.xlsx`,
    png: `${base}.png`,
    figures: `${base}.figures.json`,
    mail: `${base}.mail.json`,
  };
}
export type ReportKeys = ReturnType<typeof reportKeys>;

/** The recipient-independent part of the email, stored beside the report by the render step. */
export interface ReportMailContent {
  quarter: string;
  scope: string;
  hasData: boolean;
  subject: string;
  text: string;
  html: string;
}

export function reportTitle(model: Pick<ReportModel, 'quarter' | 'scopeName'>): string {
  return `专利转化运用季度报告 ${model.quarter} · ${model.scopeName} / Quarterly patent report`;
}

export function reportMailMessage(content: ReportMailContent, to: string): MailMessage {
  const keys = reportKeys(content.quarter, content.scope);
  return {
    to: [to],
    subject: content.subject,
    text: content.text,
    html: content.html,
    attachments: [
      {
        filename: `专利季度报告-${content.quarter}-${content.scope}.xlsx`,
        contentType: xlsxContentType,
        s3Key: keys.xlsx,
      },
      // No data: no chart in the body, so no image part either.
      ...(content.hasData
        ? [
            {
              filename: `chart-${content.quarter}-${content.scope}.png`,
              contentType: 'image/png',
              s3Key: keys.png,
              cid: chartCid,
            },
          ]
        : []),
    ],
  };
}

/** The justification of the 5-year rule as stored on a patent: its own module, so the patent schema (in every patent route's bundle) does not carry the monitoring schemas. */
import * as z from 'zod';

/**
 * The 正当理由 of the 5-year rule (Work Plan 二、（四）1: "对于授权超过5年没有实施且无正当理由的专利，国家可以无偿
 * 实施"): the institution files why a listed patent is not implemented; the province administrators
 * accept it (the patent leaves the list and the fiveYearRulePatents figure) or reject it with a comment.
 */
export const fiveYearJustificationStatuses = ['filed', 'accepted', 'rejected'] as const;
export type FiveYearJustificationStatus = (typeof fiveYearJustificationStatuses)[number];

export const fiveYearJustificationSchema = z
  .object({
    status: z.enum(fiveYearJustificationStatuses),
    reason: z
      .string()
      .meta({ description: 'Why the patent is not implemented (正当理由), as the institution filed it' }),
    evidence: z
      .string()
      .optional()
      .meta({ description: 'Where the evidence is (a document number, a link)' }),
    filedAt: z.iso.datetime(),
    filedBy: z.string().meta({ description: 'Organization and role of the filer (never a person id)' }),
    reviewedAt: z.iso.datetime().optional(),
    reviewedBy: z.string().optional(),
    reviewComment: z
      .string()
      .optional()
      .meta({ description: "The reviewer's comment (required on rejection)" }),
    mailId: z
      .string()
      .optional()
      .meta({ description: 'The email of the review to the institution, when one was queued' }),
    mailSkipped: z.string().optional().meta({
      description: 'Why no email of the review went out (e.g. the institution has no contact email)',
    }),
  })
  .meta({ id: 'FiveYearJustification' });
export type FiveYearJustification = z.output<typeof fiveYearJustificationSchema>;

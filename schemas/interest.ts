/**
 * Negotiation (issue 13, item 8): an enterprise that found a patent (a push, the pool, search) asks its
 * institution to negotiate or for a contact; the institution accepts (its contact is revealed to that
 * enterprise only, and the patent takes `negotiationOpened`) or declines with a reason. The funnel
 * pushed -> evaluated -> interest -> negotiation -> deal is counted per patent and per institution.
 * docs/transfer.md, "Negotiation".
 */
import * as z from 'zod';
import { usccSchema } from './institution.ts';
import { pageQuerySchema } from './pagination.ts';
import { singleLineText } from './text.ts';

export const interestPurposes = ['negotiate', 'contact'] as const;
export const interestSources = ['push', 'pool', 'search', 'other'] as const;
export const interestStatuses = ['pending', 'accepted', 'declined'] as const;
export type InterestStatus = (typeof interestStatuses)[number];

export const interestInputSchema = z
  .object({
    purpose: z.enum(interestPurposes).default('negotiate').meta({
      description:
        'negotiate: ask to negotiate a transfer (转让 / 许可 / 作价入股); contact: ask for a contact person',
    }),
    message: singleLineText(2, 1000).meta({
      description: 'What you would like to discuss (one line, 2-1000 characters)',
      example: '我司拟以普通许可方式实施该专利，希望与贵校技术转移中心洽谈许可条件。',
    }),
    foundVia: z
      .enum(interestSources)
      .optional()
      .meta({ description: 'Where you found the patent: push (your inbox), pool, search, other' }),
  })
  .meta({
    id: 'InterestInput',
    description:
      'A request to negotiate or for a contact. One request per enterprise and patent: the same request again (or the same Idempotency-Key header) answers the recorded one and changes nothing.',
  });
export type InterestInput = z.output<typeof interestInputSchema>;

const contactSchema = z.object({
  name: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
});

export const interestContactInputSchema = z
  .object({
    name: singleLineText(1, 50),
    email: z.email().max(200),
    phone: singleLineText(3, 30).optional(),
  })
  .meta({ id: 'InterestContactInput', description: 'Who at the institution the enterprise talks to' });

export const interestDecisionSchema = z
  .object({
    decision: z.enum(['accept', 'decline']),
    reason: singleLineText(2, 500)
      .optional()
      .meta({ description: 'Why the request is declined (required to decline)' }),
    contact: interestContactInputSchema.optional().meta({
      description:
        "accept: the contact revealed to the enterprise (default: the institution's contact email, named after the institution)",
    }),
    message: singleLineText(2, 1000)
      .optional()
      .meta({ description: 'A note to the enterprise, sent with the answer' }),
  })
  .meta({ id: 'InterestDecision' });
export type InterestDecision = z.output<typeof interestDecisionSchema>;

export const interestSchema = z
  .object({
    interestId: z.string().meta({ description: '<application number>~<enterprise USCC>' }),
    applicationNumber: z.string(),
    title: z.string().optional(),
    institutionUscc: z.string(),
    institutionName: z.string().optional(),
    department: z.string().optional(),
    enterprise: z
      .object({ uscc: z.string(), name: z.string().optional(), contact: contactSchema.optional() })
      .meta({
        description:
          'The enterprise that asked, and the contact it registered (shared with the institution by asking)',
      }),
    purpose: z.enum(interestPurposes),
    message: z.string(),
    foundVia: z.enum(interestSources).optional(),
    status: z.enum(interestStatuses),
    createdAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().optional(),
    decidedBy: z.string().optional().meta({ description: 'The organization and role that answered' }),
    declineReason: z.string().optional(),
    answer: z.string().optional().meta({ description: "The institution's note with its answer" }),
    institutionContact: contactSchema.optional().meta({
      description:
        'Accepted requests only: who at the institution to talk to (seen by this enterprise and the institution)',
    }),
    version: z.number().int().positive(),
  })
  .meta({
    id: 'Interest',
    description: 'A request to negotiate, as its institution and its enterprise see it',
  });
export type Interest = z.infer<typeof interestSchema>;

export const interestParamsSchema = z.object({
  interestId: z.string().min(3).max(80).meta({
    description: 'The request id (<application number>~<enterprise USCC>)',
    example: '202010123456.2~91110108MA0000001D',
  }),
});

export const interestListQuerySchema = pageQuerySchema
  .extend({
    status: z.enum(interestStatuses).optional().meta({ description: 'Only requests in this status' }),
  })
  .meta({ id: 'InterestListQuery' });
export type InterestListQuery = z.output<typeof interestListQuerySchema>;

export const interestPageSchema = z
  .object({
    items: z.array(interestSchema),
    nextCursor: z.string().optional().meta({
      description:
        'Pass as ?cursor= for the next page; absent on the last page. A page may hold fewer than `limit` items while nextCursor is present',
    }),
  })
  .meta({ id: 'InterestPage' });

const count = z.number().int().nonnegative();

export const patentFunnelSchema = z
  .object({
    applicationNumber: z.string(),
    institutionUscc: z.string(),
    pushed: count.meta({ description: 'Evaluation requests pushed (enterprises and experts)' }),
    evaluated: count.meta({ description: 'Evaluations received' }),
    interest: count.meta({ description: 'Requests to negotiate or for the contact (enterprises)' }),
    negotiation: count.meta({ description: 'Requests accepted: negotiations opened' }),
    deal: count.meta({ description: 'Deals recorded on the patent' }),
    declined: count.meta({ description: 'Requests declined' }),
    pending: count.meta({ description: 'Requests waiting for an answer' }),
  })
  .meta({ id: 'PatentFunnel', description: 'The funnel of one patent: counts of each step' });
export type PatentFunnel = z.infer<typeof patentFunnelSchema>;

export const institutionFunnelSchema = z
  .object({
    institutionUscc: z.string(),
    patents: z.object({
      pushed: count.meta({ description: 'Patents pushed to evaluators (an evaluation window was opened)' }),
      evaluated: count.meta({ description: 'Patents with at least one evaluation' }),
      interest: count.meta({ description: 'Patents with at least one request from an enterprise' }),
      negotiation: count.meta({ description: 'Patents with at least one accepted request' }),
      deal: count.meta({ description: "Patents in at least one of the institution's deals" }),
    }),
    requests: z.object({ pending: count, accepted: count, declined: count }),
    complete: z.boolean().meta({
      description:
        'false when the institution has more patents than one answer reads (the counts are then lower bounds)',
    }),
  })
  .meta({ id: 'InstitutionFunnel', description: 'The funnel of an institution: patents reaching each step' });
export type InstitutionFunnel = z.infer<typeof institutionFunnelSchema>;

export const funnelInstitutionParamsSchema = z.object({ uscc: usccSchema });

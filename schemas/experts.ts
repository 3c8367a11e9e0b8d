/**
 * The expert pool (专利评价专家库), issue 15 item 7; docs/market.md, "The expert pool". The Work Plan
 * (二（二）2 and its explanation, "二是充分发挥专家库的支持作用"): "综合服务平台按产业领域组建专家库，供有需求的企业、
 * 高校进行选择" — provinces recommend experts (推荐懂技术和产品的专家入库), the pool is listed by industry
 * field, and enterprises and institutions commission an expert to evaluate a patent of the conversion
 * pool ("接受高校、科研机构以及相关企业的委托，对专利转化资源库中的专利进行评价").
 */
import * as z from 'zod';
import { expertStatuses } from './market.ts';
import { pageQuerySchema } from './pagination.ts';
import { singleLineText } from './text.ts';

export const verifyExpertSchema = z
  .object({
    decision: z.enum(['verified', 'rejected']),
    reason: z.string().trim().max(1000).optional().meta({
      description: 'Required when rejecting: what the expert must fix before saving the profile again',
    }),
  })
  .meta({ id: 'VerifyExpert' });
export type VerifyExpert = z.infer<typeof verifyExpertSchema>;

export const expertParamsSchema = z.object({ expertId: z.string().trim().min(1).max(128) });

export const expertListQuerySchema = pageQuerySchema
  .extend({
    field: z.string().trim().min(1).max(16).optional().meta({
      description:
        'An industry field: a GB/T 4754-2017 code (section C, division 39, group 391, class 3911), a strategic emerging industry (1 or 1.2) or an IPC prefix (H01, H01M, H01M 4). A broad field lists the experts of its narrower fields too. Absent: every expert.',
      example: '39',
    }),
    status: z.enum(expertStatuses).default('verified').meta({
      description:
        'verified (default): the pool. pending / rejected: administrators only, the experts of a province waiting for (or refused) verification',
    }),
    province: z.string().trim().max(6).optional().meta({
      description:
        'With status pending / rejected: the province (national administrators; province administrators: their own)',
    }),
  })
  .meta({ id: 'ExpertListQuery' });
export type ExpertListQuery = z.infer<typeof expertListQuerySchema>;

/** An expert as the pool lists it: never a contact (email, phone) before a commission is accepted. */
export const expertListingSchema = z
  .object({
    expertId: z.string(),
    name: z.string(),
    title: z.string(),
    affiliationUscc: z.string(),
    affiliationName: z.string().optional(),
    provinceCode: z.string(),
    industryCodes: z.array(z.string()),
    strategicIndustries: z.array(z.string()),
    ipcInterests: z.array(z.string()),
    status: z.enum(expertStatuses),
    rejectionReason: z.string().optional(),
  })
  .meta({ id: 'ExpertListing' });
export type ExpertListing = z.infer<typeof expertListingSchema>;

export const expertPageSchema = z
  .object({ items: z.array(expertListingSchema), nextCursor: z.string().optional() })
  .meta({ id: 'ExpertPage' });

const contactSchema = z.object({
  name: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
});

export const commissionContactInputSchema = z
  .object({
    name: singleLineText(1, 50),
    email: z.email().max(200).optional(),
    phone: singleLineText(3, 30).optional(),
  })
  .refine((c) => c.email || c.phone, { message: 'give an email or a phone', path: ['email'] })
  .meta({ id: 'CommissionContactInput', description: 'Whom the expert talks to' });

export const commissionInputSchema = z
  .object({
    applicationNumber: z.string().trim().min(8).max(40).meta({ example: '202010123456.2' }),
    message: singleLineText(2, 1000).meta({
      description: 'What you ask the expert to evaluate (one line, 2-1000 characters)',
      example: '请评估该专利在动力电池领域的产业化前景和技术改进需求。',
    }),
    contact: commissionContactInputSchema.optional().meta({
      description:
        "Whom the expert talks to; default: the enterprise's registered contact, or the institution's contact email",
    }),
  })
  .meta({
    id: 'CommissionInput',
    description:
      'A commission: a verified expert of the pool is asked to evaluate a patent on offer. One commission per requester, expert and patent: the same request again answers the recorded one.',
  });
export type CommissionInput = z.output<typeof commissionInputSchema>;

export const commissionStatuses = ['pending', 'accepted', 'declined'] as const;
export type CommissionStatus = (typeof commissionStatuses)[number];

export const commissionSchema = z
  .object({
    commissionId: z.string(),
    applicationNumber: z.string(),
    title: z.string().optional(),
    institutionUscc: z.string().meta({ description: "The patent's institution" }),
    expert: z.object({
      expertId: z.string(),
      name: z.string(),
      title: z.string(),
      affiliationUscc: z.string(),
      affiliationName: z.string().optional(),
    }),
    requester: z.object({
      kind: z.enum(['enterprise', 'institution']),
      uscc: z.string(),
      name: z.string().optional(),
      contact: contactSchema,
    }),
    message: z.string(),
    status: z.enum(commissionStatuses),
    createdAt: z.string(),
    decidedAt: z.string().optional(),
    declineReason: z.string().optional(),
    expertContact: z
      .object({ email: z.string().optional(), phone: z.string().optional() })
      .optional()
      .meta({ description: "The expert's contact: present once the expert accepted" }),
    version: z.number().int(),
  })
  .meta({ id: 'Commission' });
export type Commission = z.infer<typeof commissionSchema>;

export const commissionParamsSchema = z.object({ commissionId: z.string().trim().min(3).max(300) });

export const commissionDecisionSchema = z
  .object({
    decision: z.enum(['accept', 'decline']),
    reason: singleLineText(2, 500)
      .optional()
      .meta({ description: 'Why you decline (required to decline): the requester is told' }),
  })
  .meta({ id: 'CommissionDecision' });
export type CommissionDecision = z.infer<typeof commissionDecisionSchema>;

export const commissionListQuerySchema = pageQuerySchema
  .extend({ status: z.enum(commissionStatuses).optional() })
  .meta({ id: 'CommissionListQuery' });
export type CommissionListQuery = z.infer<typeof commissionListQuerySchema>;

export const commissionPageSchema = z
  .object({ items: z.array(commissionSchema), nextCursor: z.string().optional() })
  .meta({ id: 'CommissionPage' });

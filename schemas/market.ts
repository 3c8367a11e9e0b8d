/** Enterprises and experts of the market evaluation (Work Plan step 2, 市场评价). */
import * as z from 'zod';
import { provinceCodeSchema } from './codes/provinces.ts';
import { usccSchema } from './institution.ts';
import { singleLineText } from './text.ts';

export const enterpriseTypes = [
  'ip-advantage',
  'specialized-sme',
  'high-tech',
  'state-owned',
  'other',
] as const;
export const enterpriseTypeLabels: Record<(typeof enterpriseTypes)[number], string> = {
  'ip-advantage': '知识产权优势示范企业',
  'specialized-sme': '专精特新中小企业',
  'high-tech': '高新技术企业',
  'state-owned': '国有企业/中央企业',
  other: '其他',
};
export const enterpriseStatuses = ['pending', 'verified', 'rejected'] as const;

const industryCodes = z
  .array(z.string().trim().min(1).max(5))
  .max(50)
  .default([])
  .meta({ description: 'GB/T 4754-2017 codes at any level (C, 39, 391, 3911)', example: ['3911', '38'] });
const strategicCodes = z
  .array(
    z
      .string()
      .trim()
      .regex(/^\d(\.\d{1,2})?$/),
  )
  .max(49)
  .default([])
  .meta({ description: 'Strategic emerging industries 2018, level 1 or 2 (1, 1.1)', example: ['1.2'] });
const ipcInterests = z
  .array(z.string().trim().min(3).max(16))
  .max(50)
  .default([])
  .meta({
    description: 'IPC prefixes: class (H01), subclass (H01M) or main group (H01M 4)',
    example: ['H01M', 'G06F 16'],
  });

export const interestsSchema = z.object({ industryCodes, strategicIndustries: strategicCodes, ipcInterests });

export const registerEnterpriseSchema = z
  .object({
    uscc: usccSchema,
    name: singleLineText(2, 200),
    provinceCode: provinceCodeSchema,
    types: z.array(z.enum(enterpriseTypes)).min(1).max(5),
    ...interestsSchema.shape,
    contact: z.object({
      name: singleLineText(1, 50),
      phone: z.string().trim().max(30).optional(),
      email: z.email().optional(),
    }),
  })
  .refine((e) => e.industryCodes.length + e.strategicIndustries.length + e.ipcInterests.length > 0, {
    message:
      'name at least one industry code, strategic industry or IPC prefix: they decide which patents are pushed to you',
    path: ['industryCodes'],
  })
  .meta({ id: 'RegisterEnterprise' });
export type RegisterEnterprise = z.infer<typeof registerEnterpriseSchema>;

export const enterpriseSchema = z
  .object({
    uscc: z.string(),
    name: z.string(),
    provinceCode: z.string(),
    types: z.array(z.enum(enterpriseTypes)),
    industryCodes: z.array(z.string()),
    strategicIndustries: z.array(z.string()),
    ipcInterests: z.array(z.string()),
    contact: z.object({ name: z.string(), phone: z.string().optional(), email: z.string().optional() }),
    status: z.enum(enterpriseStatuses),
    rejectionReason: z.string().optional(),
    usccChecksumValid: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Enterprise' });
export type Enterprise = z.infer<typeof enterpriseSchema>;

export const verifyEnterpriseSchema = z
  .object({
    decision: z.enum(['verified', 'rejected']),
    reason: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .meta({ description: 'Required when rejecting: what the enterprise must fix' }),
  })
  .meta({ id: 'VerifyEnterprise' });

export const registerExpertSchema = z
  .object({
    name: singleLineText(1, 50),
    title: singleLineText(1, 100).meta({ example: '教授级高级工程师' }),
    affiliationUscc: usccSchema.meta({
      description: 'Organization the expert works for: never asked to evaluate its patents',
    }),
    affiliationName: singleLineText(2, 200)
      .optional()
      .meta({ description: 'The name of that organization, shown in the expert pool', example: '某某大学' }),
    provinceCode: provinceCodeSchema,
    ...interestsSchema.shape,
    email: z.email().optional(),
    phone: z.string().trim().min(3).max(30).optional(),
  })
  .meta({
    id: 'RegisterExpert',
    description:
      'Your profile. The administrator of your province verifies it before you are listed in the expert pool (GET /v1/experts) and can be commissioned; email and phone are shown only to those whose commission you accept.',
  });
export type RegisterExpert = z.infer<typeof registerExpertSchema>;

export const expertStatuses = ['pending', 'verified', 'rejected'] as const;
export type ExpertStatus = (typeof expertStatuses)[number];

export const expertSchema = z
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
    email: z.string().optional(),
    phone: z.string().optional(),
    active: z.boolean(),
    status: z.enum(expertStatuses).optional().meta({
      description:
        'Verification by the administrator of the province (专家入库): only verified experts are in the expert pool. Absent on profiles saved before verification existed: pending.',
    }),
    rejectionReason: z.string().optional(),
    decidedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Expert' });
export type Expert = z.infer<typeof expertSchema>;

/** POST /v1/patents/{n}/matching: what one matching run did. */
export const rematchResultSchema = z
  .union([
    z.object({
      applicationNumber: z.string(),
      candidates: z.number().int(),
      matches: z.number().int(),
      pushed: z.number().int().meta({ description: 'New evaluation requests' }),
      exists: z.number().int().meta({ description: 'Evaluators who already had the patent' }),
      capped: z.number().int().meta({ description: 'Not pushed today: the evaluator reached the daily cap' }),
      windowOpened: z.boolean(),
    }),
    z.object({
      applicationNumber: z.string(),
      skipped: z.string().meta({ description: 'Why nothing was matched' }),
    }),
  ])
  .meta({ id: 'RematchResult' });

/** One evaluation request in an enterprise's or expert's inbox. */
export const inboxRequestSchema = z
  .object({
    applicationNumber: z.string(),
    evaluatorKind: z.enum(['enterprise', 'expert']),
    evaluatorId: z.string().meta({ description: 'You: your organization (USCC) or your expert account' }),
    status: z.enum(['pending', 'declined', 'evaluated']),
    score: z.number(),
    reasons: z.array(
      z.object({ facet: z.string(), key: z.string(), labelZh: z.string(), labelEn: z.string() }),
    ),
    explanationZh: z.string(),
    explanationEn: z.string(),
    patent: z
      .object({
        title: z.string().optional(),
        patentType: z.string().optional(),
        provinceCode: z.string().optional(),
        industryCode: z.string().optional(),
        strategicIndustries: z
          .array(
            z.object({
              code: z.string(),
              name: z.string().optional(),
              inferred: z.boolean().optional(),
              via: z.string().optional(),
            }),
          )
          .optional(),
        classifications: z.array(z.string()).optional(),
        trl: z.number().optional(),
        conversionIntents: z.array(z.string()).optional(),
      })
      .meta({ description: 'The public fields of the patent, as at the push' }),
    createdAt: z.string(),
    evaluatedAt: z.string().optional(),
    declinedAt: z.string().optional(),
    declineReason: z.string().optional(),
    commissionId: z.string().optional().meta({
      description:
        'Present when the request comes from a commission you accepted (expert pool, GET /v1/commissions) rather than from a push',
    }),
  })
  .meta({ id: 'InboxRequest' });

export const inboxPageSchema = z
  .object({ items: z.array(inboxRequestSchema), nextCursor: z.string().optional() })
  .meta({ id: 'InboxPage' });

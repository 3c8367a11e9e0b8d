/**
 * Monitoring flags (Work Plan, 监测评价): random spot checks of inventory quality (随机抽查) and the
 * 5-year rule (publicly funded patents granted over 5 years ago and never implemented).
 */
import * as z from 'zod';
import { provinceCodeSchema } from './codes/provinces.ts';
import { fiveYearJustificationSchema } from './five-year-justification.ts';
import { usccSchema } from './institution.ts';
import { quarterSchema } from './metrics.ts';
import { pageQuerySchema } from './pagination.ts';

// ------------------------------------------------------------------------------------- spot checks

/** Sample size per institution: rate of its inventoried patents, at least min (when it has any), at most max. */
export const spotCheckSampleSchema = z
  .object({
    rate: z.number().min(0).max(1).default(0.02),
    min: z.number().int().min(0).max(1000).default(1),
    max: z.number().int().min(1).max(1000).default(20),
  })
  .refine((sample) => sample.min <= sample.max, { message: 'min must not be above max' })
  .meta({
    id: 'SpotCheckSample',
    description: 'How many inventoried patents of an institution are checked per quarter',
  });
export type SpotCheckSample = z.output<typeof spotCheckSampleSchema>;
export const institutionSpotCheckSampleSchema = z
  .object({ institutionUscc: z.string(), rate: z.number(), min: z.number().int(), max: z.number().int() })
  .meta({ id: 'InstitutionSpotCheckSample' });
export const defaultSpotCheckSample: SpotCheckSample = { rate: 0.02, min: 1, max: 20 };

/**
 * Spot checks are stratified by institution size (issue 14, item 3; Work Plan 三（四）加强监测评价:
 * "定期监测……并随机进行抽查监督"): the number of inventoried patents puts an institution in a stratum, and
 * each stratum has its own sample, so that a small institution is checked at all (a minimum) and a
 * large one is not checked thousands of times (a maximum), with a rate in between. The Work Plan names
 * no sizes: these are the platform's defaults; an institution's own settings
 * (PUT /v1/monitoring/spot-check-settings/{uscc}) or the job's input override them.
 */
export const sizeStrata = [
  {
    id: 'small',
    label: '小型 small (< 100 inventoried)',
    below: 100,
    sample: { rate: 0.05, min: 2, max: 5 },
  },
  {
    id: 'medium',
    label: '中型 medium (100–999 inventoried)',
    below: 1000,
    sample: { rate: 0.02, min: 5, max: 20 },
  },
  {
    id: 'large',
    label: '大型 large (≥ 1000 inventoried)',
    below: Number.POSITIVE_INFINITY,
    sample: { rate: 0.01, min: 20, max: 40 },
  },
] as const satisfies ReadonlyArray<{ id: string; label: string; below: number; sample: SpotCheckSample }>;
export type SizeStratum = (typeof sizeStrata)[number]['id'];
export const stratumOf = (inventoried: number) => sizeStrata.find((s) => inventoried < s.below)!;

export const spotCheckVerdicts = ['ok', 'needs-correction'] as const;
export const spotCheckStatuses = ['pending', ...spotCheckVerdicts] as const;
export type SpotCheckStatus = (typeof spotCheckStatuses)[number];

/**
 * A correction request (issue 14, item 3b; Work Plan 三（四）: "建立相关数据通报反馈机制"): a verdict of
 * needs-correction opens one with a deadline; the institution answers by then (a later answer is
 * refused: the administrators reopen it with a new deadline by giving needs-correction again); the
 * administrators re-check and close it with ok. Open past its deadline it is overdue, and the
 * quarterly report of its province says so.
 */
export const correctionDays = 30;
export const correctionStatuses = ['open', 'answered', 'closed'] as const;
export const correctionSchema = z
  .object({
    status: z.enum(correctionStatuses),
    requestedAt: z.iso.datetime(),
    dueDate: z.iso.date().meta({
      description: `The last China date an answer is accepted (${correctionDays} days after the request)`,
    }),
    round: z.number().int().positive().meta({ description: '1 for the first request, +1 each reopening' }),
    answer: z.string().optional(),
    answeredAt: z.iso.datetime().optional(),
    answeredBy: z.string().optional(),
    closedAt: z.iso.datetime().optional(),
    closedBy: z.string().optional(),
  })
  .meta({ id: 'SpotCheckCorrection' });
export type Correction = z.infer<typeof correctionSchema>;

export const correctionAnswerSchema = z
  .object({
    answer: z
      .string()
      .trim()
      .min(1, 'say what was corrected (e.g. "inventory record resubmitted with the licence date")')
      .max(2000),
  })
  .meta({ id: 'SpotCheckCorrectionAnswer' });
export type CorrectionAnswer = z.output<typeof correctionAnswerSchema>;

export const spotCheckSchema = z
  .object({
    id: z.string().meta({
      description: '<quarter>.<province>.<USCC>.<application number>',
      example: '2025Q4.110000.12100000400000624D.202010123456.2',
    }),
    quarter: z.string(),
    provinceCode: z.string(),
    institutionUscc: z.string(),
    applicationNumber: z.string(),
    title: z.string().optional(),
    status: z.enum(spotCheckStatuses),
    comment: z
      .string()
      .optional()
      .meta({ description: 'The reviewer comment (sent to the institution on needs-correction)' }),
    assignedAt: z.iso.datetime(),
    reviewedAt: z.iso.datetime().optional(),
    reviewedBy: z.string().optional(),
    mailId: z.string().optional().meta({ description: 'The email to the institution, when one was queued' }),
    mailSkipped: z
      .string()
      .optional()
      .meta({ description: 'Why no email went out (e.g. the institution has no contact email)' }),
    correction: correctionSchema.optional().meta({
      description: 'The correction request a needs-correction verdict opened (and its answer, closure)',
    }),
    version: z.number().int().positive(),
  })
  .meta({ id: 'SpotCheck' });
export type SpotCheck = z.infer<typeof spotCheckSchema>;

export const spotCheckListQuerySchema = pageQuerySchema
  .extend({
    quarter: quarterSchema,
    province: provinceCodeSchema
      .optional()
      .meta({ description: 'National admins: the province (required); province admins: their own' }),
    institution: usccSchema.optional(),
    status: z.enum(spotCheckStatuses).optional(),
  })
  .meta({ id: 'SpotCheckListQuery' });
export type SpotCheckListQuery = z.output<typeof spotCheckListQuerySchema>;

export const spotCheckPageSchema = z
  .object({ items: z.array(spotCheckSchema), nextCursor: z.string().optional() })
  .meta({ id: 'SpotCheckPage' });

export const spotCheckVerdictSchema = z
  .object({
    verdict: z.enum(spotCheckVerdicts),
    comment: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .meta({ description: 'Required with needs-correction: what to correct' }),
  })
  .refine((body) => body.verdict === 'ok' || (body.comment !== undefined && body.comment.length > 0), {
    message: 'needs-correction needs a comment that tells the institution what to correct',
    path: ['comment'],
  })
  .meta({ id: 'SpotCheckVerdict' });
export type SpotCheckVerdict = z.output<typeof spotCheckVerdictSchema>;

export const spotCheckParamsSchema = z.object({ id: z.string().min(10).max(120) });

export const spotCheckSettingsSchema = spotCheckSampleSchema;

// ------------------------------------------------------------------------------------ 5-year rule

export const unimplementedFundedQuerySchema = pageQuerySchema
  .extend({
    institution: usccSchema
      .optional()
      .meta({ description: 'One institution (institution users: their own)' }),
    province: provinceCodeSchema
      .optional()
      .meta({ description: 'One province (province admins: their own)' }),
  })
  .meta({ id: 'UnimplementedFundedQuery' });
export type UnimplementedFundedQuery = z.output<typeof unimplementedFundedQuerySchema>;

export const unimplementedFundedSchema = z
  .object({
    applicationNumber: z.string(),
    title: z.string().optional(),
    institutionUscc: z.string(),
    provinceCode: z.string(),
    grantDate: z.iso.date(),
    yearsSinceGrant: z.number().meta({ description: 'Whole years since the grant date (China date)' }),
    implementationStatus: z.string().optional(),
    lifecycle: z.string().optional(),
    fundedProjectName: z.string().optional().meta({
      description:
        'The funded project the patent relied on (资助项目名称; Work Plan 二、（四）1 专利声明制度), as the inventory gives it',
    }),
    fundedProjectNumber: z
      .string()
      .optional()
      .meta({ description: "The project's approval number (项目编号)" }),
    fundingSource: z.string().optional().meta({ description: 'The funder (资助来源)' }),
    justificationStatus: z.enum(['filed', 'rejected']).optional().meta({
      description:
        'A justification (正当理由) the institution filed: filed (awaiting the province review) or rejected. Accepted ones leave the list',
    }),
  })
  .meta({ id: 'UnimplementedFundedPatent' });

export {
  type FiveYearJustification,
  type FiveYearJustificationStatus,
  fiveYearJustificationSchema,
  fiveYearJustificationStatuses,
} from './five-year-justification.ts';

export const fileJustificationSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(
        10,
        'say why the patent is not implemented (at least 10 characters), e.g. "药品注册审批中，预计 2027 年上市"',
      )
      .max(2000),
    evidence: z.string().trim().min(1).max(500).optional(),
    expectedVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: "The patent's version as read: refused (409) when it changed since" }),
  })
  .meta({ id: 'FiveYearJustificationFiling' });
export type FileJustification = z.output<typeof fileJustificationSchema>;

export const reviewJustificationSchema = z
  .object({
    decision: z.enum(['accepted', 'rejected']),
    comment: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .meta({ description: 'Required when rejected: what is missing' }),
    expectedVersion: z.number().int().positive().optional(),
  })
  .refine((body) => body.decision === 'accepted' || (body.comment !== undefined && body.comment.length > 0), {
    message: 'a rejection needs a comment that tells the institution what is missing',
    path: ['comment'],
  })
  .meta({ id: 'FiveYearJustificationReview' });
export type ReviewJustification = z.output<typeof reviewJustificationSchema>;

export const justifiedPatentSchema = z
  .object({
    applicationNumber: z.string(),
    institutionUscc: z.string(),
    provinceCode: z.string(),
    version: z.number().int().meta({ description: "The patent's version after the change" }),
    fiveYearJustification: fiveYearJustificationSchema,
  })
  .meta({ id: 'FiveYearJustifiedPatent' });

export const unimplementedFundedPageSchema = z
  .object({
    items: z.array(unimplementedFundedSchema),
    asOf: z.iso.date().meta({ description: 'Today in China: granted on or before asOf minus 5 years' }),
    grantedOnOrBefore: z.iso.date(),
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'UnimplementedFundedPage' });

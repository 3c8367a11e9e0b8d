/**
 * Enterprise technology needs (技术需求), issue 15 item 4: what an enterprise wants solved, posted by a
 * verified enterprise or by its province administrator, reviewed by the province, answered by
 * institutions that propose their patents (揭榜), then closed or fulfilled. The Work Plan asks the
 * pool to be "以产业需求为导向" (guided by industry's needs) and names the 揭榜挂帅 mechanism: a
 * challenge (`kind: challenge`) carries a reward and a deadline.
 */
import * as z from 'zod';
import { usccSchema } from './institution.ts';
import { interestsSchema } from './market.ts';
import { singleLineText } from './text.ts';

export const needKinds = ['need', 'challenge'] as const;
export const needKindLabels: Record<(typeof needKinds)[number], string> = {
  need: '技术需求',
  challenge: '揭榜挂帅',
};
/**
 * pending (waits for the province's review) -> open (approved: listed, searchable, answerable) |
 * rejected (with the reviewer's comment); open -> fulfilled (solved) | closed (withdrawn, expired);
 * pending -> closed (withdrawn before the review).
 */
export const needStatuses = ['pending', 'open', 'rejected', 'closed', 'fulfilled'] as const;
export type NeedStatus = (typeof needStatuses)[number];

/** The largest reward accepted: 100 billion yuan (no real 揭榜挂帅 reward comes near it). */
const maxRewardYuan = 100_000_000_000;

export const postNeedSchema = z
  .object({
    enterpriseUscc: usccSchema.optional().meta({
      description:
        'The enterprise the need is posted for: administrators name it; an enterprise posts for itself (may be left out)',
    }),
    kind: z.enum(needKinds).default('need').meta({
      description:
        'need: a technology need (技术需求); challenge: a 揭榜挂帅 challenge with a reward and a deadline',
    }),
    title: singleLineText(4, 200).meta({ example: '动力电池热失控早期预警技术' }),
    description: z
      .string()
      .trim()
      .min(10, 'describe the problem in at least 10 characters: what is to be solved, and where')
      .max(5000)
      .meta({ description: 'The problem, the current state and the constraints (at most 5,000 characters)' }),
    expectedOutcome: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .meta({ description: 'Target indicators (技术指标) or the expected result' }),
    ...interestsSchema.shape,
    rewardYuan: z
      .number()
      .int('give the reward in whole yuan')
      .min(0, 'the reward cannot be below 0: give an amount in yuan, or 0 for none')
      .max(maxRewardYuan)
      .optional()
      .meta({ description: 'Reward in yuan (揭榜挂帅 challenges: required)', example: 500000 }),
    deadline: z.iso.date('give the deadline as a date, YYYY-MM-DD').optional().meta({
      description: 'Last day (China time) proposals are taken; challenges: required',
      example: '2027-06-30',
    }),
  })
  .refine((n) => n.kind !== 'challenge' || (n.rewardYuan !== undefined && n.deadline !== undefined), {
    message: 'a 揭榜挂帅 challenge states its reward (rewardYuan) and its deadline: add both',
    path: ['rewardYuan'],
  })
  .meta({ id: 'PostNeed' });
export type PostNeed = z.output<typeof postNeedSchema>;

export const needSchema = z
  .object({
    needId: z.string(),
    kind: z.enum(needKinds),
    title: z.string(),
    description: z.string(),
    expectedOutcome: z.string().optional(),
    industryCodes: z.array(z.string()),
    strategicIndustries: z.array(z.string()),
    ipcInterests: z.array(z.string()),
    rewardYuan: z.number().int().optional(),
    deadline: z.string().optional(),
    enterpriseUscc: z.string(),
    enterpriseName: z.string(),
    provinceCode: z.string(),
    status: z.enum(needStatuses),
    reviewComment: z.string().optional(),
    reviewedAt: z.string().optional(),
    reviewedBy: z.string().optional(),
    closedAt: z.string().optional(),
    closeReason: z.enum(['withdrawn', 'expired']).optional().meta({
      description:
        'Why a closed need closed: withdrawn by the enterprise or an administrator, or expired (its deadline passed; closed by the daily job)',
    }),
    closeComment: z.string().optional(),
    proposalCount: z.number().int().meta({ description: 'Patents proposed by institutions (揭榜)' }),
    createdAt: z.string(),
    createdBy: z.string().meta({ description: 'Organization and role of who posted it' }),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Need' });
export type Need = z.infer<typeof needSchema>;

export const needPageSchema = z
  .object({ items: z.array(needSchema), nextCursor: z.string().optional() })
  .meta({ id: 'NeedPage' });

export const reviewNeedSchema = z
  .object({
    decision: z.enum(['approved', 'rejected']),
    comment: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .meta({ description: 'Required when rejecting: what the enterprise must change' }),
    expectedVersion: z.number().int().positive().optional(),
  })
  .meta({ id: 'ReviewNeed' });

export const closeNeedSchema = z
  .object({
    outcome: z.enum(['closed', 'fulfilled']).meta({
      description: 'fulfilled: the need was solved (through a proposal or otherwise); closed: withdrawn',
    }),
    comment: z.string().trim().max(1000).optional(),
    expectedVersion: z.number().int().positive().optional(),
  })
  .meta({ id: 'CloseNeed' });

export const proposeSchema = z
  .object({
    applicationNumbers: z
      .array(z.string().trim().min(8).max(40))
      .min(1, 'name at least one of your patents')
      .max(10, 'propose at most 10 patents at once'),
    message: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .meta({ description: 'How the patents answer the need (shown to the enterprise)' }),
  })
  .meta({ id: 'ProposePatents' });

export const proposalSchema = z
  .object({
    needId: z.string(),
    applicationNumber: z.string(),
    institutionUscc: z.string(),
    institutionName: z.string(),
    patentTitle: z.string(),
    message: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'NeedProposal' });
export type Proposal = z.infer<typeof proposalSchema>;

export const proposalPageSchema = z
  .object({ items: z.array(proposalSchema), nextCursor: z.string().optional() })
  .meta({ id: 'NeedProposalPage' });
export const proposeResultSchema = z
  .object({
    created: z.array(proposalSchema),
    existing: z.array(z.string()).meta({ description: 'Patents you had proposed for this need already' }),
  })
  .meta({ id: 'ProposeResult' });

/**
 * Need -> pool matching (issue 15 item 5): a patent pushed to its institution as "an enterprise needs
 * this", with why: the query words it matched and the codes it shares with the need.
 */
export const needMatchSchema = z
  .object({
    needId: z.string(),
    applicationNumber: z.string(),
    institutionUscc: z.string(),
    direction: z.enum(['need-to-pool', 'pool-to-need']).optional().meta({
      description:
        'need-to-pool (or absent): found when the need opened, pushed to the institution; pool-to-need: the patent entered the pool later, pushed to the enterprise in its daily alert',
    }),
    score: z.number().meta({ description: 'Share of the best text score plus 0.25 per shared code facet' }),
    reasons: z.object({
      terms: z.array(z.string()).meta({ description: 'Words of the need the patent matched (up to 5)' }),
      codes: z.array(
        z.object({
          facet: z.enum(['ipc', 'industry', 'strategic']),
          need: z.string().meta({ description: "The need's code" }),
          patent: z.string().meta({ description: "The patent's code it matched" }),
        }),
      ),
    }),
    explanationZh: z.string(),
    explanationEn: z.string(),
    patent: z.object({ title: z.string(), patentType: z.string() }),
    need: z.object({
      title: z.string(),
      kind: z.enum(needKinds),
      enterpriseName: z.string(),
      rewardYuan: z.number().int().optional(),
      deadline: z.string().optional(),
    }),
    pushDay: z
      .string()
      .meta({ description: 'China date of the push (the digest of the next morning mails it)' }),
    createdAt: z.string(),
  })
  .meta({ id: 'NeedMatch' });
export type NeedMatch = z.infer<typeof needMatchSchema>;

export const needMatchPageSchema = z
  .object({ items: z.array(needMatchSchema), nextCursor: z.string().optional() })
  .meta({ id: 'NeedMatchPage' });

/**
 * The funnel of one need (issue 15 item 5): need -> patents matched and proposed -> requests to
 * negotiate -> negotiations opened -> deals, each counted over the need's patents (matched from the
 * pool or proposed by institutions) and the need's enterprise, from the day the need was posted.
 */
export const needFunnelSchema = z
  .object({
    needId: z.string(),
    enterpriseUscc: z.string(),
    status: z.enum(needStatuses),
    matched: z.number().int().meta({ description: 'Pool patents matched with the need (both directions)' }),
    proposed: z.number().int().meta({ description: 'Patents proposed by institutions (揭榜)' }),
    proposingInstitutions: z.number().int().meta({ description: 'Institutions that proposed at least one' }),
    patents: z
      .number()
      .int()
      .meta({ description: 'The need\u2019s patents: matched or proposed, each once' }),
    interest: z.number().int().meta({
      description:
        'Of those, the patents the enterprise asked to negotiate about (or for a contact) since the need was posted',
    }),
    negotiation: z
      .number()
      .int()
      .meta({ description: 'Of those, the requests the institution accepted (negotiation opened)' }),
    deal: z.number().int().meta({
      description:
        'Of the need\u2019s patents, those in a deal with the enterprise recorded since the need was posted',
    }),
    complete: z.boolean().meta({
      description:
        'false when a list read was cut at its bound (5,000 items): the counts are then lower bounds',
    }),
  })
  .meta({ id: 'NeedFunnel' });
export type NeedFunnel = z.infer<typeof needFunnelSchema>;

/**
 * Market evaluations (Work Plan step 2, 市场评价 / 他评): what an enterprise or expert says about a
 * conversion-pool patent, the views the evaluator and the institution get, and the aggregate that
 * closes the evaluation window. The reason codes are the clusters industry feedback falls into on
 * matchmaking platforms (DOMAIN.md, licensing facts).
 */
import * as z from 'zod';
import { tierValues } from './lifecycle.ts';

export const improvementCategories = [
  'pilot-scale-up',
  'cost-reduction',
  'reliability',
  'performance',
  'standards-certification',
  'integration',
  'other',
] as const;
export type ImprovementCategory = (typeof improvementCategories)[number];
export const improvementCategoryLabels: Record<ImprovementCategory, string> = {
  'pilot-scale-up': '中试放大',
  'cost-reduction': '降低成本',
  reliability: '可靠性/稳定性',
  performance: '性能提升',
  'standards-certification': '标准与认证',
  integration: '系统集成/配套',
  other: '其他',
};

export const cooperationIntents = [
  'none',
  'license',
  'assignment',
  'equity',
  'joint-rnd',
  'pilot',
  'further-contact',
] as const;
export type CooperationIntent = (typeof cooperationIntents)[number];
export const cooperationIntentLabels: Record<CooperationIntent, string> = {
  none: '暂无合作意向',
  license: '许可',
  assignment: '转让',
  equity: '作价入股',
  'joint-rnd': '联合研发',
  pilot: '中试/试用',
  'further-contact': '进一步洽谈',
};

export const reasonCodes = [
  'too-early-stage',
  'benefit-unclear',
  'commercial-route-unclear',
  'description-unclear',
  'too-costly-to-implement',
  'market-too-small',
  'ip-risk',
  'other',
] as const;
export type ReasonCode = (typeof reasonCodes)[number];
export const reasonCodeLabels: Record<ReasonCode, string> = {
  'too-early-stage': '技术阶段过早',
  'benefit-unclear': '相对现有技术的效益不明确',
  'commercial-route-unclear': '商业化路径不清晰',
  'description-unclear': '技术描述不清楚',
  'too-costly-to-implement': '实施成本过高',
  'market-too-small': '市场规模过小',
  'ip-risk': '知识产权风险（稳定性/侵权）',
  other: '其他',
};

export const evaluatorKinds = ['enterprise', 'expert'] as const;
export type EvaluatorKind = (typeof evaluatorKinds)[number];
export const windowCloseReasons = ['quorum', 'deadline'] as const;
export type WindowCloseReason = (typeof windowCloseReasons)[number];

const prospect = z
  .number()
  .int()
  .min(1, 'industrialization prospect is 1 (poor) to 5 (excellent)')
  .max(5, 'industrialization prospect is 1 (poor) to 5 (excellent)')
  .meta({ description: 'Industrialization prospect (产业化前景), 1 poor to 5 excellent', example: 4 });
const trl = z
  .number()
  .int()
  .min(1, 'technology readiness level is 1 to 9')
  .max(9, 'technology readiness level is 1 to 9')
  .meta({ description: "The evaluator's view of the technology readiness level (TRL 1-9)", example: 5 });

const improvementNeedsInput = z
  .object({
    categories: z
      .array(
        z.enum(improvementCategories, {
          error: (issue) =>
            `unknown improvement category ${JSON.stringify(issue.input)}: allowed are ${improvementCategories.join(', ')}`,
        }),
      )
      .max(improvementCategories.length)
      .default([]),
    text: z.string().trim().max(2000).optional(),
  })
  .meta({ description: 'Technology-improvement needs (技术改进需求): categories and a free text' });

const cooperationIntentsInput = z
  .array(
    z.enum(cooperationIntents, {
      error: (issue) =>
        `unknown cooperation intent ${JSON.stringify(issue.input)}: allowed are ${cooperationIntents.join(', ')}`,
    }),
  )
  .min(1, 'say whether you would cooperate: ["none"], or one or more forms of cooperation')
  .max(cooperationIntents.length * 2)
  .refine((intents) => !intents.includes('none') || intents.every((i) => i === 'none'), {
    message: '"none" stands alone: send ["none"] or the forms of cooperation you are interested in',
  })
  .meta({
    description: 'Industry-university cooperation intent (产学研合作意愿), several allowed; "none" alone',
    example: ['license', 'joint-rnd'],
  });

const priceExpectationInput = z
  .object({
    minWan: z.number().nonnegative().max(10_000_000),
    maxWan: z.number().nonnegative().max(10_000_000),
  })
  .refine((p) => p.minWan <= p.maxWan, {
    message: 'minWan must not exceed maxWan',
    path: ['maxWan'],
  })
  .meta({ description: 'Price range the evaluator would consider, in 万元 (10,000 CNY)' });

const reasonCodesInput = z
  .array(
    z.enum(reasonCodes, {
      error: (issue) =>
        `unknown reason code ${JSON.stringify(issue.input)}: allowed are ${reasonCodes.join(', ')}`,
    }),
  )
  .max(reasonCodes.length * 2)
  .default([])
  .meta({
    description: `Structured reasons (e.g. why not more interested): ${reasonCodes.join(', ')}`,
    example: ['too-early-stage'],
  });

export const evaluationInputSchema = z
  .object({
    industrializationProspect: prospect,
    maturityTrl: trl,
    improvementNeeds: improvementNeedsInput.default({ categories: [] }),
    cooperationIntents: cooperationIntentsInput,
    priceExpectation: priceExpectationInput.optional(),
    reasonCodes: reasonCodesInput,
    comment: z.string().trim().max(2000).optional(),
    consentToShareIdentity: z.boolean().default(false).meta({
      description:
        "Enterprises: show your name and contact to the patent's institution (experts: name and affiliation instead of the title only). Withdraw by sending false.",
    }),
    expectedVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The version of your evaluation you read; 409 if it changed since' }),
  })
  .meta({
    id: 'EvaluationInput',
    description: 'Your evaluation of a conversion-pool patent; a second PUT replaces it (versioned)',
  });
export type EvaluationInput = z.output<typeof evaluationInputSchema>;

/** The evaluation as stored and shown (after defaults). */
const evaluationFields = {
  industrializationProspect: z.number().int().min(1).max(5),
  maturityTrl: z.number().int().min(1).max(9),
  improvementNeeds: z.object({
    categories: z.array(z.enum(improvementCategories)),
    text: z.string().optional(),
  }),
  cooperationIntents: z.array(z.enum(cooperationIntents)),
  priceExpectation: z.object({ minWan: z.number(), maxWan: z.number() }).optional(),
  reasonCodes: z.array(z.enum(reasonCodes)),
  comment: z.string().optional(),
};

export const evaluationWindowSchema = z
  .object({
    status: z.enum(['none', 'open', 'closed']).meta({
      description: 'none: never opened (no match pushed, nobody evaluated yet); open; closed',
    }),
    openedAt: z.string().optional(),
    deadline: z.string().optional(),
    closedAt: z.string().optional(),
    closedReason: z.enum(windowCloseReasons).optional().meta({
      description: 'quorum: enough evaluations (with enough from enterprises); deadline: time ran out',
    }),
  })
  .meta({ id: 'EvaluationWindow' });
export type EvaluationWindow = z.infer<typeof evaluationWindowSchema>;

const tier = z.enum(tierValues);
export const lateTieringSchema = z
  .object({
    outcome: z.enum(['pending', 'unchanged', 'retiered', 'deferred']).meta({
      description:
        'pending: the patent is evaluated and its tiering still runs (it reads your evaluation); unchanged: the evaluations give the current tier; retiered: they changed it and the patent was re-tiered; deferred: they changed it but the patent was re-tiered today already (once a day): the next evaluation from retierFrom re-tiers it',
    }),
    tier: tier.optional().meta({ description: "The patent's tier after your evaluation" }),
    previousTier: tier.optional().meta({ description: 'retiered: the tier before' }),
    tierVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'retiered: the new tier version' }),
    outcomeTier: tier.optional().meta({ description: 'deferred: the tier the evaluations now give' }),
    retierFrom: z.iso
      .date()
      .optional()
      .meta({ description: 'deferred: the China calendar day from which a further evaluation re-tiers' }),
  })
  .meta({
    id: 'LateEvaluationTiering',
    description:
      'Only for an evaluation sent after the window closed (持续完善): what it did to the tier of the patent',
  });

export const myEvaluationSchema = z
  .object({
    evaluationId: z.string(),
    applicationNumber: z.string(),
    evaluatorKind: z.enum(evaluatorKinds),
    matched: z.boolean().meta({ description: 'true when the patent was pushed to you (a request exists)' }),
    ...evaluationFields,
    consentToShareIdentity: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int().positive(),
    window: evaluationWindowSchema,
    tiering: lateTieringSchema.optional(),
  })
  .meta({ id: 'MyEvaluation', description: 'Your own evaluation of a patent' });
export type MyEvaluation = z.infer<typeof myEvaluationSchema>;

const count = z.number().int().nonnegative();
export const evaluationAggregateSchema = z
  .object({
    count,
    byKind: z.object({ enterprise: count, expert: count }),
    prospect: z.object({
      mean: z
        .number()
        .min(1)
        .max(5)
        .optional()
        .meta({ description: 'Mean prospect, 2 decimals; absent without evaluations' }),
      distribution: z.record(z.enum(['1', '2', '3', '4', '5']), count),
    }),
    maturityTrlMean: z
      .number()
      .min(1)
      .max(9)
      .optional()
      .meta({ description: "Mean of the evaluators' TRL views, 2 decimals; absent without evaluations" }),
    cooperationIntents: z.record(z.enum(cooperationIntents), count),
    improvementNeeds: z.record(z.enum(improvementCategories), count),
    reasonCodes: z.record(z.enum(reasonCodes), count),
  })
  .meta({
    id: 'PatentEvaluationAggregate',
    description:
      'Counts over the current evaluations of one patent; stored on the patent as evaluationAggregate when its window closes',
  });
export type EvaluationAggregate = z.infer<typeof evaluationAggregateSchema>;

export const patentEvaluationSchema = z
  .object({
    evaluationId: z.string().meta({ description: 'Stable, opaque: does not reveal the evaluator' }),
    evaluatorKind: z.enum(evaluatorKinds),
    matched: z.boolean(),
    identityShared: z.boolean().meta({ description: 'The evaluator consented in its current evaluation' }),
    enterprise: z
      .object({
        uscc: z.string(),
        name: z.string(),
        contact: z.object({
          name: z.string(),
          phone: z.string().optional(),
          email: z.string().optional(),
        }),
      })
      .optional()
      .meta({ description: 'Only when the enterprise consented' }),
    expert: z
      .object({
        title: z.string(),
        name: z.string().optional(),
        affiliationUscc: z.string().optional(),
        email: z.string().optional(),
      })
      .optional()
      .meta({ description: 'The title always; name, affiliation and email only with consent' }),
    ...evaluationFields,
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int().positive(),
  })
  .meta({
    id: 'PatentEvaluation',
    description: 'One evaluation as the institution and administrators see it',
  });
export type PatentEvaluation = z.infer<typeof patentEvaluationSchema>;

export const tierStateSchema = z
  .object({
    tier: tier,
    tierVersion: z
      .number()
      .int()
      .positive()
      .meta({ description: '1 for the first tiering, + 1 per re-tier' }),
    tieredAt: z.string().optional(),
    retieredAt: z.string().optional(),
    tierReason: z
      .object({
        from: tier,
        to: tier,
        evaluations: z.number().int().nonnegative(),
        prospectMean: z.number().optional(),
        rulesVersion: z.string().optional(),
        summary: z.string(),
      })
      .optional()
      .meta({ description: 'Why the last re-tier happened' }),
    deferred: z
      .object({
        tier: tier,
        since: z.string(),
        evaluations: z.number().int().nonnegative(),
        prospectMean: z.number().optional(),
      })
      .optional()
      .meta({
        description:
          'The evaluations give another tier but the patent was re-tiered that day already (once a day): the next evaluation on a later day re-tiers it',
      }),
  })
  .meta({
    id: 'PatentTierState',
    description: 'The tier of the patent and its re-tiers after late evaluations',
  });

export type PatentTierState = z.infer<typeof tierStateSchema>;

export const patentEvaluationsSchema = z
  .object({
    applicationNumber: z.string(),
    window: evaluationWindowSchema,
    tiering: tierStateSchema.optional().meta({ description: 'Once the patent is tiered' }),
    aggregate: evaluationAggregateSchema,
    items: z.array(patentEvaluationSchema),
  })
  .meta({ id: 'PatentEvaluations' });
export type PatentEvaluations = z.infer<typeof patentEvaluationsSchema>;

export const declineRequestSchema = z
  .object({
    reason: z.string().trim().max(1000).optional().meta({ description: 'Why you decline (optional)' }),
  })
  .meta({ id: 'DeclineRequest', description: 'Send {} or {"reason": "..."}' });
export type DeclineRequest = z.output<typeof declineRequestSchema>;

export const declinedRequestSchema = z
  .object({
    applicationNumber: z.string(),
    status: z.enum(['pending', 'declined', 'evaluated']),
    declinedAt: z.string().optional(),
    declineReason: z.string().optional(),
  })
  .meta({ id: 'DeclinedRequest' });
export type DeclinedRequest = z.infer<typeof declinedRequestSchema>;

/**
 * After the deal (issue 13, item 6): the obligations a deal's price terms generate, the payments
 * recorded against them, royalty reports, receivables, amendments and termination. Amounts are
 * integer fen (分) in fields ending in `Fen`; dates `YYYY-MM-DD` (China time). docs/transfer.md,
 * "After the deal".
 */
import * as z from 'zod';
import { dealParamsSchema } from './deal.ts';
import { usccSchema } from './institution.ts';
import { dateField, priceTermsSchema } from './price-terms.ts';
import { singleLineText } from './text.ts';

const fenAmount = (description: string) =>
  z
    .number()
    .int('must be a whole number of fen (1 CNY = 100 fen): 1234.56 CNY is 123456')
    .min(1, 'must be more than 0 fen')
    .max(Number.MAX_SAFE_INTEGER)
    .meta({ description: `${description}, in fen (1 CNY = 100 fen)` });

export const obligationKinds = ['upfront', 'lump-sum', 'installment', 'milestone', 'royalty'] as const;
export type ObligationKind = (typeof obligationKinds)[number];
export const obligationStatuses = ['awaiting-report', 'open', 'paid', 'cancelled'] as const;
export type ObligationStatus = (typeof obligationStatuses)[number];

export const obligationSchema = z
  .object({
    obligationId: z.string().meta({
      description:
        'Stable within the deal: upfront, lump-sum, installment-<dueDate>, milestone-<n>, royalty-<periodStart>',
      example: 'installment-2026-09-01',
    }),
    kind: z.enum(obligationKinds),
    label: z.string().meta({ example: '第 2 期分期付款 / installment 2' }),
    dueDate: z.string().optional().meta({
      description: 'When it is due (milestones: the target date, if any; royalties: the report deadline)',
    }),
    amountFen: z.number().int().optional().meta({
      description: 'What is owed; absent for a royalty period not yet reported',
    }),
    paidFen: z.number().int(),
    outstandingFen: z.number().int().meta({ description: 'amountFen - paidFen (0 when not yet known)' }),
    status: z.enum(obligationStatuses),
    period: z
      .object({ start: z.string(), end: z.string() })
      .optional()
      .meta({ description: 'Royalties: the period reported (both days included)' }),
    report: z
      .object({
        netSalesFen: z.number().int(),
        royaltyFen: z.number().int().meta({ description: 'The tiered royalty on the net sales' }),
        minimumTopUpFen: z.number().int().meta({
          description: 'Added to reach the minimum annual royalty (pro rata), else 0',
        }),
        reportedAt: z.string(),
        reportedBy: z.string(),
        evidenceReference: z.string().optional(),
      })
      .optional(),
    remindedAt: z.string().optional().meta({ description: 'When the overdue reminder was sent (once)' }),
  })
  .meta({ id: 'Obligation' });
export type Obligation = z.infer<typeof obligationSchema>;

export const obligationsViewSchema = z
  .object({
    dealId: z.string(),
    obligations: z.array(obligationSchema),
    totals: z.object({
      dueFen: z.number().int().meta({ description: 'Known amounts of open obligations (reported, fixed)' }),
      paidFen: z.number().int(),
      outstandingFen: z.number().int(),
      overdueFen: z.number().int().meta({ description: 'Outstanding with a due date before today' }),
      overpaidFen: z.number().int().meta({ description: 'Paid beyond what was due: kept, flagged' }),
    }),
    version: z.number().int(),
  })
  .meta({ id: 'DealObligations' });
export type ObligationsView = z.infer<typeof obligationsViewSchema>;

export const paymentInputSchema = z
  .object({
    amountFen: fenAmount('The amount received'),
    paidOn: dateField('The day the money was received'),
    evidenceReference: singleLineText(1, 200).meta({
      description: 'The bank slip / voucher / invoice number proving the payment',
      example: '工行回单 2026-0317-0042',
    }),
    obligationId: z.string().trim().min(1).max(80).optional().meta({
      description: 'The obligation paid (GET .../obligations); absent: the oldest due first',
    }),
    note: z.string().trim().max(500).optional(),
    declaredCostsFen: z
      .number()
      .int('must be a whole number of fen')
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .meta({
        description:
          "Costs of the transfer borne for this payment (evaluation, agency, registration fees), deducted before the inventors' share: their reward is taken from the net income (净收入, 促进科技成果转化法 art. 45)",
      }),
  })
  .meta({
    id: 'PaymentInput',
    description:
      'A payment received. Send an Idempotency-Key header: the same key twice records one payment.',
  });
export type PaymentInput = z.output<typeof paymentInputSchema>;

/** The inventors' share as computed and stored with a payment or an own-implementation year. */
const inventorRewardsSchema = z
  .object({
    basis: z.string(),
    ratePercent: z.number(),
    netIncomeFen: z.number().int(),
    poolFen: z.number().int(),
    lines: z.array(
      z.object({
        applicationNumber: z.string(),
        name: z.string(),
        staffNumber: z
          .string()
          .optional()
          .meta({ description: "The inventor's staff number (工号), when recorded" }),
        sharePercent: z.number(),
        amountFen: z.number().int(),
      }),
    ),
    equalShares: z.array(z.string()).optional().meta({
      description: "Patents whose inventors' shares were not recorded: split equally among its inventors",
    }),
    unassignedFen: z.number().int().meta({
      description: 'The part of patents without recorded inventors, for the institution to allocate',
    }),
  })
  .meta({
    id: 'InventorRewards',
    description:
      "The inventors' share: `netIncomeFen` is the payment's net income (art. 45 (1)) or the year's operating profit (art. 45 (3)), `poolFen` the inventors' part of it at `ratePercent`",
  });

export const paymentSchema = z
  .object({
    paymentId: z.string(),
    dealId: z.string(),
    amountFen: z.number().int(),
    paidOn: z.string(),
    evidenceReference: z.string(),
    note: z.string().optional(),
    allocations: z.array(z.object({ obligationId: z.string(), amountFen: z.number().int() })),
    overpaidFen: z.number().int().meta({ description: 'The part beyond what was due: kept and flagged' }),
    flags: z.array(z.enum(['overpayment'])),
    declaredCostsFen: z.number().int().optional(),
    inventorRewards: inventorRewardsSchema.optional().meta({
      description:
        "The inventors' share of this payment (assignments and licenses), computed when it was recorded: 50 % of the net income (the 促进科技成果转化法 art. 45 default), split equally among the deal's patents, then by the inventors' contribution shares. The institution and the administrators see it; enterprises never see payments",
    }),
    recordedAt: z.string(),
    recordedBy: z.string(),
    reversal: z
      .object({ reason: z.string(), reversedAt: z.string(), reversedBy: z.string() })
      .optional()
      .meta({
        description:
          'Present when the payment was reversed (recorded in error): it no longer counts anywhere (obligations, receivables, income figures, inventors\u2019 rewards) and stays on record',
      }),
  })
  .meta({ id: 'Payment' });
export type Payment = z.infer<typeof paymentSchema>;

export const paymentParamsSchema = dealParamsSchema.extend({
  paymentId: z.string().min(1).max(80).meta({ description: 'The payment id (GET .../payments)' }),
});

export const paymentReversalInputSchema = z
  .object({
    reason: singleLineText(2, 500).meta({ example: '金额录入错误：应为 120,000 元，已按正确金额重新登记' }),
  })
  .meta({
    id: 'PaymentReversalInput',
    description:
      'Why the payment is reversed (a wrong amount, date or deal). To correct a payment, reverse it and record the right one',
  });
export type PaymentReversalInput = z.output<typeof paymentReversalInputSchema>;

export const paymentPageSchema = z
  .object({ items: z.array(paymentSchema) })
  .meta({ id: 'PaymentList', description: 'Every payment of the deal, in the order received' });

export const royaltyReportInputSchema = z
  .object({
    periodStart: dateField('First day of the period reported'),
    periodEnd: dateField('Last day of the period reported'),
    netSalesFen: z
      .number()
      .int('must be a whole number of fen')
      .min(0, 'net sales are 0 or more')
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: 'Net sales of the licensed products in the period, in fen' }),
    evidenceReference: z.string().trim().max(200).optional().meta({ example: '2026 年度销售报表' }),
  })
  .meta({
    id: 'RoyaltyReportInput',
    description:
      "The licensee's net sales of one royalty period (a calendar year within the term, GET .../obligations lists them)",
  });
export type RoyaltyReportInput = z.output<typeof royaltyReportInputSchema>;

export const amendmentInputSchema = z
  .object({
    reason: singleLineText(2, 500).meta({ example: '双方协商调整付款计划（补充协议 2026-05-10）' }),
    priceTerms: priceTermsSchema.optional(),
    endDate: dateField('The new last day of the term').optional(),
    notes: z.string().trim().max(2000).optional(),
  })
  .refine((a) => a.priceTerms !== undefined || a.endDate !== undefined || a.notes !== undefined, {
    message: 'an amendment changes priceTerms, endDate or notes',
    path: ['priceTerms'],
  })
  .meta({ id: 'AmendmentInput', description: 'A supplementary agreement (补充协议), with its reason' });
export type AmendmentInput = z.output<typeof amendmentInputSchema>;

export const terminationInputSchema = z
  .object({
    date: dateField('The last day the contract is in force'),
    reason: singleLineText(2, 500).meta({ example: '被许可方未按期付款，依约解除合同' }),
  })
  .meta({ id: 'TerminationInput' });
export type TerminationInput = z.output<typeof terminationInputSchema>;

export const receivablesSchema = z
  .object({
    institutionUscc: z.string(),
    asOf: z.string(),
    deals: z.array(
      z.object({
        dealId: z.string(),
        enterprise: z.object({ uscc: z.string(), name: z.string() }),
        status: z.string(),
        dueFen: z.number().int(),
        paidFen: z.number().int(),
        outstandingFen: z.number().int(),
        overdueFen: z.number().int(),
        overpaidFen: z.number().int(),
      }),
    ),
    totals: z.object({
      dueFen: z.number().int(),
      paidFen: z.number().int(),
      outstandingFen: z.number().int(),
      overdueFen: z.number().int(),
      overpaidFen: z.number().int(),
    }),
  })
  .meta({ id: 'Receivables' });
export type Receivables = z.infer<typeof receivablesSchema>;

export const receivablesParamsSchema = z.object({ uscc: usccSchema });

export const inventorRewardsQuerySchema = z
  .object({
    from: dateField('First payment date counted (paidOn), inclusive').optional(),
    to: dateField('Last payment date counted (paidOn), inclusive').optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .meta({ id: 'InventorRewardsQuery' });
export type InventorRewardsQuery = z.output<typeof inventorRewardsQuerySchema>;

export const inventorRewardsReportSchema = z
  .object({
    institutionUscc: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
    inventors: z.array(
      z.object({
        name: z.string().meta({ description: 'As the inventory names the inventor' }),
        staffNumber: z.string().optional().meta({
          description:
            "The inventor's staff number (工号) when the inventory gives one: one entry per staff number; without, one per name",
        }),
        totalFen: z.number().int(),
        lines: z.array(
          z.object({
            source: z.enum(['payment', 'own-implementation']).meta({
              description:
                "payment: a share of a payment received (art. 45 (1)); own-implementation: a share of a year's operating profit from implementing the patent itself (art. 45 (3))",
            }),
            dealId: z.string().optional(),
            paymentId: z.string().optional(),
            paidOn: z.string().optional().meta({ description: 'Payments: the day it was received' }),
            year: z.number().int().optional().meta({ description: 'Own implementation: the profit year' }),
            applicationNumber: z.string(),
            sharePercent: z.number(),
            amountFen: z.number().int(),
          }),
        ),
      }),
    ),
    totalFen: z
      .number()
      .int()
      .meta({ description: "The inventors' share of the payments and own-implementation years counted" }),
    unassignedFen: z.number().int().meta({
      description: 'The part of patents without recorded inventors, for the institution to allocate',
    }),
    paymentsCounted: z.number().int(),
    paymentsReversed: z.number().int().meta({
      description: 'Payments in the period that were reversed (recorded in error): not counted',
    }),
    paymentsWithoutRewards: z.number().int().meta({
      description:
        "Payments counted with no inventors' share recorded (equity deals, or recorded before shares were computed)",
    }),
    implementationYearsCounted: z.number().int().meta({
      description:
        'Own-implementation profit years counted (PUT /v1/patents/{n}/implementation-profits/{year}): a year counts when its last day lies between from and to',
    }),
  })
  .meta({
    id: 'InventorRewardsReport',
    description:
      "The inventors' share of the payments received, per inventor (促进科技成果转化法 art. 45 default: 50 % of the net income): what the institution owes its inventors",
  });
export type InventorRewardsReport = z.infer<typeof inventorRewardsReportSchema>;

/**
 * Own implementation (促进科技成果转化法 art. 45 (3): "将该项职务科技成果自行实施或者与他人合作实施的，应当在
 * 实施转化成功投产后连续三至五年，每年从实施该项科技成果的营业利润中提取不低于百分之五的比例"): when the
 * institution implements a patent itself or with a partner, its inventors receive, for 3 to 5 consecutive
 * years from the start of production, at least 5 % of the operating profit of that implementation each
 * year. The institution records each year's profit; the share is computed and stored with it.
 */
export const implementationProfitParamsSchema = z.object({
  applicationNumber: z.string().min(1).max(40).meta({
    description: 'Application number; ZL / CN prefixes, spaces and full-width characters are accepted',
    example: '202010123456.2',
  }),
  year: z.coerce
    .number('year: a calendar year such as 2025')
    .int('year: a calendar year such as 2025')
    .min(1985, 'year: from 1985 on (the Patent Law took effect on 1985-04-01)')
    .max(2200, 'year: a calendar year such as 2025')
    .meta({ description: 'The financial year of the operating profit (calendar year)', example: 2025 }),
});

export const implementationProfitInputSchema = z
  .object({
    productionStartedOn: dateField(
      'The day the implementation went into production (实施转化成功投产): the 3 to 5 years count from its year',
    ),
    operatingProfitFen: z
      .number()
      .int('operatingProfitFen: a whole number of fen (1 CNY = 100 fen)')
      .min(0, 'operatingProfitFen: 0 or more (a year with a loss is recorded as 0: nothing to share)')
      .max(Number.MAX_SAFE_INTEGER)
      .meta({
        description:
          "The year's operating profit (营业利润) from implementing this patent, in fen: a loss is 0",
      }),
    evidenceReference: singleLineText(1, 200).meta({
      description: 'Where the figure comes from: the audited accounts, the cost-accounting report',
      example: '2025 年度专项审计报告 审字(2026)第 018 号',
    }),
    implementedWith: singleLineText(2, 200).optional().meta({
      description: 'The partner, when the institution implements it together with another (与他人合作实施)',
    }),
    ratePercent: z
      .number()
      .gt(0, 'ratePercent: a share above 0 %, e.g. 5')
      .max(100, 'ratePercent: at most 100 %')
      .multipleOf(0.01, 'ratePercent: at most two decimals')
      .optional()
      .meta({
        description:
          "The inventors' share of the profit, in %. Absent: 5 %, the art. 45 (3) default; below 5 % only with `basis` (the institution's own rule or an agreement with the inventors, art. 44)",
      }),
    basis: singleLineText(2, 300).optional().meta({
      description: "The institution's rule or the agreement the rate comes from (art. 44)",
      example: '《某大学科技成果转化管理办法》第十五条',
    }),
  })
  .meta({ id: 'ImplementationProfitInput' });
export type ImplementationProfitInput = z.output<typeof implementationProfitInputSchema>;

export const implementationProfitSchema = implementationProfitInputSchema
  .omit({ ratePercent: true, basis: true })
  .extend({
    applicationNumber: z.string(),
    institutionUscc: z.string(),
    year: z.number().int(),
    yearOfImplementation: z.number().int().meta({
      description:
        '1 for the year production started, up to 5 (art. 45 (3): three to five consecutive years)',
    }),
    inventorRewards: inventorRewardsSchema,
    version: z.number().int().meta({ description: 'Starts at 1; each correction adds 1' }),
    recordedAt: z.string(),
    recordedBy: z.string(),
  })
  .meta({
    id: 'ImplementationProfit',
    description:
      "A year's operating profit from the institution's own implementation of a patent and the inventors' share of it (促进科技成果转化法 art. 45 (3))",
  });
export type ImplementationProfit = z.infer<typeof implementationProfitSchema>;

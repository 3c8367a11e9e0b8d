/**
 * Deals (落地转化): assignment (转让), license (许可: exclusive 独占 / sole 排他 / ordinary 普通 / open 开放)
 * and equity (作价入股), for one patent or a portfolio, with their price terms, term, and the
 * registration / filing that follows. docs/transfer.md explains the rules with examples.
 *
 * Money: every amount is an integer number of fen (分, 1/100 CNY) in a field ending in `Fen`, so that
 * sums (installments against the price) are exact; 2.3 million CNY is 230000000.
 * Dates: calendar dates `YYYY-MM-DD` (China time); a bound named `to...` is exclusive: the next tier
 * starts at it.
 */
import * as z from 'zod';
import { usccSchema } from './institution.ts';
import { pageQuerySchema } from './pagination.ts';
import { singleLineText } from './text.ts';

export const maxPortfolioPatents = 20;

export const dealKinds = ['assignment', 'license', 'equity'] as const;
export type DealKind = (typeof dealKinds)[number];
export const licenseTypes = ['exclusive', 'sole', 'ordinary', 'open'] as const;
export type LicenseType = (typeof licenseTypes)[number];

const fen = (description: string) =>
  z
    .number()
    .int('must be a whole number of fen (1 CNY = 100 fen)')
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .meta({ description: `${description}, in fen (1 CNY = 100 fen)` });
const positiveFen = (description: string) =>
  fen(description).min(1, 'must be more than 0 fen; use price terms "free" for a deal without payment');
const date = (description: string) =>
  z.iso.date('must be a date YYYY-MM-DD').meta({ description, example: '2026-03-01' });
const rate = z
  .number()
  .min(0, 'a rate is between 0 and 100 (percent)')
  .max(100, 'a rate is between 0 and 100 (percent)')
  .meta({ description: 'Royalty rate in percent of the base (0-100), e.g. 1 for 1%', example: 1 });

// ---------------------------------------------------------------------------------------------
// Price terms
// ---------------------------------------------------------------------------------------------

export const salesTierSchema = z
  .object({
    fromFen: fen('Cumulative net sales where the tier starts (the first tier starts at 0)'),
    toFen: fen(
      'Cumulative net sales where the next tier starts (exclusive); absent on the last tier',
    ).optional(),
    ratePercent: rate,
  })
  .meta({ id: 'SalesRoyaltyTier' });
export const dateTierSchema = z
  .object({
    fromDate: date('First day of the tier (the first tier starts on the effective date)'),
    toDate: date(
      'First day of the next tier (exclusive); absent on the last tier (runs to the end of the term)',
    ).optional(),
    ratePercent: rate,
  })
  .meta({ id: 'DateRoyaltyTier' });

export const royaltySchema = z
  .discriminatedUnion('basis', [
    z.object({
      basis: z
        .literal('sales')
        .meta({ description: 'Tiers bounded by cumulative net sales of the licensed products' }),
      tiers: z.array(salesTierSchema).min(1).max(20),
    }),
    z.object({
      basis: z.literal('date').meta({ description: 'Tiers bounded by dates within the term' }),
      tiers: z.array(dateTierSchema).min(1).max(20),
    }),
  ])
  .meta({
    id: 'Royalty',
    description:
      'Royalty on net sales: tiers in order, the first starting at 0 (sales) or the effective date (date), each starting where the previous one ends, the last open-ended: no overlap, no gap',
  });

export const lumpSumTermsSchema = z
  .object({
    type: z.literal('lump-sum'),
    amountFen: positiveFen('The fixed price'),
    dueDate: date('When the price is due').optional(),
  })
  .meta({ id: 'LumpSumTerms', description: 'A fixed amount (一次性总付)' });
export const upfrontRoyaltyTermsSchema = z
  .object({
    type: z.literal('upfront-royalty'),
    upfrontFen: fen('Entry fee paid on signature (入门费); 0 for a pure royalty'),
    royalty: royaltySchema,
  })
  .meta({ id: 'UpfrontRoyaltyTerms', description: 'Upfront fee plus royalty (入门费 + 提成)' });
export const installmentsTermsSchema = z
  .object({
    type: z.literal('installments'),
    totalFen: positiveFen('The price'),
    installments: z
      .array(
        z.object({
          dueDate: date('When the installment is due'),
          amountFen: positiveFen('The installment'),
        }),
      )
      .min(1)
      .max(120)
      .meta({ description: 'Dates ascending, within the term, summing to totalFen' }),
  })
  .meta({ id: 'InstallmentsTerms', description: 'The price paid in installments (分期付款)' });
export const milestonesTermsSchema = z
  .object({
    type: z.literal('milestones'),
    upfrontFen: fen('Paid on signature').optional(),
    milestones: z
      .array(
        z.object({
          description: z.string().trim().min(1).max(500).meta({ example: '中试完成 / pilot run completed' }),
          amountFen: positiveFen('Paid when the milestone is reached'),
          targetDate: date('When the milestone is expected (within the term)').optional(),
        }),
      )
      .min(1)
      .max(50),
  })
  .meta({ id: 'MilestonesTerms', description: 'Payments on milestones (里程碑付款)' });
export const equityTermsSchema = z
  .object({
    type: z.literal('equity'),
    valuationFen: positiveFen('The agreed valuation of the contributed patents'),
    sharePercent: z
      .number()
      .gt(0, 'the share is more than 0 percent')
      .max(100, 'the share is at most 100 percent')
      .meta({ description: 'Share of the company received, in percent', example: 15 }),
  })
  .meta({ id: 'EquityTerms', description: 'Patents contributed as equity (作价入股)' });
export const freeTermsSchema = z
  .object({
    type: z.literal('free'),
    reason: z.string().trim().max(500).optional().meta({ example: '科研合作，免费许可' }),
  })
  .meta({ id: 'FreeTerms', description: 'No payment (免费)' });

export const priceTermsSchema = z
  .discriminatedUnion('type', [
    lumpSumTermsSchema,
    upfrontRoyaltyTermsSchema,
    installmentsTermsSchema,
    milestonesTermsSchema,
    equityTermsSchema,
    freeTermsSchema,
  ])
  .meta({ id: 'PriceTerms', description: 'How the deal is paid; amounts in fen (1 CNY = 100 fen)' });
export type PriceTerms = z.infer<typeof priceTermsSchema>;
export type PriceType = PriceTerms['type'];

export interface TermIssue {
  /** Path inside the object validated (e.g. ['priceTerms', 'royalty', 'tiers', 1, 'fromFen']). */
  path: Array<string | number>;
  message: string;
}

const money = (amountFen: number) =>
  `${(amountFen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} CNY`;

/** Royalty tiers: the first starts at the origin, each starts where the previous one ends, the last is open. */
export function royaltyTierIssues(
  royalty: z.infer<typeof royaltySchema>,
  term: { effectiveDate: string; endDate?: string },
): TermIssue[] {
  const issues: TermIssue[] = [];
  const at = (i: number, field: string) => ['tiers', i, field];
  const tiers = royalty.tiers as Array<Record<string, unknown>>;
  const [fromKey, toKey] = royalty.basis === 'sales' ? ['fromFen', 'toFen'] : ['fromDate', 'toDate'];
  const origin = royalty.basis === 'sales' ? 0 : term.effectiveDate;
  const show = (v: unknown) => (royalty.basis === 'sales' ? money(v as number) : String(v));
  tiers.forEach((tier, i) => {
    const from = tier[fromKey] as number | string;
    const to = tier[toKey] as number | string | undefined;
    if (i === 0 && from !== origin) {
      issues.push({
        path: at(0, fromKey),
        message: `tier 1 must start at ${show(origin)}${royalty.basis === 'date' ? ' (the effective date)' : ''}, not ${show(from)}: set ${fromKey} of the first tier to it`,
      });
    }
    if (i > 0) {
      const previousTo = tiers[i - 1]![toKey] as number | string | undefined;
      if (previousTo !== undefined && from !== previousTo) {
        const overlap = from < previousTo;
        issues.push({
          path: at(i, fromKey),
          message: `tier ${i + 1} ${overlap ? 'overlaps' : 'leaves a gap after'} tier ${i}: it starts at ${show(from)} but tier ${i} ends at ${show(previousTo)} (exclusive); start tier ${i + 1} at ${show(previousTo)}`,
        });
      }
    }
    if (to === undefined && i < tiers.length - 1) {
      issues.push({
        path: at(i, toKey),
        message: `tier ${i + 1} has no ${toKey} but tier ${i + 2} follows: only the last tier is open-ended; set ${toKey} to where tier ${i + 2} starts`,
      });
    }
    if (to !== undefined && to <= from) {
      issues.push({
        path: at(i, toKey),
        message: `tier ${i + 1} ends (${show(to)}) where or before it starts (${show(from)}): ${toKey} must be after ${fromKey}`,
      });
    }
    if (to !== undefined && i === tiers.length - 1) {
      const coversTerm = royalty.basis === 'date' && term.endDate !== undefined && to === term.endDate;
      if (!coversTerm) {
        issues.push({
          path: at(i, toKey),
          message: `the last tier ends at ${show(to)}, which leaves ${royalty.basis === 'sales' ? 'higher sales' : 'the rest of the term'} without a rate: leave ${toKey} out on the last tier${royalty.basis === 'date' ? ' or set it to the end date' : ''}`,
        });
      }
    }
    if (royalty.basis === 'date' && term.endDate !== undefined) {
      if (typeof from === 'string' && from >= term.endDate) {
        issues.push({
          path: at(i, fromKey),
          message: `tier ${i + 1} starts on ${from}, not before the end date ${term.endDate}: tiers must lie within the term`,
        });
      } else if (typeof to === 'string' && to > term.endDate) {
        issues.push({
          path: at(i, toKey),
          message: `tier ${i + 1} ends after the end date ${term.endDate}: tiers must lie within the term`,
        });
      }
    }
  });
  return issues;
}

/** Installments: positive, dates strictly ascending within the term, summing to the price. */
export function installmentIssues(
  terms: z.infer<typeof installmentsTermsSchema>,
  term: { effectiveDate: string; endDate?: string },
): TermIssue[] {
  const issues: TermIssue[] = [];
  terms.installments.forEach((installment, i) => {
    if (i > 0 && installment.dueDate <= terms.installments[i - 1]!.dueDate) {
      issues.push({
        path: ['installments', i, 'dueDate'],
        message: `installment ${i + 1} is due on ${installment.dueDate}, not after installment ${i} (${terms.installments[i - 1]!.dueDate}): list installments in ascending date order, one per date`,
      });
    }
    if (installment.dueDate < term.effectiveDate) {
      issues.push({
        path: ['installments', i, 'dueDate'],
        message: `installment ${i + 1} is due on ${installment.dueDate}, before the effective date ${term.effectiveDate}: installments fall within the term`,
      });
    }
    if (term.endDate !== undefined && installment.dueDate > term.endDate) {
      issues.push({
        path: ['installments', i, 'dueDate'],
        message: `installment ${i + 1} is due on ${installment.dueDate}, after the end date ${term.endDate}: installments fall within the term`,
      });
    }
  });
  const sum = terms.installments.reduce((total, installment) => total + installment.amountFen, 0);
  if (sum !== terms.totalFen) {
    issues.push({
      path: ['installments'],
      message: `the installments sum to ${money(sum)} (${sum} fen) but the price totalFen is ${money(terms.totalFen)} (${terms.totalFen} fen): ${sum < terms.totalFen ? 'add' : 'remove'} ${money(Math.abs(terms.totalFen - sum))} so that they match`,
    });
  }
  return issues;
}

/** Every cross-field issue of price terms against the deal's term, with paths inside the terms. */
export function priceTermIssues(
  terms: PriceTerms,
  term: { effectiveDate: string; endDate?: string },
): TermIssue[] {
  switch (terms.type) {
    case 'upfront-royalty':
      return royaltyTierIssues(terms.royalty, term).map((issue) => ({
        ...issue,
        path: ['royalty', ...issue.path],
      }));
    case 'installments':
      return installmentIssues(terms, term);
    case 'milestones':
      return terms.milestones.flatMap((milestone, i) =>
        milestone.targetDate !== undefined &&
        (milestone.targetDate < term.effectiveDate ||
          (term.endDate !== undefined && milestone.targetDate > term.endDate))
          ? [
              {
                path: ['milestones', i, 'targetDate'],
                message: `milestone ${i + 1} is expected on ${milestone.targetDate}, outside the term ${term.effectiveDate} - ${term.endDate ?? 'open'}: move it within the term`,
              },
            ]
          : [],
      );
    default:
      return [];
  }
}

/** The contract value counted by the metrics: fixed amounts (royalties only by their upfront part). */
export function contractValueFen(terms: PriceTerms): number {
  switch (terms.type) {
    case 'lump-sum':
      return terms.amountFen;
    case 'upfront-royalty':
      return terms.upfrontFen;
    case 'installments':
      return terms.totalFen;
    case 'milestones':
      return (terms.upfrontFen ?? 0) + terms.milestones.reduce((sum, m) => sum + m.amountFen, 0);
    case 'equity':
      return terms.valuationFen;
    case 'free':
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Deals
// ---------------------------------------------------------------------------------------------

const applicationNumbers = z
  .array(z.string().trim().min(1).max(40))
  .min(1)
  .max(maxPortfolioPatents, {
    message: `a deal holds at most ${maxPortfolioPatents} patents (one transaction records the deal and moves every patent); split a larger portfolio into several deals`,
  })
  .meta({
    description: `Application numbers of the patent or the portfolio (1-${maxPortfolioPatents}); ZL / CN prefixes accepted`,
    example: ['202010123456.2'],
  });

export const dealInputSchema = z
  .object({
    kind: z.enum(dealKinds).meta({ description: 'assignment 转让, license 许可, equity 作价入股' }),
    licenseType: z.enum(licenseTypes).optional().meta({
      description:
        'Licenses only: exclusive 独占, sole 排他, ordinary 普通. Open licenses (开放许可) are taken with POST /v1/patents/{applicationNumber}/open-license/licenses',
    }),
    applicationNumbers,
    institutionUscc: usccSchema.optional().meta({
      description:
        'The patentee (an institution). Institution users: their own (may be left out); admins record on its behalf and must name it',
    }),
    enterprise: z
      .object({
        uscc: usccSchema,
        name: singleLineText(2, 200).meta({ example: '北京某某科技有限公司' }),
      })
      .meta({ description: 'The assignee / licensee / company receiving the contribution' }),
    priceTerms: priceTermsSchema,
    effectiveDate: date('The day the contract takes effect'),
    endDate: date('The last day of the term (licenses: required; after the effective date)').optional(),
    clientReference: z.string().trim().min(1).max(100).optional().meta({
      description:
        'Your own reference of the contract: the same reference twice records one deal (like the Idempotency-Key header)',
      example: 'PKU-2026-017',
    }),
    notes: z.string().trim().max(2000).optional(),
  })
  .superRefine((deal, ctx) => {
    const issue = (path: Array<string | number>, message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (deal.kind === 'license' && !deal.licenseType) {
      issue(['licenseType'], 'a license names its type: exclusive, sole or ordinary');
    }
    if (deal.kind !== 'license' && deal.licenseType) {
      issue(['licenseType'], `only licenses have a license type; leave it out for ${deal.kind}`);
    }
    if (deal.licenseType === 'open') {
      issue(
        ['licenseType'],
        'open licenses are taken by the enterprise with POST /v1/patents/{applicationNumber}/open-license/licenses, not recorded here',
      );
    }
    if ((deal.kind === 'equity') !== (deal.priceTerms.type === 'equity')) {
      issue(
        ['priceTerms', 'type'],
        deal.kind === 'equity'
          ? 'an equity deal is priced with price terms "equity" (valuation and share)'
          : `price terms "equity" belong to deals of kind equity, not ${deal.kind}`,
      );
    }
    if (deal.kind === 'license' && !deal.endDate) {
      issue(['endDate'], 'a license has a term: give its last day as endDate');
    }
    if (deal.endDate && deal.endDate <= deal.effectiveDate) {
      issue(
        ['endDate'],
        `the end date ${deal.endDate} must be after the effective date ${deal.effectiveDate}`,
      );
    }
    for (const termIssue of priceTermIssues(deal.priceTerms, deal)) {
      issue(['priceTerms', ...termIssue.path], termIssue.message);
    }
  })
  .meta({
    id: 'DealInput',
    description:
      'A deal to record. The same request twice (same Idempotency-Key header or clientReference) records one deal.',
    example: {
      kind: 'license',
      licenseType: 'exclusive',
      applicationNumbers: ['202010123456.2'],
      enterprise: { uscc: '91110108MA01XXXXXX', name: '北京某某科技有限公司' },
      priceTerms: {
        type: 'upfront-royalty',
        upfrontFen: 230000000,
        royalty: {
          basis: 'sales',
          tiers: [
            { fromFen: 0, toFen: 10000000000, ratePercent: 3 },
            { fromFen: 10000000000, ratePercent: 2 },
          ],
        },
      },
      effectiveDate: '2026-03-01',
      endDate: '2036-02-28',
    },
  });
export type DealInput = z.output<typeof dealInputSchema>;

export const filingStatuses = ['pending', 'overdue', 'filed'] as const;
export type FilingStatus = (typeof filingStatuses)[number];
export const filingKinds = ['assignment-registration', 'license-filing'] as const;
export type FilingKind = (typeof filingKinds)[number];

export const filingSchema = z
  .object({
    number: z.string().trim().min(1).max(100).meta({
      description: 'The registration / filing number given by the patent office',
      example: '2026990000123',
    }),
    date: date('The day the registration / filing was made'),
  })
  .meta({ id: 'FilingInput' });
export type FilingInput = z.output<typeof filingSchema>;

export const dealSchema = z
  .object({
    dealId: z.string(),
    kind: z.enum(dealKinds),
    licenseType: z.enum(licenseTypes).optional(),
    applicationNumbers: z.array(z.string()),
    institutionUscc: z.string(),
    institutionName: z.string().optional(),
    provinceCode: z.string(),
    enterprise: z.object({ uscc: z.string(), name: z.string() }),
    priceTerms: priceTermsSchema,
    contractValueFen: z.number().int().meta({
      description: 'Fixed value counted by the metrics (royalties by their upfront part only), in fen',
    }),
    effectiveDate: z.string(),
    endDate: z.string().optional(),
    clientReference: z.string().optional(),
    notes: z.string().optional(),
    origin: z.enum(['recorded', 'open-license']).meta({
      description: 'recorded by the institution / an admin, or taken by the enterprise under an open license',
    }),
    payment: z
      .object({ amountFen: z.number().int(), paidOn: z.string(), reference: z.string() })
      .optional()
      .meta({ description: 'Open licenses: the payment record' }),
    filingKind: z.enum(filingKinds),
    filingStatus: z.enum(filingStatuses),
    filingDueDate: z.string().meta({ description: 'Last day for the registration / filing' }),
    filing: filingSchema.extend({ recordedAt: z.string(), recordedBy: z.string() }).optional(),
    overdueFlaggedAt: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string().optional().meta({ description: 'The last change (filing, overdue flag)' }),
    version: z.number().int(),
  })
  .meta({ id: 'Deal' });
export type Deal = z.infer<typeof dealSchema>;

export const dealParamsSchema = z.object({
  dealId: z.string().min(1).max(80).meta({ description: 'The deal id' }),
});

export const dealListQuerySchema = pageQuerySchema
  .extend({
    institution: usccSchema.optional().meta({ description: "Admins: one institution's deals" }),
    enterprise: usccSchema.optional().meta({ description: "Admins: one enterprise's deals" }),
    province: z.string().trim().length(6).optional().meta({
      description: 'National admins: the province (GB/T 2260); province admins get their own',
      example: '110000',
    }),
    kind: z.enum(dealKinds).optional(),
    filingStatus: z.enum(filingStatuses).optional(),
  })
  .meta({
    id: 'DealListQuery',
    description:
      'Newest first. Institutions see their own deals, enterprises the deals they are party to, province admins their province, national admins one province, institution or enterprise at a time.',
  });
export type DealListQuery = z.output<typeof dealListQuerySchema>;

export const dealPageSchema = z
  .object({
    items: z.array(dealSchema),
    nextCursor: z.string().optional().meta({ description: 'Pass as ?cursor= for the next page' }),
  })
  .meta({ id: 'DealPage' });

/**
 * Price terms of deals and open licenses (how a license or an assignment is paid) and the checks
 * across their fields. Amounts are integer fen (分, 1/100 CNY) in fields ending in `Fen`; dates are
 * calendar dates `YYYY-MM-DD` (China time). A module of its own so that what only shows a patent
 * (its open license) does not carry the deal schemas (docs/bundles.md).
 */
import * as z from 'zod';

export const dateField = (description: string) =>
  z.iso.date('must be a date YYYY-MM-DD').meta({ description, example: '2026-03-01' });
const fen = (description: string) =>
  z
    .number()
    .int('must be a whole number of fen (1 CNY = 100 fen)')
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .meta({ description: `${description}, in fen (1 CNY = 100 fen)` });
const positiveFen = (description: string) =>
  fen(description).min(1, 'must be more than 0 fen; use price terms "free" for a deal without payment');
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
    fromDate: dateField('First day of the tier (the first tier starts on the effective date)'),
    toDate: dateField(
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
    dueDate: dateField('When the price is due').optional(),
  })
  .meta({ id: 'LumpSumTerms', description: 'A fixed amount (一次性总付)' });
export const upfrontRoyaltyTermsSchema = z
  .object({
    type: z.literal('upfront-royalty'),
    upfrontFen: fen('Entry fee paid on signature (入门费); 0 for a pure royalty'),
    royalty: royaltySchema,
    minimumAnnualRoyaltyFen: fen(
      'Minimum annual royalty (最低年度提成费): a royalty period whose tiered royalty is lower owes this amount instead (pro rata for a period shorter than a year)',
    ).optional(),
  })
  .meta({ id: 'UpfrontRoyaltyTerms', description: 'Upfront fee plus royalty (入门费 + 提成)' });
export const installmentsTermsSchema = z
  .object({
    type: z.literal('installments'),
    totalFen: positiveFen('The price'),
    installments: z
      .array(
        z.object({
          dueDate: dateField('When the installment is due'),
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
          targetDate: dateField('When the milestone is expected (within the term)').optional(),
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

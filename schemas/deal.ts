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
import { pledgeeConsentSchema } from './pledge.ts';
import { dateField, priceTermIssues, priceTermsSchema } from './price-terms.ts';
import { singleLineText } from './text.ts';

export * from './price-terms.ts';

export const maxPortfolioPatents = 20;

export const dealKinds = ['assignment', 'license', 'equity'] as const;
export type DealKind = (typeof dealKinds)[number];
export const licenseTypes = ['exclusive', 'sole', 'ordinary', 'open'] as const;
export type LicenseType = (typeof licenseTypes)[number];

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

/**
 * The co-owners' consent to a transfer act on a co-owned patent (专利法 art. 14: without an agreement
 * among them, a co-owner alone may implement the patent or grant ordinary licenses; any other exercise
 * of the right needs the consent of all co-owners). Recorded with the act: when, and the document.
 */
export const coOwnerConsentSchema = z
  .object({
    applicationNumber: z.string().trim().min(1).max(40),
    consentedOn: dateField('The day the last co-owner consented'),
    reference: singleLineText(1, 200).meta({
      description: 'The consent document (共有人同意书), e.g. its number or file name',
      example: '共有人同意书 2026-017',
    }),
  })
  .meta({ id: 'CoOwnerConsent' });
export type CoOwnerConsent = z.output<typeof coOwnerConsentSchema>;

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
    effectiveDate: dateField('The day the contract takes effect'),
    endDate: dateField('The last day of the term (licenses: required; after the effective date)').optional(),
    clientReference: z.string().trim().min(1).max(100).optional().meta({
      description:
        'Your own reference of the contract: the same reference twice records one deal (like the Idempotency-Key header)',
      example: 'PKU-2026-017',
    }),
    notes: z.string().trim().max(2000).optional(),
    coOwnerConsents: z.array(coOwnerConsentSchema).max(maxPortfolioPatents).optional().meta({
      description:
        "For each co-owned patent (its coOwners) in an assignment, equity contribution, exclusive or sole license: the co-owners' consent (专利法 art. 14). Ordinary licenses need none",
    }),
    pledgeeConsents: z.array(pledgeeConsentSchema).max(maxPortfolioPatents).optional().meta({
      description:
        "For each pledged patent (an active pledge) in any deal: the pledgee's consent (民法典 art. 444: a pledged patent is not assigned or licensed without it)",
    }),
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
    date: dateField('The day the registration / filing was made'),
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
    coOwnerConsents: z.array(coOwnerConsentSchema).optional(),
    pledgeeConsents: z.array(pledgeeConsentSchema).optional(),
    origin: z.enum(['recorded', 'open-license']).meta({
      description: 'recorded by the institution / an admin, or taken by the enterprise under an open license',
    }),
    payment: z
      .object({ amountFen: z.number().int(), paidOn: z.string(), reference: z.string() })
      .optional()
      .meta({ description: 'Open licenses: the payment record' }),
    filingKind: z.enum(filingKinds),
    filingStatus: z.enum(filingStatuses),
    filingDueDate: z.string().optional().meta({
      description:
        'Licenses: the last day for the contract filing (专利实施许可合同备案, 3 months from the effective date). Absent for assignments and equity: their registration has no legal deadline',
    }),
    registrationReminderOn: z.string().optional().meta({
      description:
        'Assignments and equity: the day the institution is reminded that the assignment registration (转让登记) is not yet recorded. The assignment takes effect on registration (专利法 art. 10), not on the contract; there is no legal deadline',
    }),
    registrationRemindedAt: z.string().optional().meta({ description: 'When that reminder was sent' }),
    filing: filingSchema.extend({ recordedAt: z.string(), recordedBy: z.string() }).optional(),
    overdueFlaggedAt: z.string().optional(),
    // After the deal (schemas/money.ts): amendments and termination, each a new version with its reason.
    status: z.enum(['active', 'terminated']).optional().meta({ description: 'Absent: active' }),
    termination: z
      .object({ date: z.string(), reason: z.string(), recordedAt: z.string(), recordedBy: z.string() })
      .optional()
      .meta({ description: 'The last day in force, and why (合同解除 / 终止)' }),
    amendments: z
      .array(
        z.object({
          number: z.number().int(),
          reason: z.string(),
          changed: z.array(z.string()),
          version: z.number().int(),
          recordedAt: z.string(),
          recordedBy: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'Supplementary agreements (补充协议); the values before are in the audit trail' }),
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

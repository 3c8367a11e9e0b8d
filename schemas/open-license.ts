/**
 * Open licensing (开放许可, Patent Law art. 50-52, Implementing Regulations art. 85): the patentee
 * declares the patent open to anyone on published terms; an enterprise takes a license by written
 * notice and payment. Stored on the patent item as `openLicense`; docs/transfer.md has the rules.
 */
import * as z from 'zod';
import { pageQuerySchema } from './pagination.ts';
import { pledgeeConsentSchema } from './pledge.ts';
import { freeTermsSchema, lumpSumTermsSchema, upfrontRoyaltyTermsSchema } from './price-terms.ts';

const date = (description: string) =>
  z.iso.date('must be a date YYYY-MM-DD').meta({ description, example: '2026-03-01' });

export const openLicenseFeeSchema = z
  .discriminatedUnion('type', [lumpSumTermsSchema, upfrontRoyaltyTermsSchema, freeTermsSchema])
  .meta({
    id: 'OpenLicenseFee',
    description:
      'The fee standard every licensee pays (许可使用费支付方式、标准): a fixed fee per license, upfront + royalty, or free; amounts in fen',
  });
export type OpenLicenseFee = z.infer<typeof openLicenseFeeSchema>;

const annualFeeReductionSchema = z
  .object({
    ratePercent: z.number().gt(0).max(100).meta({
      description: "The reduction of the annual fees, in percent, as CNIPA's fee notice states it",
      example: 15,
    }),
    reference: z.string().trim().min(1).max(200).optional().meta({
      description: "CNIPA's fee notice or decision granting it (减缴通知书)",
    }),
  })
  .meta({
    id: 'AnnualFeeReduction',
    description:
      "The annual-fee reduction granted while the open license is in force (专利法 art. 51: 开放许可实施期间，对专利权人缴纳专利年费相应给予减免). The rate is CNIPA's fee rule, recorded as granted, not computed here",
  });

/** PUT .../open-license/publication: CNIPA's announcement of the declaration, and the fee reduction. */
export const openLicensePublicationSchema = z
  .object({
    reference: z.string().trim().min(1).max(100).meta({
      description:
        "CNIPA's announcement of the declaration (开放许可声明公告: its number or the gazette issue)",
      example: 'CN2026-KFXK-000123',
    }),
    publishedOn: date('The day CNIPA published the declaration (公告日)'),
    annualFeeReduction: annualFeeReductionSchema.optional(),
  })
  .meta({ id: 'OpenLicensePublication' });
export type OpenLicensePublication = z.output<typeof openLicensePublicationSchema>;

export const openLicenseDeclarationSchema = z
  .object({
    feeStandard: openLicenseFeeSchema,
    paymentMethod: z.string().trim().min(2).max(500).meta({
      description: 'How and when licensees pay (支付方式): account, schedule, invoice',
      example: '许可生效后 30 日内一次性汇入专利权人账户 / within 30 days to the patentee account',
    }),
    startDate: date('First day of the open license term'),
    endDate: date('Last day of the open license term (after the start)'),
    evaluationReportRef: z.string().trim().min(1).max(100).optional().meta({
      description:
        'Utility models and designs: the number of the patent evaluation report (专利权评价报告), required for them',
      example: 'PJ2026000123',
    }),
    contact: z.string().trim().max(200).optional().meta({ description: 'Contact for licensees' }),
    coOwnerConsent: z
      .object({
        consentedOn: date('The day the last co-owner consented'),
        reference: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .meta({ description: 'The consent document (共有人同意书)' }),
      })
      .optional()
      .meta({
        description:
          "A co-owned patent (its coOwners): the co-owners' consent to the declaration (专利法 art. 14: beyond implementing it or granting ordinary licenses, a co-owned right is exercised with every co-owner's consent)",
      }),
    pledgeeConsent: pledgeeConsentSchema.omit({ applicationNumber: true }).optional().meta({
      description:
        "A pledged patent (an active pledge): the pledgee's consent to the declaration (民法典 art. 444; 专利法实施细则 (2023) art. 86 lists a pledge without the pledgee's consent among the cases where no open license may be declared, as we read it)",
    }),
  })
  .superRefine((declaration, ctx) => {
    if (declaration.endDate <= declaration.startDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['endDate'],
        message: `the end date ${declaration.endDate} must be after the start date ${declaration.startDate}`,
      });
    }
  })
  .meta({ id: 'OpenLicenseDeclaration' });
export type OpenLicenseDeclaration = z.output<typeof openLicenseDeclarationSchema>;

export const openLicenseSchema = z
  .object({
    status: z.enum(['active', 'withdrawn']),
    applicationNumber: z.string(),
    patentType: z.string().optional(),
    title: z.string().optional(),
    patenteeUscc: z.string(),
    patenteeName: z.string().optional(),
    feeStandard: openLicenseFeeSchema,
    paymentMethod: z.string(),
    startDate: z.string(),
    endDate: z.string(),
    evaluationReportRef: z.string().optional(),
    contact: z.string().optional(),
    coOwnerConsent: z.object({ consentedOn: z.string(), reference: z.string() }).optional(),
    pledgeeConsent: z.object({ consentedOn: z.string(), reference: z.string() }).optional(),
    declaredAt: z.string(),
    declaredBy: z.string().meta({
      description: 'The declaring organization and role (never an account id)',
      example: '清华大学（机构管理员 / institution administrator）',
    }),
    withdrawnAt: z.string().optional(),
    withdrawalReason: z.string().optional(),
    publication: z
      .object({ reference: z.string(), publishedOn: z.string(), recordedAt: z.string() })
      .optional()
      .meta({
        description:
          "CNIPA's announcement of the declaration (专利法 art. 50), as the institution recorded it: until then the declaration is filed but not yet published",
      }),
    annualFeeReduction: annualFeeReductionSchema.optional(),
  })
  .meta({ id: 'OpenLicense' });
export type OpenLicense = z.infer<typeof openLicenseSchema>;

/** The form of `declaredBy` since it names the declarer: `<organization>（<role>）`. */
const organizationAndRole = /（[^（）]+）$/;

/**
 * An open license as anyone may read it. Declarations recorded before `declaredBy` named the
 * organization and role kept the declarer's Cognito sub there, and stored data still has some: such a
 * `declaredBy` is shown as the patentee with an unknown role, never the sub (the sub stays in the audit
 * entry of the declaration). Every read of a declaration goes through here (the patent history's
 * before / after included), and a withdrawal stores the mapped value, so the old form leaves the data
 * as licenses are withdrawn.
 */
export function publicOpenLicense(openLicense: OpenLicense): OpenLicense {
  if (organizationAndRole.test(openLicense.declaredBy)) return openLicense;
  return {
    ...openLicense,
    declaredBy: `${openLicense.patenteeName ?? openLicense.patenteeUscc}（角色未知 / unknown role）`,
  };
}

export const openLicenseWithdrawalSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(2)
      .max(1000)
      .meta({ example: '拟独占许可给合作企业 / exclusive license planned' }),
  })
  .meta({ id: 'OpenLicenseWithdrawal' });

export const takeOpenLicenseSchema = z
  .object({
    noticeDate: date('The day the written notice (书面通知) was sent to the patentee'),
    payment: z
      .object({
        amountFen: z.number().int().min(0).meta({ description: 'Amount paid, in fen' }),
        paidOn: date('Payment date'),
        reference: z.string().trim().min(1).max(100).meta({
          description: 'Bank / payment reference: the same reference twice records one license',
          example: 'TX20260301-0042',
        }),
      })
      .meta({ description: 'The payment record (the upfront fee or the fixed fee of the standard)' }),
  })
  .meta({ id: 'TakeOpenLicense' });
export type TakeOpenLicense = z.output<typeof takeOpenLicenseSchema>;

export const openLicenseListQuerySchema = pageQuerySchema
  .extend({
    province: z.string().trim().length(6).optional().meta({
      description: 'GB/T 2260 province code of the patentee; all provinces when left out',
      example: '110000',
    }),
  })
  .meta({ id: 'OpenLicenseListQuery' });

export const openLicensePageSchema = z
  .object({
    items: z.array(openLicenseSchema.extend({ provinceCode: z.string() })),
    nextCursor: z.string().optional().meta({ description: 'Pass as ?cursor= for the next page' }),
  })
  .meta({
    id: 'OpenLicensePage',
    description:
      'Active open licenses, by province and declaration time; a page may hold fewer than limit items while nextCursor is present (ended terms are left out)',
  });

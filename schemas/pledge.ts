/**
 * Pledges of a patent right (专利权质押): the institution records the pledge registered with CNIPA (the
 * registration is where a pledge of a patent right arises: 民法典 art. 444 ¶1, 出质人与质权人应当订立
 * 书面合同，质权自办理出质登记时设立) and its release. While a pledge is active the patent is not
 * assigned or licensed without the pledgee's consent (民法典 art. 444 ¶2: 知识产权中的财产权出质后，出质人
 * 不得转让或者许可他人使用，但是出质人与质权人协商同意的除外): functions/transfer/rules.ts `pledgeRefusal`.
 */
import * as z from 'zod';
import { dateField } from './price-terms.ts';
import { singleLineText } from './text.ts';

/** Active pledges a patent may carry at once (a bound, not a legal figure). */
export const maxActivePledges = 5;

export const pledgeRegistrationSchema = z
  .object({
    pledgee: singleLineText(2, 200).meta({
      description: 'The pledgee (质权人), e.g. the lending bank',
      example: '示例银行股份有限公司北京分行',
    }),
    registrationNumber: singleLineText(1, 100).meta({
      description:
        "CNIPA's pledge registration number (专利权质押登记号): the same number twice records one pledge",
      example: 'Y2026110000123',
    }),
    registeredOn: dateField('The day the pledge was registered (质押登记日): the pledge exists from it'),
    securedAmountFen: z
      .number()
      .int()
      .min(0)
      .max(1e15)
      .optional()
      .meta({ description: 'The secured debt (被担保债权数额), in fen' }),
    coOwnerConsent: z
      .object({
        consentedOn: dateField('The day the last co-owner consented to the pledge'),
        reference: singleLineText(1, 200).meta({
          description: 'The consent document (共有人同意书)',
          example: '共有人同意书 2026-021',
        }),
      })
      .optional()
      .meta({
        description:
          "Required when the patent is co-owned: pledging a co-owned right is an exercise of it that needs every co-owner's consent (专利法 art. 14 ¶2; only implementing it and ordinary licenses are open to one co-owner alone)",
      }),
  })
  .meta({ id: 'PledgeRegistration' });
export type PledgeRegistration = z.output<typeof pledgeRegistrationSchema>;

export const pledgeReleaseSchema = z
  .object({
    registrationNumber: singleLineText(1, 100).meta({ description: 'The pledge registration number' }),
    releasedOn: dateField('The day the pledge registration was cancelled (注销登记)'),
    reference: singleLineText(1, 200).meta({
      description: 'The cancellation notice (质押登记注销通知书) or another document',
      example: '注销通知 2026-045',
    }),
  })
  .meta({ id: 'PledgeRelease' });
export type PledgeRelease = z.output<typeof pledgeReleaseSchema>;

export const pledgeSchema = z
  .object({
    pledgee: z.string(),
    registrationNumber: z.string(),
    registeredOn: z.string(),
    securedAmountFen: z.number().int().optional(),
    status: z.enum(['active', 'released']),
    releasedOn: z.string().optional(),
    releaseReference: z.string().optional(),
    coOwnerConsent: z.object({ consentedOn: z.string(), reference: z.string() }).optional(),
    recordedAt: z.string(),
  })
  .meta({ id: 'Pledge', description: 'A pledge of the patent right as recorded (民法典 art. 444)' });
export type Pledge = z.infer<typeof pledgeSchema>;

/** The pledgee's consent to a transfer act on a pledged patent: when, and the document. */
export const pledgeeConsentSchema = z
  .object({
    applicationNumber: z.string().trim().min(1).max(40),
    consentedOn: dateField('The day the pledgee consented'),
    reference: singleLineText(1, 200).meta({
      description: 'The consent document (质权人同意书)',
      example: '质权人同意书 2026-003',
    }),
  })
  .meta({ id: 'PledgeeConsent' });
export type PledgeeConsent = z.output<typeof pledgeeConsentSchema>;

export const activePledges = (patent: { pledges?: readonly Pledge[] }) =>
  (patent.pledges ?? []).filter((pledge) => pledge.status === 'active');

import * as z from 'zod';
import { provinceCodeSchema } from './codes/provinces.ts';
import { checkUscc } from './codes/uscc.ts';
import {
  type PilotStatus,
  pilotStatusSchema,
  type Supervision,
  supervisionInputSchema,
  supervisionSchema,
} from './supervision.ts';
import { singleLineText } from './text.ts';

/** Unified social credit code: shape and alphabet are enforced; a checksum failure is only a warning. */
export const usccSchema = z
  .string()
  .transform((value, ctx) => {
    const result = checkUscc(value);
    if (!result.ok) {
      ctx.addIssue({
        code: 'custom',
        message: `统一社会信用代码无效 / invalid unified social credit code: ${result.reason}; enter the 18-character code printed on the organization's registration certificate`,
      });
      return z.NEVER;
    }
    return result.code;
  })
  .meta({
    description: 'Unified social credit code (GB 32100-2015), 18 characters',
    example: '12100000400000624D',
  });

export const institutionKinds = ['university', 'research-institute', 'hospital'] as const;

export const registerInstitutionSchema = z
  .object({
    uscc: usccSchema,
    name: singleLineText(2, 200).meta({ example: '清华大学' }),
    provinceCode: provinceCodeSchema,
    kind: z
      .enum(institutionKinds)
      .meta({ description: 'university 高校, research-institute 科研机构, hospital 医院' }),
    contactEmail: z.email().optional(),
    supervision: supervisionInputSchema.optional(),
    pilotStatus: pilotStatusSchema.optional(),
  })
  .meta({
    id: 'RegisterInstitution',
    description:
      'supervision and pilotStatus may be left out (the institution is then "unassigned" until PATCH /v1/institutions/{uscc} sets them)',
  });
export type RegisterInstitution = z.infer<typeof registerInstitutionSchema>;

const publishInventorsSchema = z.boolean().meta({
  description:
    "true: enterprises and experts see the inventors' names (发明人) on this institution's available patents. Default (absent or false): hidden, the institution is the party to talk to",
});

/**
 * The institution's own rule for the inventors' share of transfer income (促进科技成果转化法 art. 44:
 * 科技成果完成单位可以规定或者与科技人员约定奖励和报酬的方式、数额和时限; art. 45 gives the defaults only
 * where the institution has no rule and no agreement). Recorded by the institution: the share of the net
 * income of an assignment or license, the document it comes from, and the day it applies from.
 */
export const inventorRewardRuleInputSchema = z
  .object({
    ratePercent: z
      .number()
      .gt(0, 'ratePercent: a share above 0 %, e.g. 70')
      .max(100, 'ratePercent: at most 100 %')
      .multipleOf(0.01, 'ratePercent: at most two decimals, e.g. 70 or 62.5')
      .meta({
        description: 'Share of the net income of an assignment or license given to the inventors, in %',
        example: 70,
      }),
    basis: singleLineText(2, 300).meta({
      description: 'The rule it comes from (document and article), as the institution publishes it',
      example: '《某大学科技成果转化管理办法》第十二条',
    }),
    effectiveFrom: z.iso.date('effectiveFrom: a date such as 2024-01-01').meta({
      description:
        'Payments received on or after this day are shared by this rule; earlier ones by the art. 45 default',
    }),
  })
  .meta({ id: 'InventorRewardRuleInput' });
export type InventorRewardRuleInput = z.infer<typeof inventorRewardRuleInputSchema>;

export const inventorRewardRuleSchema = inventorRewardRuleInputSchema
  .extend({ setAt: z.iso.datetime(), setBy: z.string() })
  .meta({ id: 'InventorRewardRule' });
export type InventorRewardRule = z.infer<typeof inventorRewardRuleSchema>;

export const institutionSchema = z
  .object({
    uscc: z.string(),
    name: z.string(),
    provinceCode: z.string(),
    provinceName: z.string(),
    kind: z.enum(institutionKinds),
    contactEmail: z.string().optional(),
    supervision: supervisionSchema.optional(),
    pilotStatus: pilotStatusSchema.optional(),
    publishInventors: publishInventorsSchema.optional(),
    inventorRewardRule: inventorRewardRuleSchema.optional().meta({
      description:
        "The institution's own share for its inventors (art. 44); absent: the art. 45 default, 50 % of the net income",
    }),
    usccChecksumValid: z
      .boolean()
      .meta({ description: 'false when the code fails the GB 32100 checksum (kept, with a warning)' }),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
    version: z.number().int().positive(),
  })
  .meta({ id: 'Institution' });
export type Institution = z.infer<typeof institutionSchema>;
export type { PilotStatus, Supervision };

/** PATCH /v1/institutions/{uscc}: the supervising department and the pilot / demonstration status. */
export const updateInstitutionSchema = z
  .object({
    supervision: supervisionInputSchema.optional(),
    pilotStatus: pilotStatusSchema.optional(),
    publishInventors: publishInventorsSchema.optional(),
    version: z.number().int().positive().optional().meta({
      description:
        'The version you read (GET /v1/institutions/{uscc}): the update is refused (409) if the institution changed since. Leave it out to update whatever the version',
    }),
  })
  .refine(
    (value) =>
      value.supervision !== undefined ||
      value.pilotStatus !== undefined ||
      value.publishInventors !== undefined,
    {
      message:
        'Nothing to update: send supervision (e.g. {"department": "moe-direct"}), pilotStatus (demonstration, pilot or none) and/or publishInventors (true or false)',
      path: ['supervision'],
    },
  )
  .meta({ id: 'UpdateInstitution' });
export type UpdateInstitution = z.infer<typeof updateInstitutionSchema>;

export const institutionPageSchema = z
  .object({
    items: z.array(institutionSchema),
    nextCursor: z
      .string()
      .optional()
      .meta({ description: 'Pass as ?cursor= to get the next page; absent on the last page' }),
  })
  .meta({ id: 'InstitutionPage' });

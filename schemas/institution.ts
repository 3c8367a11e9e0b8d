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

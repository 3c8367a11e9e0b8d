import * as z from 'zod';
import { errorRowSchema } from './batch-job.ts';
import { conversionIntentValues, inventoryColumns, selfAssessedValueValues } from './inventory/template.ts';

const cell = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number()])),
]);

/** One inventory row as JSON: the same columns as the template, keyed by record key, Chinese header or English alias. */
export const patentRowInputSchema = z.record(z.string(), cell).meta({
  id: 'PatentRowInput',
  description: `Keys: the template's columns (${inventoryColumns.map((c) => `${c.key} / ${c.zh}`).join(', ')}). Values as in the template; lists may be arrays.`,
  example: {
    applicationNumber: '202010123456.2',
    title: '一种基于深度学习的图像去噪方法',
    patentType: '发明',
  },
});

export const patentBatchInputSchema = z
  .object({
    rows: z
      .array(patentRowInputSchema)
      .meta({ description: 'At most 1,000 rows; larger inventories go through POST /v1/uploads' }),
  })
  .meta({ id: 'PatentBatchInput' });

export const patentWriteResultSchema = z
  .object({
    applicationNumber: z.string(),
    outcome: z.enum(['created', 'updated', 'unchanged']),
    warnings: z.array(errorRowSchema),
  })
  .meta({ id: 'PatentWriteResult' });

export const patentBatchResultSchema = z
  .object({
    rowsTotal: z.number().int(),
    rowsAccepted: z.number().int(),
    rowsRejected: z.number().int(),
    rowsUnchanged: z.number().int(),
    errors: z.array(errorRowSchema).meta({ description: 'Rejected rows; row = position in `rows`, from 1' }),
    warnings: z.array(errorRowSchema),
    errorsNotListed: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Error rows beyond the first 10,000 listed in `errors` (counted, not listed)' }),
    warningsNotListed: z.number().int().optional(),
  })
  .meta({ id: 'PatentBatchResult' });

export const withdrawalInputSchema = z
  .object({
    reason: z.string().trim().min(2).max(500).meta({
      description: 'Why the institution withdraws the patent (shown in its history and the province feed)',
      example: '拟由学校自行实施',
    }),
    expectedVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The version you read; 409 if the patent changed since' }),
  })
  .meta({ id: 'WithdrawalInput' });
export type WithdrawalInput = z.infer<typeof withdrawalInputSchema>;

export const reviewActionSchema = z
  .object({
    action: z.enum(['submit', 'approve', 'return']).meta({
      description:
        'submit (a department user: draft/returned -> submitted), approve or return (an institution-level user: submitted -> approved / returned)',
    }),
    comment: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .meta({ description: 'Required when returning: what to correct' }),
    expectedVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The version you read; 409 if the patent changed since' }),
  })
  .meta({ id: 'ReviewAction' });

export const selfAssessmentInputSchema = z
  .object({
    trl: z.number().int().min(1).max(9).optional(),
    selfAssessedValue: z.enum(selfAssessedValueValues).optional(),
    applicationScenarios: z.string().max(2000).optional(),
    industrializationProspect: z.string().max(2000).optional(),
    productsAndAdvantages: z.string().max(2000).optional(),
    abstract: z.string().max(1000).optional().meta({ description: "The patent's abstract (说明书摘要)" }),
    conversionIntents: z
      .array(z.enum(conversionIntentValues))
      .optional()
      .meta({ description: "['none'] (暂无) stands alone" }),
    feeStandard: z.string().max(500).optional(),
    expectedVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The version you read; 409 if the patent changed since' }),
  })
  .meta({ id: 'SelfAssessmentInput' });
export type SelfAssessmentInput = z.infer<typeof selfAssessmentInputSchema>;

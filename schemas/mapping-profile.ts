/**
 * Mapping profiles and previews of inventory files (issue 12, part 3; docs/intake.md "Preview" and
 * "Mapping profiles"). A profile is an institution's saved answer to "what does this office's export
 * mean": source header -> template field (or ignored), and source value -> canonical value per
 * enumerated field. Bounded on purpose: a profile, its audit entry (before and after) and the job that
 * names it fit DynamoDB's 400 KB item with room to spare.
 */
import * as z from 'zod';
import { errorRowSchema } from './batch-job.ts';
import { inventoryRecordSchema } from './inventory/record.ts';
import { findOption, inventoryColumns, looseHeader } from './inventory/template.ts';

/** Profile names: letters (Latin or CJK), digits, `_ - .`; never a key delimiter, a slash or a control character. */
export const profileNamePattern = /^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff_.-]{0,39}$/;
/** The profile a direct S3 drop (and an upload naming none) is read with, when the institution has one. */
export const defaultProfileName = 'default';

export const maxProfileColumns = 100;
export const maxProfileValues = 200;
const maxProfileHeaderLength = 100;
const maxProfileSourceLength = 60;

export const profileNameSchema = z
  .string()
  .regex(
    profileNamePattern,
    'a profile name is 1-40 letters (Latin or Chinese), digits, "_", "-" or "." and starts with a letter or digit, e.g. default or 教务处导出',
  )
  .meta({ example: 'default' });

const fieldKeys = inventoryColumns.map((column) => column.key) as [string, ...string[]];
/** Fields whose values are one of a list (enumerations, yes/no): a profile may map source values onto them. */
const valueFieldKeys = inventoryColumns.filter((column) => column.options).map((column) => column.key) as [
  string,
  ...string[],
];

export const profileColumnSchema = z.object({
  header: z.string().trim().min(1).max(maxProfileHeaderLength).meta({
    description: 'The header as the file writes it (matched after normalization)',
    example: '实施情况',
  }),
  field: z.enum([...fieldKeys, 'ignore']).meta({
    description: 'The template field the column fills (a key of the inventory template), or ignore',
    example: 'implementationStatus',
  }),
});

export const profileValueSchema = z.object({
  field: z.enum(valueFieldKeys).meta({ description: 'An enumerated field', example: 'implementationStatus' }),
  source: z
    .string()
    .trim()
    .min(1)
    .max(maxProfileSourceLength)
    .meta({ description: 'The value as the file writes it', example: '已实施' }),
  value: z.string().trim().min(1).max(40).meta({
    description: "What it means: one of the field's values (its code, Chinese or English name)",
    example: 'licensed',
  }),
});

export type ProfileColumn = z.infer<typeof profileColumnSchema>;
export type ProfileValue = z.infer<typeof profileValueSchema>;

/** One header, one field, one meaning per source value; values that name an option of their field. */
function checkMapping(
  mapping: { columns: ProfileColumn[]; values: ProfileValue[] },
  context: z.RefinementCtx,
) {
  {
    const headers = new Map<string, number>();
    const fields = new Map<string, number>();
    mapping.columns.forEach((column, i) => {
      const loose = looseHeader(column.header);
      const before = headers.get(loose);
      if (before !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['columns', i, 'header'],
          message: `header "${column.header}" is mapped twice (also at columns.${before}): keep one`,
        });
      headers.set(loose, i);
      if (column.field === 'ignore') return;
      const other = fields.get(column.field);
      if (other !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['columns', i, 'field'],
          message: `"${column.header}" and "${mapping.columns[other]!.header}" both map to ${column.field}: a field is read from one column, map the other to ignore`,
        });
      fields.set(column.field, i);
    });
    const sources = new Set<string>();
    mapping.values.forEach((value, i) => {
      const column = inventoryColumns.find((c) => c.key === value.field)!;
      if (!findOption(column.options!, value.value))
        context.addIssue({
          code: 'custom',
          path: ['values', i, 'value'],
          message: `"${value.value}" is not a value of ${value.field}: use one of ${column.options!.map((o) => `${o.value} (${o.zh})`).join(', ')}`,
        });
      const at = `${value.field}\n${value.source.normalize('NFKC').toLowerCase()}`;
      if (sources.has(at))
        context.addIssue({
          code: 'custom',
          path: ['values', i, 'source'],
          message: `"${value.source}" of ${value.field} is mapped twice: keep one`,
        });
      sources.add(at);
    });
  }
}

/** A mapping (a saved profile's, or one being tried in a preview): columns and value mappings. */
export const mappingSchema = z
  .object({
    columns: z.array(profileColumnSchema).max(maxProfileColumns).default([]),
    values: z.array(profileValueSchema).max(maxProfileValues).default([]),
  })
  .superRefine(checkMapping);
export type Mapping = z.output<typeof mappingSchema>;

export const putMappingProfileSchema = z
  .object({
    columns: z.array(profileColumnSchema).max(maxProfileColumns).default([]),
    values: z.array(profileValueSchema).max(maxProfileValues).default([]),
    description: z.string().trim().max(500).optional(),
    expectedVersion: z.number().int().positive().optional().meta({
      description:
        'The version you read (GET): required to replace an existing profile, absent to create one; or send it as If-Match',
    }),
  })
  .superRefine(checkMapping)
  .meta({ id: 'PutMappingProfile' });
export type PutMappingProfile = z.output<typeof putMappingProfileSchema>;

export const mappingProfileSchema = z
  .object({
    institutionUscc: z.string(),
    name: z.string(),
    version: z
      .number()
      .int()
      .meta({ description: 'Send it as expectedVersion (or If-Match) to replace the profile' }),
    columns: z.array(profileColumnSchema),
    values: z.array(profileValueSchema),
    description: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'MappingProfile' });
export type MappingProfile = z.infer<typeof mappingProfileSchema>;

export const mappingProfileListSchema = z
  .object({ items: z.array(mappingProfileSchema) })
  .meta({ id: 'MappingProfileList' });

export const mappingProfileParamsSchema = z.object({
  uscc: z.string().trim().min(1).max(32),
  name: profileNameSchema,
});

// ------------------------------------------------------------------------------------------- preview

export const previewRequestSchema = z
  .object({
    profile: profileNameSchema.optional().meta({
      description: `A saved profile of your institution to read the file with (default: the profile "${defaultProfileName}" if you have one)`,
    }),
    mapping: mappingSchema.optional().meta({
      description: 'A mapping to try instead of a saved profile (what you would save with PUT)',
    }),
    sampleRows: z.number().int().min(1).max(50).default(10).meta({
      description: 'How many first data rows to show as they would be stored',
    }),
  })
  .meta({ id: 'PreviewRequest' });

const fieldRefSchema = z.object({
  field: z.string(),
  zh: z.string(),
  confidence: z.number().min(0).max(1),
});

export const previewSchema = z
  .object({
    previewId: z.string(),
    fileName: z.string(),
    profile: z
      .object({ name: z.string(), version: z.number().int() })
      .optional()
      .meta({ description: 'The saved profile the file was read with' }),
    refusal: z.object({ code: z.string(), messageZh: z.string(), messageEn: z.string() }).optional().meta({
      description: 'Why an import of this file would fail as a whole (nothing else is filled then)',
    }),
    headerRow: z.number().int().optional().meta({ description: 'The header row, as Excel numbers it' }),
    columns: z
      .array(
        z.object({
          index: z.number().int().meta({ description: '0-based column of the file' }),
          header: z.string(),
          field: z
            .string()
            .optional()
            .meta({ description: 'The template field it would fill; absent: ignored' }),
          zh: z.string().optional(),
          source: z.enum(['profile', 'template', 'synonym', 'proposal', 'duplicate', 'ignored']).meta({
            description:
              'profile: your mapping; template/synonym: recognized; proposal: looks like `alternatives[0]` but is not imported unless you map it; duplicate: the field is read from another column; ignored: unknown',
          }),
          confidence: z.number().min(0).max(1),
          alternatives: z
            .array(fieldRefSchema)
            .meta({ description: 'Other fields the header resembles, best first' }),
        }),
      )
      .meta({ description: 'The file columns (the first 200)' }),
    columnsNotListed: z.number().int().optional(),
    missingFields: z
      .array(z.object({ field: z.string(), zh: z.string(), required: z.boolean() }))
      .meta({ description: 'Template fields no column fills' }),
    profileColumnsMissing: z
      .array(z.string())
      .meta({ description: 'Headers the profile maps that this file does not have' }),
    valueMappings: z
      .array(
        z.object({
          field: z.string(),
          zh: z.string(),
          column: z.string().meta({ description: 'The file column holding it' }),
          options: z.array(z.object({ value: z.string(), zh: z.string() })),
          values: z.array(
            z.object({
              source: z.string(),
              rows: z.number().int(),
              value: z.string().optional().meta({ description: 'What it is read as; absent: refused' }),
              status: z.enum(['exact', 'profile', 'converted', 'ambiguous', 'unknown']).meta({
                description:
                  'exact: a template value; profile: your value mapping; converted: a known synonym; ambiguous: read, but a decision would make it precise (已实施: which manner?); unknown: refused unless you map it',
              }),
            }),
          ),
          valuesNotListed: z.number().int().optional(),
        }),
      )
      .meta({
        description: 'Per enumerated column: the distinct values of the rows read, and what each means',
      }),
    sampleRows: z.array(
      z.object({
        row: z.number().int(),
        record: inventoryRecordSchema.optional().meta({ description: 'The patent as it would be stored' }),
        errors: z.array(errorRowSchema),
        warnings: z.array(errorRowSchema),
      }),
    ),
    counts: z.object({
      rowsRead: z.number().int().meta({ description: 'Data rows read (blank rows are not data)' }),
      rowsChecked: z.number().int().meta({ description: 'Rows validated (the first ones; see complete)' }),
      rowsAccepted: z.number().int().meta({
        description:
          'Checked rows that would be stored (ownership by another institution is known only at import)',
      }),
      rowsRefused: z.number().int(),
      rowsWithWarnings: z.number().int(),
      complete: z.boolean().meta({
        description: 'false: the file is longer than a preview reads; the counts cover the rows checked',
      }),
    }),
    topRefusals: z.array(
      z.object({ code: z.string(), column: z.string(), rows: z.number().int(), example: errorRowSchema }),
    ),
    topWarnings: z.array(
      z.object({ code: z.string(), column: z.string(), rows: z.number().int(), example: errorRowSchema }),
    ),
    warnings: z.array(z.string()).meta({ description: 'What the header row gave, as the job would list it' }),
  })
  .meta({ id: 'UploadPreview' });
export type UploadPreview = z.infer<typeof previewSchema>;

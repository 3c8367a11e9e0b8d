import * as z from 'zod';

/** The one error shape every endpoint returns. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z
        .string()
        .meta({ example: 'The request body is not valid: fix the fields listed in details.' }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

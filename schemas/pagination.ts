import * as z from 'zod';

export const pageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(25)
    .meta({ description: 'Page size, 1-100 (default 25)' }),
  cursor: z.string().max(2048).optional().meta({ description: 'Opaque cursor from the previous page' }),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/**
 * Saved searches and alerts (issue 15 item 6): an enterprise saves a query with filters; the patents
 * that newly enter the conversion pool and match it arrive in its daily alert email (one email a day,
 * never one per patent). The query and filters are those of GET /v1/search/patents, with the same
 * bounds and messages (schemas/search.ts); paging and `available` do not apply (alerts are about
 * available patents only).
 */
import * as z from 'zod';
import { patentSearchQuerySchema } from './search.ts';
import { singleLineText } from './text.ts';

/** Saved searches an enterprise keeps at most (docs/market.md, "Saved searches and alerts"). */
export const maxSavedSearches = 20;

const queryFields = patentSearchQuerySchema.pick({
  q: true,
  industry: true,
  strategicIndustry: true,
  ipc: true,
  province: true,
  trlMin: true,
  trlMax: true,
  tier: true,
}).shape;

export const savedSearchInputSchema = z
  .object({
    name: singleLineText(1, 100)
      .optional()
      .meta({ description: 'A name for the alert (default: the query)', example: '电池隔膜新专利' }),
    ...queryFields,
    // In a JSON body numbers are numbers: no coercion from strings as in the query string.
    trlMin: z.number().int().min(1).max(9).optional().meta({ description: 'Lowest TRL (1-9)' }),
    trlMax: z.number().int().min(1).max(9).optional().meta({ description: 'Highest TRL (1-9)' }),
  })
  .strict()
  .meta({ id: 'SavedSearchInput' });
export type SavedSearchInput = z.output<typeof savedSearchInputSchema>;

export const savedSearchSchema = z
  .object({
    savedSearchId: z.string(),
    enterpriseUscc: z.string(),
    name: z.string(),
    q: z.string(),
    industry: z.string().optional(),
    strategicIndustry: z.string().optional(),
    ipc: z.string().optional(),
    province: z.string().optional(),
    trlMin: z.number().int().optional(),
    trlMax: z.number().int().optional(),
    tier: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'SavedSearch' });
export type SavedSearch = z.infer<typeof savedSearchSchema>;

export const savedSearchListSchema = z
  .object({
    items: z.array(savedSearchSchema),
    limit: z
      .number()
      .int()
      .meta({ description: `Saved searches an enterprise may keep (${maxSavedSearches})` }),
  })
  .meta({ id: 'SavedSearchList' });

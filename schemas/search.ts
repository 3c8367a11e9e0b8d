/**
 * Full-text search of patents (GET /v1/search/patents): the query, and each hit with its highlights and
 * the reasons it matched (docs/search.md).
 */
import * as z from 'zod';
import { provinceCodeSchema } from './codes/provinces.ts';
import { tierValues } from './lifecycle.ts';
import { patentViewSchema } from './patent.ts';

/** The fields searched, with their weight in the ranking (docs/search.md). */
export const searchFieldValues = [
  'title',
  'abstract',
  'applicationScenarios',
  'productsAndAdvantages',
  'industrializationProspect',
  'classification',
] as const;
export type SearchField = (typeof searchFieldValues)[number];

export const maxSearchQueryLength = 200;
/** limit + offset: the deepest hit a search returns (a search is for the best hits, not a walk of the pool). */
export const maxSearchDepth = 200;

export const patentSearchQuerySchema = z
  .object({
    q: z
      .string()
      .trim()
      .min(1, 'send the words to search for, e.g. ?q=锂电池 隔膜')
      .max(
        maxSearchQueryLength,
        `at most ${maxSearchQueryLength} characters: keep the key words of what you look for (e.g. 锂电池 隔膜)`,
      )
      .meta({
        description:
          'Words to search for, in Chinese (simplified or traditional) or English, separated by spaces or not. Plain words only: operators (AND, OR, field:, *, quotes) are read as words or ignored.',
        example: '锂电池 隔膜',
      }),
    industry: z.string().trim().min(1).max(5).optional().meta({
      description:
        'GB/T 4754-2017 code prefix: a section letter (C), division (38), group (384) or class (3841)',
      example: '38',
    }),
    strategicIndustry: z
      .string()
      .trim()
      .regex(/^\d(\.\d{1,2})?$/, 'must be a strategic emerging industry code such as 6 or 6.3')
      .optional()
      .meta({ description: 'Strategic emerging industry (2018) code prefix: 6 or 6.3', example: '5' }),
    ipc: z
      .string()
      .trim()
      .regex(
        /^[A-Ha-h]\d{2}([A-Za-z](\s*\d{1,4})?)?$/,
        'must be an IPC class (H01), subclass (H01M) or main group (H01M 50)',
      )
      .optional()
      .meta({
        description: 'IPC prefix: class (H01), subclass (H01M) or main group (H01M 50)',
        example: 'H01M',
      }),
    province: provinceCodeSchema.optional(),
    trlMin: z.coerce.number().int().min(1).max(9).optional().meta({ description: 'Lowest TRL (1-9)' }),
    trlMax: z.coerce.number().int().min(1).max(9).optional().meta({ description: 'Highest TRL (1-9)' }),
    tier: z.enum(tierValues).optional().meta({ description: 'Promotion tier after the evaluation' }),
    available: z.enum(['true', 'false']).optional().meta({
      description:
        'Institutions: true limits the search to your patents available for conversion. Enterprises, experts and administrators always search available patents only.',
    }),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(50)
      .default(10)
      .meta({ description: 'Hits per page, 1-50 (default 10)' }),
    offset: z.coerce
      .number()
      .int()
      .min(0)
      .max(maxSearchDepth - 1)
      .default(0)
      .meta({ description: `Hits to skip; limit + offset at most ${maxSearchDepth}` }),
  })
  .meta({ id: 'PatentSearchQuery' });
export type PatentSearchQuery = z.output<typeof patentSearchQuerySchema>;

export const highlightSchema = z
  .object({
    field: z.enum(searchFieldValues),
    text: z.string().meta({ description: 'A fragment of the field (at most ~120 characters), plain text' }),
    spans: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().positive()])).meta({
      description: 'Matched ranges in `text` as [start, end) offsets (UTF-16): mark them up yourself',
    }),
  })
  .meta({ id: 'SearchHighlight' });
export type Highlight = z.infer<typeof highlightSchema>;

export const matchReasonsSchema = z
  .object({
    terms: z
      .array(
        z.object({
          term: z.string().meta({ description: 'A term of the patent that matched' }),
          fields: z.array(z.enum(searchFieldValues)),
          via: z.string().optional().meta({
            description: 'The query word it stands for when matched as a synonym (e.g. 锂电 for 锂离子电池)',
          }),
          contribution: z.number().meta({ description: "Share of the hit's score from this term (0-1)" }),
        }),
      )
      .meta({ description: 'The terms that matched, most important first' }),
    fields: z.array(z.enum(searchFieldValues)).meta({ description: 'The fields that matched' }),
    filters: z
      .array(z.object({ filter: z.string(), value: z.string(), matched: z.string() }))
      .meta({ description: 'The filters applied and the value of the patent that passed each' }),
  })
  .meta({ id: 'SearchMatchReasons' });
export type MatchReasons = z.infer<typeof matchReasonsSchema>;

export const patentSearchHitSchema = z
  .object({
    patent: patentViewSchema,
    score: z.number().meta({ description: 'BM25 relevance; comparable within one search only' }),
    highlights: z.array(highlightSchema),
    reasons: matchReasonsSchema,
  })
  .meta({ id: 'PatentSearchHit' });
export type PatentSearchHit = z.infer<typeof patentSearchHitSchema>;

export const patentSearchResultSchema = z
  .object({
    items: z.array(patentSearchHitSchema),
    total: z.number().int().nonnegative().meta({ description: 'Hits in the caller scope' }),
    terms: z.array(z.string()).meta({ description: 'The terms the query was read as (after normalization)' }),
    expandedTerms: z
      .array(z.object({ term: z.string(), via: z.string() }))
      .meta({ description: 'Synonyms searched as well' }),
  })
  .meta({ id: 'PatentSearchResult' });
export type PatentSearchResult = z.infer<typeof patentSearchResultSchema>;

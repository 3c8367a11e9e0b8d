/**
 * Full-text search of enterprise technology needs (GET /v1/search/needs, issue 15 items 1 and 4): the
 * query and each hit with its highlights and reasons, as for patents (schemas/search.ts; docs/search.md,
 * "Needs"). The same engine reads a need as a document of four fields.
 */
import * as z from 'zod';
import { provinceCodeSchema } from './codes/provinces.ts';
import { needSchema } from './need.ts';
import { maxSearchDepth, maxSearchQueryLength, patentSearchQuerySchema } from './search.ts';

export const needSearchFieldValues = ['title', 'description', 'expectedOutcome', 'classification'] as const;
export type NeedSearchField = (typeof needSearchFieldValues)[number];

export const needSearchQuerySchema = z
  .object({
    q: z
      .string()
      .trim()
      .min(1, 'send the words to search for, e.g. ?q=防腐涂层 or ?q=电池 热失控')
      .max(
        maxSearchQueryLength,
        `at most ${maxSearchQueryLength} characters: keep the key words of the technology you offer (e.g. 防腐涂层)`,
      )
      .meta({
        description:
          'Words to search for, in Chinese (simplified or traditional) or English. Plain words only: operators are read as words or ignored.',
        example: '防腐涂层',
      }),
    industry: patentSearchQuerySchema.shape.industry,
    strategicIndustry: patentSearchQuerySchema.shape.strategicIndustry,
    province: provinceCodeSchema.optional().meta({ description: "The enterprise's province (GB/T 2260)" }),
    limit: patentSearchQuerySchema.shape.limit,
    offset: patentSearchQuerySchema.shape.offset,
  })
  .meta({ id: 'NeedSearchQuery' });
export type NeedSearchQuery = z.output<typeof needSearchQuerySchema>;

export const needSearchResultSchema = z
  .object({
    items: z.array(
      z.object({
        need: needSchema,
        score: z.number().meta({ description: 'BM25 relevance; comparable within one search only' }),
        highlights: z.array(
          z.object({
            field: z.enum(needSearchFieldValues),
            text: z.string(),
            spans: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().positive()])),
          }),
        ),
        reasons: z.object({
          terms: z.array(
            z.object({
              term: z.string(),
              fields: z.array(z.enum(needSearchFieldValues)),
              via: z.string().optional(),
              contribution: z.number(),
            }),
          ),
          fields: z.array(z.enum(needSearchFieldValues)),
          filters: z.array(z.object({ filter: z.string(), value: z.string(), matched: z.string() })),
        }),
      }),
    ),
    total: z.number().int().nonnegative(),
    terms: z.array(z.string()),
    expandedTerms: z.array(z.object({ term: z.string(), via: z.string() })),
  })
  .meta({ id: 'NeedSearchResult' });
export type NeedSearchResult = z.infer<typeof needSearchResultSchema>;

export { maxSearchDepth };

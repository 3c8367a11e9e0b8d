/**
 * The province feed of the conversion pool (专利转化资源库) and its XLSX export: the Work Plan's "push by
 * province through a data interface" (国知局 2023, 按省推送). A patent appears with its public fields
 * (publicPatentSchema: the same whitelist enterprises and experts see) plus where its market
 * evaluation stands.
 */
import * as z from 'zod';
import { provinceCodeSchema } from './codes/provinces.ts';
import { evaluationAggregateSchema } from './evaluation.ts';
import { publicPatentSchema } from './patent.ts';

export const evaluationStatusValues = ['none', 'open', 'closed'] as const;
export type EvaluationStatus = (typeof evaluationStatusValues)[number];

export const poolPatentSchema = publicPatentSchema
  .extend({
    evaluationStatus: z.enum(evaluationStatusValues).meta({
      description:
        'none: not matched yet; open: evaluation window open (requests pushed); closed: quorum or deadline reached, aggregate final',
    }),
    evaluationDeadline: z.iso.datetime().optional().meta({ description: 'When the open window closes' }),
    evaluationAggregate: evaluationAggregateSchema.optional().meta({
      description: 'Present once the evaluation window has closed (quorum or deadline)',
    }),
  })
  .meta({
    id: 'PoolPatent',
    description: 'A conversion-pool patent in the province feed: public fields and its market evaluation',
  });
export type PoolPatent = z.infer<typeof poolPatentSchema>;

/** Why a patent is no longer in the province's conversion pool (functions/patents/availability.ts, exits.ts). */
export const poolRemovedReasons = [
  'withdrawn',
  'lapsed',
  'expired',
  'rescreened',
  'assigned',
  'equity',
  'exclusive-license',
  'sole-license',
] as const;

export const poolTombstoneSchema = z
  .object({
    applicationNumber: z.string().meta({ example: '202010123456.2' }),
    removed: z.literal(true).meta({ description: 'Delete (or mark) this patent in your copy of the pool' }),
    removedReason: z.enum(poolRemovedReasons).meta({
      description:
        'withdrawn by the institution; lapsed (权利终止, 放弃, 无效); expired (statutory term, 专利法 art. 42); rescreened out (intent 暂无 or status not 有效); assigned or contributed as equity; under an exclusive or sole license',
    }),
    removedAt: z.iso
      .datetime()
      .meta({ description: 'When it left the pool (or the last change, for a transfer)' }),
    until: z.iso.date().optional().meta({
      description: 'An exclusive or sole license: its end date, after which it may be offered again',
    }),
  })
  .meta({
    id: 'PoolTombstone',
    description:
      'A patent that left the conversion pool: a province copy removes it (upsert by applicationNumber)',
  });
export type PoolTombstone = z.infer<typeof poolTombstoneSchema>;

/** A feed page can be larger than a list page: it is read by machines that sync a whole province. */
export const poolFeedLimit = { default: 100, max: 500 } as const;

export const poolFeedQuerySchema = z
  .object({
    province: provinceCodeSchema.optional().meta({
      description: 'GB/T 2260 province code. National admins must name one; province admins get their own',
      example: '110000',
    }),
    since: z.iso.datetime({ offset: true }).optional().meta({
      description:
        'Only patents changed at or after this time (their updatedAt). Omit for the whole pool; on later syncs pass the nextSince of the previous complete walk',
      example: '2024-07-01T00:00:00Z',
    }),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(poolFeedLimit.max)
      .default(poolFeedLimit.default)
      .meta({ description: `Page size, 1-${poolFeedLimit.max} (default ${poolFeedLimit.default})` }),
    cursor: z.string().max(2048).optional().meta({ description: 'Opaque cursor from the previous page' }),
  })
  .meta({
    id: 'PoolFeedQuery',
    description:
      'Walks the province in a stable order (institution, then application number). Follow nextCursor to the end, then keep nextSince for the next sync',
  });
export type PoolFeedQuery = z.output<typeof poolFeedQuerySchema>;

export const poolPageSchema = z
  .object({
    items: z.array(z.union([poolPatentSchema, poolTombstoneSchema])).meta({
      description: 'Patents of the pool, and tombstones (removed: true) of patents that left it',
    }),
    nextCursor: z.string().optional().meta({
      description:
        'Pass as ?cursor= (with the same province and since) for the next page; absent once the walk is complete. A page may hold fewer than `limit` items, even none, while nextCursor is present: each request reads a bounded share of the province, so keep following it.',
    }),
    nextSince: z.iso.datetime().meta({
      description:
        'When the walk is complete, pass this as ?since= on the next sync: every change from then on is delivered (a few minutes before this walk began, so a change may come twice: upsert by applicationNumber). Patents that left the pool come as tombstones (removed: true, with the reason).',
    }),
  })
  .meta({ id: 'PoolPage' });
export type PoolPage = z.infer<typeof poolPageSchema>;

export const poolExportQuerySchema = z
  .object({
    province: provinceCodeSchema.optional().meta({
      description: 'GB/T 2260 province code. National admins must name one; province admins get their own',
      example: '110000',
    }),
  })
  .meta({ id: 'PoolExportQuery' });
export type PoolExportQuery = z.output<typeof poolExportQuerySchema>;

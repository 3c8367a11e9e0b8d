/** Patent-intensive products (专利密集型产品备案) filed by enterprises that hold a deal on the patents. */
import * as z from 'zod';
import { maxPortfolioPatents } from './deal.ts';
import { pageQuerySchema } from './pagination.ts';

export const productInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200).meta({ example: '高功率半导体激光器' }),
    applicationNumbers: z
      .array(z.string().trim().min(1).max(40))
      .min(1)
      .max(maxPortfolioPatents, {
        message: `a product filing names at most ${maxPortfolioPatents} patents here; file the others in a second request`,
      })
      .meta({ description: 'The patents the product uses; you hold a deal (licensee / assignee) on each' }),
    filingNumber: z.string().trim().min(1).max(100).meta({
      description: 'The patent-intensive product filing number: the same number twice records one product',
      example: 'CPF2026110000123',
    }),
    filingDate: z.iso.date('must be a date YYYY-MM-DD').meta({ example: '2026-09-01' }),
    description: z.string().trim().max(2000).optional(),
  })
  .meta({ id: 'ProductInput' });
export type ProductInput = z.output<typeof productInputSchema>;

export const productSchema = z
  .object({
    productId: z.string(),
    name: z.string(),
    applicationNumbers: z.array(z.string()),
    filingNumber: z.string(),
    filingDate: z.string(),
    description: z.string().optional(),
    enterpriseUscc: z.string(),
    enterpriseName: z.string().optional(),
    provinceCode: z.string().meta({ description: 'Province of the patents (of their institution)' }),
    institutionUsccs: z.array(z.string()),
    dealIds: z
      .array(z.string())
      .meta({ description: 'The deals under which the enterprise holds the patents' }),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'Product' });
export type Product = z.infer<typeof productSchema>;

export const productListQuerySchema = pageQuerySchema
  .extend({
    enterprise: z
      .string()
      .trim()
      .length(18)
      .optional()
      .meta({ description: "Admins: one enterprise's products" }),
    province: z.string().trim().length(6).optional().meta({
      description: 'National admins: the province; province admins get their own',
    }),
  })
  .meta({ id: 'ProductListQuery' });
export type ProductListQuery = z.output<typeof productListQuerySchema>;

export const productPageSchema = z
  .object({ items: z.array(productSchema), nextCursor: z.string().optional() })
  .meta({ id: 'ProductPage' });

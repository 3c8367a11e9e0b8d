/**
 * Patents as the API returns them: the full view (the owning institution and the administrators), the
 * public view (enterprises and experts: the institution's name and fee standard, no contacts, no
 * amounts, no bookkeeping, inventors only when the institution publishes them), the list
 * query and page, and inventory coverage. The public projection is declared here once
 * (publicPatentSchema / toPublicPatent) and is a whitelist, so a field added to patents later stays
 * private until someone adds it here on purpose.
 */
import * as z from 'zod';
import { provinceCodeSchema } from './codes/provinces.ts';
import { evaluationAggregateSchema, tierStateSchema, windowCloseReasons } from './evaluation.ts';
import { fiveYearJustificationSchema } from './five-year-justification.ts';
import { usccSchema } from './institution.ts';
import { inventoryRecordSchema } from './inventory/record.ts';
import { conversionIntentValues, patentTypeValues } from './inventory/template.ts';
import { lifecycleEventSchema, lifecycleStateSchema, tierValues } from './lifecycle.ts';
import { type OpenLicense, openLicenseSchema, publicOpenLicense } from './open-license.ts';
import { pageQuerySchema } from './pagination.ts';
import { pledgeSchema } from './pledge.ts';
import { answerKeySchema, isStorageAttribute } from './storage.ts';

export const poolStatusValues = ['base', 'conversion'] as const;
export type PoolStatus = (typeof poolStatusValues)[number];
/** Why a patent left the conversion pool by an exit (functions/patents/exits.ts). */
export const poolRemovalReasons = ['withdrawn', 'lapsed', 'expired', 'rescreened'] as const;

export const reviewStatusValues = ['draft', 'submitted', 'returned', 'approved'] as const;
export type ReviewStatus = (typeof reviewStatusValues)[number];

export const patentSchema = inventoryRecordSchema
  .extend({
    institutionUscc: z.string().meta({ description: 'The owning institution (unified social credit code)' }),
    provinceCode: z.string().meta({ description: "GB/T 2260 code of the institution's province" }),
    poolStatus: z.enum(poolStatusValues).meta({
      description: 'base: 存量专利基础库; conversion: 专利转化资源库 (screened in on approval)',
    }),
    reviewStatus: z.enum(reviewStatusValues).meta({
      description: 'Inventory review: draft -> submitted -> approved (or returned with a comment)',
    }),
    reviewComment: z.string().optional().meta({ description: 'The last comment of a reviewer (returns)' }),
    inventoriedAt: z.iso
      .datetime()
      .optional()
      .meta({ description: 'When the inventory was approved (and the patent screened)' }),
    lifecycle: lifecycleStateSchema.optional().meta({
      description:
        'Where the patent is in the pipeline (docs/pipeline.md; absent on patents recorded before it existed)',
    }),
    lifecycleEvent: lifecycleEventSchema.optional().meta({ description: 'The event of the last transition' }),
    withdrawalReason: z
      .string()
      .optional()
      .meta({ description: 'Why the institution withdrew the patent (lifecycle withdrawn)' }),
    withdrawnAt: z.iso.datetime().optional(),
    legalStatusChangedAt: z.iso.datetime().optional().meta({
      description: 'When a new legal status was recorded on the approved patent (a lapse, a re-screening)',
    }),
    legalStatusDate: z.iso.date().optional().meta({
      description:
        "The day the recorded legal status was announced, as a legal-status import gave it (CNIPA's register: 法律状态公告日)",
    }),
    termEndsOn: z.iso.date().optional().meta({
      description: 'The last day of the statutory term (专利法 art. 42), set when the sweep found it expired',
    }),
    poolRemoval: z
      .object({
        reason: z.enum(poolRemovalReasons),
        at: z.iso.datetime(),
      })
      .optional()
      .meta({
        description:
          'Why and when the patent left the conversion pool by an exit (the province feed sends a tombstone)',
      }),
    lifecycleChangedAt: z.iso
      .datetime()
      .optional()
      .meta({ description: 'When the last transition happened' }),
    tier: z.enum(tierValues).optional().meta({
      description: 'Tiered promotion after the evaluation (the inputs that decided it: tierInputs)',
    }),
    tierInputs: z.record(answerKeySchema, z.unknown()).optional().meta({
      description: 'The inputs that decided the tier (aggregate prospect, cooperation intent, fields)',
    }),
    tieredAt: z.iso.datetime().optional(),
    // Written by the tiering (functions/promotion/tier-fields.ts) since issue 5: undeclared, the full
    // view of a tiered patent failed in strict response mode (the local cloud).
    tierChecks: z
      .record(answerKeySchema, z.boolean())
      .optional()
      .meta({ description: 'Each tiering condition, held or not (docs/pipeline.md, "Tiering rules")' }),
    tierRulesVersion: z
      .string()
      .optional()
      .meta({ description: '<version>#<hash of the effective rules> that decided the tier' }),
    openLicenseProposed: z
      .boolean()
      .optional()
      .meta({ description: 'The broad-applicability condition held: an open license was proposed' }),
    serviceProviders: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          kind: z.enum(['investor', 'pledge-financing', 'insurance', 'listing']),
          basis: z.enum(['industry', 'general']),
        }),
      )
      .optional()
      .meta({ description: 'Service providers matched to a high-value patent' }),
    pledges: z
      .array(pledgeSchema)
      .max(50)
      .optional()
      .meta({ description: 'Pledges of the patent right, active and released (民法典 art. 444)' }),
    poolNomination: z
      .object({ industries: z.array(z.string()), at: z.string() })
      .optional()
      .meta({ description: 'Key-industry patents: the nomination for an industry patent pool' }),
    tierMailId: z.string().optional().meta({ description: 'The outcome email queued with the tiering' }),
    tierVersion: z.number().int().positive().optional().meta({
      description: 'The tier version: 1 for the first tiering, + 1 per re-tier after late evaluations',
    }),
    tierReason: tierStateSchema.shape.tierReason,
    retieredAt: z.iso.datetime().optional().meta({ description: 'When the last re-tier happened' }),
    tierDeferred: tierStateSchema.shape.deferred,
    promotionDueAt: z.iso.datetime().optional().meta({
      description: 'End of the promotion window (high value, key-industry pool): then listed',
    }),
    evaluationStatus: z.enum(['open', 'closed']).optional().meta({
      description: 'The market-evaluation window (docs/market.md): open while evaluators may answer',
    }),
    evaluationOpenedAt: z.iso.datetime().optional(),
    evaluationDeadline: z.iso
      .datetime()
      .optional()
      .meta({ description: 'When the window closes at the latest' }),
    evaluationClosedAt: z.iso.datetime().optional(),
    evaluationClosedReason: z.enum(windowCloseReasons).optional(),
    evaluationAggregate: evaluationAggregateSchema.optional(),
    // Written by the transfer transactions (functions/transfer/deals.ts, open-license.ts) and read by
    // the licensing rules (functions/transfer/rules.ts): GET /v1/patents answered 500 for such a patent
    // while these were undeclared.
    openLicense: openLicenseSchema.optional().meta({
      description:
        'The open license declared on the patent (开放许可, Patent Law art. 50-52), active or withdrawn',
    }),
    exclusiveGrant: z
      .object({
        dealId: z.string(),
        licenseType: z.enum(['exclusive', 'sole']),
        enterpriseUscc: z.string(),
        endDate: z.string().optional(),
      })
      .optional()
      .meta({
        description:
          'An exclusive (独占) or sole (排他) license recorded on the patent: no further license or open license until its end date',
      }),
    patenteeChange: z
      .object({
        dealId: z.string(),
        kind: z.enum(['assignment', 'equity']),
        enterpriseUscc: z.string(),
        effectiveDate: z.string().meta({ description: "The contract's effective date" }),
        registration: z.enum(['pending', 'registered']).optional().meta({
          description:
            'pending: the contract is recorded, the registration (转让登记) not yet: the patent is still the institution’s (专利法 art. 10: the assignment takes effect on registration). Absent on changes recorded before registrations were tracked',
        }),
        registeredOn: z.iso
          .date()
          .optional()
          .meta({ description: 'The registration date: the day the enterprise became the patentee' }),
      })
      .optional()
      .meta({
        description:
          'The assignment (转让) or equity contribution (作价入股) committing the patent to the enterprise: no further deal by the institution; it changes hands on registration',
      }),
    fiveYearJustification: fiveYearJustificationSchema.optional().meta({
      description:
        'Why a publicly funded patent granted over 5 years ago is not implemented (正当理由, Work Plan 二、（四）1), and the province review',
    }),
    version: z.number().int().positive().meta({ description: 'Incremented by every change' }),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
    sourceJobId: z.string().optional().meta({ description: 'The batch job that last wrote it, if any' }),
  })
  .meta({
    id: 'Patent',
    description: 'A patent, full view (the owning institution and the administrators of its scope)',
  });
export type Patent = z.infer<typeof patentSchema>;

export const publicPatentSchema = patentSchema
  .pick({
    applicationNumber: true,
    title: true,
    patentType: true,
    applicationDate: true,
    grantDate: true,
    grantPublicationNumber: true,
    legalStatus: true,
    maintenanceYears: true,
    annualFeeStatus: true,
    // Who holds the right: a license or assignment of a co-owned patent needs the co-owners' consent
    // (专利法 art. 14), so an enterprise sees them before it asks. The funded project stays private.
    patentees: true,
    coOwners: true,
    // Inventors only through toPublicPatent, when the institution publishes them (below).
    department: true,
    publiclyFunded: true,
    implementationStatus: true,
    conversionIntents: true,
    // What the institution asks (期望的转让价格或许可费用): an enterprise weighs a patent by its price.
    feeStandard: true,
    trl: true,
    selfAssessedValue: true,
    applicationScenarios: true,
    industrializationProspect: true,
    productsAndAdvantages: true,
    abstract: true,
    industryCode: true,
    strategicIndustries: true,
    classifications: true,
    incrementalStock: true,
    institutionUscc: true,
    provinceCode: true,
    poolStatus: true,
    lifecycle: true,
    tier: true,
    updatedAt: true,
  })
  .extend({
    institutionName: z.string().optional().meta({
      description: 'The owning institution, by name: the party an enterprise talks to',
      example: '郑州大学',
    }),
    inventors: z.array(z.string()).optional().meta({
      description:
        "The inventors' names (发明人), only when the institution publishes them (Institution.publishInventors); absent by default (personal data)",
    }),
    openLicense: openLicenseSchema.optional().meta({
      description:
        'The open license (开放许可) while it is active: its fee standard, payment method, term and contact; anyone may take it (POST /v1/patents/{applicationNumber}/open-license/take)',
    }),
  })
  .meta({
    id: 'PublicPatent',
    description:
      'An available patent as enterprises and experts see it: the institution and its fee standard, an active open license, the abstract; never contacts, amounts, intended partners or bookkeeping, nor inventors unless the institution publishes them',
  });
export type PublicPatent = z.infer<typeof publicPatentSchema>;

/** The fields of the public view, in declaration order. */
export const publicPatentFields = Object.keys(publicPatentSchema.shape) as Array<keyof PublicPatent>;

/** Fields of the public view that toPublicPatent decides itself instead of copying them as stored. */
const decidedFields: ReadonlySet<string> = new Set(['institutionName', 'inventors', 'openLicense']);
/** The public fields copied as stored (what a reader of the public view fetches, the pool export's columns). */
export const storedPublicFields = publicPatentFields.filter((field) => !decidedFields.has(field));

/** What the public view shows of the owning institution (functions/patents/publishers.ts reads it). */
export interface PatentPublisher {
  name: string;
  /** The institution publishes its inventors' names (default: no). */
  publishInventors?: boolean;
}

/**
 * The public view of a stored patent: the whitelisted fields that are present, the open license while
 * active, and with the publisher known its name and (when it publishes them) the inventors.
 */
export function toPublicPatent(
  patent: Readonly<Record<string, unknown>>,
  publisher?: PatentPublisher,
): PublicPatent {
  const view: Record<string, unknown> = {};
  for (const field of storedPublicFields) if (patent[field] !== undefined) view[field] = patent[field];
  const openLicense = patent.openLicense as OpenLicense | undefined;
  if (openLicense?.status === 'active') view.openLicense = publicOpenLicense(openLicense);
  if (publisher) {
    view.institutionName = publisher.name;
    const inventors = patent.inventors;
    if (publisher.publishInventors === true && Array.isArray(inventors) && inventors.length)
      view.inventors = inventors;
  }
  return view as PublicPatent;
}

/** The full view of a stored patent: everything but the storage attributes (schemas/storage.ts). */
export function toFullPatent(patent: Readonly<Record<string, unknown>>): Patent {
  const view = Object.fromEntries(
    Object.entries(patent).filter(([field]) => !isStorageAttribute(field) && !bookkeeping.has(field)),
  ) as Patent;
  // Every read of an open license goes through publicOpenLicense (schemas/open-license.ts).
  return view.openLicense ? { ...view, openLicense: publicOpenLicense(view.openLicense) } : view;
}

/** Kept on the item for the writers only: the hash of the last open-license declaration (its replay check). */
const bookkeeping = new Set(['openLicenseHash']);

export const patentViewSchema = z
  .union([patentSchema, publicPatentSchema])
  .meta({ id: 'PatentView', description: 'Full view, or the public view for enterprises and experts' });

export const patentPageSchema = z
  .object({
    items: z.array(patentViewSchema),
    nextCursor: z.string().optional().meta({
      description:
        'Pass as ?cursor= for the next page; absent on the last page. A page may hold fewer than `limit` items (even none) while nextCursor is present: each request reads a bounded share of the store, so keep following it.',
    }),
  })
  .meta({ id: 'PatentPage' });
export type PatentPage = z.infer<typeof patentPageSchema>;

export const patentParamsSchema = z.object({
  applicationNumber: z.string().min(1).max(40).meta({
    description: 'Application number; ZL / CN prefixes, spaces and full-width characters are accepted',
    example: '202010123456.2',
  }),
});

const patentListQueryShape = pageQuerySchema.extend({
  institution: usccSchema.optional().meta({
    description:
      "Institution (USCC). Institution users get their own; province admins: one of their province's",
  }),
  province: provinceCodeSchema.optional().meta({
    description: 'GB/T 2260 province code. Province admins get their own',
    example: '110000',
  }),
  poolStatus: z.enum(poolStatusValues).optional().meta({
    description: 'Enterprises and experts see the conversion pool only',
  }),
  reviewStatus: z.enum(reviewStatusValues).optional(),
  patentType: z.enum(patentTypeValues).optional(),
  trlMin: z.coerce.number().int().min(1).max(9).optional().meta({ description: 'Lowest TRL (1-9)' }),
  trlMax: z.coerce.number().int().min(1).max(9).optional().meta({ description: 'Highest TRL (1-9)' }),
  intent: z.enum(conversionIntentValues).optional().meta({ description: 'One conversion intent' }),
  industry: z.string().trim().min(1).max(5).optional().meta({
    description:
      'GB/T 4754-2017 code prefix: a section letter (C), division (39), group (391) or class (3911)',
    example: '39',
  }),
  strategicIndustry: z
    .string()
    .trim()
    .regex(/^\d(\.\d{1,2})?$/, 'must be a strategic emerging industry code such as 1 or 1.5')
    .optional()
    .meta({ description: 'Strategic emerging industry (2018) code prefix: 1 or 1.5', example: '1' }),
  grantedYear: z.coerce.number().int().min(1985).max(2100).optional().meta({ example: 2021 }),
}).shape;

/**
 * A parameter the listing does not know is refused, never ignored: `?q=电池` once answered an
 * unrelated page of patents as if it had searched. Text search is its own route (ranked, with
 * reasons); the listing is a filtered walk in a stable order with a cursor.
 */
function unknownListParameter(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const keys = issue.keys as string[];
  const known = Object.keys(patentListQueryShape).join(', ');
  if (keys.includes('q'))
    return `GET /v1/patents lists patents by filters and does not search text: search with GET /v1/search/patents?q=${'<words>'} (it takes industry, strategicIndustry, province, trlMin and trlMax too).${keys.length > 1 ? ` Unknown as well: ${keys.filter((k) => k !== 'q').join(', ')}.` : ''}`;
  return `unknown query parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')}: GET /v1/patents takes ${known}.`;
}

export const patentListQuerySchema = z
  .object(patentListQueryShape, { error: unknownListParameter })
  .strict()
  .meta({
    id: 'PatentListQuery',
    description:
      'Sorted by province, then institution, then application number (stable). Without province and institution, national admins, enterprises and experts walk the provinces in code order.',
  });
export type PatentListQuery = z.output<typeof patentListQuerySchema>;

export const coverageScopes = ['institution', 'province', 'ministry', 'national'] as const;
export type CoverageScope = (typeof coverageScopes)[number];

export const coverageQuerySchema = z
  .object({
    scope: z.enum(coverageScopes).optional().meta({
      description:
        "Defaults to the caller's own: institution users institution, province admins province, ministry admins ministry, national admins national",
    }),
    ministry: z.string().optional().meta({
      description:
        'For scope=ministry (national admins; ministry admins get their own): 教育部, 科技部, 工业和信息化部, 农业农村部, 国家卫生健康委 or 中国科学院',
    }),
    province: provinceCodeSchema.optional().meta({ description: 'For scope=province (national admins)' }),
    institution: usccSchema.optional().meta({ description: 'For scope=institution (admins)' }),
  })
  .meta({ id: 'CoverageQuery' });
export type CoverageQuery = z.output<typeof coverageQuerySchema>;

const coverageFigures = {
  total: z.number().int().nonnegative().meta({ description: 'Patents recorded' }),
  inventoried: z.number().int().nonnegative().meta({ description: 'Patents whose inventory is approved' }),
  inConversionPool: z.number().int().nonnegative().meta({ description: 'Patents in the conversion pool' }),
  coverage: z
    .number()
    .min(0)
    .max(1)
    .meta({ description: 'inventoried / total, 4 decimals; 0 while nothing is recorded' }),
};

export const coveragePartSchema = z
  .object({
    code: z.string().meta({
      description:
        'Institution USCC, province code, or supervision group (a ministry, local 地方所属, unassigned: none recorded)',
    }),
    ...coverageFigures,
  })
  .meta({ id: 'CoveragePart' });

export const coverageSchema = z
  .object({
    scope: z.enum(coverageScopes),
    institutionUscc: z.string().optional(),
    provinceCode: z.string().optional(),
    ministry: z.string().optional().meta({ description: 'scope=ministry: the supervising ministry' }),
    ...coverageFigures,
    asOf: z.iso.date().meta({ description: 'Today in China (Asia/Shanghai)' }),
    deadlines: z
      .array(
        z.object({
          date: z.iso.date(),
          target: z.number().min(0).max(1).meta({ description: 'Share of the stock to be inventoried' }),
          description: z.string(),
          passed: z.boolean().meta({ description: 'true once the day is over' }),
          met: z
            .boolean()
            .meta({ description: "Today's coverage reaches the target (false while total is 0)" }),
        }),
      )
      .meta({ description: 'Work Plan inventory deadlines for ordinary institutions' }),
    byInstitution: z
      .array(coveragePartSchema)
      .optional()
      .meta({ description: 'scope=province, scope=ministry' }),
    byProvince: z
      .array(coveragePartSchema)
      .optional()
      .meta({ description: 'scope=national, scope=ministry' }),
    bySupervision: z.array(coveragePartSchema).optional().meta({
      description:
        'scope=province and national: the institutions by supervising department (Work Plan 二、（一）2): each ministry, local (地方所属), unassigned (no department recorded yet)',
    }),
  })
  .meta({ id: 'InventoryCoverage' });
export type Coverage = z.infer<typeof coverageSchema>;

/**
 * GET /v1/institutions/{uscc}/co-owned-patents (issue 12, item 5): the patents other institutions
 * recorded that name this institution as a co-owner (共有专利权人), by its registered name.
 */
export const coOwnedPatentPageSchema = z
  .object({
    items: z.array(
      z.object({
        applicationNumber: z.string(),
        coOwnerName: z.string().meta({ description: 'Your institution as the patent names it' }),
        patent: publicPatentSchema
          .optional()
          .meta({ description: 'The public view of the patent (absent if it is no longer stored)' }),
      }),
    ),
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'CoOwnedPatentPage' });

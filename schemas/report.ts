/**
 * The quarterly report: what the renderers read (the report model, built from a scope's computed
 * figures), what the API answers (the list, one report with its figures and links), the run request
 * and the admins' report preferences. Quarter strings are validated by schemas/metrics.ts.
 */
import * as z from 'zod';
import { quarterFiguresSchema } from './metrics.ts';
import { rankingsSchema } from './rankings.ts';
import { answerKeySchema } from './storage.ts';
import { supervisingMinistries } from './supervision.ts';

/**
 * The scopes of a quarterly report: national, a province, and (issue 14) each supervising ministry's
 * institutions across provinces (Work Plan 二（一）2 责任分工: 教育部、科技部、工业和信息化部、农业农村部、国家卫生
 * 健康委、中国科学院 supervise their own institutions) plus `unassigned`: the institutions with no
 * supervising department recorded, reported there rather than dropped, for the national
 * administrators to assign.
 */
export const unassignedScope = 'unassigned';
export const ministryScopes = [...supervisingMinistries, unassignedScope] as const;
export type MinistryScope = (typeof ministryScopes)[number];
export const isMinistryScope = (scope: string): scope is MinistryScope =>
  (ministryScopes as readonly string[]).includes(scope);
export type ReportScopeKind = 'national' | 'province' | 'ministry';
export const reportScopeKind = (scope: string): ReportScopeKind =>
  scope === 'national' ? 'national' : isMinistryScope(scope) ? 'ministry' : 'province';

/** ASCII file names of the ministry scopes in the reports bucket (keys stay plain ASCII). */
const ministryFileNames: Record<MinistryScope, string> = {
  教育部: 'ministry-moe',
  科技部: 'ministry-most',
  工业和信息化部: 'ministry-miit',
  农业农村部: 'ministry-moa',
  国家卫生健康委: 'ministry-nhc',
  中国科学院: 'ministry-cas',
  unassigned: 'ministry-unassigned',
};
/** The file name of a scope's report files: the scope itself, a slug for a ministry. */
export const scopeFileName = (scope: string): string =>
  isMinistryScope(scope) ? ministryFileNames[scope] : scope;

/** 'national', a GB/T 2260 province code, a supervising ministry or 'unassigned'. */
export const reportScopeSchema = z
  .union([z.string().regex(/^(national|\d{6})$/), z.enum(ministryScopes)])
  .meta({
    description: `'national', a GB/T 2260 province code, a supervising ministry (${supervisingMinistries.join(', ')}) or 'unassigned' (institutions with no supervising department)`,
    example: '110000',
  });

export const metricFormats = ['count', 'ratio', 'money', 'days'] as const;
export type MetricFormat = (typeof metricFormats)[number];

export const reportColumnSchema = z.object({
  key: z.string(),
  label: z.string(),
  format: z.enum(metricFormats),
});
export type ReportColumn = z.infer<typeof reportColumnSchema>;

const value = z.number().nullable();

export const headlineFigureSchema = reportColumnSchema.extend({
  value,
  /** Change against the previous quarter (absolute; percentage points for ratios); null when unknown. */
  qoq: value,
  /** Change against the same quarter a year before. */
  yoy: value,
});
export type HeadlineFigure = z.infer<typeof headlineFigureSchema>;

export const complianceRowSchema = z.object({
  label: z.string(),
  dueDate: z.string(),
  /** Who the deadline binds (国家知识产权示范高校 ...). */
  category: z.string(),
  /** The figure judged, as a label. */
  measure: z.string(),
  /** The Work Plan clause, quoted. */
  clause: z.string(),
  /** The share to reach (0..1); null where the Work Plan names no number. */
  target: value,
  /** The value at `at` (0..1), null when the scope has no stock. */
  actual: value,
  /** The date the value is taken at, and whether from that date's snapshot or computed. */
  at: z.string(),
  basis: z.enum(['snapshot', 'computed']),
  /** met / behind / not judged (no number, category not recorded) / not due yet. */
  verdict: z.enum(['met', 'behind', 'not-judged', 'not-due']),
  /** Institutions of the scope below the target at the deadline. */
  institutionsBehind: z.number().int(),
  note: z.string().optional(),
});
export type ComplianceRow = z.infer<typeof complianceRowSchema>;

export const reportRowSchema = z.object({
  code: z.string(),
  name: z.string(),
  provinceCode: z.string().optional(),
  values: z.record(answerKeySchema, value),
});
export type ReportRow = z.infer<typeof reportRowSchema>;

/** A rate and its two parts: backed by a recorded transaction, and declared by the institution only. */
export const evidenceRowSchema = z.object({
  label: z.string(),
  total: value,
  evidenced: value,
  declared: value,
});
export type EvidenceRow = z.infer<typeof evidenceRowSchema>;

/** Everything a rendering needs, in the words of the reader (labels, formats, deltas). */
export const reportModelSchema = z.object({
  quarter: z.string(),
  scope: reportScopeSchema,
  scopeName: z.string(),
  generatedAt: z.string(),
  /** The quarter's first and last day (China). */
  period: z.object({ firstDay: z.string(), lastDay: z.string() }),
  /** false: the quarter is still running; the figures are those up to `cutOff`. */
  complete: z.boolean(),
  /** When the figures were computed (ISO); for a running quarter, the cut-off of its figures. */
  cutOff: z.string(),
  /** Implementation and industrialization rates split into evidenced and declared only. */
  evidence: z.array(evidenceRowSchema),
  /** How each metric is counted, with its source (schemas/metrics.ts), for the definitions sheet. */
  definitions: z.array(z.object({ label: z.string(), counting: z.string() })),
  /** False: nothing was recorded in this scope for this quarter; the report says so. */
  hasData: z.boolean(),
  /** The columns of the province and institution tables (a readable subset; the figures JSON has all). */
  columns: z.array(reportColumnSchema),
  headline: z.array(headlineFigureSchema),
  compliance: z.array(complianceRowSchema),
  provinces: z.array(reportRowSchema),
  institutions: z.array(reportRowSchema),
  ranking: z.object({
    key: z.string(),
    label: z.string(),
    top: z.array(reportRowSchema),
    bottom: z.array(reportRowSchema),
  }),
  anomalies: z.array(z.string()),
  /**
   * National report only: the Work Plan assessment indicators ranked by province and by ministry
   * (functions/metrics/rankings.ts), with their formulas and anomaly flags.
   */
  rankings: z.array(rankingsSchema).optional(),
  /** The two series of the chart: per province (national) or per institution (province). */
  chart: z.object({
    title: z.string(),
    categories: z.array(z.string()),
    series: z.array(z.object({ name: z.string(), values: z.array(z.number()) })),
  }),
});
export type ReportModel = z.infer<typeof reportModelSchema>;

// --- API -------------------------------------------------------------------------------------------

export const reportLinksSchema = z.object({
  html: z.url().meta({ description: 'Presigned GET link to the HTML report (15 minutes)' }),
  xlsx: z.url().meta({ description: 'Presigned GET link to the XLSX workbook (15 minutes)' }),
  png: z.url().meta({ description: 'Presigned GET link to the chart (15 minutes)' }),
});

export const reportSummarySchema = z
  .object({
    quarter: z.string().meta({ example: '2025Q4' }),
    scope: reportScopeSchema,
    scopeName: z.string(),
    generatedAt: z.iso.datetime(),
    hasData: z.boolean(),
    sentTo: z.number().int().meta({ description: 'Admins this scope was emailed to (all runs)' }),
  })
  .meta({ id: 'ReportSummary' });
export type ReportSummary = z.infer<typeof reportSummarySchema>;

export const reportPageSchema = z
  .object({ items: z.array(reportSummarySchema), nextCursor: z.string().optional() })
  .meta({ id: 'ReportPage' });

export const reportDetailSchema = reportSummarySchema
  .extend({
    figures: quarterFiguresSchema.nullable().meta({
      description: 'The computed figures of the scope (null if the stored file is missing)',
    }),
    links: reportLinksSchema,
  })
  .meta({ id: 'Report' });

export const reportQuerySchema = z.object({
  scope: reportScopeSchema.optional().meta({
    description:
      "National admins: 'national' (default), a province code, a ministry (教育部 ...) or 'unassigned'; province admins get their own province, ministry admins their own ministry (any other scope: 404)",
  }),
});

export const runReportSchema = z
  .object({
    resend: z.boolean().default(false).meta({
      description: 'Email the admins again even if this quarter was already sent to them',
    }),
  })
  .meta({ id: 'RunReport' });

export const reportRunStartedSchema = z
  .object({
    quarter: z.string(),
    resend: z.boolean(),
    executionArn: z.string().meta({ description: 'The quarterly-report workflow execution' }),
  })
  .meta({ id: 'ReportRunStarted' });

export const reportPreferencesSchema = z
  .object({
    reportsOptOut: z.boolean().meta({ description: 'true: no quarterly report emails to you' }),
  })
  .meta({ id: 'ReportPreferences' });
export type ReportPreferences = z.infer<typeof reportPreferencesSchema>;

/**
 * A patent as the inventory records it (the stored shape), apart from the row validation of
 * ./patent-row.ts: reading or answering a patent needs this schema, not the code tables that
 * validating a spreadsheet row needs (a lean bundle for every function that only reads patents).
 */
import * as z from 'zod';
import {
  annualFeeStatusValues,
  conversionIntentValues,
  implementationStatusValues,
  legalStatusValues,
  patentTypeValues,
  selfAssessedValueValues,
} from './template.ts';

/** The last day of the stock the Work Plan inventories; later grants are incremental stock. */
export const stockCutoffDate = '2023-12-31';
/** The Chinese patent system started on 1 April 1985. */
export const earliestPatentDate = '1985-04-01';

export const strategicIndustryAssignmentSchema = z.object({
  code: z.string().meta({ description: 'Strategic emerging industry code (2018), e.g. 1.5', example: '1.5' }),
  name: z.string().meta({ example: '人工智能' }),
  inferred: z
    .boolean()
    .meta({ description: 'true when inferred from the IPC codes, not given by the institution' }),
  via: z.string().optional().meta({
    description: 'For inferred ones: the CNIPA 2021 concordance pattern that matched',
    example: 'G06N3*',
  }),
});
export type StrategicIndustryAssignment = z.infer<typeof strategicIndustryAssignmentSchema>;

const text = (max: number) => z.string().min(1).max(max);

export const inventoryRecordSchema = z
  .object({
    applicationNumber: z
      .string()
      .regex(/^(\d{12}|\d{8})\.[\dX]$/)
      .meta({
        description: 'Normalized application number with verified check character',
        example: '202010123456.2',
      }),
    title: text(300).meta({ example: '一种基于深度学习的图像去噪方法' }),
    patentType: z.enum(patentTypeValues),
    applicationDate: z.iso.date(),
    grantDate: z.iso
      .date()
      .optional()
      .meta({ description: 'Absent only while the legal status is pending (审中)' }),
    grantPublicationNumber: z
      .string()
      .regex(/^CN\d{6,9}[BCUYSD]$/)
      .optional()
      .meta({
        description:
          "CNIPA's grant publication number (授权公告号): CN, digits, kind code B/U/S (C/Y/D before 2010)",
        example: 'CN112345678B',
      }),
    legalStatus: z.enum(legalStatusValues),
    maintenanceYears: z.number().int().min(1).max(20).optional().meta({
      description: 'Years the patent has been kept in force (维持年限), counted from the application date',
    }),
    annualFeeStatus: z.enum(annualFeeStatusValues).optional().meta({
      description:
        'Where the annual fee stands (年费缴纳状态): paid, due, late (the 6-month surcharge period), stopped',
    }),
    patentees: z.array(text(200)).optional().meta({
      description: 'Every patentee as the institution gave them (专利权人; the applicants while pending)',
    }),
    coOwners: z.array(text(200)).optional().meta({
      description:
        'Patentees other than the institution (共有专利权人): given, or the patentees not named as the institution. Their consent is needed to license or assign (Patent Law art. 14)',
    }),
    inventors: z
      .array(text(100))
      .meta({ description: 'Empty only when the uploaded file had no inventor column (发明人)' }),
    inventorShares: z
      .array(z.object({ name: text(100), sharePercent: z.number().positive().max(100) }))
      .optional()
      .meta({
        description:
          "Each inventor's contribution share in percent, summing to 100 (发明人贡献比例): how the inventors split their reward (促进科技成果转化法 art. 44-45). Institution-only",
      }),
    inventorStaffNumbers: z
      .array(
        z.object({
          name: text(100),
          staffNumber: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$/),
        }),
      )
      .optional()
      .meta({
        description:
          "The staff numbers of the institution's inventors (发明人工号), by name; inventors from outside have none. The inventors' rewards are summed per staff number where there is one. Institution-only",
      }),
    department: text(200),
    publiclyFunded: z.boolean().meta({ description: '是否属于财政资助科研项目形成专利' }),
    fundedProjectName: text(500)
      .optional()
      .meta({ description: 'The research project the patent came from (资助项目名称)' }),
    fundedProjectNumber: text(100)
      .optional()
      .meta({ description: "The project's approval number (项目编号)" }),
    fundingSource: text(200)
      .optional()
      .meta({ description: 'Who funded the project (资助来源), e.g. 国家自然科学基金' }),
    implementationStatus: z.enum(implementationStatusValues),
    implementationAmountWan: z
      .number()
      .nonnegative()
      .optional()
      .meta({ description: 'Implementation amount in units of 10,000 CNY (万元)' }),
    conversionIntents: z
      .array(z.enum(conversionIntentValues))
      .meta({ description: "Acceptable conversion methods; empty: not stated yet; ['none']: 暂无" }),
    feeStandard: text(500).optional(),
    trl: z.number().int().min(1).max(9).optional().meta({ description: 'Technology readiness level 1-9' }),
    selfAssessedValue: z.enum(selfAssessedValueValues).optional(),
    applicationScenarios: text(2000).optional(),
    industrializationProspect: text(2000).optional(),
    productsAndAdvantages: text(2000).optional(),
    abstract: text(1000).optional().meta({
      description: "The patent's abstract (说明书摘要), searched by GET /v1/search/patents",
    }),
    industryCode: z
      .string()
      .optional()
      .meta({ description: 'GB/T 4754-2017 national economic industry code', example: '3911' }),
    strategicIndustries: z.array(strategicIndustryAssignmentSchema),
    classifications: z
      .array(z.string())
      .min(1)
      .meta({
        description: 'IPC codes (inventions, utility models) or Locarno classes (designs)',
        example: ['G06T 5/00'],
      }),
    intendedPartners: text(500).optional(),
    contactName: text(100).optional(),
    contactInfo: text(200).optional(),
    incrementalStock: z
      .boolean()
      .meta({ description: `true when granted after ${stockCutoffDate} (joins the inventory as it comes)` }),
  })
  .meta({ id: 'InventoryRecord', description: 'A patent as recorded by the inventory template (base pool)' });
export type InventoryRecord = z.infer<typeof inventoryRecordSchema>;

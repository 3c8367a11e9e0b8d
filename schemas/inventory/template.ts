/**
 * THE standard inventory template (专利盘点模板), declared once, and `defineTemplate`, the header helpers
 * over any template's columns (the market templates of schemas/market-templates/ use it too). Its ordered columns drive header mapping
 * for CSV/XLSX uploads, row validation (patent-row.ts), the downloadable templates (with data-validation
 * lists for the enumerations) and the OpenAPI document. Headers may be given in Chinese or as the English
 * alias; allowed values in Chinese or English.
 */

export type ColumnType =
  | 'text'
  | 'date'
  | 'enum'
  | 'enumList'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'applicationNumber'
  | 'classification'
  | 'industry'
  | 'strategicIndustry'
  | 'uscc'
  | 'ipcPrefix';

/** One allowed value: what is stored (`value`), its Chinese form and English alias, other spellings. */
export interface EnumOption<V extends string = string> {
  value: V;
  zh: string;
  en: string;
  synonyms?: readonly string[];
}

export interface TemplateColumn {
  /** camelCase key of the stored record field the column fills. */
  key: string;
  /** Chinese header, as printed in the template. */
  zh: string;
  /** English alias header. */
  en: string;
  /** Other header spellings met in university spreadsheets (e.g. 专利号, 部门, 战新分类). */
  aliases?: readonly string[];
  type: ColumnType;
  /** The header must be present and the cell filled (授权日 may stay empty while 法律状态 is 审中). */
  required: boolean;
  /** Allowed Chinese values (English aliases and synonyms are accepted too, see `options`). */
  allowed?: readonly string[];
  options?: readonly EnumOption[];
  /** The cell holds several values separated by ； ; 、 , ， or line breaks. */
  multiple?: boolean;
  min?: number;
  max?: number;
  maxLength: number;
  example: string;
  help: { zh: string; en: string };
}

// ------------------------------------------------------------------------------------ enumerations

export const patentTypeValues = ['invention', 'utility-model', 'design'] as const;
export type PatentType = (typeof patentTypeValues)[number];
export const patentTypeOptions: readonly EnumOption<PatentType>[] = [
  {
    value: 'invention',
    zh: '发明',
    en: 'invention',
    synonyms: ['发明专利', '发明申请', 'invention patent', 'PCT发明'],
  },
  {
    value: 'utility-model',
    zh: '实用新型',
    en: 'utility model',
    synonyms: ['实用新型专利', '新型', 'utility-model', 'utility model patent', 'utility'],
  },
  {
    value: 'design',
    zh: '外观设计',
    en: 'design',
    synonyms: ['外观设计专利', '外观', '外观专利', 'design patent', 'industrial design'],
  },
];

export const legalStatusValues = [
  'valid',
  'pending',
  'terminated',
  'abandoned',
  'invalidated',
  'expired',
  'lapsed',
] as const;
export type LegalStatus = (typeof legalStatusValues)[number];
export const legalStatusOptions: readonly EnumOption<LegalStatus>[] = [
  {
    value: 'valid',
    zh: '有效',
    en: 'valid',
    synonyms: ['有权', '授权', '已授权', '专利权维持', '维持', '有效专利', 'in force', 'granted', 'active'],
  },
  {
    value: 'pending',
    zh: '审中',
    en: 'pending',
    synonyms: ['在审', '实审', '实质审查', '审查中', '申请中', '公开', '已公开', 'under examination'],
  },
  {
    value: 'terminated',
    zh: '权利终止',
    en: 'terminated',
    synonyms: ['未缴年费专利权终止', '未缴年费终止', '专利权终止', '终止', 'lapsed for non-payment'],
  },
  { value: 'abandoned', zh: '放弃', en: 'abandoned', synonyms: ['主动放弃', '视为放弃', '放弃专利权'] },
  {
    value: 'invalidated',
    zh: '无效',
    en: 'invalidated',
    synonyms: ['被宣告无效', '宣告无效', '全部无效', '专利权无效'],
  },
  { value: 'expired', zh: '届满', en: 'expired', synonyms: ['期限届满', '专利权届满'] },
  { value: 'lapsed', zh: '失效', en: 'lapsed', synonyms: ['其他失效'] },
];

export const implementationStatusValues = [
  'not-implemented',
  /** 已实施: implemented, the manner not given (counted as implemented; the row asks for the manner). */
  'implemented',
  'self-implemented',
  'licensed',
  'assigned',
  'equity',
  'industrialized',
] as const;
export type ImplementationStatus = (typeof implementationStatusValues)[number];
/** The statuses the implementation rate (实施率) counts as implemented: all but 未实施, 已实施 (manner not given) included. */
export const implementedStatuses: readonly ImplementationStatus[] = implementationStatusValues.filter(
  (status) => status !== 'not-implemented',
);
export const implementationStatusOptions: readonly EnumOption<ImplementationStatus>[] = [
  {
    value: 'not-implemented',
    zh: '未实施',
    en: 'not implemented',
    synonyms: ['not-implemented', '尚未实施', '没有实施', '未转化', '否', 'no'],
  },
  {
    value: 'implemented',
    zh: '已实施',
    en: 'implemented',
    synonyms: ['实施', '已转化', '是', 'yes'],
  },
  {
    value: 'self-implemented',
    zh: '自行实施',
    en: 'self-implemented',
    synonyms: ['self implemented', '自主实施', '自行应用', '自用'],
  },
  {
    value: 'licensed',
    zh: '许可实施',
    en: 'licensed',
    synonyms: ['已许可', '许可', '普通许可', '独占许可', '排他许可', '开放许可', '许可使用'],
  },
  { value: 'assigned', zh: '转让实施', en: 'assigned', synonyms: ['已转让', '转让'] },
  { value: 'equity', zh: '作价入股', en: 'equity', synonyms: ['作价投资', '已作价入股', '入股'] },
  { value: 'industrialized', zh: '产业化', en: 'industrialized', synonyms: ['已产业化', '产业化实施'] },
];

export const conversionIntentValues = [
  'assignment',
  'license',
  'equity',
  'self-application',
  'industrialization',
  'none',
] as const;
export type ConversionIntent = (typeof conversionIntentValues)[number];
export const conversionIntentOptions: readonly EnumOption<ConversionIntent>[] = [
  { value: 'assignment', zh: '转让', en: 'assignment', synonyms: ['assign'] },
  {
    value: 'license',
    zh: '许可',
    en: 'license',
    synonyms: ['licence', '普通许可', '独占许可', '排他许可', '开放许可'],
  },
  { value: 'equity', zh: '作价入股', en: 'equity', synonyms: ['作价投资'] },
  {
    value: 'self-application',
    zh: '自行应用',
    en: 'self-application',
    synonyms: ['self application', '自行实施'],
  },
  { value: 'industrialization', zh: '产业化', en: 'industrialization', synonyms: [] },
  { value: 'none', zh: '暂无', en: 'none', synonyms: ['无', '暂无意向', '暂不转化'] },
];

export const selfAssessedValueValues = ['high', 'fairly-high', 'medium', 'low'] as const;
export type SelfAssessedValue = (typeof selfAssessedValueValues)[number];
export const selfAssessedValueOptions: readonly EnumOption<SelfAssessedValue>[] = [
  { value: 'high', zh: '高', en: 'high', synonyms: ['高价值'] },
  { value: 'fairly-high', zh: '较高', en: 'fairly high', synonyms: ['fairly-high', '较高价值'] },
  { value: 'medium', zh: '一般', en: 'medium', synonyms: ['中', '中等'] },
  { value: 'low', zh: '较低', en: 'low', synonyms: ['低'] },
];

export const yesNoOptions: readonly EnumOption<'yes' | 'no'>[] = [
  { value: 'yes', zh: '是', en: 'yes', synonyms: ['y', 'true', '1', '√', '✓', '✔', '有', '对'] },
  { value: 'no', zh: '否', en: 'no', synonyms: ['n', 'false', '0', '×', '✗', '✘', '无', '不是'] },
];

/**
 * Where the annual fee (年费) stands. Patent Law art. 43: the patentee pays an annual fee from the year
 * of grant; Implementing Regulations (2023) art. 116: a fee not paid in time may be paid within 6 months
 * with a surcharge (滞纳期); after that the right ends (art. 44 (1)), which is the legal status 权利终止.
 */
export const annualFeeStatusValues = ['paid', 'due', 'late', 'stopped'] as const;
export type AnnualFeeStatus = (typeof annualFeeStatusValues)[number];
export const annualFeeStatusOptions: readonly EnumOption<AnnualFeeStatus>[] = [
  {
    value: 'paid',
    zh: '已缴纳',
    en: 'paid',
    synonyms: ['已缴', '已缴费', '正常', '正常缴费', '正常缴纳', '按期缴纳', '已交', '已交费', '缴费正常'],
  },
  {
    value: 'due',
    zh: '待缴纳',
    en: 'due',
    synonyms: ['待缴', '待缴费', '未缴', '未缴纳', '未缴费', '应缴', '应缴纳', '待交费', 'unpaid'],
  },
  {
    value: 'late',
    zh: '滞纳期',
    en: 'late',
    synonyms: ['滞纳', '滞纳期内', '滞纳金', '逾期未缴', '逾期', 'overdue', 'in grace period'],
  },
  {
    value: 'stopped',
    zh: '停止缴纳',
    en: 'stopped',
    synonyms: ['停缴', '不再缴纳', '放弃缴费', '拟放弃', '拟放弃缴费', '不缴', 'abandon'],
  },
];

const allowed = (options: readonly EnumOption[]) => options.map((option) => option.zh);

// ----------------------------------------------------------------------------------------- columns

const longText = 2000;
/** An abstract's text is at most 300 characters (专利法实施细则 2010, art. 23); room is left for formulas and notes. */
const abstractLength = 1000;

export const inventoryColumns: readonly TemplateColumn[] = [
  {
    key: 'applicationNumber',
    zh: '申请号',
    en: 'application_number',
    aliases: [
      '专利申请号',
      '专利号',
      'ZL号',
      '申请号/专利号',
      '专利申请号/专利号',
      '申请专利号',
      'applicationNumber',
      'application_no',
      'app_no',
      'patent_number',
      'patent_no',
      'patent_application_number',
      'sqh',
      'zlh',
    ],
    type: 'applicationNumber',
    required: true,
    maxLength: 40,
    example: '202010123456.2',
    help: {
      zh: '12 位数字加“.”和校验位，2003 年 10 月前的申请为 8 位；可带 CN 或 ZL 前缀。请将该列设为文本格式',
      en: '12 digits, a dot and the check character (8 digits before October 2003); a CN or ZL prefix is fine. Format the column as text',
    },
  },
  {
    key: 'title',
    zh: '专利名称',
    en: 'title',
    aliases: [
      '名称',
      '发明名称',
      '专利题名',
      '题名',
      '发明创造名称',
      '专利申请名称',
      'patent_title',
      'invention_title',
      'patent_name',
      'name_of_invention',
      'zlmc',
      'fmmc',
    ],
    type: 'text',
    required: true,
    maxLength: 300,
    example: '一种基于深度学习的图像去噪方法',
    help: { zh: '与专利证书一致', en: 'As on the patent certificate' },
  },
  {
    key: 'patentType',
    zh: '专利类型',
    en: 'patent_type',
    aliases: [
      '类型',
      '专利类别',
      '专利类型名称',
      '专利种类',
      '类别',
      'patentType',
      'type',
      'kind',
      'patent_kind',
      'zllx',
    ],
    type: 'enum',
    required: true,
    allowed: allowed(patentTypeOptions),
    options: patentTypeOptions,
    maxLength: 20,
    example: '发明',
    help: {
      zh: '发明、实用新型或外观设计，须与申请号第 5 位（类型位）一致',
      en: 'invention, utility model or design; must agree with the type digit of the application number',
    },
  },
  {
    key: 'applicationDate',
    zh: '申请日',
    en: 'application_date',
    aliases: [
      '申请日期',
      '专利申请日',
      '申请时间',
      'applicationDate',
      'filing_date',
      'date_of_application',
      'sqrq',
    ],
    type: 'date',
    required: true,
    maxLength: 30,
    example: '2020-03-18',
    help: {
      zh: '日期，写作 2020-03-18（2020/3/18、2020年3月18日 也可读取，保存时提示已转换）',
      en: 'A date written 2020-03-18 (2020/3/18 or 2020年3月18日 are read too, with a warning that they were converted)',
    },
  },
  {
    key: 'grantDate',
    zh: '授权日',
    en: 'grant_date',
    aliases: [
      '授权公告日',
      '授权日期',
      '授权公告日期',
      '授权时间',
      'grantDate',
      'date_of_grant',
      'issue_date',
    ],
    type: 'date',
    required: true,
    maxLength: 30,
    example: '2022-06-07',
    help: {
      zh: '不晚于今天、不早于申请日；2023 年 12 月 31 日之后授权的专利记为增量专利。法律状态为审中时留空',
      en: 'Not after today and not before the application date; grants after 2023-12-31 are marked incremental stock. Leave empty while the status is 审中 (pending)',
    },
  },
  {
    key: 'grantPublicationNumber',
    zh: '授权公告号',
    en: 'grant_publication_number',
    aliases: [
      '公告号',
      '授权公告号码',
      '授权公布号',
      '公开（公告）号',
      '公开公告号',
      'grantPublicationNumber',
      'publication_number',
      'grant_number',
    ],
    type: 'text',
    required: false,
    maxLength: 30,
    example: 'CN112345678B',
    help: {
      zh: '国家知识产权局的授权公告号：CN、数字和种类代码（发明 B、实用新型 U、外观设计 S，2010 年前为 C、Y、D），如 CN112345678B',
      en: "CNIPA's grant publication number: CN, digits and the kind code (invention B, utility model U, design S; before 2010 C, Y, D), e.g. CN112345678B",
    },
  },
  {
    key: 'legalStatus',
    zh: '法律状态',
    en: 'legal_status',
    aliases: ['当前法律状态', '专利状态', '法律状态信息', 'legalStatus', 'status', 'patent_status', 'flzt'],
    type: 'enum',
    required: true,
    allowed: allowed(legalStatusOptions),
    options: legalStatusOptions,
    maxLength: 20,
    example: '有效',
    help: {
      zh: '有效、审中、权利终止、放弃、无效、届满或失效',
      en: 'valid, pending, terminated, abandoned, invalidated, expired or lapsed',
    },
  },
  {
    key: 'maintenanceYears',
    zh: '维持年限',
    en: 'maintenance_years',
    aliases: [
      '维持年数',
      '已维持年限',
      '专利维持年限',
      '缴费年度',
      '年费年度',
      'maintenanceYears',
      'years_maintained',
    ],
    type: 'integer',
    required: false,
    min: 1,
    max: 20,
    maxLength: 20,
    example: '6',
    help: {
      zh: '专利已维持的年数（按申请日起算的年度，1 至 20；也可写 6年 或 第6年）',
      en: 'The years the patent has been kept in force, counted in years from the application date (1 to 20; 6年 or 第6年 are read too)',
    },
  },
  {
    key: 'annualFeeStatus',
    zh: '年费缴纳状态',
    en: 'annual_fee_status',
    aliases: [
      '年费状态',
      '缴费状态',
      '年费缴纳情况',
      '年费缴纳',
      '是否缴纳年费',
      'annualFeeStatus',
      'fee_status',
    ],
    type: 'enum',
    required: false,
    allowed: allowed(annualFeeStatusOptions),
    options: annualFeeStatusOptions,
    maxLength: 20,
    example: '已缴纳',
    help: {
      zh: '已缴纳、待缴纳、滞纳期（应缴期满后 6 个月内补缴）或停止缴纳（停缴后专利权终止）',
      en: 'paid, due, late (within the 6 months after the due date, with a surcharge) or stopped (the right ends when fees stop)',
    },
  },
  {
    key: 'patentees',
    zh: '专利权人',
    en: 'patentees',
    aliases: [
      '权利人',
      '专利权人（申请人）',
      '申请人',
      '申请（专利权）人',
      '申请人/专利权人',
      '当前专利权人',
      '当前权利人',
      'patentee',
      'assignee',
      'owner',
    ],
    type: 'text',
    multiple: true,
    required: false,
    maxLength: 1000,
    example: '某某大学；某某医疗科技有限公司',
    help: {
      zh: '全部专利权人（审中时为申请人），多个用“；”分隔；本单位以外的专利权人即共有人',
      en: 'Every patentee (the applicants while pending), separated by ；; patentees other than the institution are co-owners',
    },
  },
  {
    key: 'coOwners',
    zh: '共有专利权人',
    en: 'co_owners',
    aliases: [
      '共有权人',
      '共有人',
      '共同专利权人',
      '共同权利人',
      '共同申请人',
      '其他专利权人',
      'coOwners',
      'co_owner',
    ],
    type: 'text',
    multiple: true,
    required: false,
    maxLength: 1000,
    example: '某某医疗科技有限公司',
    help: {
      zh: '与本单位共有该专利的单位或个人，多个用“；”分隔。共有专利的许可、转让须经共有人同意（专利法第十四条）',
      en: 'Organizations or persons owning the patent together with the institution, separated by ；. Licensing or assigning a co-owned patent needs their consent (Patent Law art. 14)',
    },
  },
  {
    key: 'inventors',
    zh: '发明人',
    en: 'inventors',
    aliases: [
      '发明人（设计人）',
      '设计人',
      '发明人/设计人',
      '全部发明人',
      '发明人姓名',
      'inventor',
      'inventor_names',
      'fmr',
    ],
    type: 'text',
    multiple: true,
    required: true,
    maxLength: 1000,
    example: '张三；李四',
    help: {
      zh: '多人用“；”或“、”分隔；可在姓名后注明贡献比例，如 张三（60%）；李四（40%）',
      en: 'Several names separated by ； or 、; a contribution share may follow each name, e.g. 张三（60%）；李四（40%）',
    },
  },
  // The inventors' contribution shares: how they split the reward the institution's rule gives them
  // (促进科技成果转化法 art. 44-45; the Work Plan's 激励 of inventors). Institution-only.
  {
    key: 'inventorShares',
    zh: '发明人贡献比例',
    en: 'inventor_shares',
    aliases: [
      '贡献比例',
      '贡献率',
      '发明人贡献率',
      '发明人贡献',
      '贡献度',
      'inventorShares',
      'contribution_shares',
    ],
    type: 'text',
    multiple: true,
    required: false,
    maxLength: 500,
    example: '60%；40%',
    help: {
      zh: '按发明人的顺序填写各自的贡献比例，合计 100%，如 60%；40%（也可写在发明人姓名后）',
      en: "Each inventor's contribution share in the order of the inventors, summing to 100%, e.g. 60%；40% (or after each name in the inventors column)",
    },
  },
  // The inventors' staff numbers (工号): an inventor is then a person of the institution's personnel
  // records, not a name, so two inventors of one name are rewarded apart and the reward reaches the
  // right payroll line (促进科技成果转化法 art. 45: the institution pays the reward to its researchers).
  // Institution-only, like the shares.
  {
    key: 'inventorStaffNumbers',
    zh: '发明人工号',
    en: 'inventor_staff_numbers',
    aliases: [
      '工号',
      '第一发明人工号',
      '发明人工号（职工号）',
      '职工号',
      '教工号',
      '人事编号',
      '发明人职工号',
      '发明人编号',
      'inventorStaffNumbers',
      'staff_numbers',
      'employee_numbers',
      'employee_ids',
    ],
    type: 'text',
    multiple: true,
    required: false,
    maxLength: 1000,
    example: '20080123；20150456',
    help: {
      zh: '按发明人的顺序填写各自的工号，用“；”分隔；校外发明人写“无”，如 20080123；无',
      en: "Each inventor's staff number in the order of the inventors, separated by ；; write 无 for an inventor from outside, e.g. 20080123；无",
    },
  },
  {
    key: 'department',
    zh: '所属院系',
    en: 'department',
    aliases: [
      '第一发明人所在单位',
      '第一发明人所在院系',
      '第一发明人单位',
      '部门',
      '院系',
      '所属单位',
      '所属部门',
      '所在院系',
      '所在单位',
      '所属学院',
      '学院',
      '二级单位',
      'school',
      'college',
      'faculty',
      'ssyx',
    ],
    type: 'text',
    required: true,
    maxLength: 200,
    example: '计算机科学与技术学院',
    help: { zh: '专利所属的学院或部门', en: 'The school or department the patent belongs to' },
  },
  {
    key: 'publiclyFunded',
    zh: '是否属于财政资助科研项目形成专利',
    en: 'publicly_funded',
    aliases: [
      '是否财政资助',
      '财政资助',
      '是否为财政资助科研项目形成专利',
      '是否财政资助项目',
      '是否属于财政资助项目',
      'publiclyFunded',
      'public_funding',
      'government_funded',
    ],
    type: 'boolean',
    required: true,
    allowed: allowed(yesNoOptions),
    options: yesNoOptions,
    maxLength: 10,
    example: '是',
    help: {
      zh: '是或否。财政资助项目形成、授权满 5 年且无正当理由未实施的专利，国家可无偿实施',
      en: 'yes or no. Publicly funded patents granted over 5 years ago and never implemented without good reason may be implemented by the state free of charge',
    },
  },
  // The funded project (Work Plan 二、（四）1, 财政资助科研项目形成的专利声明制度: "应在提交专利申请时对
  // 依托的项目信息进行声明"): the facts the 5-year rule (授权超过5年没有实施且无正当理由) is judged on.
  {
    key: 'fundedProjectName',
    zh: '资助项目名称',
    en: 'funded_project_name',
    aliases: [
      '项目名称',
      '依托项目',
      '依托项目名称',
      '来源项目',
      '来源项目名称',
      '科研项目名称',
      'fundedProjectName',
      'project_name',
    ],
    type: 'text',
    required: false,
    maxLength: 500,
    example: '高分辨率医学影像重建关键技术研究',
    help: {
      zh: '形成该专利的科研项目名称（财政资助项目请填写）',
      en: 'The research project the patent came from (fill in for publicly funded projects)',
    },
  },
  {
    key: 'fundedProjectNumber',
    zh: '项目编号',
    en: 'funded_project_number',
    aliases: [
      '资助项目编号',
      '项目批准号',
      '项目号',
      '课题编号',
      '批准号',
      'fundedProjectNumber',
      'project_number',
      'grant_id',
    ],
    type: 'text',
    required: false,
    maxLength: 100,
    example: '62071234',
    help: { zh: '项目的批准号或编号', en: "The project's approval or reference number" },
  },
  {
    key: 'fundingSource',
    zh: '资助来源',
    en: 'funding_source',
    aliases: [
      '项目来源',
      '资助机构',
      '资助单位',
      '项目类别',
      '经费来源',
      '项目资助来源',
      'fundingSource',
      'funder',
    ],
    type: 'text',
    required: false,
    maxLength: 200,
    example: '国家自然科学基金',
    help: {
      zh: '资助项目的来源或资助机构，如国家自然科学基金、国家重点研发计划、省科技厅',
      en: 'Where the project money came from, e.g. 国家自然科学基金 (NSFC), 国家重点研发计划, a provincial science department',
    },
  },
  {
    key: 'implementationStatus',
    zh: '实施状态',
    en: 'implementation_status',
    aliases: [
      '实施情况',
      '是否实施',
      '实施现状',
      '转化实施情况',
      '实施与转化情况',
      'implementationStatus',
      'implementation',
      'sszt',
      'ssqk',
    ],
    type: 'enum',
    required: true,
    allowed: allowed(implementationStatusOptions),
    options: implementationStatusOptions,
    maxLength: 20,
    example: '许可实施',
    help: {
      zh: '未实施、已实施（方式未定）、自行实施、许可实施、转让实施、作价入股或产业化；已实施时请写明方式',
      en: 'not implemented, implemented (manner not given), self-implemented, licensed, assigned, equity or industrialized; when implemented, give the manner',
    },
  },
  {
    key: 'implementationAmountWan',
    zh: '实施金额（万元）',
    en: 'implementation_amount_10k_cny',
    aliases: [
      '实施金额',
      '转化金额（万元）',
      '合同金额（万元）',
      '实施金额（元）',
      'implementation_amount',
      'amount',
    ],
    type: 'decimal',
    required: false,
    min: 0,
    maxLength: 30,
    example: '50',
    help: {
      zh: '已实施时填写，单位万元，不小于 0',
      en: 'When implemented: the amount in units of 10,000 CNY, not negative',
    },
  },
  {
    key: 'conversionIntents',
    zh: '转化意愿',
    en: 'conversion_intent',
    aliases: [
      '转化方式意向',
      '转化方式',
      '可接受的转化方式',
      '转化意向',
      '意向转化方式',
      '拟转化方式',
      'conversionIntents',
      'conversion_intents',
      'conversion_method',
    ],
    type: 'enumList',
    multiple: true,
    required: false,
    allowed: allowed(conversionIntentOptions),
    options: conversionIntentOptions,
    maxLength: 100,
    example: '转让；许可',
    help: {
      zh: '可多选（转让、许可、作价入股、自行应用、产业化），用“；”分隔；“暂无”不能与其他值同选',
      en: 'One or more of assignment, license, equity, self-application, industrialization, separated by ；; "暂无" (none) stands alone',
    },
  },
  {
    key: 'feeStandard',
    zh: '费用标准',
    en: 'fee_standard',
    aliases: ['价格', '转化价格', '许可费用标准', 'feeStandard'],
    type: 'text',
    required: false,
    maxLength: 500,
    example: '许可费 30 万元，另按销售额 1% 提成',
    help: {
      zh: '期望的转让价格或许可费用及支付方式',
      en: 'Expected price or license fee and how it is paid',
    },
  },
  {
    key: 'trl',
    zh: '技术成熟度',
    en: 'trl',
    aliases: [
      '技术成熟度（TRL）',
      '技术就绪度',
      '技术就绪水平',
      '技术成熟度等级',
      'TRL',
      'technology_readiness_level',
      'technology_readiness',
      'jscsd',
    ],
    type: 'integer',
    required: false,
    min: 1,
    max: 9,
    maxLength: 10,
    example: '5',
    help: { zh: '1 至 9 的整数（TRL）', en: 'An integer from 1 to 9 (technology readiness level)' },
  },
  {
    key: 'selfAssessedValue',
    zh: '专利价值分级自评',
    en: 'self_assessed_value',
    aliases: ['价值分级', '专利价值自评', '价值自评', 'selfAssessedValue'],
    type: 'enum',
    required: false,
    allowed: allowed(selfAssessedValueOptions),
    options: selfAssessedValueOptions,
    maxLength: 20,
    example: '较高',
    help: { zh: '高、较高、一般或较低', en: 'high, fairly high, medium or low' },
  },
  {
    key: 'applicationScenarios',
    zh: '应用场景',
    en: 'application_scenarios',
    aliases: [
      '应用领域',
      '应用范围',
      '适用领域',
      '适用范围',
      'applicationScenarios',
      'application_field',
      'application_areas',
    ],
    type: 'text',
    required: false,
    maxLength: longText,
    example: '医学影像设备的图像增强',
    help: { zh: '可应用的产品、行业或场景', en: 'Products, industries or settings where it applies' },
  },
  {
    key: 'industrializationProspect',
    zh: '产业化前景',
    en: 'industrialization_prospect',
    aliases: ['产业化前景描述', 'industrializationProspect'],
    type: 'text',
    required: false,
    maxLength: longText,
    example: '已有两家企业试用，市场规模约 10 亿元',
    help: { zh: '市场、成本和产业化条件', en: 'Market, cost and conditions for industrialization' },
  },
  {
    key: 'productsAndAdvantages',
    zh: '对应产品与技术优势',
    en: 'products_and_advantages',
    aliases: ['对应产品/技术优势/性能指标', '对应产品', '技术优势', 'productsAndAdvantages'],
    type: 'text',
    required: false,
    maxLength: longText,
    example: '降噪后峰值信噪比提高 3 dB，处理速度为同类方法的 2 倍',
    help: {
      zh: '对应的产品、相对现有技术的优势和性能指标',
      en: 'Corresponding products, advantages over existing technology and performance figures',
    },
  },
  {
    key: 'abstract',
    zh: '摘要',
    en: 'abstract',
    aliases: ['专利摘要', '摘要内容', '说明书摘要', '技术摘要', 'patent_abstract', 'summary'],
    type: 'text',
    required: false,
    maxLength: abstractLength,
    example:
      '本发明公开了一种基于深度学习的图像去噪方法，先估计噪声水平，再以卷积神经网络分块去噪，在低照度下保留细节。',
    help: {
      zh: '专利说明书摘要（可照录公告文本），企业检索时按其中的词语查找',
      en: "The patent's abstract (as published); enterprises' searches look at its words",
    },
  },
  {
    key: 'industryCode',
    zh: '国民经济行业分类',
    en: 'industry_code',
    aliases: ['行业分类', '国民经济行业分类代码', 'industryCode'],
    type: 'industry',
    required: false,
    maxLength: 100,
    example: 'C3911',
    help: {
      zh: 'GB/T 4754-2017 代码（门类字母可省略），如 C3911 或 3911，可附名称',
      en: 'A GB/T 4754-2017 code (section letter optional) such as C3911 or 3911, optionally followed by its name',
    },
  },
  {
    key: 'strategicIndustries',
    zh: '战略性新兴产业分类',
    en: 'strategic_industry',
    aliases: ['战新分类', '战略性新兴产业', 'strategicIndustry', 'strategicIndustries'],
    type: 'strategicIndustry',
    multiple: true,
    required: false,
    maxLength: 200,
    example: '1.5 人工智能',
    help: {
      zh: '战略性新兴产业分类（2018）代码或名称，如 1.5 或 人工智能；留空时按 IPC 分类号推断',
      en: 'Code or name from the 2018 strategic emerging industry classification, e.g. 1.5 or 人工智能; inferred from the IPC codes when empty',
    },
  },
  {
    key: 'classifications',
    zh: 'IPC/洛迦诺分类',
    en: 'classification',
    aliases: [
      'IPC',
      'IPC主分类号',
      'IPC分类号',
      '国际专利分类号',
      '主分类',
      'IPC分类',
      '分类号',
      '主分类号',
      '洛迦诺分类',
      'ipc_codes',
      'ipc_classification',
      'main_ipc',
      'classifications',
    ],
    type: 'classification',
    multiple: true,
    required: true,
    maxLength: 500,
    example: 'G06T 5/00；G06N 3/08',
    help: {
      zh: '发明和实用新型填 IPC 分类号（如 H01S 3/00），外观设计填洛迦诺分类号（如 06-04）；多个用“；”分隔',
      en: 'IPC codes (e.g. H01S 3/00) for inventions and utility models, Locarno classes (e.g. 06-04) for designs; several separated by ；',
    },
  },
  {
    key: 'intendedPartners',
    zh: '意向合作企业',
    en: 'intended_partners',
    aliases: ['意向企业', 'intendedPartners'],
    type: 'text',
    required: false,
    maxLength: 500,
    example: '某某医疗科技有限公司',
    help: { zh: '已有合作意向的企业', en: 'Enterprises already interested in cooperating' },
  },
  {
    key: 'contactName',
    zh: '联系人',
    en: 'contact_name',
    aliases: ['contactName'],
    type: 'text',
    required: false,
    maxLength: 100,
    example: '王老师',
    help: { zh: '转化联系人', en: 'Contact person for the transfer' },
  },
  {
    key: 'contactInfo',
    zh: '联系方式',
    en: 'contact_info',
    aliases: ['联系电话', '电话', '邮箱', 'contactInfo', 'email', 'phone'],
    type: 'text',
    required: false,
    maxLength: 200,
    example: '010-62780000',
    help: { zh: '电话或电子邮箱', en: 'Phone number or e-mail address' },
  },
];

// ---------------------------------------------------------------------------------- header lookup

/** Trimmed, lower case, ASCII (full-width folded), no spaces, no BOM, no '*' required markers. */
/** A message part in both languages. */
export interface Wording {
  zh: string;
  en: string;
}

/** The options of an enumerated column, listed for a message. */
export const allowedWording = (options: readonly EnumOption[]): Wording => ({
  zh: options.map((option) => option.zh).join('、'),
  en: options.map((option) => `${option.zh} (${option.en})`).join(', '),
});

const reportValueLength = 200;
const messageValueLength = 60;
const cut = (value: string, max: number) => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);

/**
 * One problem of one cell as the error report shows it, for every template: row, column, the value
 * (cut), a code, and a message in zh and en saying what is wrong and what to do.
 */
export function describeCellIssue<C extends string>(
  row: number,
  column: TemplateColumn,
  value: string,
  code: C,
  problem: Wording,
  fix: Wording,
) {
  const shown = cut(value, messageValueLength);
  // TOO_LONG states the length itself.
  const noted = value.length > messageValueLength && code !== 'TOO_LONG';
  const lengthNote = noted ? `（共 ${value.length} 字）` : '';
  const lengthNoteEn = noted ? ` (${value.length} characters)` : '';
  const zhSubject = value === '' ? `「${column.zh}」` : `「${column.zh}」的值「${shown}」${lengthNote}`;
  const enSubject = value === '' ? '' : ` value "${shown}"${lengthNoteEn}`;
  return {
    row,
    column: column.zh,
    value: cut(value, reportValueLength),
    code,
    messageZh: `第 ${row} 行${zhSubject}${problem.zh}：${fix.zh}`,
    messageEn: `Row ${row}, column ${column.zh} (${column.en}):${enSubject} ${problem.en}; ${fix.en}`,
  };
}

/** The two checks every template cell gets, worded once: too long, and required but empty (zh + en). */
export const cellChecks = {
  tooLong: (column: TemplateColumn, value: string) =>
    [
      'TOO_LONG',
      {
        zh: `过长（${value.length} 字，上限 ${column.maxLength} 字）`,
        en: `is too long (${value.length} characters, the limit is ${column.maxLength})`,
      },
      {
        zh: `请缩短到 ${column.maxLength} 字以内`,
        en: `shorten it to at most ${column.maxLength} characters`,
      },
    ] as const,
  required: (column: TemplateColumn) =>
    [
      'REQUIRED',
      { zh: '未填写', en: 'is empty' },
      {
        zh: `此列为必填项，请填写（${column.help.zh}）`,
        en: `this column is required (${column.help.en})`,
      },
    ] as const,
};

/** Trimmed, lower case, NFKC (full-width folded to ASCII), no spaces, no BOM, no '*' required markers. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/[\s\u00a0\u200b\ufeff]+/g, '')
    .replace(/^[*※★]+|[*※★]+$/g, '')
    .toLowerCase();
}

/**
 * The looser form headers are matched by (docs/intake.md): `normalizeHeader`, then without what
 * brackets hold (技术成熟度（TRL）, 申请号（必填）), without a note after a colon (申请号：请设为文本),
 * without 的/之, and without the separators of English headers (Application No. = applicationno).
 */
export function looseHeader(header: string): string {
  const normalized = normalizeHeader(header);
  // Most headers hold none of what is dropped below: skip the regular expressions.
  if (!/[()[\]【】〔〕<>《》:：的之_\-.·/\\#'"“”‘’*※★]/.test(normalized)) return normalized;
  const loose = normalized
    .replace(/\([^()]*\)|\[[^[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>|《|》/g, '')
    .replace(/(.)[:：].*$/, '$1')
    .replace(/[的之]/g, '')
    .replace(/[_\-.·/\\#'"“”‘’]/g, '')
    .replace(/^[*※★]+|[*※★]+$/g, '');
  return loose === '' ? normalized : loose;
}

/** A trailing note word (申请号注, 实施情况说明): matched as the header before it, ranked after exact matches. */
const trailingNote = /(?:注|说明|备注)$/;

/** The column a header names and how directly: 0 template header, 1 synonym, 2 synonym once a trailing note word is dropped. */
export interface HeaderMatch {
  column: TemplateColumn;
  rank: 0 | 1 | 2;
}

/** A header of the file that names no column but looks like one: proposed, never mapped. */
export interface HeaderProposal {
  header: string;
  column: TemplateColumn;
  /** The spelling it resembles. */
  like: string;
}

/** How a file's header row is read (see `Template.resolveHeaders`). */
export interface HeaderResolution {
  /** Per column of the file: the template column it fills, undefined when ignored. */
  columns: Array<TemplateColumn | undefined>;
  /** Non-empty headers that name no column (ignored), in file order. */
  unknown: string[];
  /** Unknown headers that resemble a column (at most `maxListedHeaders`). */
  proposals: HeaderProposal[];
  /** Columns named by several headers: the one used, the ones ignored. */
  duplicates: Array<{ column: TemplateColumn; used: string; ignored: string[] }>;
  /** Template columns no header names. */
  missing: TemplateColumn[];
}

/** Restricted Damerau-Levenshtein (optimal string alignment) distance. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0]![j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * How much an unknown header looks like a known spelling (both loose forms), 0-1: one holding the
 * other (2 characters at least), else 1 - edit distance / length.
 */
export function headerSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const shorter = Math.min(a.length, b.length);
  if (shorter >= 2 && (a.includes(b) || b.includes(a))) return 0.8;
  if (shorter < 3) return 0;
  return 1 - editDistance(a, b) / Math.max(a.length, b.length);
}

/** Below this similarity an unknown header is only listed as ignored. */
export const proposalThreshold = 0.75;
/** Only so many unknown headers, each so long at most, are compared (a hostile row has a million). */
const maxComparedHeaders = 200;
const maxComparedLength = 40;

export interface HeaderIssue {
  code: 'MISSING_HEADERS' | 'UNKNOWN_HEADERS' | 'DUPLICATE_HEADERS';
  /** The headers concerned: Chinese template headers for missing ones, the file's own for the others. */
  headers: string[];
  messageZh: string;
  messageEn: string;
}

/** A template's header helpers over its own columns (see `defineTemplate`). */
export interface Template {
  /** How messages name it: 标准盘点模板 / the standard inventory template. */
  name: { zh: string; en: string };
  columns: readonly TemplateColumn[];
  /** The column a header names: Chinese header, English alias, key or another accepted spelling. */
  columnByHeader(header: string): TemplateColumn | undefined;
  columnByKey(key: string): TemplateColumn | undefined;
  /** Required template columns that no header of the file names. */
  missingRequiredHeaders(headers: readonly string[]): HeaderIssue | undefined;
  /** Headers of the file that are not template columns (blank headers are ignored). */
  unknownHeaders(headers: readonly string[]): HeaderIssue | undefined;
  /** Template columns named by more than one header of the file (e.g. both 申请号 and application_number). */
  duplicateHeaders(headers: readonly string[]): HeaderIssue | undefined;
  /** As `columnByHeader`, with how directly the header names it. */
  matchHeader(header: string): HeaderMatch | undefined;
  /** A column an unknown header resembles, to propose (never to map). */
  proposeColumn(header: string): { column: TemplateColumn; like: string } | undefined;
  /**
   * Reads a file's header row without refusing it: each column mapped or ignored, the unknown ones
   * (with proposals), the duplicates (the most direct match is used, then the leftmost), the missing ones.
   */
  resolveHeaders(headers: readonly string[]): HeaderResolution;
  /** Maps a file's headers to template columns, with every header problem found. */
  mapHeaders(headers: readonly string[]): {
    columns: Array<TemplateColumn | undefined>;
    issues: HeaderIssue[];
  };
}

const expectedList = (columns: readonly TemplateColumn[]) =>
  columns.map((column) => `${column.zh} (${column.en})`).join(', ');
const expectedListZh = (columns: readonly TemplateColumn[]) => columns.map((column) => column.zh).join('、');

/**
 * The header helpers of one template (inventory, enterprises, evaluations), over its ordered columns.
 * Throws at load time when two columns claim the same header spelling.
 */
export function defineTemplate(
  name: { zh: string; en: string },
  columns: readonly TemplateColumn[],
): Template {
  /** Loose header spelling -> column, and whether it is the column's own header (zh, en or key). */
  const columnsByHeader = new Map<string, { column: TemplateColumn; canonical: boolean }>();
  for (const column of columns) {
    const own = [column.zh, column.en, column.key];
    for (const header of [...own, ...(column.aliases ?? [])]) {
      const loose = looseHeader(header);
      const existing = columnsByHeader.get(loose);
      if (existing && existing.column !== column) {
        throw new Error(`template header "${header}" is claimed by ${existing.column.key} and ${column.key}`);
      }
      if (!existing?.canonical) columnsByHeader.set(loose, { column, canonical: own.includes(header) });
    }
  }
  const spellings = [...columnsByHeader.entries()];

  /** Files repeat their headers on every row: remember the answers (bounded, headers are few). */
  const headerCache = new Map<string, HeaderMatch | null>();

  function matchHeader(header: string): HeaderMatch | undefined {
    const cached = headerCache.get(header);
    if (cached !== undefined) return cached ?? undefined;
    const loose = looseHeader(header);
    const direct = columnsByHeader.get(loose);
    let match: HeaderMatch | undefined = direct && { column: direct.column, rank: direct.canonical ? 0 : 1 };
    if (!match && trailingNote.test(loose)) {
      const stripped = columnsByHeader.get(loose.replace(trailingNote, ''));
      if (stripped && loose.replace(trailingNote, '').length >= 2)
        match = { column: stripped.column, rank: 2 };
    }
    if (!match) match = mixedMatch(loose);
    if (headerCache.size < 1000) headerCache.set(header, match ?? null);
    return match;
  }

  /**
   * A bilingual header (申请号 Application No., 技术成熟度TRL): its Chinese and its Latin part, each
   * looked up; one naming a column and the other naming none or the same column.
   */
  function mixedMatch(loose: string): HeaderMatch | undefined {
    const chinese = loose.replace(/[a-z0-9]+/g, '');
    const latin = loose.replace(/[^a-z0-9]/g, '');
    if (chinese.length < 2 || latin.length < 2) return undefined;
    const a = columnsByHeader.get(chinese)?.column;
    const b = columnsByHeader.get(latin)?.column;
    if (a && b && a !== b) return undefined;
    const column = a ?? b;
    return column && { column, rank: 1 };
  }

  function columnByHeader(header: string): TemplateColumn | undefined {
    return matchHeader(header)?.column;
  }

  function proposeColumn(header: string): { column: TemplateColumn; like: string } | undefined {
    const loose = looseHeader(header);
    if (loose.length < 2 || loose.length > maxComparedLength) return undefined;
    let best: { column: TemplateColumn; like: string; score: number } | undefined;
    for (const [spelling, { column }] of spellings) {
      const score = headerSimilarity(loose, spelling);
      if (score >= proposalThreshold && (!best || score > best.score))
        best = { column, like: spelling, score };
    }
    if (!best) return undefined;
    // Name the column by its own header, and the spelling it resembles as written in the template.
    const like =
      [best.column.zh, best.column.en, ...(best.column.aliases ?? [])].find(
        (name) => looseHeader(name) === best.like,
      ) ?? best.column.zh;
    return { column: best.column, like };
  }

  function resolveHeaders(headers: readonly string[]): HeaderResolution {
    const blank = headers.map((header) => normalizeHeader(header) === '');
    const matches = headers.map((header, i) => (blank[i] ? undefined : matchHeader(header)));
    const chosen = new Map<TemplateColumn, number>();
    const named = new Map<TemplateColumn, number[]>();
    matches.forEach((match, i) => {
      if (!match) return;
      const indices = named.get(match.column);
      if (indices) indices.push(i);
      else named.set(match.column, [i]);
      const current = chosen.get(match.column);
      if (current === undefined || match.rank < matches[current]!.rank) chosen.set(match.column, i);
    });
    const resolved: Array<TemplateColumn | undefined> = headers.map(() => undefined);
    for (const [column, i] of chosen) resolved[i] = column;
    const duplicates: Array<HeaderResolution['duplicates'][number] & { at: number }> = [];
    for (const [column, used] of chosen) {
      const ignored = named
        .get(column)!
        .filter((i) => i !== used)
        .map((i) => headers[i]!);
      if (ignored.length) duplicates.push({ column, used: headers[used]!, ignored, at: used });
    }
    duplicates.sort((a, b) => a.at - b.at);
    const unknown = headers.filter((_, i) => matches[i] === undefined && !blank[i]);
    const proposals: HeaderProposal[] = [];
    for (const header of unknown.slice(0, maxComparedHeaders)) {
      if (proposals.length >= maxListedHeaders) break;
      const proposal = proposeColumn(header);
      // A column the file already gives is not proposed again (实施情况说明 next to 实施情况).
      if (proposal && !chosen.has(proposal.column)) proposals.push({ header, ...proposal });
    }
    return {
      columns: resolved,
      unknown,
      proposals,
      duplicates: duplicates.map(({ at: _, ...duplicate }) => duplicate),
      missing: columns.filter((column) => !chosen.has(column)),
    };
  }

  const byKey = new Map(columns.map((column) => [column.key, column]));
  const requiredColumns = columns.filter((column) => column.required);

  function missingRequiredHeaders(headers: readonly string[]): HeaderIssue | undefined {
    const present = new Set(headers.map(columnByHeader));
    const missing = requiredColumns.filter((column) => !present.has(column));
    if (missing.length === 0) return undefined;
    return {
      code: 'MISSING_HEADERS',
      headers: missing.map((column) => column.zh),
      messageZh: `缺少必填列：${expectedListZh(missing)}。必填列为：${expectedListZh(requiredColumns)}；全部列为：${expectedListZh(columns)}。请下载${name.zh}核对表头`,
      messageEn: `Missing required columns: ${expectedList(missing)}. Required columns: ${expectedList(requiredColumns)}; all columns: ${expectedList(columns)}. Download the ${name.en} and compare the headers`,
    };
  }

  function unknownHeaders(headers: readonly string[]): HeaderIssue | undefined {
    const unknown = headers.filter((header) => normalizeHeader(header) !== '' && !columnByHeader(header));
    if (unknown.length === 0) return undefined;
    const listed = boundedList(unknown);
    return {
      code: 'UNKNOWN_HEADERS',
      headers: unknown.slice(0, maxListedHeaders),
      messageZh: `无法识别的列：${listed.zh}。可用的列为：${expectedListZh(columns)}（也可使用英文列名）`,
      messageEn: `Unknown columns: ${listed.en}. Expected columns: ${expectedList(columns)} (Chinese header or English alias)`,
    };
  }

  function duplicateHeaders(headers: readonly string[]): HeaderIssue | undefined {
    const seen = new Map<TemplateColumn, string[]>();
    for (const header of headers) {
      const column = columnByHeader(header);
      if (column) seen.set(column, [...(seen.get(column) ?? []), header]);
    }
    const duplicates = [...seen.entries()].filter(([, names]) => names.length > 1);
    if (duplicates.length === 0) return undefined;
    const listed = boundedList(
      duplicates.map(([column, names]) => `${column.zh}: ${boundedList(names, ' / ', ' / ').en}`),
      '；',
      '; ',
    );
    return {
      code: 'DUPLICATE_HEADERS',
      headers: duplicates.flatMap(([, names]) => names).slice(0, maxListedHeaders),
      messageZh: `以下列出现了多次：${listed.zh}。每列只能出现一次，请删除重复的列`,
      messageEn: `These columns appear more than once: ${listed.en}. Keep each column once`,
    };
  }

  return {
    name,
    columns,
    columnByHeader,
    matchHeader,
    proposeColumn,
    resolveHeaders,
    columnByKey: (key) => byKey.get(key),
    missingRequiredHeaders,
    unknownHeaders,
    duplicateHeaders,
    mapHeaders(headers) {
      const issues = [
        missingRequiredHeaders(headers),
        unknownHeaders(headers),
        duplicateHeaders(headers),
      ].filter((issue): issue is HeaderIssue => issue !== undefined);
      return { columns: headers.map(columnByHeader), issues };
    },
  };
}

/** The inventory template's header helpers. */
export const inventoryTemplate = defineTemplate(
  { zh: '标准盘点模板', en: 'standard inventory template' },
  inventoryColumns,
);
export const {
  columnByHeader,
  columnByKey,
  resolveHeaders,
  missingRequiredHeaders,
  unknownHeaders,
  duplicateHeaders,
  mapHeaders,
} = inventoryTemplate;

// ---------------------------------------------------------------------------------- value lookup

const foldValue = (value: string) => value.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();

const optionIndex = new WeakMap<readonly EnumOption[], Map<string, EnumOption>>();

/** The option a cell value names: its Chinese form, English alias or a synonym (case-insensitive). */
export function findOption<V extends string>(
  options: readonly EnumOption<V>[],
  value: string,
): EnumOption<V> | undefined {
  let index = optionIndex.get(options);
  if (!index) {
    index = new Map();
    for (const option of options) {
      for (const name of [option.zh, option.en, option.value, ...(option.synonyms ?? [])]) {
        index.set(foldValue(name), option);
      }
    }
    optionIndex.set(options, index);
  }
  return index.get(foldValue(value)) as EnumOption<V> | undefined;
}

/**
 * A hostile header row (a million columns, or a header of a megabyte) must not produce a message
 * that no job item (DynamoDB: 400 KB) or response can hold: name the first few, cut long ones, and
 * say how many more there are.
 */
export const maxListedHeaders = 20;
const maxHeaderChars = 40;
export function boundedList(items: readonly string[], separatorZh = '、', separatorEn = ', ') {
  const shown = items
    .slice(0, maxListedHeaders)
    .map((item) => (item.length > maxHeaderChars ? `${item.slice(0, maxHeaderChars)}…` : item));
  const more = items.length - shown.length;
  return {
    zh: `${shown.join(separatorZh)}${more > 0 ? `${separatorZh}……（另有 ${more} 个未列出）` : ''}`,
    en: `${shown.join(separatorEn)}${more > 0 ? `${separatorEn}… (and ${more} more not listed)` : ''}`,
  };
}

/**
 * The evaluation feedback template (专利评价反馈模板), declared once: a province administrator feeds back
 * evaluations collected offline (meetings, paper forms) for the conversion-pool patents of its province
 * (functions/intake/evaluation-kind.ts). A valid row is an evaluator (enterprise USCC or expert id) and
 * an `evaluationInputSchema` input: the same fields and rules as PUT /v1/patents/{n}/evaluations/mine.
 */
import type { ErrorRow } from '../batch-job.ts';
import { checkUscc } from '../codes/uscc.ts';
import {
  type CooperationIntent,
  cooperationIntentLabels,
  cooperationIntents,
  type EvaluationInput,
  type EvaluatorKind,
  evaluationInputSchema,
  type ImprovementCategory,
  improvementCategories,
  improvementCategoryLabels,
  type ReasonCode,
  reasonCodeLabels,
  reasonCodes,
} from '../evaluation.ts';
import { defineTemplate, type EnumOption, type TemplateColumn, yesNoOptions } from '../inventory/template.ts';
import { RowCells } from './cells.ts';

const english = (code: string) => code.replace(/-/g, ' ');

export const evaluatorKindOptions: readonly EnumOption<EvaluatorKind>[] = [
  { value: 'enterprise', zh: '企业', en: 'enterprise', synonyms: ['企业评价', '公司'] },
  { value: 'expert', zh: '专家', en: 'expert', synonyms: ['专家评价'] },
];

export const improvementCategoryOptions: readonly EnumOption<ImprovementCategory>[] =
  improvementCategories.map((value) => ({
    value,
    zh: improvementCategoryLabels[value],
    en: english(value),
    synonyms:
      value === 'reliability' ? ['可靠性', '稳定性'] : value === 'integration' ? ['系统集成', '配套'] : [],
  }));

export const cooperationIntentOptions: readonly EnumOption<CooperationIntent>[] = cooperationIntents.map(
  (value) => ({
    value,
    zh: cooperationIntentLabels[value],
    en: value === 'joint-rnd' ? 'joint R&D' : english(value),
    synonyms:
      value === 'none'
        ? ['暂无', '无意向', '无']
        : value === 'pilot'
          ? ['中试', '试用']
          : value === 'joint-rnd'
            ? ['联合开发', '合作研发']
            : value === 'further-contact'
              ? ['进一步联系', '洽谈']
              : [],
  }),
);

export const reasonCodeOptions: readonly EnumOption<ReasonCode>[] = reasonCodes.map((value) => ({
  value,
  zh: reasonCodeLabels[value],
  en: english(value),
  synonyms:
    value === 'benefit-unclear'
      ? ['效益不明确']
      : value === 'ip-risk'
        ? ['知识产权风险']
        : value === 'too-early-stage'
          ? ['阶段过早']
          : [],
}));

export const evaluationColumns: readonly TemplateColumn[] = [
  {
    key: 'applicationNumber',
    zh: '申请号',
    en: 'application_number',
    aliases: ['专利号', '申请号/专利号', 'applicationNumber', 'patent_number'],
    type: 'applicationNumber',
    required: true,
    maxLength: 40,
    example: '202010123456.2',
    help: {
      zh: '被评价专利的申请号（须为本省转化池中的专利），可带 CN 或 ZL 前缀。请将该列设为文本格式',
      en: 'Application number of the evaluated patent (a conversion-pool patent of your province); CN or ZL prefixes are fine. Format the column as text',
    },
  },
  {
    key: 'evaluatorKind',
    zh: '评价方类型',
    en: 'evaluator_kind',
    aliases: ['评价方', '评价主体', 'evaluatorKind'],
    type: 'enum',
    required: true,
    options: evaluatorKindOptions,
    maxLength: 20,
    example: '企业',
    help: { zh: '企业或专家', en: 'enterprise or expert' },
  },
  {
    key: 'evaluatorId',
    zh: '评价方标识',
    en: 'evaluator_id',
    aliases: ['统一社会信用代码/专家编号', '评价方代码', 'evaluatorId'],
    type: 'uscc',
    required: true,
    maxLength: 128,
    example: '91440300MA5FXXXX0X',
    help: {
      zh: '企业填统一社会信用代码（须为已审核的企业），专家填其专家编号（账号标识）',
      en: "An enterprise's unified social credit code (a verified enterprise), or an expert's id (account id)",
    },
  },
  {
    key: 'industrializationProspect',
    zh: '产业化前景评分',
    en: 'prospect',
    aliases: ['产业化前景', '前景评分', 'industrializationProspect', 'industrialization_prospect'],
    type: 'integer',
    required: true,
    min: 1,
    max: 5,
    maxLength: 10,
    example: '4',
    help: { zh: '1（差）至 5（好）的整数', en: 'A whole number from 1 (poor) to 5 (excellent)' },
  },
  {
    key: 'maturityTrl',
    zh: '技术成熟度评价',
    en: 'trl_view',
    aliases: ['技术成熟度', '技术成熟度（TRL）', 'TRL', 'maturityTrl', 'maturity_trl'],
    type: 'integer',
    required: true,
    min: 1,
    max: 9,
    maxLength: 10,
    example: '5',
    help: {
      zh: '评价方认为的技术成熟度，1 至 9 的整数（TRL）',
      en: "The evaluator's view of the technology readiness level, 1 to 9",
    },
  },
  {
    key: 'improvementCategories',
    zh: '技术改进需求类别',
    en: 'improvement_categories',
    aliases: ['改进需求类别', '技术改进需求分类', 'improvementCategories'],
    type: 'enumList',
    multiple: true,
    required: false,
    options: improvementCategoryOptions,
    maxLength: 200,
    example: '中试放大；降低成本',
    help: {
      zh: `可多选，用“；”分隔：${improvementCategories.map((c) => improvementCategoryLabels[c]).join('、')}`,
      en: `One or more, separated by ；: ${improvementCategories.join(', ')}`,
    },
  },
  {
    key: 'improvementText',
    zh: '技术改进需求说明',
    en: 'improvement_needs',
    aliases: ['技术改进需求', '改进需求', 'improvementText', 'improvement_text'],
    type: 'text',
    required: false,
    maxLength: 2000,
    example: '需完成 1000 小时循环寿命验证',
    help: { zh: '技术需要改进之处', en: 'What the technology needs to improve' },
  },
  {
    key: 'cooperationIntents',
    zh: '合作意向',
    en: 'cooperation_intents',
    aliases: ['产学研合作意愿', '合作意愿', 'cooperationIntents', 'cooperation_intent'],
    type: 'enumList',
    multiple: true,
    required: true,
    options: cooperationIntentOptions,
    maxLength: 200,
    example: '许可；联合研发',
    help: {
      zh: `可多选，用“；”分隔：${cooperationIntents.map((c) => cooperationIntentLabels[c]).join('、')}；“暂无合作意向”不能与其他值同选`,
      en: `One or more, separated by ；: ${cooperationIntents.join(', ')}; "none" stands alone`,
    },
  },
  {
    key: 'priceMinWan',
    zh: '期望价格下限（万元）',
    en: 'price_min_10k_cny',
    aliases: ['价格下限', '期望价格下限', 'priceMinWan'],
    type: 'decimal',
    required: false,
    min: 0,
    max: 10_000_000,
    maxLength: 30,
    example: '30',
    help: {
      zh: '可接受的价格区间下限，单位万元；与上限同填或同空',
      en: 'Lower end of the acceptable price, in 10,000 CNY; give both ends or neither',
    },
  },
  {
    key: 'priceMaxWan',
    zh: '期望价格上限（万元）',
    en: 'price_max_10k_cny',
    aliases: ['价格上限', '期望价格上限', 'priceMaxWan'],
    type: 'decimal',
    required: false,
    min: 0,
    max: 10_000_000,
    maxLength: 30,
    example: '80',
    help: {
      zh: '可接受的价格区间上限，单位万元，不小于下限',
      en: 'Upper end of the acceptable price, in 10,000 CNY, not below the lower end',
    },
  },
  {
    key: 'reasonCodes',
    zh: '原因代码',
    en: 'reason_codes',
    aliases: ['原因', '评价原因', 'reasonCodes'],
    type: 'enumList',
    multiple: true,
    required: false,
    options: reasonCodeOptions,
    maxLength: 300,
    example: '技术阶段过早',
    help: {
      zh: `可多选，用“；”分隔：${reasonCodes.map((c) => reasonCodeLabels[c]).join('、')}`,
      en: `One or more, separated by ；: ${reasonCodes.join(', ')}`,
    },
  },
  {
    key: 'comment',
    zh: '评价意见',
    en: 'comment',
    aliases: ['备注', '意见'],
    type: 'text',
    required: false,
    maxLength: 2000,
    example: '适合储能场景，建议先行中试',
    help: { zh: '其他意见', en: 'Any other remarks' },
  },
  {
    key: 'consentToShareIdentity',
    zh: '同意展示身份',
    en: 'consent_to_share_identity',
    aliases: ['同意向专利权人展示身份', '同意公开身份', 'consent', 'consentToShareIdentity'],
    type: 'boolean',
    required: false,
    options: yesNoOptions,
    maxLength: 10,
    example: '是',
    help: {
      zh: '是：向专利所属单位展示企业名称和联系方式（专家：姓名和单位）；留空为否',
      en: "yes: show the enterprise's name and contact (experts: name and affiliation) to the patent's institution; empty means no",
    },
  },
];

export const evaluationTemplate = defineTemplate(
  { zh: '专利评价反馈模板', en: 'evaluation feedback template' },
  evaluationColumns,
);

export interface EvaluationRecord {
  applicationNumber: string;
  evaluator: { kind: EvaluatorKind; id: string };
  input: EvaluationInput;
}

export interface EvaluationRowResult {
  evaluation?: EvaluationRecord;
  errors: ErrorRow[];
  warnings: ErrorRow[];
}

/** Validates one evaluation row: the evaluation's own rules (schemas/evaluation.ts) cell by cell. */
export function validateEvaluationRow(
  raw: Readonly<Record<string, string>>,
  rowNumber: number,
): EvaluationRowResult {
  const cells = new RowCells(evaluationTemplate, raw, rowNumber);

  const applicationNumber = cells.applicationNumber('applicationNumber');
  const kind = cells.enumValue<EvaluatorKind>('evaluatorKind');
  const idValue = cells.cell('evaluatorId');
  let evaluatorId: string | undefined;
  if (idValue && kind === 'enterprise') {
    const check = checkUscc(idValue);
    if (!check.ok) {
      cells.error(
        'evaluatorId',
        idValue,
        'INVALID_USCC',
        {
          zh: `不是有效的统一社会信用代码（${check.reason}）`,
          en: `is not a unified social credit code (${check.reason})`,
        },
        { zh: '企业请填写 18 位统一社会信用代码', en: 'for an enterprise, enter its 18-character code' },
      );
    } else evaluatorId = check.code;
  } else if (idValue) evaluatorId = idValue;

  const prospect = cells.number('industrializationProspect');
  const trl = cells.number('maturityTrl');
  const categories = cells.enumList<ImprovementCategory>('improvementCategories');
  const improvementText = cells.text('improvementText');
  const intents = cells.enumList<CooperationIntent>('cooperationIntents', 'none');
  const errorsBeforePrice = cells.errors.length;
  const priceMin = cells.number('priceMinWan');
  const priceMax = cells.number('priceMaxWan');
  const priceCellsValid = cells.errors.length === errorsBeforePrice;
  if (priceCellsValid && (priceMin === undefined) !== (priceMax === undefined)) {
    const missing = priceMin === undefined ? 'priceMinWan' : 'priceMaxWan';
    cells.error(
      missing,
      '',
      'PRICE_RANGE_INCOMPLETE',
      {
        zh: '未填写，而价格区间的另一端已填写',
        en: 'is empty while the other end of the price range is given',
      },
      { zh: '请同时填写价格下限和上限，或都留空', en: 'give both ends of the price range, or neither' },
    );
  } else if (priceMin !== undefined && priceMax !== undefined && priceMin > priceMax) {
    cells.error(
      'priceMaxWan',
      cells.raw('priceMaxWan'),
      'PRICE_RANGE_INVERTED',
      { zh: `小于价格下限 ${priceMin}`, en: `is below the lower end ${priceMin}` },
      { zh: '上限须不小于下限', en: 'the upper end must not be below the lower end' },
    );
  }
  const reasons = cells.enumList<ReasonCode>('reasonCodes');
  const comment = cells.text('comment');
  const consent = cells.yesNo('consentToShareIdentity', false);

  if (cells.errors.length) return { errors: cells.errors, warnings: cells.warnings };
  const parsed = evaluationInputSchema.safeParse({
    industrializationProspect: prospect,
    maturityTrl: trl,
    improvementNeeds: { categories, ...(improvementText ? { text: improvementText } : {}) },
    cooperationIntents: intents,
    ...(priceMin !== undefined && priceMax !== undefined
      ? { priceExpectation: { minWan: priceMin, maxWan: priceMax } }
      : {}),
    reasonCodes: reasons,
    ...(comment ? { comment } : {}),
    consentToShareIdentity: consent,
  });
  if (!parsed.success) {
    // Unreachable when the checks above are complete; reported rather than thrown so no row is lost.
    for (const problem of parsed.error.issues) {
      const top = String(problem.path[0] ?? '');
      const key =
        top === 'improvementNeeds'
          ? problem.path[1] === 'text'
            ? 'improvementText'
            : 'improvementCategories'
          : top === 'priceExpectation'
            ? 'priceMaxWan'
            : evaluationTemplate.columnByKey(top)
              ? top
              : 'applicationNumber';
      cells.error(
        key,
        cells.raw(key),
        'INVALID_VALUE',
        { zh: `无效（${problem.message}）`, en: `is not valid (${problem.message})` },
        { zh: '请核对该值', en: 'check the value' },
      );
    }
    return { errors: cells.errors, warnings: cells.warnings };
  }
  return {
    evaluation: {
      applicationNumber: applicationNumber!,
      evaluator: { kind: kind!, id: evaluatorId! },
      input: parsed.data,
    },
    errors: [],
    warnings: cells.warnings,
  };
}

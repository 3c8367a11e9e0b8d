/**
 * The technology-needs template (技术需求批量发布模板), declared once like the other templates: a
 * province administrator posts the needs of its province's verified enterprises in bulk (issue 15
 * item 4: "posted by verified enterprises or by a province administrator for them, through the API and
 * in bulk"), through the same intake as the other kinds (functions/intake/need-kind.ts). Each valid row
 * is posted as POST /v1/needs would post it for the administrator: open at once, matched with the
 * pool (functions/needs/needs.ts `postNeedOnce`).
 *
 * Values as people write them: the kind as 技术需求 / 揭榜挂帅 (or 需求 / 揭榜 / 榜单), the reward as 50万元,
 * 500000 or ¥500,000 (the header's unit, 元 by default), the deadline as 2027-06-30, 2027/6/30 or
 * 2027年6月30日; the codes as the enterprise template reads them (schemas/market-templates/enterprise.ts).
 */
import type { ErrorRow } from '../batch-job.ts';
import { parseTemplateDate } from '../inventory/patent-row.ts';
import { defineTemplate, type EnumOption, type TemplateColumn } from '../inventory/template.ts';
import { type PostNeed, postNeedSchema } from '../need.ts';
import { RowCells } from './cells.ts';
import { interestColumns, readInterests, readUscc } from './enterprise.ts';

const kindOptions: readonly EnumOption<'need' | 'challenge'>[] = [
  { value: 'need', zh: '技术需求', en: 'technology need', synonyms: ['需求', '一般需求', 'need'] },
  {
    value: 'challenge',
    zh: '揭榜挂帅',
    en: '揭榜挂帅 challenge',
    synonyms: ['揭榜', '榜单', '揭榜挂帅项目', '挂帅', 'challenge'],
  },
];

export const needColumns: readonly TemplateColumn[] = [
  {
    key: 'enterpriseUscc',
    zh: '企业统一社会信用代码',
    en: 'enterprise_uscc',
    aliases: ['统一社会信用代码', '企业信用代码', '信用代码', '企业代码', 'enterpriseUscc', 'uscc'],
    type: 'text',
    required: true,
    maxLength: 30,
    example: '91110108MA01ABCD2X',
    help: {
      zh: '发布需求的企业（须已在本省登记并通过审核）的 18 位代码',
      en: 'The 18-character code of the enterprise the need is posted for (registered and verified in your province)',
    },
  },
  {
    key: 'kind',
    zh: '需求类型',
    en: 'kind',
    aliases: ['类型', '需求类别', 'kind'],
    type: 'enum',
    required: false,
    options: kindOptions,
    maxLength: 20,
    example: '技术需求',
    help: {
      zh: '技术需求或揭榜挂帅（留空为技术需求）；揭榜挂帅须填写悬赏金额和截止日期',
      en: 'technology need or 揭榜挂帅 challenge (empty: a need); a challenge gives its reward and deadline',
    },
  },
  {
    key: 'title',
    zh: '需求名称',
    en: 'title',
    aliases: ['需求标题', '技术需求名称', '项目名称', '榜单名称', 'title'],
    type: 'text',
    required: true,
    maxLength: 200,
    example: '动力电池热失控早期预警技术',
    help: { zh: '4 至 200 字，一行', en: '4 to 200 characters, one line' },
  },
  {
    key: 'description',
    zh: '需求描述',
    en: 'description',
    aliases: ['需求内容', '需求说明', '问题描述', '技术难题', '需求详情', 'description'],
    type: 'text',
    required: true,
    maxLength: 5000,
    example: '现有电池包温度监测滞后，需要在热失控前 10 分钟以上发出预警，适用于乘用车电池包。',
    help: {
      zh: '要解决的问题、现状和约束，至少 10 字',
      en: 'The problem, the current state and the constraints, at least 10 characters',
    },
  },
  {
    key: 'expectedOutcome',
    zh: '预期目标',
    en: 'expected_outcome',
    aliases: ['技术指标', '预期成果', '预期效果', '目标', 'expectedOutcome'],
    type: 'text',
    required: false,
    maxLength: 2000,
    example: '预警提前量不少于 10 分钟，误报率低于 1%',
    help: { zh: '技术指标或预期成果（可留空）', en: 'Target indicators or the expected result (optional)' },
  },
  ...interestColumns,
  {
    key: 'reward',
    zh: '悬赏金额（元）',
    en: 'reward_yuan',
    aliases: ['悬赏金额', '奖励金额', '榜额', '榜单金额', '揭榜金额', 'rewardYuan', 'reward'],
    type: 'text',
    required: false,
    maxLength: 40,
    example: '500000',
    help: {
      zh: '以元为单位的整数（也可写 50万元）；揭榜挂帅必填，技术需求可留空',
      en: 'Whole yuan (or 50万元); required for a challenge, optional for a need',
    },
  },
  {
    key: 'deadline',
    zh: '截止日期',
    en: 'deadline',
    aliases: ['揭榜截止日期', '截止时间', '有效期至', 'deadline'],
    type: 'date',
    required: false,
    maxLength: 30,
    example: '2027-06-30',
    help: {
      zh: '接受揭榜的最后一天，如 2027-06-30（2027/6/30、2027年6月30日 也可）；不能早于今天；揭榜挂帅必填',
      en: 'The last day proposals are taken, e.g. 2027-06-30 (2027/6/30 or 2027年6月30日 too); not before today; required for a challenge',
    },
  },
];

export const needTemplate = defineTemplate(
  { zh: '技术需求批量发布模板', en: 'technology-needs template' },
  needColumns,
);

export type NeedRecord = PostNeed & { enterpriseUscc: string };

export interface NeedRowResult {
  record?: NeedRecord;
  errors: ErrorRow[];
  warnings: ErrorRow[];
}

/**
 * An amount in whole yuan as people write it: 500000, 500,000, ¥500000, 50万元, 50万, 0.5亿; without a
 * unit in the cell it is yuan (the template's header says （元）). Undefined when it is not an amount
 * or not a whole number of yuan.
 */
export function parseAmountYuan(value: string): number | undefined {
  const text = value
    .normalize('NFKC')
    .replace(/[,\s]/g, '')
    .replace(/^(人民币|RMB|CNY|¥|￥)/i, '')
    .replace(/(人民币|RMB|CNY)$/i, '');
  const match = /^(\d+(?:\.\d+)?)(元|万元|万|亿元|亿)?$/.exec(text);
  if (!match) return undefined;
  const unit = match[2] ?? '元';
  const factor = unit.startsWith('亿') ? 100_000_000 : unit.startsWith('万') ? 10_000 : 1;
  const yuan = Math.round(Number(match[1]) * factor * 100) / 100;
  return Number.isInteger(yuan) ? yuan : undefined;
}

/** Validates one need row; `today` (YYYY-MM-DD, China) bounds the deadline. */
export function validateNeedRow(
  raw: Readonly<Record<string, string>>,
  rowNumber: number,
  today: string,
): NeedRowResult {
  const cells = new RowCells(needTemplate, raw, rowNumber);
  const { code: enterpriseUscc } = readUscc(cells, 'enterpriseUscc');
  const kind = cells.enumValue<'need' | 'challenge'>('kind') ?? 'need';
  const title = cells.text('title');
  const description = cells.text('description');
  const expectedOutcome = cells.text('expectedOutcome');
  const interests = readInterests(cells);

  const rewardValue = cells.typed('reward');
  let rewardYuan: number | undefined;
  if (rewardValue) {
    rewardYuan = parseAmountYuan(rewardValue);
    if (rewardYuan === undefined) {
      cells.error(
        'reward',
        rewardValue,
        'INVALID_AMOUNT',
        { zh: '不是以元计的整数金额', en: 'is not an amount in whole yuan' },
        {
          zh: '请以元为单位填写整数，如 500000（也可写 50万元）；无悬赏可留空',
          en: 'enter whole yuan such as 500000 (or 50万元); leave it empty for no reward',
        },
      );
    } else if (!/^\d+$/.test(rewardValue.normalize('NFKC').replace(/[,\s]/g, ''))) {
      cells.warn(
        'reward',
        rewardValue,
        'CONVERTED',
        { zh: `按 ${rewardYuan} 元保存`, en: `is stored as ${rewardYuan} yuan` },
        { zh: '无需处理，请核对金额', en: 'nothing to do; check the amount' },
      );
    }
  }

  const deadlineValue = cells.cell('deadline');
  let deadline: string | undefined;
  if (deadlineValue) {
    deadline = parseTemplateDate(deadlineValue);
    if (!deadline) {
      cells.error(
        'deadline',
        deadlineValue,
        'INVALID_DATE',
        { zh: '不是有效日期', en: 'is not a valid date' },
        {
          zh: '请填写真实存在的日期，如 2027-06-30、2027/6/30 或 2027年6月30日',
          en: 'enter a real calendar date such as 2027-06-30, 2027/6/30 or 2027年6月30日',
        },
      );
    } else if (deadline < today) {
      cells.error(
        'deadline',
        deadlineValue,
        'DEADLINE_IN_PAST',
        { zh: `（${deadline}）早于今天（${today}）`, en: `(${deadline}) is before today (${today})` },
        {
          zh: '请填写今天或以后的日期；已截止的需求无需发布',
          en: 'give today or a later day; a need whose deadline has passed is not posted',
        },
      );
      deadline = undefined;
    }
  }
  if (kind === 'challenge' && !cells.errors.length) {
    for (const [key, value] of [
      ['reward', rewardYuan],
      ['deadline', deadline],
    ] as const) {
      if (value === undefined)
        cells.error(
          key,
          cells.raw(key),
          'CHALLENGE_TERMS',
          {
            zh: '未填写：揭榜挂帅须写明悬赏金额和截止日期',
            en: 'is empty: a 揭榜挂帅 challenge states its reward and deadline',
          },
          {
            zh: '请填写悬赏金额（元）和截止日期，或将需求类型改为技术需求',
            en: 'give the reward (yuan) and the deadline, or make the kind 技术需求 (a need)',
          },
        );
    }
  }
  if (cells.errors.length || !enterpriseUscc) return { errors: cells.errors, warnings: cells.warnings };

  const parsed = postNeedSchema.safeParse({
    enterpriseUscc,
    kind,
    title,
    description,
    ...(expectedOutcome ? { expectedOutcome } : {}),
    ...interests,
    ...(rewardYuan !== undefined ? { rewardYuan } : {}),
    ...(deadline ? { deadline } : {}),
  });
  if (!parsed.success) {
    for (const problem of parsed.error.issues) {
      const field = String(problem.path[0] ?? 'title');
      const key = field === 'rewardYuan' ? 'reward' : needTemplate.columnByKey(field) ? field : 'title';
      cells.error(
        key,
        cells.raw(key),
        'INVALID_VALUE',
        { zh: `无效（${problem.message}）`, en: `is not valid (${problem.message})` },
        {
          zh: `请按说明填写（${cells.column(key).help.zh}）`,
          en: `see the help: ${cells.column(key).help.en}`,
        },
      );
    }
    return { errors: cells.errors, warnings: cells.warnings };
  }
  return {
    record: { ...parsed.data, enterpriseUscc },
    errors: [],
    warnings: cells.warnings,
  };
}

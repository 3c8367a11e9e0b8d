/**
 * The enterprise registration template (企业批量登记模板), declared once like the inventory template:
 * its columns drive header mapping, row validation, the downloads (GET /v1/templates/enterprises.xlsx|csv)
 * and the messages. A province administrator registers the enterprises of its province in bulk with it
 * (functions/intake/enterprise-kind.ts); each valid row becomes a `registerEnterpriseSchema` input.
 */
import type { ErrorRow } from '../batch-job.ts';
import { resolveIndustry, resolveStrategicIndustry } from '../codes/ipc.ts';
import { provinceRows } from '../codes/provinces.generated.ts';
import { checkUscc, toHalfWidth as halfWidth } from '../codes/uscc.ts';
import { defineTemplate, type EnumOption, type TemplateColumn } from '../inventory/template.ts';
import {
  enterpriseTypeLabels,
  type enterpriseTypes,
  type RegisterEnterprise,
  registerEnterpriseSchema,
} from '../market.ts';
import { RowCells, splitCell } from './cells.ts';

const provinceEnglish: Readonly<Record<string, string>> = {
  '110000': 'Beijing',
  '120000': 'Tianjin',
  '130000': 'Hebei',
  '140000': 'Shanxi',
  '150000': 'Inner Mongolia',
  '210000': 'Liaoning',
  '220000': 'Jilin',
  '230000': 'Heilongjiang',
  '310000': 'Shanghai',
  '320000': 'Jiangsu',
  '330000': 'Zhejiang',
  '340000': 'Anhui',
  '350000': 'Fujian',
  '360000': 'Jiangxi',
  '370000': 'Shandong',
  '410000': 'Henan',
  '420000': 'Hubei',
  '430000': 'Hunan',
  '440000': 'Guangdong',
  '450000': 'Guangxi',
  '460000': 'Hainan',
  '500000': 'Chongqing',
  '510000': 'Sichuan',
  '520000': 'Guizhou',
  '530000': 'Yunnan',
  '540000': 'Tibet',
  '610000': 'Shaanxi',
  '620000': 'Gansu',
  '630000': 'Qinghai',
  '640000': 'Ningxia',
  '650000': 'Xinjiang',
  '710000': 'Taiwan',
  '810000': 'Hong Kong',
  '820000': 'Macao',
};

const shortName = (name: string) =>
  name.replace(/(壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|省|市)$/, '');

/** Provinces: the code is stored; the full name, short name (广东), code or English name are accepted. */
export const provinceOptions: readonly EnumOption[] = provinceRows.map(([code, name]) => ({
  value: code,
  zh: name,
  en: provinceEnglish[code] ?? code,
  synonyms: [shortName(name), code],
}));

export const enterpriseTypeOptions: readonly EnumOption<(typeof enterpriseTypes)[number]>[] = [
  {
    value: 'ip-advantage',
    zh: enterpriseTypeLabels['ip-advantage'],
    en: 'IP advantage or demonstration enterprise',
    synonyms: ['知识产权优势企业', '知识产权示范企业', 'ip advantage'],
  },
  {
    value: 'specialized-sme',
    zh: enterpriseTypeLabels['specialized-sme'],
    en: 'specialized SME',
    synonyms: ['专精特新', '专精特新企业', '专精特新“小巨人”企业', '小巨人', 'specialized sme'],
  },
  {
    value: 'high-tech',
    zh: enterpriseTypeLabels['high-tech'],
    en: 'high-tech enterprise',
    synonyms: ['高新技术', '高企', '国家高新技术企业', 'high tech'],
  },
  {
    value: 'state-owned',
    zh: enterpriseTypeLabels['state-owned'],
    en: 'state-owned or central enterprise',
    synonyms: ['国有企业', '中央企业', '央企', '国企', 'state owned', 'SOE'],
  },
  { value: 'other', zh: enterpriseTypeLabels.other, en: 'other', synonyms: ['其他企业'] },
];

/** The three code columns that say what an enterprise (or a need) is about: industry, strategic industry, IPC. */
export const interestColumns: readonly TemplateColumn[] = [
  {
    key: 'industryCodes',
    zh: '国民经济行业分类',
    en: 'industry_codes',
    aliases: ['行业分类', '行业代码', '所属行业', 'industryCodes', 'industry_code'],
    type: 'industry',
    multiple: true,
    required: false,
    maxLength: 500,
    example: 'C3841；38',
    help: {
      zh: 'GB/T 4754-2017 代码（任一层级，门类字母可省略），多个用“；”分隔。行业、战新分类和 IPC 至少填一项：据此推送专利',
      en: 'GB/T 4754-2017 codes at any level (section letter optional), separated by ；. Give at least one of industry, strategic industry or IPC: they decide which patents are pushed',
    },
  },
  {
    key: 'strategicIndustries',
    zh: '战略性新兴产业分类',
    en: 'strategic_industries',
    aliases: ['战新分类', '战略性新兴产业', 'strategicIndustries', 'strategic_industry'],
    type: 'strategicIndustry',
    multiple: true,
    required: false,
    maxLength: 500,
    example: '6.3 新能源汽车装置、配件制造',
    help: {
      zh: '战略性新兴产业分类（2018）一级或二级代码或名称，如 1 或 1.5 人工智能，多个用“；”分隔',
      en: 'Code or name (level 1 or 2) of the 2018 strategic emerging industries, e.g. 1 or 1.5, separated by ；',
    },
  },
  {
    key: 'ipcInterests',
    zh: '关注的IPC分类',
    en: 'ipc_interests',
    aliases: ['IPC', '技术领域（IPC）', '关注技术领域', 'ipcInterests', 'ipc_prefixes'],
    type: 'ipcPrefix',
    multiple: true,
    required: false,
    maxLength: 500,
    example: 'H01M；G06F 16',
    help: {
      zh: 'IPC 大类（H01）、小类（H01M）或大组（H01M 4），多个用“；”分隔；填完整分类号时按其大组保存',
      en: 'IPC class (H01), subclass (H01M) or main group (H01M 4), separated by ；; a full code is kept as its main group',
    },
  },
];

export const enterpriseColumns: readonly TemplateColumn[] = [
  {
    key: 'uscc',
    zh: '统一社会信用代码',
    en: 'uscc',
    aliases: ['信用代码', '社会信用代码', 'unified_social_credit_code', '企业代码'],
    type: 'uscc',
    required: true,
    maxLength: 30,
    example: '91440300MA5FXXXX0X',
    help: {
      zh: '18 位统一社会信用代码（营业执照上的代码）；校验位不符只提示，不拒绝',
      en: 'The 18-character unified social credit code on the business licence; a wrong check character is only a warning',
    },
  },
  {
    key: 'name',
    zh: '企业名称',
    en: 'name',
    aliases: ['名称', '单位名称', 'enterprise_name', 'company'],
    type: 'text',
    required: true,
    maxLength: 200,
    example: '深圳市示范电池科技有限公司',
    help: { zh: '与营业执照一致', en: 'As on the business licence' },
  },
  {
    key: 'provinceCode',
    zh: '所在省份',
    en: 'province',
    aliases: ['省份', '省', '所在地', 'province_code', 'provinceCode'],
    type: 'enum',
    required: true,
    options: provinceOptions,
    maxLength: 30,
    example: '广东省',
    help: {
      zh: '省级行政区名称或 GB/T 2260 代码（如 广东省、广东 或 440000），须为上传者管理的省份',
      en: 'Province name or GB/T 2260 code (e.g. 广东省, Guangdong or 440000); must be the province you administer',
    },
  },
  {
    key: 'types',
    zh: '企业类型',
    en: 'enterprise_types',
    aliases: ['类型', '企业类别', 'types'],
    type: 'enumList',
    multiple: true,
    required: true,
    options: enterpriseTypeOptions,
    maxLength: 200,
    example: '高新技术企业；专精特新中小企业',
    help: {
      zh: '可多选，用“；”分隔：知识产权优势示范企业、专精特新中小企业、高新技术企业、国有企业/中央企业、其他',
      en: 'One or more, separated by ；: IP advantage/demonstration, specialized SME, high-tech, state-owned/central, other',
    },
  },
  ...interestColumns,
  {
    key: 'contactName',
    zh: '联系人',
    en: 'contact_name',
    aliases: ['contactName', '联系人姓名'],
    type: 'text',
    required: true,
    maxLength: 50,
    example: '李经理',
    help: { zh: '接收专利推送的联系人', en: 'Who receives the patent pushes' },
  },
  {
    key: 'contactPhone',
    zh: '联系电话',
    en: 'contact_phone',
    aliases: ['电话', '手机', 'contactPhone', 'phone'],
    type: 'text',
    required: false,
    maxLength: 30,
    example: '0755-88880000',
    help: { zh: '电话或手机号码', en: 'Phone or mobile number' },
  },
  {
    key: 'contactEmail',
    zh: '电子邮箱',
    en: 'contact_email',
    aliases: ['邮箱', 'email', 'contactEmail', '联系邮箱'],
    type: 'text',
    required: false,
    maxLength: 200,
    example: 'li@example.com',
    help: {
      zh: '每日推送摘要发送到此邮箱',
      en: 'The daily digest of pushed patents goes to this address',
    },
  },
];

export const enterpriseTemplate = defineTemplate(
  { zh: '企业批量登记模板', en: 'enterprise registration template' },
  enterpriseColumns,
);

export type EnterpriseRecord = RegisterEnterprise & { usccChecksumValid: boolean };

export interface EnterpriseRowResult {
  enterprise?: EnterpriseRecord;
  errors: ErrorRow[];
  warnings: ErrorRow[];
}

/** IPC class (H01), subclass (H01M) or main group (H01M 4); a full code (H01M 4/525) gives its main group. */
export function parseIpcPrefix(value: string): { prefix: string; shortened: boolean } | undefined {
  const text = halfWidth(value).toUpperCase().replace(/\s+/g, ' ').trim();
  const match = /^([A-H]\d{2})(?:([A-Z])(?:\s*(\d{1,4})(\s*\/\s*\d{1,6})?)?)?$/.exec(text);
  if (!match) return undefined;
  const [, cls, subclass, group, subgroup] = match;
  return {
    prefix: `${cls}${subclass ?? ''}${group ? ` ${Number(group)}` : ''}`,
    shortened: subgroup !== undefined,
  };
}

/** Strategic industry names contain 、, so 、 splits only when the whole part does not resolve. */
function splitStrategic(value: string): string[] {
  const parts: string[] = [];
  for (const part of splitCell(halfWidth(value), /[;,，；\n\r]+/)) {
    if (resolveStrategicIndustry(part) || !part.includes('、')) parts.push(part);
    else parts.push(...splitCell(part, /、/));
  }
  return parts;
}

/** A unified social credit code cell (GB 32100): the code, or an error; a wrong check character is a warning. */
export function readUscc(cells: RowCells, key: string): { code?: string; checksumValid: boolean } {
  const usccValue = cells.cell(key);
  let code: string | undefined;
  let checksumValid = true;
  if (usccValue) {
    const check = checkUscc(usccValue);
    if (!check.ok) {
      cells.error(
        key,
        usccValue,
        'INVALID_USCC',
        {
          zh: `不是有效的统一社会信用代码（${check.reason}）`,
          en: `is not a unified social credit code (${check.reason})`,
        },
        {
          zh: '请填写营业执照上的 18 位代码（不含字母 I、O、S、V、Z）',
          en: 'enter the 18-character code from the business licence (I, O, S, V and Z never occur)',
        },
      );
    } else {
      code = check.code;
      checksumValid = check.checksumValid;
      if (!check.checksumValid) {
        cells.warn(
          key,
          usccValue,
          'USCC_CHECKSUM',
          {
            zh: `的校验位应为 ${check.expectedCheck}`,
            en: `has a check character that should be ${check.expectedCheck}`,
          },
          { zh: '已按所填代码登记，请核对', en: 'registered as given; please check it' },
        );
      }
    }
  }
  return { ...(code ? { code } : {}), checksumValid };
}

/** The industry, strategic-industry and IPC cells of a row (interestColumns), each resolved or an error. */
export function readInterests(cells: RowCells): {
  industryCodes: string[];
  strategicIndustries: string[];
  ipcInterests: string[];
} {
  const industryCodes: string[] = [];
  const industryValue = cells.typed('industryCodes');
  if (industryValue) {
    for (const part of splitCell(industryValue)) {
      const resolved = resolveIndustry(part);
      if (!resolved) {
        cells.error(
          'industryCodes',
          industryValue,
          'UNKNOWN_INDUSTRY',
          {
            zh: `中的「${part}」不是 GB/T 4754-2017 国民经济行业代码或名称`,
            en: `holds "${part}", which is not a GB/T 4754-2017 industry code or name`,
          },
          {
            zh: '请填写如 C3841、384 或 38 的代码，多个用“；”分隔',
            en: 'enter codes such as C3841, 384 or 38, separated by ；',
          },
        );
      } else if (!industryCodes.includes(resolved.industry.code)) industryCodes.push(resolved.industry.code);
    }
  }

  const strategicIndustries: string[] = [];
  const strategicValue = cells.typed('strategicIndustries');
  if (strategicValue) {
    for (const part of splitStrategic(strategicValue)) {
      const resolved = resolveStrategicIndustry(part);
      if (!resolved) {
        cells.error(
          'strategicIndustries',
          strategicValue,
          'UNKNOWN_STRATEGIC_INDUSTRY',
          {
            zh: `中的「${part}」不是战略性新兴产业分类（2018）的代码或名称`,
            en: `holds "${part}", which is not a code or name of the 2018 strategic emerging industries`,
          },
          {
            zh: '请填写如 1、1.5 或「人工智能」的代码或名称（1 至 9 大类、1.1 至 9.2 小类）',
            en: 'enter a code or name such as 1, 1.5 or 人工智能 (categories 1-9, 1.1-9.2)',
          },
        );
      } else if (!strategicIndustries.includes(resolved.industry.code))
        strategicIndustries.push(resolved.industry.code);
    }
  }

  const ipcInterests: string[] = [];
  const ipcValue = cells.typed('ipcInterests');
  if (ipcValue) {
    const invalid: string[] = [];
    for (const part of splitCell(ipcValue)) {
      const parsed = parseIpcPrefix(part);
      if (!parsed) invalid.push(part);
      else {
        if (parsed.shortened) {
          cells.warn(
            'ipcInterests',
            ipcValue,
            'IPC_PREFIX_SHORTENED',
            {
              zh: `中的「${part}」按其大组 ${parsed.prefix} 保存`,
              en: `"${part}" is kept as its main group ${parsed.prefix}`,
            },
            { zh: '无需处理', en: 'nothing to do' },
          );
        }
        if (!ipcInterests.includes(parsed.prefix)) ipcInterests.push(parsed.prefix);
      }
    }
    if (invalid.length) {
      cells.error(
        'ipcInterests',
        ipcValue,
        'INVALID_IPC',
        {
          zh: `中的「${invalid.join('」「')}」不是 IPC 大类、小类或大组`,
          en: `holds ${invalid.map((i) => `"${i}"`).join(', ')}, not an IPC class, subclass or main group`,
        },
        {
          zh: '请填写如 H01、H01M 或 H01M 4 的 IPC 前缀（A 至 H 部），多个用“；”分隔',
          en: 'enter IPC prefixes such as H01, H01M or H01M 4 (sections A to H), separated by ；',
        },
      );
    }
  }
  return { industryCodes, strategicIndustries, ipcInterests };
}

/**
 * Validates one enterprise row. `provinceCode` is the uploader's province: a row of another province is
 * refused (a province registers its own enterprises).
 */
export function validateEnterpriseRow(
  raw: Readonly<Record<string, string>>,
  rowNumber: number,
  context: { provinceCode?: string } = {},
): EnterpriseRowResult {
  const cells = new RowCells(enterpriseTemplate, raw, rowNumber);

  const { code: uscc, checksumValid: usccChecksumValid } = readUscc(cells, 'uscc');
  const name = cells.text('name');
  const provinceCode = cells.enumValue<string>('provinceCode');
  if (provinceCode && context.provinceCode && provinceCode !== context.provinceCode) {
    const theirs = provinceOptions.find((o) => o.value === context.provinceCode);
    cells.error(
      'provinceCode',
      cells.raw('provinceCode'),
      'OTHER_PROVINCE',
      {
        zh: `不是您管理的省份（${theirs?.zh ?? context.provinceCode}）`,
        en: `is not the province you administer (${theirs?.en ?? context.provinceCode}, ${context.provinceCode})`,
      },
      {
        zh: '本行未导入：其他省份的企业由该省管理员登记，或由企业自行注册（POST /v1/enterprises）',
        en: 'the row was not imported: enterprises of another province are registered by that province or register themselves (POST /v1/enterprises)',
      },
    );
  }
  const types = cells.enumList<(typeof enterpriseTypes)[number]>('types');

  const { industryCodes, strategicIndustries, ipcInterests } = readInterests(cells);

  const contactName = cells.text('contactName');
  const contactPhone = cells.text('contactPhone');
  const contactEmail = cells.text('contactEmail');

  if (
    cells.errors.length === 0 &&
    industryCodes.length + strategicIndustries.length + ipcInterests.length === 0
  ) {
    cells.error(
      'industryCodes',
      '',
      'NO_INTERESTS',
      {
        zh: '、战略性新兴产业分类和关注的IPC分类均未填写',
        en: 'strategic industries and IPC interests are all empty',
      },
      {
        zh: '请至少填写其中一项：系统据此向企业推送专利',
        en: 'give at least one of them: they decide which patents are pushed to the enterprise',
      },
    );
  }
  if (cells.errors.length) return { errors: cells.errors, warnings: cells.warnings };

  const parsed = registerEnterpriseSchema.safeParse({
    uscc,
    name,
    provinceCode,
    types,
    industryCodes,
    strategicIndustries,
    ipcInterests,
    contact: {
      name: contactName,
      ...(contactPhone ? { phone: contactPhone } : {}),
      ...(contactEmail ? { email: contactEmail } : {}),
    },
  });
  if (!parsed.success) {
    for (const problem of parsed.error.issues) {
      const path = problem.path.map(String);
      const key =
        path[0] === 'contact'
          ? ((
              { name: 'contactName', phone: 'contactPhone', email: 'contactEmail' } as Record<string, string>
            )[path[1] ?? 'name'] ?? 'contactName')
          : enterpriseTemplate.columnByKey(path[0] ?? '')
            ? path[0]!
            : 'uscc';
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
  return { enterprise: { ...parsed.data, usccChecksumValid }, errors: [], warnings: cells.warnings };
}

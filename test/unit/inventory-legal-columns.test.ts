/**
 * The inventory columns beyond the Work Plan's list (docs/intake.md, "Columns beyond the Work Plan"):
 * grant publication number, maintenance years, annual fee, patentees and co-owners, the funded project.
 */
import { describe, expect, it } from 'vitest';
import { withApplicationCheck } from '../../schemas/codes/application-number.ts';
import {
  parseGrantPublicationNumber,
  parseInventorShare,
  parseYears,
  type RowIssue,
  validateInventoryRow,
} from '../../schemas/inventory/patent-row.ts';
import { statutoryTermYears } from '../../schemas/patent-term.ts';

const row: Record<string, string> = {
  申请号: 'ZL202010123456.2',
  专利名称: '一种基于深度学习的图像去噪方法',
  专利类型: '发明',
  申请日: '2020-03-18',
  授权日: '2022-06-07',
  法律状态: '有效',
  发明人: '张三；李四',
  所属院系: '计算机科学与技术学院',
  是否属于财政资助科研项目形成专利: '是',
  实施状态: '未实施',
  转化意愿: '许可',
  技术成熟度: '6',
  'IPC/洛迦诺分类': 'G06T 5/00',
};

const institutionName = '清华大学';
const validate = (
  changes: Record<string, string>,
  context: { institutionName?: string } = { institutionName },
) => validateInventoryRow({ ...row, ...changes }, 7, { today: '2026-11-20', ...context });
const codes = (issues: RowIssue[]) => issues.map((issue) => `${issue.column}:${issue.code}`);

describe('parseGrantPublicationNumber', () => {
  it('reads the forms people copy from certificates and databases', () => {
    for (const value of [
      'CN112345678B',
      'cn112345678b',
      'CN 112345678 B',
      '112345678B',
      'ＣＮ１１２３４５６７８Ｂ',
      'CN-112345678-B',
    ])
      expect(parseGrantPublicationNumber(value), value).toEqual({ normalized: 'CN112345678B', kind: 'B' });
    expect(parseGrantPublicationNumber('CN1234567C')).toEqual({ normalized: 'CN1234567C', kind: 'C' });
    expect(parseGrantPublicationNumber('CN212345678U')?.kind).toBe('U');
  });
  it('refuses what is not a publication number', () => {
    for (const value of [
      '202010123456.2',
      'CN112345678',
      'CN112345678X',
      'US10123456B2',
      'CN12345B',
      '公告号',
    ])
      expect(parseGrantPublicationNumber(value), value).toBeUndefined();
  });
});

describe('parseYears', () => {
  it('reads years as people write them', () => {
    const cases: [string, number][] = [
      ['6', 6],
      ['6.0', 6],
      ['6年', 6],
      ['6 年', 6],
      ['第6年', 6],
      ['第6年度', 6],
      ['六', 6],
      ['六年', 6],
      ['第六年', 6],
      ['十', 10],
      ['十二', 12],
      ['十二年', 12],
      ['二十', 20],
      ['２０', 20],
    ];
    for (const [value, years] of cases) expect(parseYears(value), value).toBe(years);
  });
  it('refuses fractions and words', () => {
    for (const value of ['6.5', '六点五', '约6年', 'six', '', '十二三', '-3'])
      expect(parseYears(value), value).toBeUndefined();
  });
});

describe('statutoryTermYears (专利法 art. 42)', () => {
  it('20 for inventions, 10 for utility models, designs 15 from 2021-06-01 and 10 before', () => {
    expect(statutoryTermYears('invention', undefined)).toBe(20);
    expect(statutoryTermYears('utility-model', '2024-01-01')).toBe(10);
    expect(statutoryTermYears('design', '2021-06-01')).toBe(15);
    expect(statutoryTermYears('design', '2021-05-31')).toBe(10);
    expect(statutoryTermYears('design', undefined)).toBeUndefined();
  });
});

describe('validateInventoryRow: grant publication number', () => {
  it('stores a grant number as written and converts other forms with a warning', () => {
    expect(validate({ 授权公告号: 'CN112345678B' })).toMatchObject({
      patent: { grantPublicationNumber: 'CN112345678B' },
      errors: [],
      warnings: [],
    });
    const spaced = validate({ 授权公告号: 'cn 112345678 b' });
    expect(spaced.patent?.grantPublicationNumber).toBe('CN112345678B');
    expect(codes(spaced.warnings)).toEqual(['授权公告号:VALUE_CONVERTED']);
  });
  it('a kind code of another patent type is an error naming both', () => {
    const result = validate({ 授权公告号: 'CN212345678U' });
    expect(result.patent).toBeUndefined();
    expect(codes(result.errors)).toEqual(['授权公告号:PUBLICATION_KIND_MISMATCH']);
    expect(result.errors[0]!.messageEn).toContain('kind code U');
  });
  it('an application publication (kind A, as 公开（公告）号 exports hold) is a warning and not stored', () => {
    const result = validate({ 授权公告号: 'CN111234567A' });
    expect(result.errors).toEqual([]);
    expect(result.patent?.grantPublicationNumber).toBeUndefined();
    expect(codes(result.warnings)).toEqual(['授权公告号:APPLICATION_PUBLICATION_NUMBER']);
  });
  it('garbage is an error that says the form; a pending patent with a grant number is a warning', () => {
    expect(codes(validate({ 授权公告号: '已授权' }).errors)).toEqual([
      '授权公告号:INVALID_PUBLICATION_NUMBER',
    ]);
    const pending = validate({ 授权公告号: 'CN112345678B', 法律状态: '审中', 授权日: '' });
    expect(codes(pending.warnings)).toContain('授权公告号:PENDING_WITH_PUBLICATION_NUMBER');
  });
});

describe('validateInventoryRow: maintenance years and the annual fee', () => {
  it('reads years and fee status as written', () => {
    const result = validate({ 维持年限: '第六年', 年费缴纳状态: '正常缴费' });
    expect(result.patent).toMatchObject({ maintenanceYears: 6, annualFeeStatus: 'paid' });
    expect(codes(result.warnings)).toEqual(['维持年限:VALUE_CONVERTED', '年费缴纳状态:VALUE_CONVERTED']);
    expect(validate({ 维持年限: '6', 年费缴纳状态: '滞纳期' }).warnings).toEqual([]);
  });
  it('more years than the type allows is a warning; over 20 or not a number is an error', () => {
    const utility = validate({
      申请号: withApplicationCheck('202020123456'),
      专利类型: '实用新型',
      维持年限: '12',
    });
    expect(utility.errors).toEqual([]);
    expect(codes(utility.warnings)).toEqual(['维持年限:MAINTENANCE_BEYOND_TERM']);
    expect(codes(validate({ 维持年限: '21' }).errors)).toEqual(['维持年限:OUT_OF_RANGE']);
    expect(codes(validate({ 维持年限: '很久' }).errors)).toEqual(['维持年限:INVALID_INTEGER']);
  });
});

describe('validateInventoryRow: patentees and co-owners (专利法 art. 14)', () => {
  it('the patentees other than the institution are its co-owners, whatever the width or brackets', () => {
    const result = validate({ 专利权人: '清华大学；北京某某科技有限公司（北京）' });
    expect(result.warnings).toEqual([]);
    expect(result.patent).toMatchObject({
      patentees: ['清华大学', '北京某某科技有限公司（北京）'],
      coOwners: ['北京某某科技有限公司（北京）'],
    });
    const wide = validate({
      专利权人: '清华大学 、 北京某某科技有限公司(北京)',
      共有专利权人: '北京某某科技有限公司（北京）',
    });
    expect(wide.patent?.coOwners).toEqual(['北京某某科技有限公司（北京）']);
  });
  it('the institution alone is no co-owner; the 共有专利权人 column alone is kept as given', () => {
    expect(validate({ 专利权人: '清华大学' }).patent?.coOwners).toBeUndefined();
    expect(validate({ 共有专利权人: '张三' }).patent?.coOwners).toEqual(['张三']);
    expect(validate({ 共有专利权人: '清华大学' }).patent?.coOwners).toBeUndefined();
  });
  it('patentees without the institution: all recorded as co-owners, with a warning naming it', () => {
    const result = validate({ 专利权人: '北京大学；某某公司' });
    expect(result.patent?.coOwners).toEqual(['北京大学', '某某公司']);
    expect(codes(result.warnings)).toEqual(['专利权人:INSTITUTION_NOT_A_PATENTEE']);
    expect(result.warnings[0]!.messageZh).toContain('清华大学');
  });
  it('without the institution name (a JSON row checked alone) only the given co-owners count', () => {
    const result = validate({ 专利权人: '北京大学；某某公司' }, {});
    expect(result.warnings).toEqual([]);
    expect(result.patent?.coOwners).toBeUndefined();
  });
});

describe('validateInventoryRow: the funded project', () => {
  it('is stored as given', () => {
    const result = validate({
      资助项目名称: '图像重建关键技术研究',
      项目批准号: '62071234',
      资助来源: '国家自然科学基金',
    });
    expect(result.patent).toMatchObject({
      fundedProjectName: '图像重建关键技术研究',
      fundedProjectNumber: '62071234',
      fundingSource: '国家自然科学基金',
    });
  });
});

describe("inventors' contribution shares (发明人贡献比例)", () => {
  it('read after each name in the forms people write, stored as records, names kept clean', () => {
    for (const value of [
      '张三（60%）；李四（40%）',
      '张三(60)、李四(40)',
      '张三：60%，李四：40%',
      '张三 60%；李四 40％',
    ]) {
      const result = validate({ 发明人: value });
      expect(result.errors, value).toEqual([]);
      expect(result.patent?.inventors, value).toEqual(['张三', '李四']);
      expect(result.patent?.inventorShares, value).toEqual([
        { name: '张三', sharePercent: 60 },
        { name: '李四', sharePercent: 40 },
      ]);
    }
    expect(parseInventorShare('张三（教授）')).toEqual({ name: '张三（教授）' });
    expect(parseInventorShare('John Smith')).toEqual({ name: 'John Smith' });
  });

  it("or in their own column, in the inventors' order; fractions read as percents", () => {
    expect(
      validate({ 发明人: '张三；李四；王五', 发明人贡献比例: '50%；30%；20%' }).patent?.inventorShares,
    ).toEqual([
      { name: '张三', sharePercent: 50 },
      { name: '李四', sharePercent: 30 },
      { name: '王五', sharePercent: 20 },
    ]);
    expect(validate({ 贡献率: '0.7;0.3' }).patent?.inventorShares?.map((s) => s.sharePercent)).toEqual([
      70, 30,
    ]);
    expect(validate({}).patent?.inventorShares).toBeUndefined();
  });

  it('refused with the reason: not 100 in all, missing for some, a count that does not match, not numbers', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ 发明人: '张三（60%）；李四（30%）' }, 'sum to 90%'],
      [{ 发明人: '张三（60%）；李四（39%）' }, 'sum to 99%'],
      [{ 发明人: '张三（61%）；李四（40%）' }, 'sum to 101%'],
      [{ 发明人: '张三（60%）；李四' }, 'a share for 1 of 2 inventors'],
      [{ 发明人贡献比例: '100%' }, 'gives 1 share(s) for 2 inventor(s)'],
      [{ 发明人贡献比例: '六成；四成' }, 'not a number'],
      [{ 发明人: '张三（60%）；李四（40%）', 发明人贡献比例: '60%；40%' }, 'repeats the shares'],
    ];
    for (const [changes, reason] of cases) {
      const result = validate(changes);
      expect(result.patent, reason).toBeUndefined();
      expect(codes(result.errors), reason).toEqual([expect.stringMatching(/:INVENTOR_SHARES$/)]);
      expect(result.errors[0]!.messageEn, reason).toContain(reason);
    }
  });
});

describe("inventors' staff numbers (发明人工号)", () => {
  it("read in the inventors' order; 无 for an inventor from outside; full-width digits read", () => {
    const result = validate({ 发明人: '张三；李四；王五', 工号: '２００８０１２３；无；T-2015.456' });
    expect(result.errors).toEqual([]);
    expect(result.patent?.inventorStaffNumbers).toEqual([
      { name: '张三', staffNumber: '20080123' },
      { name: '王五', staffNumber: 'T-2015.456' },
    ]);
    expect(validate({ 发明人工号: '无；-' }).patent?.inventorStaffNumbers).toBeUndefined();
    // n/a is a placeholder, not the two numbers n and a.
    expect(
      validate({ 发明人: '张三；李四；王五', 发明人工号: '20080123；n/a；20150456' }).patent
        ?.inventorStaffNumbers,
    ).toEqual([
      { name: '张三', staffNumber: '20080123' },
      { name: '王五', staffNumber: '20150456' },
    ]);
    expect(validate({}).patent?.inventorStaffNumbers).toBeUndefined();
  });

  it("the first inventor's alone (第一发明人工号), as many exports carry it: recorded in order, with a warning", () => {
    const result = validate({ 发明人: '张三；李四；王五', 第一发明人工号: '20080123' });
    expect(result.errors).toEqual([]);
    expect(result.patent?.inventorStaffNumbers).toEqual([{ name: '张三', staffNumber: '20080123' }]);
    expect(codes(result.warnings)).toEqual([expect.stringMatching(/:STAFF_NUMBERS_FOR_FIRST_INVENTORS$/)]);
    expect(result.warnings[0]!.messageEn).toContain('recorded for the first 1 in order');
  });

  it('refused with the reason: a count that does not match, not a staff number, one name or number twice', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ 发明人工号: '20080123；20080124；20080125' }, 'gives 3 staff number(s) for 2 inventor(s)'],
      [{ 发明人工号: '2008 0123 号；无' }, 'not a staff number'],
      [{ 发明人工号: '20080123；20080123' }, 'gives staff number 20080123 to two inventors'],
      [{ 发明人: '张三；张三', 发明人工号: '20080123；20150456' }, 'two different staff numbers'],
    ];
    for (const [changes, reason] of cases) {
      const result = validate(changes);
      expect(result.patent, reason).toBeUndefined();
      expect(codes(result.errors), reason).toEqual([expect.stringMatching(/:INVENTOR_STAFF_NUMBERS$/)]);
      expect(result.errors[0]!.messageEn, reason).toContain(reason);
    }
  });
});

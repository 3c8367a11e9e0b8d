import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applicationCheckCharacter, withApplicationCheck } from '../../schemas/codes/application-number.ts';
import {
  inventoryRecordSchema,
  parseTemplateDate,
  type RowIssue,
  validateInventoryRow,
} from '../../schemas/inventory/patent-row.ts';
import {
  columnByHeader,
  duplicateHeaders,
  findOption,
  inventoryColumns,
  legalStatusOptions,
  mapHeaders,
  missingRequiredHeaders,
  unknownHeaders,
} from '../../schemas/inventory/template.ts';

const today = { today: '2026-11-20' };

/** A complete, valid row keyed by the Chinese headers. */
const validRow: Record<string, string> = {
  申请号: 'ZL202010123456.2',
  专利名称: '一种基于深度学习的图像去噪方法',
  专利类型: '发明',
  申请日: '2020-03-18',
  授权日: '2022-06-07',
  法律状态: '有效',
  发明人: '张三；李四、王五',
  所属院系: '计算机科学与技术学院',
  是否属于财政资助科研项目形成专利: '是',
  实施状态: '许可实施',
  '实施金额（万元）': '50',
  转化意愿: '转让；许可',
  费用标准: '许可费 30 万元，另按销售额 1% 提成',
  技术成熟度: '6',
  专利价值分级自评: '较高',
  应用场景: '医学影像设备的图像增强',
  产业化前景: '已有两家企业试用',
  对应产品与技术优势: '峰值信噪比提高 3 dB',
  摘要: '本发明公开了一种图像去噪方法，先估计噪声水平，再分块去噪。',
  国民经济行业分类: 'C3911',
  战略性新兴产业分类: '',
  'IPC/洛迦诺分类': 'G06T 5/00；G06N3/08',
  意向合作企业: '某某医疗科技有限公司',
  联系人: '王老师',
  联系方式: '010-62780000',
};

const validate = (changes: Record<string, string>, row = 12) =>
  validateInventoryRow({ ...validRow, ...changes }, row, today);

const codes = (issues: RowIssue[]) => issues.map((issue) => `${issue.column}:${issue.code}`);

describe('the standard inventory template', () => {
  it('declares every column of the Work Plan once, in order, with Chinese and English headers', () => {
    expect(inventoryColumns.map((column) => column.zh)).toEqual([
      '申请号',
      '专利名称',
      '专利类型',
      '申请日',
      '授权日',
      // Not in the Work Plan's list (docs/intake.md, "Columns beyond the Work Plan"): what a legal
      // check and the 5-year rule need, as CNIPA's register and real university exports name them.
      '授权公告号',
      '法律状态',
      '维持年限',
      '年费缴纳状态',
      '专利权人',
      '共有专利权人',
      '发明人',
      '发明人贡献比例',
      '发明人工号',
      '所属院系',
      '是否属于财政资助科研项目形成专利',
      '资助项目名称',
      '项目编号',
      '资助来源',
      '实施状态',
      '实施金额（万元）',
      '转化意愿',
      '费用标准',
      '技术成熟度',
      '专利价值分级自评',
      '应用场景',
      '产业化前景',
      '对应产品与技术优势',
      // Not in the Work Plan's list: the abstract enterprises search (docs/search.md).
      '摘要',
      '国民经济行业分类',
      '战略性新兴产业分类',
      'IPC/洛迦诺分类',
      '意向合作企业',
      '联系人',
      '联系方式',
    ]);
    expect(new Set(inventoryColumns.map((column) => column.key)).size).toBe(inventoryColumns.length);
    expect(new Set(inventoryColumns.map((column) => column.en)).size).toBe(inventoryColumns.length);
    for (const column of inventoryColumns) {
      expect(column.help.zh, column.key).not.toBe('');
      expect(column.help.en, column.key).not.toBe('');
      expect(column.example.length, column.key).toBeLessThanOrEqual(column.maxLength);
    }
  });

  it('lists the allowed values of each enumeration in Chinese', () => {
    const allowed = (key: string) => inventoryColumns.find((column) => column.key === key)?.allowed;
    expect(allowed('patentType')).toEqual(['发明', '实用新型', '外观设计']);
    expect(allowed('implementationStatus')).toEqual([
      '未实施',
      '已实施',
      '自行实施',
      '许可实施',
      '转让实施',
      '作价入股',
      '产业化',
    ]);
    expect(allowed('conversionIntents')).toEqual(['转让', '许可', '作价入股', '自行应用', '产业化', '暂无']);
    expect(allowed('legalStatus')).toEqual(
      expect.arrayContaining(['有效', '权利终止', '放弃', '无效', '届满', '审中']),
    );
    expect(allowed('publiclyFunded')).toEqual(['是', '否']);
  });

  it('its example row is itself a valid row', () => {
    const example = Object.fromEntries(inventoryColumns.map((column) => [column.zh, column.example]));
    const result = validateInventoryRow(example, 2, today);
    expect(result.errors).toEqual([]);
    expect(result.patent).toBeDefined();
  });

  it('finds a column by Chinese header or English alias: trimmed, case-insensitive, full width folded', () => {
    expect(columnByHeader('申请号')?.key).toBe('applicationNumber');
    expect(columnByHeader(' APPLICATION_NUMBER ')?.key).toBe('applicationNumber');
    expect(columnByHeader('\uFEFF申请号')?.key).toBe('applicationNumber');
    expect(columnByHeader('*申请号')?.key).toBe('applicationNumber');
    expect(columnByHeader('专利号')?.key).toBe('applicationNumber');
    expect(columnByHeader('实施金额(万元)')?.key).toBe('implementationAmountWan');
    expect(columnByHeader('ＩＰＣ／洛迦诺分类')?.key).toBe('classifications');
    expect(columnByHeader('IPC / 洛迦诺分类')?.key).toBe('classifications');
    expect(columnByHeader('Conversion_Intent')?.key).toBe('conversionIntents');
    expect(columnByHeader('备注')).toBeUndefined();
  });

  it('missing headers: the message lists the missing and the expected ones', () => {
    expect(missingRequiredHeaders(Object.keys(validRow))).toBeUndefined();
    const issue = missingRequiredHeaders(['申请号', 'title', '专利类型', '备注']);
    expect(issue?.code).toBe('MISSING_HEADERS');
    expect(issue?.headers).toEqual(
      expect.arrayContaining(['申请日', '授权日', '法律状态', 'IPC/洛迦诺分类']),
    );
    expect(issue?.headers).not.toContain('申请号');
    expect(issue?.messageZh).toContain('缺少必填列：申请日');
    expect(issue?.messageZh).toContain('全部列为：申请号、专利名称');
    expect(issue?.messageEn).toContain('application_date');
    expect(issue?.messageEn).toContain('Required columns: 申请号 (application_number)');
  });

  it('unknown headers: the message names them and lists the expected ones; blank headers are ignored', () => {
    expect(unknownHeaders([...Object.keys(validRow), '', '  '])).toBeUndefined();
    // 'Patent No' is a synonym of 申请号 since issue 12.
    const issue = unknownHeaders(['申请号', '备注', 'Patent Holder']);
    expect(issue?.headers).toEqual(['备注', 'Patent Holder']);
    expect(issue?.messageZh).toContain('无法识别的列：备注、Patent Holder');
    expect(issue?.messageZh).toContain('联系方式');
    expect(issue?.messageEn).toContain('Expected columns: 申请号 (application_number), 专利名称 (title)');
  });

  it('duplicate headers and mapHeaders', () => {
    expect(duplicateHeaders(['申请号', 'application_number'])?.headers).toEqual([
      '申请号',
      'application_number',
    ]);
    const mapped = mapHeaders(['申请号', '备注']);
    expect(mapped.columns.map((column) => column?.key)).toEqual(['applicationNumber', undefined]);
    expect(mapped.issues.map((issue) => issue.code)).toEqual(['MISSING_HEADERS', 'UNKNOWN_HEADERS']);
  });

  it('accepts English aliases and synonyms of allowed values', () => {
    expect(findOption(legalStatusOptions, 'Valid')?.value).toBe('valid');
    expect(findOption(legalStatusOptions, '未缴年费专利权终止')?.value).toBe('terminated');
    expect(findOption(legalStatusOptions, '有效吗')).toBeUndefined();
  });
});

describe('validateInventoryRow: a good row', () => {
  it('stores the normalized base record', () => {
    const result = validate({});
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.patent).toEqual({
      applicationNumber: '202010123456.2',
      title: '一种基于深度学习的图像去噪方法',
      patentType: 'invention',
      applicationDate: '2020-03-18',
      grantDate: '2022-06-07',
      legalStatus: 'valid',
      inventors: ['张三', '李四', '王五'],
      department: '计算机科学与技术学院',
      publiclyFunded: true,
      implementationStatus: 'licensed',
      implementationAmountWan: 50,
      conversionIntents: ['assignment', 'license'],
      feeStandard: '许可费 30 万元，另按销售额 1% 提成',
      trl: 6,
      selfAssessedValue: 'fairly-high',
      applicationScenarios: '医学影像设备的图像增强',
      industrializationProspect: '已有两家企业试用',
      productsAndAdvantages: '峰值信噪比提高 3 dB',
      abstract: '本发明公开了一种图像去噪方法，先估计噪声水平，再分块去噪。',
      industryCode: '3911',
      strategicIndustries: [
        { code: '1.5', name: '人工智能', inferred: true, via: 'G06N3/08' },
        { code: '8.2', name: '数字文化创意活动', inferred: true, via: 'G06T5*' },
      ],
      classifications: ['G06T 5/00', 'G06N 3/08'],
      intendedPartners: '某某医疗科技有限公司',
      contactName: '王老师',
      contactInfo: '010-62780000',
      incrementalStock: false,
    });
    expect(inventoryRecordSchema.parse(result.patent)).toEqual(result.patent);
  });

  it('accepts English headers and English values', () => {
    const english = Object.fromEntries(
      Object.entries(validRow).map(([zh, value]) => [columnByHeader(zh)!.en, value]),
    );
    Object.assign(english, {
      patent_type: 'Invention',
      legal_status: 'valid',
      publicly_funded: 'no',
      implementation_status: 'not implemented',
      implementation_amount_10k_cny: '',
      conversion_intent: 'license, equity',
      self_assessed_value: 'high',
    });
    const result = validateInventoryRow(english, 3, today);
    expect(result.errors).toEqual([]);
    expect(result.patent).toMatchObject({
      patentType: 'invention',
      publiclyFunded: false,
      implementationStatus: 'not-implemented',
      conversionIntents: ['license', 'equity'],
      selfAssessedValue: 'high',
    });
  });

  it('leaves optional columns out when empty and keeps a stated strategic industry', () => {
    const result = validateInventoryRow(
      {
        申请号: '202010123456.2',
        专利名称: '一种方法',
        专利类型: '发明',
        申请日: '2020-03-18',
        授权日: '2022-06-07',
        法律状态: '有效',
        发明人: '张三',
        所属院系: '物理学院',
        是否属于财政资助科研项目形成专利: '否',
        实施状态: '未实施',
        'IPC/洛迦诺分类': 'H01S 3/00',
        战略性新兴产业分类: '1.2；人工智能',
        技术成熟度: '-',
      },
      4,
      today,
    );
    expect(result.errors).toEqual([]);
    expect(result.patent).toEqual({
      applicationNumber: '202010123456.2',
      title: '一种方法',
      patentType: 'invention',
      applicationDate: '2020-03-18',
      grantDate: '2022-06-07',
      legalStatus: 'valid',
      inventors: ['张三'],
      department: '物理学院',
      publiclyFunded: false,
      implementationStatus: 'not-implemented',
      conversionIntents: [],
      strategicIndustries: [
        { code: '1.2', name: '电子核心产业', inferred: false },
        { code: '1.5', name: '人工智能', inferred: false },
      ],
      classifications: ['H01S 3/00'],
      incrementalStock: false,
    });
  });

  it('a design carries Locarno classes and gets no inferred industry', () => {
    const design = withApplicationCheck('202030123456');
    const result = validate({ 申请号: design, 专利类型: '外观设计', 'IPC/洛迦诺分类': 'LOC(14) Cl.06-04' });
    expect(result.errors).toEqual([]);
    expect(result.patent).toMatchObject({
      patentType: 'design',
      classifications: ['06-04'],
      strategicIndustries: [],
    });
  });

  it('a pending application may have no grant date', () => {
    const result = validate({ 法律状态: '审中', 授权日: '' });
    expect(result.errors).toEqual([]);
    expect(result.patent?.grantDate).toBeUndefined();
    expect(result.patent).toMatchObject({ legalStatus: 'pending', incrementalStock: false });
    expect(codes(validate({ 法律状态: '审中' }).warnings)).toEqual(['授权日:PENDING_WITH_GRANT_DATE']);
  });
});

describe('validateInventoryRow: application number', () => {
  it('a check digit off by one is rejected, naming row, column, value and the expected character', () => {
    const result = validate({ 申请号: '202010123456.3' });
    expect(result.patent).toBeUndefined();
    expect(result.errors).toEqual([
      {
        row: 12,
        column: '申请号',
        value: '202010123456.3',
        code: 'APPLICATION_NUMBER_CHECK',
        messageZh:
          '第 12 行「申请号」的值「202010123456.3」校验位为 3，按前面的数字应为 2：请核对申请号（以专利证书或国家知识产权局登记为准）',
        messageEn:
          'Row 12, column 申请号 (application_number): value "202010123456.3" has check character 3, but the digits call for 2; check the application number against the certificate or the CNIPA register',
      },
    ]);
  });

  it('any check character off by one is caught (property)', () => {
    const body = fc
      .tuple(fc.integer({ min: 2003, max: 2025 }), fc.integer({ min: 0, max: 9_999_999 }))
      .map(([year, serial]) => `${year}1${String(serial).padStart(7, '0')}`);
    fc.assert(
      fc.property(body, fc.constantFrom(1, 10), fc.integer({ min: 2, max: 500 }), (digits, step, row) => {
        const chars = '0123456789X';
        const correct = applicationCheckCharacter(digits);
        const wrong = chars[(chars.indexOf(correct) + step) % 11]!;
        const result = validateInventoryRow(
          { ...validRow, 申请号: `${digits}.${wrong}`, 申请日: '2020-03-18' },
          row,
          today,
        );
        expect(result.patent).toBeUndefined();
        const error = result.errors.find((issue) => issue.code === 'APPLICATION_NUMBER_CHECK');
        expect(error?.messageZh).toContain(`第 ${row} 行「申请号」`);
        expect(error?.messageZh).toContain(`应为 ${correct}`);
        expect(error?.messageEn).toContain(`call for ${correct}`);
      }),
    );
  });

  it('a malformed number says what the form should be', () => {
    const result = validate({ 申请号: '2.02010E+11' });
    expect(codes(result.errors)).toEqual(['申请号:APPLICATION_NUMBER_INVALID']);
    expect(result.errors[0]?.messageZh).toContain('科学计数法');
  });

  it('the type digit must agree with 专利类型, and the message says which type the number implies', () => {
    const result = validate({ 专利类型: '实用新型' });
    expect(codes(result.errors)).toEqual(['专利类型:PATENT_TYPE_MISMATCH']);
    expect(result.errors[0]?.messageZh).toContain('请改为「发明」');
    const empty = validate({ 专利类型: '' });
    expect(codes(empty.errors)).toEqual(['专利类型:REQUIRED']);
    expect(empty.errors[0]?.messageZh).toContain('按申请号应为「发明」');
  });

  it('warns when the application year differs from the year in the number (not for PCT)', () => {
    expect(codes(validate({ 申请日: '2021-01-05' }).warnings)).toEqual(['申请日:APPLICATION_YEAR_MISMATCH']);
    expect(validate({ 申请号: withApplicationCheck('202080123456'), 申请日: '2019-05-05' }).warnings).toEqual(
      [],
    );
  });
});

describe('validateInventoryRow: dates', () => {
  it.each([
    ['2020-03-18', '2020-03-18'],
    ['2020/3/18', '2020-03-18'],
    ['2020.03.18', '2020-03-18'],
    ['2020年3月18日', '2020-03-18'],
    ['２０２０年３月１８日', '2020-03-18'],
    ['20200318', '2020-03-18'],
    ['2020-03-18 00:00:00', '2020-03-18'],
    ['43908', '2020-03-18'],
    ['43908.0', '2020-03-18'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %j as %s', (input, iso) => {
    expect(parseTemplateDate(input)).toBe(iso);
  });

  it.each([
    '2021-02-29',
    '2020-13-01',
    '2020-00-10',
    '2020/02/30',
    '20200230',
    '18/03/2020',
    'yesterday',
    '2020-3',
  ])('rejects the invalid date %j with a clear message', (input) => {
    const result = validate({ 申请日: input });
    expect(result.patent).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ row: 12, column: '申请日', value: input, code: 'INVALID_DATE' });
    expect(result.errors[0]?.messageZh).toBe(
      `第 12 行「申请日」的值「${input}」不是有效日期：请填写真实存在的日期，如 2020-03-18、2020/3/18 或 2020年3月18日`,
    );
    expect(result.errors[0]?.messageEn).toContain(
      `Row 12, column 申请日 (application_date): value "${input}"`,
    );
  });

  it('rejects a grant date after today or before the application date, and dates before 1985-04-01', () => {
    expect(codes(validate({ 授权日: '2026-11-21' }).errors)).toEqual(['授权日:DATE_IN_FUTURE']);
    expect(validate({ 授权日: '2026-11-20' }).errors).toEqual([]);
    expect(codes(validate({ 授权日: '2020-03-17' }).errors)).toEqual(['授权日:GRANT_BEFORE_APPLICATION']);
    expect(validate({ 授权日: '2020-03-18' }).errors).toEqual([]);
    expect(codes(validate({ 申请号: '84100001.5', 申请日: '1984-12-01' }).errors)).toContain(
      '申请日:DATE_TOO_EARLY',
    );
  });

  it('a grant after 2023-12-31 marks incremental stock and is not rejected', () => {
    expect(validate({ 授权日: '2024-01-02' }).patent?.incrementalStock).toBe(true);
    expect(validate({ 授权日: '2023-12-31' }).patent?.incrementalStock).toBe(false);
  });

  it('the grant date is required unless the application is pending', () => {
    expect(codes(validate({ 授权日: '' }).errors)).toEqual(['授权日:REQUIRED']);
  });

  it('refuses a malformed context.today (a programming error)', () => {
    expect(() => validateInventoryRow(validRow, 2, { today: '2026/11/20' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('validateInventoryRow: classifications and industries', () => {
  it('an invention needs IPC codes (sections A-H), a design Locarno classes', () => {
    expect(codes(validate({ 'IPC/洛迦诺分类': '' }).errors)).toEqual(['IPC/洛迦诺分类:REQUIRED']);
    expect(codes(validate({ 'IPC/洛迦诺分类': '06-04' }).errors)).toEqual([
      'IPC/洛迦诺分类:WRONG_CLASSIFICATION_SCHEME',
    ]);
    const invalid = validate({ 'IPC/洛迦诺分类': 'G06T 5/00；Y02E 10/50' });
    expect(codes(invalid.errors)).toEqual(['IPC/洛迦诺分类:INVALID_IPC']);
    expect(invalid.errors[0]?.messageEn).toContain('IPC sections are A to H');
    const design = { 申请号: withApplicationCheck('202030123456'), 专利类型: '外观设计' };
    expect(codes(validate({ ...design, 'IPC/洛迦诺分类': 'H01S 3/00' }).errors)).toEqual([
      'IPC/洛迦诺分类:WRONG_CLASSIFICATION_SCHEME',
    ]);
    expect(codes(validate({ ...design, 'IPC/洛迦诺分类': '33-01' }).errors)).toEqual([
      'IPC/洛迦诺分类:INVALID_LOCARNO',
    ]);
  });

  it('infers the strategic industry from IPC when the cell is empty, with the pattern that matched', () => {
    const result = validate({ 'IPC/洛迦诺分类': 'H04N 5/232' });
    expect(result.patent?.strategicIndustries).toEqual([
      { code: '8.1', name: '数字创意技术设备制造', inferred: true, via: 'H04N5*' },
    ]);
  });

  it('rejects an unknown strategic industry and warns about third-level codes and name mismatches', () => {
    const unknown = validate({ 战略性新兴产业分类: '1.9' });
    expect(codes(unknown.errors)).toEqual(['战略性新兴产业分类:UNKNOWN_STRATEGIC_INDUSTRY']);
    expect(unknown.errors[0]?.messageZh).toContain('或留空由系统按 IPC 推断');
    const third = validate({ 战略性新兴产业分类: '1.5.1' });
    expect(codes(third.warnings)).toEqual(['战略性新兴产业分类:STRATEGIC_THIRD_LEVEL']);
    expect(third.patent?.strategicIndustries).toEqual([{ code: '1.5', name: '人工智能', inferred: false }]);
    const named = validate({ 战略性新兴产业分类: '互联网与云计算、大数据服务' });
    expect(named.patent?.strategicIndustries).toEqual([
      { code: '1.4', name: '互联网与云计算、大数据服务', inferred: false },
    ]);
  });

  it('checks the national economic industry code', () => {
    expect(validate({ 国民经济行业分类: '3911 计算机整机制造' }).patent?.industryCode).toBe('3911');
    expect(codes(validate({ 国民经济行业分类: 'C9999' }).errors)).toEqual([
      '国民经济行业分类:UNKNOWN_INDUSTRY',
    ]);
    expect(codes(validate({ 国民经济行业分类: '3911 医药制造业' }).warnings)).toEqual([
      '国民经济行业分类:INDUSTRY_NAME_MISMATCH',
    ]);
  });
});

describe('validateInventoryRow: enumerations and numbers', () => {
  it('an unknown value lists the allowed ones', () => {
    const result = validate({ 法律状态: '有效吗' });
    expect(codes(result.errors)).toEqual(['法律状态:INVALID_VALUE']);
    expect(result.errors[0]?.messageZh).toContain(
      '请填写以下之一：有效、审中、权利终止、放弃、无效、届满、失效',
    );
    expect(result.errors[0]?.messageEn).toContain('有效 (valid)');
    expect(codes(validate({ 是否属于财政资助科研项目形成专利: '也许' }).errors)).toEqual([
      '是否属于财政资助科研项目形成专利:INVALID_VALUE',
    ]);
  });

  it('转化意愿 takes several values; 暂无 stands alone', () => {
    expect(validate({ 转化意愿: '转让；许可、作价入股,产业化，自行应用' }).patent?.conversionIntents).toEqual(
      ['assignment', 'license', 'equity', 'industrialization', 'self-application'],
    );
    expect(validate({ 转化意愿: '转让/独占许可；转让' }).patent?.conversionIntents).toEqual([
      'assignment',
      'license',
    ]);
    expect(validate({ 转化意愿: '暂无' }).patent?.conversionIntents).toEqual(['none']);
    expect(codes(validate({ 转化意愿: '暂无；许可' }).errors)).toEqual(['转化意愿:EXCLUSIVE_VALUE']);
    const unknown = validate({ 转化意愿: '许可；捐赠' });
    expect(codes(unknown.errors)).toEqual(['转化意愿:INVALID_VALUE']);
    expect(unknown.errors[0]?.messageZh).toContain('「捐赠」不是允许的值');
    expect(unknown.errors[0]?.messageZh).toContain('转让、许可、作价入股、自行应用、产业化、暂无');
  });

  it('TRL is an integer from 1 to 9', () => {
    expect(validate({ 技术成熟度: 'TRL 7' }).patent?.trl).toBe(7);
    expect(validate({ 技术成熟度: '３级' }).patent?.trl).toBe(3);
    expect(validate({ 技术成熟度: '' }).patent?.trl).toBeUndefined();
    expect(codes(validate({ 技术成熟度: '0' }).errors)).toEqual(['技术成熟度:OUT_OF_RANGE']);
    expect(codes(validate({ 技术成熟度: '10' }).errors)).toEqual(['技术成熟度:OUT_OF_RANGE']);
    expect(codes(validate({ 技术成熟度: '5.5' }).errors)).toEqual(['技术成熟度:INVALID_INTEGER']);
    expect(codes(validate({ 技术成熟度: 'high' }).errors)).toEqual(['技术成熟度:INVALID_INTEGER']);
  });

  it('the implementation amount is a number of 万元, at least 0', () => {
    expect(validate({ '实施金额（万元）': '1,234.5万元' }).patent?.implementationAmountWan).toBe(1234.5);
    expect(validate({ '实施金额（万元）': '无' }).patent?.implementationAmountWan).toBeUndefined();
    expect(codes(validate({ '实施金额（万元）': '-3' }).errors)).toEqual(['实施金额（万元）:INVALID_NUMBER']);
    expect(codes(validate({ 实施状态: '未实施' }).warnings)).toEqual([
      '实施金额（万元）:AMOUNT_WITHOUT_IMPLEMENTATION',
    ]);
  });

  it('reports every problem of a row at once, in template column order', () => {
    const result = validate({
      技术成熟度: '12',
      申请日: '2020-02-30',
      申请号: '202010123456.9',
      联系人: 'x'.repeat(101),
    });
    expect(codes(result.errors)).toEqual([
      '申请号:APPLICATION_NUMBER_CHECK',
      '申请日:INVALID_DATE',
      '技术成熟度:OUT_OF_RANGE',
      '联系人:TOO_LONG',
    ]);
  });
});

describe('validateInventoryRow: hostile cells', () => {
  it('a 10,000-character cell gets an error naming the limit; the reported value is cut to 200 characters', () => {
    const huge = '长'.repeat(10_000);
    const result = validate({ 应用场景: huge });
    expect(result.patent).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error).toMatchObject({ row: 12, column: '应用场景', code: 'TOO_LONG' });
    expect(error?.value.length).toBeLessThanOrEqual(200);
    expect(huge.startsWith(error!.value.slice(0, -1))).toBe(true);
    expect(error?.messageZh).toContain('过长（10000 字，上限 2000 字）：请缩短到 2000 字以内');
    expect(error?.messageEn).toContain('the limit is 2000');
    expect(error!.messageZh.length).toBeLessThan(300);
    expect(error!.messageEn.length).toBeLessThan(400);
  });

  it('a 10,000-character cell in any column is rejected without echoing it whole', () => {
    for (const column of inventoryColumns) {
      const result = validate({ [column.zh]: '9'.repeat(10_000) });
      const error = result.errors.find((issue) => issue.column === column.zh);
      expect(error?.code, column.zh).toBe('TOO_LONG');
      expect(error!.value.length).toBeLessThanOrEqual(200);
      expect(error!.messageZh).toContain(`上限 ${column.maxLength} 字`);
    }
  });

  it('cells starting with = + - @ are stored verbatim as text, never evaluated or stripped', () => {
    const result = validate({
      专利名称: '=1+1',
      所属院系: '@计算机学院',
      费用标准: '+30万元',
      应用场景: '-40℃ 低温环境',
      对应产品与技术优势: '=HYPERLINK("http://example.com","点击")',
      意向合作企业: "=cmd|' /C calc'!A0",
      联系人: '@王老师',
      联系方式: '+86 10 6278 0000',
      发明人: '=A1；+张三',
    });
    expect(result.errors).toEqual([]);
    expect(result.patent).toMatchObject({
      title: '=1+1',
      department: '@计算机学院',
      feeStandard: '+30万元',
      applicationScenarios: '-40℃ 低温环境',
      productsAndAdvantages: '=HYPERLINK("http://example.com","点击")',
      intendedPartners: "=cmd|' /C calc'!A0",
      contactName: '@王老师',
      contactInfo: '+86 10 6278 0000',
      inventors: ['=A1', '+张三'],
    });
  });

  it('any formula-like title is kept exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('=', '+', '-', '@'),
        fc.string({ maxLength: 200 }).filter((rest) => rest.trim() === rest),
        (lead, rest) => {
          const title = `${lead}${rest}`;
          expect(validate({ 专利名称: title }).patent?.title).toBe(title);
        },
      ),
    );
  });

  it('a formula-like value in a typed column is an error showing the value verbatim', () => {
    const result = validate({ 申请日: '=TODAY()' });
    expect(result.errors[0]).toMatchObject({ column: '申请日', value: '=TODAY()', code: 'INVALID_DATE' });
    expect(result.errors[0]?.messageZh).toContain('「=TODAY()」');
  });

  it('required cells left empty are named', () => {
    const result = validateInventoryRow({}, 7, today);
    expect(result.patent).toBeUndefined();
    expect(result.errors.map((issue) => issue.column)).toEqual(
      inventoryColumns.filter((column) => column.required).map((column) => column.zh),
    );
    expect(result.errors[0]?.messageZh).toMatch(/^第 7 行「申请号」未填写：此列为必填项/);
    expect(result.errors[0]?.messageEn).toMatch(
      /^Row 7, column 申请号 \(application_number\): is empty; this column is required/,
    );
  });
});

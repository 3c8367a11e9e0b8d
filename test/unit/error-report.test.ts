import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula, renderErrorReport } from '../../functions/intake/error-report.ts';

describe('the error report CSV', () => {
  it('opens as UTF-8 in Excel (BOM) and lists row, column, value, level, code and both messages', () => {
    const csv = renderErrorReport(
      [
        {
          row: 6,
          column: '申请号',
          value: '202010123456.3',
          code: 'APPLICATION_NUMBER_CHECK',
          messageZh: '校验位应为 2',
          messageEn: 'check character should be 2, "see" help',
        },
      ],
      [
        {
          row: 7,
          column: '实施金额（万元）',
          value: '50',
          code: 'AMOUNT_WITHOUT_IMPLEMENTATION',
          messageZh: '提示',
          messageEn: 'hint',
        },
      ],
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      '行号 row': '6',
      '列 column': '申请号',
      '级别 level': '错误 error',
      'message (en)': 'check character should be 2, "see" help',
    });
    expect(rows[1]!['级别 level']).toBe('提示 warning');
  });

  it('never lets a spreadsheet evaluate a value: = + - @ get a leading apostrophe', () => {
    for (const value of ['=SUM(A1:A9)', '+1', '-2+3', '@cmd', '\t=1'])
      expect(neutralizeFormula(value)).toBe(`'${value}`);
    expect(neutralizeFormula('一种方法')).toBe('一种方法');
    const csv = renderErrorReport([
      {
        row: 2,
        column: '专利名称',
        value: '=HYPERLINK("http://x","y")',
        code: 'X',
        messageZh: 'z',
        messageEn: 'e',
      },
    ]);
    const [row] = parse(csv, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(row!['值 value']).toBe('\'=HYPERLINK("http://x","y")');
  });
});

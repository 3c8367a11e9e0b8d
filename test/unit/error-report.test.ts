import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  ErrorReportStream,
  neutralizeFormula,
  type ReportObjectStore,
  renderErrorReport,
} from '../../functions/intake/error-report.ts';
import type { ErrorRow } from '../../schemas/batch-job.ts';

/** An object store in memory: finished objects, parts of open uploads, what was aborted. */
function memoryStore() {
  const objects = new Map<string, Buffer>();
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const store: ReportObjectStore = {
    async put(key, body) {
      calls.push('put');
      objects.set(key, body);
    },
    async startMultipart(key) {
      calls.push('start');
      const parts = new Map<number, Buffer>();
      return {
        async uploadPart(n, body) {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 1));
          inFlight--;
          calls.push(`part ${n}`);
          parts.set(n, body);
          return `etag-${n}`;
        },
        async complete(list) {
          calls.push('complete');
          expect(list.map((p) => p.etag)).toEqual(list.map((p) => `etag-${p.partNumber}`));
          objects.set(key, Buffer.concat(list.map((p) => parts.get(p.partNumber)!)));
        },
        async abort() {
          calls.push('abort');
        },
      };
    },
  };
  return { store, objects, calls, maxInFlight: () => maxInFlight };
}

const errorRow = (row: number): ErrorRow => ({
  row,
  column: '申请号',
  value: row % 7 === 0 ? '=1+1' : `20201012345${row}`,
  code: 'APPLICATION_NUMBER_CHECK',
  messageZh: `第 ${row} 行：校验位错误，请核对申请号`,
  messageEn: `Row ${row}: check character wrong, "check" the number`,
});

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

  it('escapes full-width formula signs too, and keeps a value with a bare line feed in its cell', () => {
    for (const value of ['＝1+1', '＋1', '－2', '＠cmd']) expect(neutralizeFormula(value)).toBe(`'${value}`);
    const csv = renderErrorReport([
      { row: 3, column: '专利名称', value: '＝1+1', code: 'X', messageZh: '第一行\n第二行', messageEn: 'e' },
    ]);
    const rows = parse(csv, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ '值 value': "'＝1+1", '说明 message (zh)': '第一行\n第二行' });
  });
});

describe('the streamed error report', () => {
  it('a small report is one PutObject; no line means no object', async () => {
    const { store, objects, calls } = memoryStore();
    const empty = new ErrorReportStream(store, 'errors/empty.csv');
    expect(await empty.close()).toBeUndefined();
    const report = new ErrorReportStream(store, 'errors/a.csv');
    expect(report.add('error', [errorRow(2)])).toBeUndefined();
    report.add('warning', [errorRow(3)]);
    expect(await report.close()).toBe('errors/a.csv');
    expect(calls).toEqual(['put']);
    expect(objects.get('errors/a.csv')!.toString()).toBe(renderErrorReport([errorRow(2)], [errorRow(3)]));
  });

  it('many lines go up in parts, one at a time, memory bounded by about two parts; the object is every line once', async () => {
    const { store, objects, calls, maxInFlight } = memoryStore();
    const partBytes = 64 * 1024;
    const report = new ErrorReportStream(store, 'errors/big.csv', { partBytes });
    const rows = Array.from({ length: 20_000 }, (_, i) => errorRow(i + 2));
    for (let i = 0; i < rows.length; i += 3) {
      const pending = report.add(i % 2 ? 'warning' : 'error', rows.slice(i, i + 3));
      if (pending) await pending;
    }
    expect(await report.close()).toBe('errors/big.csv');
    expect(calls[0]).toBe('start');
    expect(calls.at(-1)).toBe('complete');
    expect(calls.filter((c) => c.startsWith('part')).length).toBeGreaterThan(20);
    expect(maxInFlight()).toBe(1);
    expect(report.peakBufferedBytes).toBeLessThan(2 * partBytes + 1024);
    const body = objects.get('errors/big.csv')!;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = parse(body, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(lines.map((l) => Number(l['行号 row']))).toEqual(rows.map((r) => r.row));
    expect(lines[5]!['值 value']).toBe("'=1+1");
    expect(report.lines.error + report.lines.warning).toBe(20_000);
  });

  it('a failed part upload fails the writer, and abort gives the upload up', async () => {
    const { store, calls } = memoryStore();
    const failing: ReportObjectStore = {
      put: store.put,
      async startMultipart(key) {
        const upload = await store.startMultipart(key);
        return { ...upload, uploadPart: async () => Promise.reject(new Error('S3 down')) };
      },
    };
    const report = new ErrorReportStream(failing, 'errors/x.csv', { partBytes: 1024 });
    await expect(
      report.add(
        'error',
        Array.from({ length: 50 }, (_, i) => errorRow(i)),
      ),
    ).rejects.toThrow('S3 down');
    expect(() => report.add('error', [errorRow(99)])).toThrow('S3 down');
    await report.abort();
    expect(calls).toEqual(['start', 'abort']);
  });
});

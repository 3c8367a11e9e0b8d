import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  chooseHeader,
  readTableRows,
  type TableRow,
  UnreadableFileError,
} from '../../functions/intake/read-table.ts';

/** Streams a buffer in small chunks, so that multi-byte characters straddle chunk borders. */
const chunked = (buffer: Buffer, size = 7) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
    })(),
  );

async function rows(buffer: Buffer, size?: number): Promise<TableRow[]> {
  const out: TableRow[] = [];
  for await (const row of readTableRows(chunked(buffer, size))) out.push(row);
  return out;
}

const csv =
  '申请号,专利名称,发明人\n202010123456.2,一种锂电池正极材料的制备方法,"张三,李四"\n200710308494.X,=SUM(A1:A2),@王五\n';

describe('readTableRows: CSV', () => {
  it('reads UTF-8 without BOM, quoted cells, formula-like text kept verbatim', async () => {
    const read = await rows(Buffer.from(csv));
    expect(read.map((r) => r.rowNumber)).toEqual([1, 2, 3]);
    expect(read[0]!.cells).toEqual(['申请号', '专利名称', '发明人']);
    expect(read[1]!.cells[2]).toBe('张三,李四');
    expect(read[2]!.cells).toEqual(['200710308494.X', '=SUM(A1:A2)', '@王五']);
  });

  it('reads UTF-8 with BOM (the BOM is not part of the first header)', async () => {
    const read = await rows(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    expect(read[0]!.cells[0]).toBe('申请号');
  });

  it('reads GBK / GB18030 without BOM, characters split across chunks intact', async () => {
    const read = await rows(iconv.encode(csv, 'gbk'), 5);
    expect(read[1]!.cells[1]).toBe('一种锂电池正极材料的制备方法');
    expect(read.flatMap((r) => r.cells).join('')).not.toContain('\ufffd');
  });

  it('detects GB18030 even when the UTF-8 look of the first 64 KB ends mid-file', async () => {
    const big = `申请号,专利名称\n${'202010123456.2,一种方法\n'.repeat(5000)}`;
    const read = await rows(iconv.encode(big, 'gb18030'), 4096);
    expect(read).toHaveLength(5001);
    expect(read[5000]!.cells[1]).toBe('一种方法');
  });
});

describe('readTableRows: files that are not tables', () => {
  it('an empty file', async () => {
    await expect(rows(Buffer.alloc(0))).rejects.toMatchObject({ code: 'EMPTY_FILE' });
  });
  it('a 20 MB binary renamed .csv is refused from its first bytes, not read to the end', async () => {
    let served = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 20 * 16; i++) {
          served += 64 * 1024;
          yield randomBytes(64 * 1024);
        }
      })(),
    );
    const consume = async () => {
      for await (const _ of readTableRows(source)) {
        // nothing
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(UnreadableFileError);
    expect(served).toBeLessThanOrEqual(2 * 64 * 1024);
  });
  it('an Excel 97-2003 .xls names the fix', async () => {
    await expect(
      rows(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])),
    ).rejects.toMatchObject({
      code: 'LEGACY_XLS',
      messageEn: expect.stringContaining('.xlsx'),
    });
  });
});

describe('readTableRows: tab-separated text (Excel\'s "Unicode 文本", WPS)', () => {
  const tsv = '申请号\t专利名称\t发明人\r\n202010123456.2\t一种锂电池正极材料,制备方法\t张三,李四\r\n';
  const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

  it('UTF-16 LE with its BOM (what Excel writes), characters split across chunks intact', async () => {
    const read = await rows(utf16le(tsv), 5);
    expect(read.map((r) => r.cells)).toEqual([
      ['申请号', '专利名称', '发明人'],
      ['202010123456.2', '一种锂电池正极材料,制备方法', '张三,李四'],
    ]);
  });

  it('UTF-16 BE with its BOM', async () => {
    const le = Buffer.from(tsv, 'utf16le');
    const be = Buffer.alloc(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1]!;
      be[i + 1] = le[i]!;
    }
    const read = await rows(Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    expect(read[1]!.cells[1]).toBe('一种锂电池正极材料,制备方法');
  });

  it('UTF-8 and GBK tab-separated: the separator from the first line, commas in cells kept', async () => {
    expect((await rows(Buffer.from(tsv)))[1]!.cells).toHaveLength(3);
    const gbk = await rows(iconv.encode(tsv, 'gbk'));
    expect(gbk[1]!.cells).toEqual(['202010123456.2', '一种锂电池正极材料,制备方法', '张三,李四']);
  });

  it('a comma-separated file whose cells hold tabs stays comma-separated', async () => {
    const read = await rows(Buffer.from('申请号,专利名称,备注\n202010123456.2,标题,"a\tb"\n'));
    expect(read[1]!.cells).toEqual(['202010123456.2', '标题', 'a\tb']);
  });
});

describe('readTableRows: Excel 2003 XML spreadsheet (SpreadsheetML, often named .xls)', () => {
  const workbook = (sheets: string) => `<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Styles><Style ss:ID="s1"><NumberFormat ss:Format="@"/></Style></Styles>
${sheets}
</Workbook>`;
  const inventory = `<Worksheet ss:Name="专利清单"><Table>
  <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">某某大学存量专利清单</Data></Cell></Row>
  <Row ss:Index="3"><Cell><Data ss:Type="String">申请号</Data></Cell><Cell><Data ss:Type="String">专利名称</Data></Cell><Cell><Data ss:Type="String">申请日</Data></Cell><Cell><Data ss:Type="String">备注</Data></Cell></Row>
  <Row><Cell ss:StyleID="s1"><Data ss:Type="String">202010123456.2</Data></Cell><Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><Font>一种<B>锂电池</B></Font>正极材料 &amp; 方法</ss:Data></Cell><Cell><Data ss:Type="DateTime">2020-03-18T00:00:00.000</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">200710308494.X</Data></Cell><Cell ss:Index="4"><Data ss:Type="String">跳过两列</Data></Cell></Row>
 </Table></Worksheet>`;

  it('reads rows and cells as Excel shows them: ss:Index, merged cells, rich text, dates', async () => {
    const read = await rows(Buffer.from(workbook(inventory)), 11);
    expect(read).toEqual([
      { rowNumber: 1, cells: ['某某大学存量专利清单', '', ''] },
      { rowNumber: 3, cells: ['申请号', '专利名称', '申请日', '备注'] },
      { rowNumber: 4, cells: ['202010123456.2', '一种锂电池正极材料 & 方法', '2020-03-18'] },
      { rowNumber: 5, cells: ['200710308494.X', '', '', '跳过两列'] },
    ]);
  });

  it('in GBK too; the sheet that holds the table is picked after an instructions sheet', async () => {
    const instructions = `<Worksheet ss:Name="填表说明"><Table><Row><Cell><Data ss:Type="String">请按模板填写</Data></Cell></Row></Table></Worksheet>`;
    const file = iconv.encode(
      workbook(instructions + inventory).replace('encoding="UTF-8"', 'encoding="GBK"'),
      'gbk',
    );
    const read: TableRow[] = [];
    for await (const row of readTableRows(chunked(file, 13), {
      isTableSheet: (first) => first.some((r) => r.cells.includes('申请号')),
    }))
      read.push(row);
    expect(read.map((r) => r.cells[0])).toEqual([
      '某某大学存量专利清单',
      '申请号',
      '202010123456.2',
      '200710308494.X',
    ]);
  });

  it('broken XML is refused with what to do', async () => {
    await expect(
      rows(
        Buffer.from(workbook('<Worksheet><Table><Row><Cell>'.repeat(3)).replace('</Workbook>', '</Table>')),
      ),
    ).rejects.toMatchObject({
      code: 'NOT_A_TABLE',
      messageEn: expect.stringContaining('save it as .xlsx'),
    });
  });
});

describe('readTableRows: web pages named .xls', () => {
  it('an HTML table exported as "Excel" names the fix', async () => {
    for (const page of [
      '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body><table><tr><td>申请号</td></tr></table></body></html>',
      '\n  <table border="1"><tr><th>申请号</th></tr></table>',
      '<!DOCTYPE html><html><body></body></html>',
    ]) {
      await expect(rows(Buffer.from(page))).rejects.toMatchObject({
        code: 'HTML_TABLE',
        messageZh: expect.stringContaining('另存为'),
      });
    }
  });
});

describe('readTableRows: XLSX', () => {
  it('reads the first sheet, with title rows, merged headers, dates and formula results', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('盘点');
    sheet.addRow(['某大学存量专利盘点表']);
    sheet.mergeCells('A1:D1');
    sheet.addRow(['申请号', '专利名称', '申请日', '实施状态']);
    sheet.addRow(['', '', '', '']);
    sheet.mergeCells('A2:A3');
    sheet.mergeCells('B2:B3');
    sheet.mergeCells('C2:C3');
    sheet.getCell('D3').value = '状态';
    sheet.addRow([
      '202010123456.2',
      { richText: [{ text: '一种' }, { text: '方法' }] },
      new Date(Date.UTC(2020, 2, 5)),
      { formula: '"自行"&"实施"', result: '自行实施' },
    ]);
    sheet.addRow(['=1+1', '@x', '', '']);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const read = await rows(buffer, 1024);
    const header = chooseHeader(read, (h) => ['申请号', '专利名称', '申请日', '实施状态'].includes(h));
    expect(header).toEqual({ rowNumber: 2, headers: ['申请号', '专利名称', '申请日', '实施状态'] });
    const row4 = read.find((r) => r.rowNumber === 4)!;
    expect(row4.cells).toEqual(['202010123456.2', '一种方法', '2020-03-05', '自行实施']);
    expect(read.find((r) => r.rowNumber === 5)!.cells.slice(0, 2)).toEqual(['=1+1', '@x']);
  });
});

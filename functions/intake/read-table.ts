/**
 * Reads a dropped batch file as a stream of rows, whatever office saved it: CSV in UTF-8 (with or
 * without BOM) or GB18030/GBK, tab-separated text (Excel's "Unicode 文本 (*.txt)" in UTF-16 with its
 * BOM, or any of the encodings above), XLSX, or Excel 2003's XML spreadsheet (SpreadsheetML, what
 * many university systems export under an .xls name). Never holds the whole file in memory. The
 * format is told by the bytes, not the file name; the encoding by the BOM, else by whether the prefix
 * is valid UTF-8 (an incomplete trailing sequence trimmed), else GB18030 (LIBRARIES.md: chardet
 * guesses wrong on short Chinese text); the separator by the first line (tabs or commas). Row numbers
 * are the ones a user sees in Excel (the header is usually row 1). Refused with what to do: the binary
 * Excel 97-2003 format (SheetJS, the one library reading it, is frozen on npm with known CVEs:
 * LIBRARIES.md) and web pages (HTML tables saved as .xls).
 */
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { TextDecoderStream } from 'node:stream/web';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
// The streaming reader alone, not exceljs' whole entry (which brings the writers and their zip
// libraries too): the same class as ExcelJS.stream.xlsx.WorkbookReader, at a third of the bundle.
import WorkbookReaderModule from 'exceljs/lib/stream/xlsx/workbook-reader.js';
// exceljs' own XML parser (already in every bundle that reads XLSX): Excel 2003 XML spreadsheets.
import { SaxesParser } from 'saxes';

const WorkbookReader = WorkbookReaderModule as unknown as typeof ExcelJS.stream.xlsx.WorkbookReader;

import { type TableRow, UnreadableFileError } from './table.ts';

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';
export type TableFormat =
  | { format: 'xlsx' }
  | { format: 'csv'; encoding: TextEncoding; delimiter: ',' | '\t' }
  | { format: 'spreadsheetml'; encoding: TextEncoding };

const prefixBytes = 64 * 1024;

/** Trims an incomplete UTF-8 sequence at the end of a prefix cut from a longer file. */
function trimIncompleteUtf8(prefix: Buffer): Buffer {
  let end = prefix.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = prefix[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  return prefix.subarray(0, end);
}

export function sniffFormat(prefix: Buffer, complete: boolean): TableFormat {
  if (prefix.length === 0) {
    throw new UnreadableFileError(
      'EMPTY_FILE',
      '文件为空：请上传填写好的盘点模板',
      'The file is empty: upload the filled-in inventory template',
    );
  }
  if (prefix.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return { format: 'xlsx' };
  if (prefix.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new UnreadableFileError(
      'LEGACY_XLS',
      '不支持旧版 Excel 97-2003（.xls）文件：请在 Excel 中“另存为” .xlsx 或 CSV 后重新上传',
      'Excel 97-2003 (.xls) files are not supported: use "Save as" .xlsx or CSV in Excel and upload again',
    );
  }
  if (prefix.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])))
    return textFormat('utf-8', new TextDecoder('utf-8').decode(trimIncompleteUtf8(prefix)));
  // Excel's "Unicode 文本" and WPS's text export: UTF-16 with its BOM, tab-separated.
  if (prefix[0] === 0xff && prefix[1] === 0xfe)
    return textFormat('utf-16le', new TextDecoder('utf-16le').decode(prefix.subarray(0, prefix.length & ~1)));
  if (prefix[0] === 0xfe && prefix[1] === 0xff)
    return textFormat('utf-16be', new TextDecoder('utf-16be').decode(prefix.subarray(0, prefix.length & ~1)));
  const notText = () =>
    new UnreadableFileError(
      'NOT_A_TABLE',
      '无法读取该文件：它既不是 CSV 文本也不是 XLSX 表格。请用 Excel 打开后另存为 .xlsx 或 CSV（UTF-8）再上传',
      'This file is neither CSV text nor an XLSX workbook: open it in Excel, save it as .xlsx or CSV (UTF-8) and upload again',
    );
  // UTF-16 and binary files carry NUL bytes; no text table does.
  if (prefix.includes(0)) throw notText();
  const sample = complete ? prefix : trimIncompleteUtf8(prefix);
  if (isUtf8(sample)) return textFormat('utf-8', sample.toString('utf-8'));
  const decoded = new TextDecoder('gb18030').decode(sample);
  // Control characters (other than tab and line breaks) and replacement characters betray binary data.
  let suspicious = 0;
  for (const char of decoded) {
    const code = char.charCodeAt(0);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f || code === 0xfffd)
      suspicious++;
  }
  if (suspicious > Math.max(8, decoded.length / 200)) throw notText();
  return textFormat('gb18030', decoded);
}

/**
 * A text file's format from its decoded start: an Excel 2003 XML spreadsheet, a web page (refused),
 * or delimited text, tab-separated when its first non-empty line has more tabs than commas.
 */
function textFormat(encoding: TextEncoding, text: string): TableFormat {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) {
    if (/<(?:ss:)?Workbook\b/.test(start) || start.includes('urn:schemas-microsoft-com:office:spreadsheet'))
      return { format: 'spreadsheetml', encoding };
    if (/^<(?:!doctype\s+html|html|head|body|meta|table|\?xml)\b/i.test(start)) {
      throw new UnreadableFileError(
        'HTML_TABLE',
        '该文件是网页（HTML）格式，只是扩展名为 .xls（许多系统的“导出 Excel”如此）：请用 Excel 或 WPS 打开后“另存为” .xlsx 或 CSV 再上传',
        'This file is a web page (HTML) with an .xls name, as many systems "export to Excel": open it in Excel or WPS, save it as .xlsx or CSV and upload again',
      );
    }
  }
  const firstLine = start.split(/\r?\n/, 1)[0] ?? '';
  const tabs = firstLine.split('\t').length - 1;
  const commas = firstLine.split(',').length - 1;
  return { format: 'csv', encoding, delimiter: tabs > commas ? '\t' : ',' };
}

/** Reads up to `size` bytes from the start of a stream, and gives back a stream of the whole. */
async function peek(
  source: Readable,
  size: number,
): Promise<{ prefix: Buffer; complete: boolean; whole: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let complete = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      complete = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  const whole = Readable.from(
    (async function* () {
      yield head;
      if (complete) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
    { objectMode: false },
  );
  return { prefix: head.subarray(0, size), complete, whole };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // exceljs gives date cells as UTC midnight of the shown date.
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  }
  if (typeof value === 'object') {
    const v = value as {
      richText?: Array<{ text: string }>;
      text?: unknown;
      result?: unknown;
      error?: string;
      formula?: string;
    };
    if (v.richText) return v.richText.map((part) => part.text).join('');
    // A formula cell: its cached result, never the formula evaluated by us.
    if ('result' in v || 'formula' in v) return cellText(v.result);
    if (v.error) return v.error;
    if (v.text !== undefined) return cellText(v.text);
    return '';
  }
  return String(value);
}

/** The file as text: Node's own decoders (full ICU), streaming: characters split across chunks stay whole. */
const decoded = (whole: Readable, encoding: TextEncoding): Readable =>
  encoding === 'utf-8'
    ? whole
    : Readable.fromWeb(Readable.toWeb(whole).pipeThrough(new TextDecoderStream(encoding)) as never);

async function* csvRows(
  whole: Readable,
  encoding: TextEncoding,
  delimiter: ',' | '\t',
): AsyncGenerator<TableRow> {
  const parser = decoded(whole, encoding).pipe(
    parse({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }),
  );
  let rowNumber = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    rowNumber++;
    yield { rowNumber, cells: record };
  }
}

/** Options of `readTableRows`. */
export interface ReadTableOptions {
  /**
   * XLSX: whether a worksheet, given its first rows, holds the table (e.g. one of them names template
   * columns). The first that does is read; when none does, the first. Default: the first worksheet.
   */
  isTableSheet?: (firstRows: TableRow[]) => boolean;
}

/** Rows of a worksheet inspected before deciding whether it holds the table. */
const sheetProbeRows = 10;

async function* xlsxRows(whole: Readable, options: ReadTableOptions): AsyncGenerator<TableRow> {
  const reader = new WorkbookReader(whole, {
    entries: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache', // needed to tell date cells from numbers
    worksheets: 'emit',
  });
  const toRow = (row: ExcelJS.Row): TableRow => {
    const values = row.values as unknown[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
    return { rowNumber: row.number, cells };
  };
  let firstSheetRows: TableRow[] | undefined;
  for await (const worksheet of reader) {
    const rows = (worksheet as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
    if (!options.isTableSheet) {
      // The first worksheet is the template.
      for (let next = await rows.next(); !next.done; next = await rows.next()) yield toRow(next.value);
      return;
    }
    const probe: TableRow[] = [];
    let done = false;
    while (probe.length < sheetProbeRows) {
      const next = await rows.next();
      if (next.done) {
        done = true;
        break;
      }
      probe.push(toRow(next.value));
    }
    if (options.isTableSheet(probe)) {
      yield* probe;
      if (!done)
        for (let next = await rows.next(); !next.done; next = await rows.next()) yield toRow(next.value);
      return;
    }
    firstSheetRows ??= probe;
    // Another sheet (说明, 填表须知 ...): read past it, streaming, and look at the next one.
    if (!done) for (let next = await rows.next(); !next.done; next = await rows.next());
  }
  // No sheet holds the table: the first one's rows, for the header check to explain.
  if (firstSheetRows) yield* firstSheetRows;
}

/**
 * Rows of an Excel 2003 XML spreadsheet (`<Workbook><Worksheet><Table><Row><Cell><Data>`), streaming:
 * `ss:Index` on a row or a cell skips to that row / column, `ss:MergeAcross` leaves the merged cells
 * empty (as the XLSX reader does), a DateTime cell gives its date. The worksheet read is picked as for
 * XLSX (`isTableSheet`, else the first).
 */
async function* spreadsheetMlRows(
  whole: Readable,
  encoding: TextEncoding,
  options: ReadTableOptions,
): AsyncGenerator<TableRow> {
  const parser = new SaxesParser();
  const local = (name: string) => name.slice(name.indexOf(':') + 1);
  const attribute = (attributes: Record<string, unknown>, name: string) => {
    const value = attributes[`ss:${name}`] ?? attributes[name];
    return typeof value === 'string' ? value : undefined;
  };
  // Worksheets come one after the other: each is probed (its first rows), then streamed when it holds
  // the table (or is the first and nothing picks), else skipped as it passes.
  let mode: 'streaming' | 'probing' | 'skipping' = 'skipping';
  let decided = false;
  let probe: TableRow[] = [];
  let firstProbe: TableRow[] | undefined;
  let out: TableRow[] = [];
  const decide = () => {
    if (!options.isTableSheet || options.isTableSheet(probe)) {
      out.push(...probe);
      decided = true;
      mode = 'streaming';
    } else {
      firstProbe ??= probe;
      mode = 'skipping';
    }
    probe = [];
  };
  let row: string[] | undefined;
  let rowNumber = 0;
  let cell: { text: string; type?: string; mergeAcross: number } | undefined;
  let inData = false;
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    const attributes = tag.attributes as Record<string, unknown>;
    if (name === 'Worksheet') {
      mode = decided ? 'skipping' : options.isTableSheet ? 'probing' : 'streaming';
      decided ||= !options.isTableSheet;
      rowNumber = 0;
    } else if (name === 'Row' && mode !== 'skipping') {
      const index = Number(attribute(attributes, 'Index'));
      rowNumber = Number.isInteger(index) && index > rowNumber ? index : rowNumber + 1;
      row = [];
    } else if (name === 'Cell' && row) {
      const index = Number(attribute(attributes, 'Index'));
      if (Number.isInteger(index) && index - 1 > row.length && index <= maxSpreadsheetMlColumns)
        while (row.length < index - 1) row.push('');
      const merge = Number(attribute(attributes, 'MergeAcross'));
      cell = { text: '', mergeAcross: Number.isInteger(merge) && merge > 0 ? Math.min(merge, 1000) : 0 };
    } else if (name === 'Data' && cell) {
      inData = true;
      const type = attribute(attributes, 'Type');
      if (type) cell.type = type;
    }
  });
  parser.on('text', (text) => {
    if (inData && cell) cell.text += text;
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    if (name === 'Data') inData = false;
    else if (name === 'Cell' && cell && row) {
      const text =
        cell.type === 'DateTime' && /^\d{4}-\d{2}-\d{2}T00:00:00/.test(cell.text)
          ? cell.text.slice(0, 10)
          : cell.text;
      row.push(text);
      for (let i = 0; i < cell.mergeAcross; i++) row.push('');
      cell = undefined;
    } else if (name === 'Row' && row) {
      const read = { rowNumber, cells: row };
      row = undefined;
      if (mode === 'streaming') out.push(read);
      else if (mode === 'probing') {
        probe.push(read);
        if (probe.length >= sheetProbeRows) decide();
      }
    } else if (name === 'Worksheet' && mode === 'probing') decide();
  });
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  const flush = function* () {
    const rows = out;
    out = [];
    yield* rows;
  };
  // Always through a decoder (UTF-8 too): a character split across two chunks stays whole.
  const text = Readable.fromWeb(Readable.toWeb(whole).pipeThrough(new TextDecoderStream(encoding)) as never);
  for await (const chunk of text) {
    parser.write(String(chunk));
    if (failure) break;
    yield* flush();
  }
  if (!failure) parser.close();
  if (failure)
    throw new UnreadableFileError(
      'NOT_A_TABLE',
      `无法读取该 XML 表格（${failure.message.slice(0, 200)}）：请用 Excel 打开后另存为 .xlsx 再上传`,
      `This XML spreadsheet could not be read (${failure.message.slice(0, 200)}): open it in Excel, save it as .xlsx and upload again`,
    );
  yield* flush();
  // No sheet holds the table: the first one's rows, for the header check to explain.
  if (!decided && firstProbe) yield* firstProbe;
}

/** Columns an `ss:Index` may skip to (Excel's own limit is 16,384). */
const maxSpreadsheetMlColumns = 16_384;

/** Every row of the table in the file (the first worksheet, or the one `isTableSheet` picks), header row included, in order. */
export async function* readTableRows(
  source: Readable,
  options: ReadTableOptions = {},
): AsyncGenerator<TableRow, void, undefined> {
  const { prefix, complete, whole } = await peek(source, prefixBytes);
  const format = sniffFormat(prefix, complete);
  if (format.format === 'xlsx') {
    try {
      yield* xlsxRows(whole, options);
    } catch (error) {
      if (error instanceof UnreadableFileError) throw error;
      throw new UnreadableFileError(
        'NOT_A_TABLE',
        `无法读取该 XLSX 文件（${(error as Error).message}）：请用 Excel 打开后重新保存为 .xlsx 再上传`,
        `This XLSX file could not be read (${(error as Error).message}): open it in Excel, save it again as .xlsx and upload again`,
      );
    }
  } else if (format.format === 'spreadsheetml') {
    yield* spreadsheetMlRows(whole, format.encoding, options);
  } else {
    yield* csvRows(whole, format.encoding, format.delimiter);
  }
}

export { chooseHeader, type TableRow, UnreadableFileError } from './table.ts';

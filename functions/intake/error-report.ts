/**
 * The error report: a CSV that opens cleanly in Excel (UTF-8 with BOM), one line per problem, with
 * row, column, value, level, code and the message in Chinese and English (every message says what to
 * do). Written by csv-stringify (RFC 4180 quoting, CRLF): with `escape_formulas`, a value that starts
 * with = + - @ (or their full-width forms, a tab or a carriage return) gets a leading apostrophe so that
 * the spreadsheet shows it as text and never evaluates it.
 *
 * A file's report is streamed to S3 while the rows are read (`ErrorReportStream`): lines are gathered
 * into parts of `partBytes` and each full part is uploaded (S3 multipart upload) before more lines are
 * taken, so memory stays at about two parts whatever the number of bad rows. A report smaller than one
 * part is stored with one PutObject.
 */
import { stringify } from 'csv-stringify/sync';
import type { ErrorRow } from '../../schemas/batch-job.ts';

export type ReportLevel = 'error' | 'warning';

export { neutralizeFormula } from '../shared/formula.ts';

const csvLine = (fields: ReadonlyArray<string | number>, bom = false) =>
  stringify([fields as Array<string | number>], {
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/, // a bare LF too, not only the CRLF record delimiter
    escape_formulas: true,
    bom,
  });

const levelText: Record<ReportLevel, string> = { error: '错误 error', warning: '提示 warning' };

/** The first line of the report: the BOM and the column names. */
export const errorReportHeader = csvLine(
  ['行号 row', '列 column', '值 value', '级别 level', '代码 code', '说明 message (zh)', 'message (en)'],
  true,
);

/** One line of the report (with its CRLF). */
export function errorReportLine(level: ReportLevel, e: ErrorRow): string {
  return csvLine([e.row, e.column, e.value, levelText[level], e.code, e.messageZh, e.messageEn]);
}

/** A whole report in memory (small reports: the JSON paths, tests). */
export function renderErrorReport(errors: readonly ErrorRow[], warnings: readonly ErrorRow[] = []): string {
  return (
    errorReportHeader +
    errors.map((e) => errorReportLine('error', e)).join('') +
    warnings.map((e) => errorReportLine('warning', e)).join('')
  );
}

/** Where a report goes (S3, or memory in tests): one object, or a multipart upload of numbered parts. */
export interface ReportObjectStore {
  put(key: string, body: Buffer): Promise<void>;
  startMultipart(key: string): Promise<MultipartReportUpload>;
}
export interface MultipartReportUpload {
  /** Uploads part `partNumber` (1-based): its ETag. */
  uploadPart(partNumber: number, body: Buffer): Promise<string>;
  complete(parts: Array<{ partNumber: number; etag: string }>): Promise<void>;
  abort(): Promise<void>;
}

/** S3's limits: every part but the last at least 5 MiB, at most 10,000 parts. */
export const minPartBytes = 5 * 1024 * 1024;
export const maxParts = 10_000;

export interface ErrorReportStreamOptions {
  /** Bytes gathered before a part is uploaded (default 8 MiB; S3 needs >= 5 MiB but for the last part). */
  partBytes?: number;
}

/**
 * Writes one report as lines arrive. `add` answers a promise only when a full part is being uploaded:
 * callers await it (backpressure), so at most one part is in flight and one is being filled.
 */
export class ErrorReportStream {
  private pending: string[] = [];
  private pendingBytes = 0;
  private upload?: Promise<MultipartReportUpload>;
  private readonly parts: Array<{ partNumber: number; etag: string }> = [];
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private started = false;
  private closed = false;
  private completed = false;
  /** Lines written (error and warning rows), exactly. */
  readonly lines: Record<ReportLevel, number> = { error: 0, warning: 0 };
  /** The most bytes held in memory at once (pending lines and the part in flight): for tests and benches. */
  peakBufferedBytes = 0;
  private flightBytes = 0;
  private readonly partBytes: number;

  constructor(
    private readonly store: ReportObjectStore,
    readonly key: string,
    options: ErrorReportStreamOptions = {},
  ) {
    this.partBytes = options.partBytes ?? 8 * 1024 * 1024;
  }

  add(level: ReportLevel, rows: readonly ErrorRow[]): Promise<void> | undefined {
    if (rows.length === 0) return undefined;
    if (this.closed) throw new Error(`error report ${this.key} is closed`);
    if (this.failure) throw this.failure;
    if (!this.started) {
      this.started = true;
      this.append(errorReportHeader);
    }
    for (const row of rows) {
      this.append(errorReportLine(level, row));
      this.lines[level]++;
    }
    return this.pendingBytes >= this.partBytes ? this.cutPart() : undefined;
  }

  private append(line: string) {
    this.pending.push(line);
    // UTF-8 bytes without encoding: 1 byte below U+0080, 2 below U+0800, else 3 (4 for a pair, 2 x 2 here).
    let bytes = line.length;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c >= 0x80) bytes += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
    }
    this.pendingBytes += bytes;
    this.peakBufferedBytes = Math.max(this.peakBufferedBytes, this.pendingBytes + this.flightBytes);
  }

  /** Uploads what is pending as the next part, after the part in flight (one at a time). */
  private cutPart(): Promise<void> {
    const body = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    const partNumber = this.parts.length + 1;
    if (partNumber > maxParts)
      throw new Error(`error report ${this.key}: more than ${maxParts} parts of ${this.partBytes} bytes`);
    this.parts.push({ partNumber, etag: '' });
    this.upload ??= this.store.startMultipart(this.key);
    const previous = this.inFlight;
    this.inFlight = (async () => {
      await previous;
      this.flightBytes = body.length;
      const upload = await this.upload!;
      this.parts[partNumber - 1]!.etag = await upload.uploadPart(partNumber, body);
      this.flightBytes = 0;
    })().catch((error) => {
      this.failure ??= error;
      throw error;
    });
    return this.inFlight;
  }

  /** Stores the rest: the key, or undefined when no line was written (no object then). */
  async close(): Promise<string | undefined> {
    if (this.closed) throw new Error(`error report ${this.key} is closed`);
    this.closed = true;
    if (!this.started) return undefined;
    if (!this.upload) {
      await this.store.put(this.key, Buffer.from(this.pending.join(''), 'utf8'));
      this.pending = [];
      this.completed = true;
      return this.key;
    }
    if (this.pendingBytes > 0) await this.cutPart();
    await this.inFlight;
    await (await this.upload).complete(this.parts);
    this.completed = true;
    return this.key;
  }

  /** Gives up the upload (the intake failed): S3 drops the parts; the lifecycle rule is the backstop. */
  async abort(): Promise<void> {
    this.closed = true;
    this.pending = [];
    if (!this.upload || this.completed) return;
    await this.inFlight.catch(() => undefined);
    await (await this.upload).abort();
  }
}

/**
 * The one intake use-case behind every path (file upload, S3 drop, JSON batch, single JSON patent):
 * header mapping, row validation, duplicates within the file, then writes in batches with bounded
 * concurrency. Every row ends either stored (created / updated / unchanged) or in the error list.
 * What a table holds (its template, validation, identity and writer) is a `TableKind`: the
 * inventory of patents (`inventoryKind`, below), the enterprises and the evaluations a province
 * administrator registers in bulk (enterprise-kind.ts, evaluation-kind.ts). Plain TypeScript over ports: tested without AWS.
 */
import { createHash } from 'node:crypto';
import type { ErrorRow } from '../../schemas/batch-job.ts';
import {
  type InventoryRecord,
  type RowIssue,
  validateInventoryRow,
} from '../../schemas/inventory/patent-row.ts';
import {
  boundedList,
  columnByHeader,
  inventoryColumns,
  looseHeader,
  mapHeaders,
} from '../../schemas/inventory/template.ts';
import type { Caller } from '../../schemas/roles.ts';
import { type ProfileInUse, readInventoryHeaders } from './headers.ts';
import { chooseHeader, type TableRow, UnreadableFileError } from './table.ts';

export interface Owner {
  uscc: string;
  provinceCode: string;
  /** The institution's registered name: an inventory row's patentees other than it are co-owners. */
  name?: string;
}

export interface RowToWrite<R> {
  row: number;
  record: R;
  contentHash: string;
}

export type WriteOutcome =
  | { row: number; outcome: 'created' | 'updated' | 'unchanged' }
  | { row: number; outcome: 'owned-by-another' | 'changed-concurrently' }
  /** The use-case behind the writer refused the row (e.g. an evaluation outside the window): its reason. */
  | {
      row: number;
      outcome: 'refused';
      column: string;
      value: string;
      code: string;
      messageZh: string;
      messageEn: string;
    };

/**
 * Who writes the rows: the caller of a JSON route, or the upload acting for its announcer. A
 * `department` (custom:department) limits the rows to that department's patents.
 */
export type IngestActor = Pick<Caller, 'sub' | 'roles'> & { department?: string };

export interface RowWriter<R> {
  /** Writes one batch (distinct keys) for one owner; an outcome per row. */
  writeBatch(
    batch: RowToWrite<R>[],
    owner: Owner,
    actor: IngestActor,
    jobId: string | undefined,
  ): Promise<WriteOutcome[]>;
}

/** What one kind of table holds: its template, how a row is validated and identified, what a refusal says. */
export interface TableKind<R> {
  /** The column that identifies a row: a second row with the same key in one file is refused. */
  keyColumn: string;
  /** The template's Chinese headers, listed when no header row is found. */
  headersZh: readonly string[];
  isKnownHeader(header: string): boolean;
  /**
   * The header row's problems. Unknown columns (UNKNOWN_HEADERS) never refuse a file: they are ignored
   * and listed as a warning (a 序号 column, a note the office added); missing required columns and two
   * columns naming one field refuse it.
   */
  headerIssues(
    headers: readonly string[],
  ): Array<{ code?: string; headers?: string[]; messageZh: string; messageEn: string }>;
  /**
   * When given, the header row never refuses the file by itself (./headers.ts): the headers to read
   * rows by ('' for ignored columns), warnings for the job, a refusal only when the key column is
   * missing or two columns name one field, and the validation to use for this file's rows. Else `headerIssues` refuses the file.
   */
  resolveHeaders?(headers: readonly string[]): HeaderReading<R>;
  /** `owner` is whom the file is ingested for (an institution, or a province for the market kinds). */
  validate(
    raw: Record<string, string>,
    row: number,
    today: string,
    owner: Owner,
  ): { record?: R; errors: ErrorRow[]; warnings: ErrorRow[] };
  keyOf(record: R): string;
  /** The department (院系) a row belongs to, for kinds that have one (the inventory). */
  departmentOf?(record: R): string;
  refusal(row: number, key: string, outcome: 'owned-by-another' | 'changed-concurrently'): ErrorRow;
}

/** What a kind makes of a file's header row (`TableKind.resolveHeaders`). */
export interface HeaderReading<R> {
  headers: string[];
  warnings: string[];
  refusal?: { messageZh: string; messageEn: string };
  validate?: TableKind<R>['validate'];
}

export type PatentToWrite = RowToWrite<InventoryRecord>;
export type PatentWriter = RowWriter<InventoryRecord>;

export interface IngestCounts {
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsUnchanged: number;
  rowsCreated: number;
  rowsUpdated: number;
}

export interface IngestDeps<R = InventoryRecord> {
  writer: RowWriter<R>;
  /** The kind of table (default: the patent inventory). */
  kind?: TableKind<R>;
  /** Today in China (YYYY-MM-DD): grant dates after it are refused. */
  today: string;
  /** Called with the running totals while the file is read (at most every `progressEveryMs`). */
  onProgress?: (counts: IngestCounts) => Promise<void>;
  onProgressError?: (error: unknown) => void;
  batchSize?: number;
  concurrency?: number;
  progressEveryMs?: number;
  /** Error (and warning) rows listed per job, the first by row number; counts stay exact. Default 10,000. */
  maxListedRows?: number;
  /**
   * Receives every error and warning row as it is found (the streamed error report), whatever
   * `maxListedRows` lists. A returned promise is awaited before more rows are read (backpressure).
   */
  report?: (level: 'error' | 'warning', rows: readonly ErrorRow[]) => Promise<void> | undefined;
}

export interface IngestResult extends IngestCounts {
  /** The first `maxListedRows` error rows by row number. */
  errors: ErrorRow[];
  warnings: ErrorRow[];
  /** Error and warning rows beyond the listed ones (a file of a million bad rows lists the first 10,000). */
  errorsNotListed?: number;
  warningsNotListed?: number;
  /** What the header row gave (ignored, proposed, duplicate and missing columns), bounded, for the job. */
  headerWarnings?: string[];
}

/**
 * Keeps the first `limit` rows by row number while rows arrive out of order (batches finish in any
 * order): memory stays O(limit), and what is dropped is only ever counted.
 */
class FirstRows {
  private rows: ErrorRow[] = [];
  dropped = 0;
  constructor(private readonly limit: number) {}
  push(...rows: ErrorRow[]) {
    this.rows.push(...rows);
    if (this.rows.length > 2 * this.limit) this.trim();
  }
  private trim() {
    this.rows.sort((a, b) => a.row - b.row);
    this.dropped += Math.max(0, this.rows.length - this.limit);
    this.rows.length = Math.min(this.rows.length, this.limit);
  }
  result(): ErrorRow[] {
    this.trim();
    return this.rows;
  }
}

const applicationColumn = inventoryColumns.find((c) => c.key === 'applicationNumber')!.zh;

/** A stable hash of what the file says about a patent: equal hashes mean nothing changed. */
export function contentHash(record: object): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(record)))
    .digest('base64url')
    .slice(0, 32);
}

const toErrorRow = (issue: RowIssue | ErrorRow): ErrorRow => ({
  row: issue.row,
  column: issue.column,
  value: issue.value,
  code: issue.code,
  messageZh: issue.messageZh,
  messageEn: issue.messageEn,
});

const inventoryRefusal = (
  row: number,
  value: string,
  outcome: 'owned-by-another' | 'changed-concurrently',
): ErrorRow =>
  outcome === 'owned-by-another'
    ? {
        row,
        column: applicationColumn,
        value,
        code: 'OWNED_BY_ANOTHER_INSTITUTION',
        messageZh: `第 ${row} 行：专利 ${value} 已由其他单位登记，本行未导入。如该专利已转让给本单位，请联系省级管理员核实后变更权属`,
        messageEn: `Row ${row}: patent ${value} is registered by another institution, so this row was not imported. If it was assigned to you, ask your province administrator to verify and move it`,
      }
    : {
        row,
        column: applicationColumn,
        value,
        code: 'CHANGED_CONCURRENTLY',
        messageZh: `第 ${row} 行：专利 ${value} 在导入期间被他人修改，为避免覆盖，本行未导入。请核对后重新上传本行`,
        messageEn: `Row ${row}: patent ${value} was changed by someone else while this file was imported; to avoid overwriting that change this row was not applied. Check it and upload the row again`,
      };

const departmentColumn = inventoryColumns.find((c) => c.key === 'department')!.zh;

/**
 * A department user's row for another department: department accounts register and update their
 * own department's patents only (docs/security.md), as they edit and submit only those.
 */
export const otherDepartmentRow = (
  row: number,
  department: string,
  yours: string,
  /** In a preview: the row would not be imported. */
  preview = false,
): ErrorRow => ({
  row,
  column: departmentColumn,
  value: department,
  code: 'OTHER_DEPARTMENT',
  messageZh: `第 ${row} 行：所属院系「${department}」不是您所在的院系（${yours}）：院系账号只能登记本院系的专利，本行${preview ? '不会导入' : '未导入'}。请更正所属院系，或请本单位校级账号导入此行`,
  messageEn: `Row ${row}: department ${department} is not yours (${yours}): department accounts register their own department's patents only, so this row ${preview ? 'would not be' : 'was not'} imported. Correct the department, or ask an institution-level account of your institution to upload this row`,
});

/** The patent inventory (standard inventory template, 盘点模板). */
export const inventoryKind: TableKind<InventoryRecord> = {
  keyColumn: applicationColumn,
  headersZh: inventoryColumns.map((c) => c.zh),
  isKnownHeader: (header) => columnByHeader(header) !== undefined,
  headerIssues: (headers) => mapHeaders(headers).issues,
  resolveHeaders: (headers) => readInventoryHeaders(headers),
  validate: (raw, row, today, owner) => {
    const result = validateInventoryRow(raw, row, {
      today,
      ...(owner.name ? { institutionName: owner.name } : {}),
    });
    return { record: result.patent, errors: result.errors, warnings: result.warnings };
  },
  keyOf: (record) => record.applicationNumber,
  departmentOf: (record) => record.department,
  refusal: (row, key, outcome) => inventoryRefusal(row, key, outcome),
};

/**
 * The inventory read with an institution's mapping profile: the profile's headers count as known when
 * looking for the header row, and are read before the template's synonyms (./headers.ts).
 */
export function inventoryKindWith(profile: ProfileInUse | undefined): TableKind<InventoryRecord> {
  if (!profile) return inventoryKind;
  const profiled = new Set(
    profile.columns.filter((column) => column.field !== 'ignore').map((column) => looseHeader(column.header)),
  );
  return {
    ...inventoryKind,
    isKnownHeader: (header) => columnByHeader(header) !== undefined || profiled.has(looseHeader(header)),
    resolveHeaders: (headers) => readInventoryHeaders(headers, profile),
  };
}

/** Batches written at once by one intake (default of `IngestDeps.concurrency`). */
export const batchesInFlight = 16;

/** Runs tasks with at most `limit` in flight; the first failure stops the intake. */
class Pool {
  private readonly running = new Set<Promise<void>>();
  private failure: unknown;
  constructor(private readonly limit: number) {}
  async add(task: () => Promise<void>): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure) throw this.failure;
    const promise: Promise<void> = task()
      .catch((error) => {
        this.failure ??= error;
      })
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }
  async drain(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure) throw this.failure;
  }
}

/** How many first rows may hold the header (title rows, merged group headers and blank lines above it). */
const headerSearchRows = 10;

/**
 * Ingests the rows of a table (header first). Throws UnreadableFileError when the header cannot be
 * used (for the inventory: no key column; for the other kinds: missing, unknown or duplicate
 * columns; the message lists the expected ones); then nothing is stored.
 */
export async function ingestTable<R = InventoryRecord>(
  deps: IngestDeps<R>,
  owner: Owner,
  actor: IngestActor,
  rows: AsyncIterable<TableRow>,
  jobId?: string,
): Promise<IngestResult> {
  const iterator = rows[Symbol.asyncIterator]();
  const firstRows: TableRow[] = [];
  for (let i = 0; i < headerSearchRows; i++) {
    const next = await iterator.next();
    if (next.done) break;
    firstRows.push(next.value);
  }
  const kind = (deps.kind ?? inventoryKind) as TableKind<R>;
  const header = chooseHeader(firstRows, (h) => kind.isKnownHeader(h));
  if (!header) {
    throw new UnreadableFileError(
      'NO_HEADER',
      `未找到表头：前几行中没有任何标准模板的列名。请使用标准模板（列名如：${kind.headersZh.join('、')}）`,
      `No header found: none of the first rows names a template column. Use the standard template (columns such as ${kind.headersZh.join(', ')})`,
    );
  }
  let headers = header.headers;
  let headerWarnings: string[] = [];
  let fileKind = kind;
  const reading = kind.resolveHeaders?.(headers);
  if (reading) {
    if (reading.refusal) {
      throw new UnreadableFileError(
        'BAD_HEADERS',
        `${reading.refusal.messageZh}。文件未导入任何数据`,
        `${reading.refusal.messageEn}. Nothing from this file was stored`,
      );
    }
    headers = reading.headers;
    headerWarnings = reading.warnings;
    if (reading.validate) fileKind = { ...kind, validate: reading.validate };
  } else {
    const found = kind.headerIssues(headers.filter((h) => h !== ''));
    const issues = found.filter((issue) => issue.code !== 'UNKNOWN_HEADERS');
    if (found.length > issues.length) {
      const ignored = headers.filter((h) => h.trim() !== '' && !kind.isKnownHeader(h));
      const listed = boundedList(ignored);
      headerWarnings = [
        `已忽略 ${ignored.length} 个不在模板中的列：${listed.zh}；这些列的内容未读取 | Ignored ${ignored.length} column(s) that are not in the template: ${listed.en}; their cells were not read`,
      ];
      headers = headers.map((h) => (kind.isKnownHeader(h) ? h : ''));
    }
    if (issues.length) {
      throw new UnreadableFileError(
        'BAD_HEADERS',
        `${issues.map((i) => i.messageZh).join('；')}。文件未导入任何数据`,
        `${issues.map((i) => i.messageEn).join('; ')}. Nothing from this file was stored`,
      );
    }
  }
  const remaining = (async function* () {
    for (const row of firstRows) if (row.rowNumber > header.rowNumber) yield row;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  const result = await ingestRecords({ ...deps, kind: fileKind }, owner, actor, remaining, headers, jobId);
  return headerWarnings.length ? { ...result, headerWarnings } : result;
}

/** Ingests rows given as cells under known headers (the table path and the JSON paths share it). */
export async function ingestRecords<R = InventoryRecord>(
  deps: IngestDeps<R>,
  owner: Owner,
  actor: IngestActor,
  rows: AsyncIterable<TableRow>,
  headers: string[],
  jobId?: string,
): Promise<IngestResult> {
  const kind = (deps.kind ?? inventoryKind) as TableKind<R>;
  const batchSize = deps.batchSize ?? 100;
  const pool = new Pool(deps.concurrency ?? batchesInFlight);
  const counts: IngestCounts = {
    rowsTotal: 0,
    rowsAccepted: 0,
    rowsRejected: 0,
    rowsUnchanged: 0,
    rowsCreated: 0,
    rowsUpdated: 0,
  };
  const errors = new FirstRows(deps.maxListedRows ?? 10_000);
  const warnings = new FirstRows(deps.maxListedRows ?? 10_000);
  const firstRowOf = new Map<string, number>();
  let batch: RowToWrite<R>[] = [];
  let lastProgress = 0;
  let progressChain = Promise.resolve();
  const reportProgress = (force = false) => {
    if (!deps.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < (deps.progressEveryMs ?? 1000)) return;
    lastProgress = now;
    const snapshot = { ...counts };
    // Progress is best effort: a failed update must not stop (or crash) the intake itself.
    progressChain = progressChain
      .then(() => deps.onProgress!(snapshot))
      .catch((error) => deps.onProgressError?.(error));
  };
  const reject = (error: ErrorRow) => {
    errors.push(error);
    return deps.report?.('error', [error]);
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    await pool.add(async () => {
      const outcomes = await deps.writer.writeBatch(current, owner, actor, jobId);
      const byRow = new Map(current.map((p) => [p.row, p]));
      for (const result of outcomes) {
        switch (result.outcome) {
          case 'created':
            counts.rowsAccepted++;
            counts.rowsCreated++;
            break;
          case 'updated':
            counts.rowsAccepted++;
            counts.rowsUpdated++;
            break;
          case 'unchanged':
            counts.rowsUnchanged++;
            break;
          case 'refused': {
            counts.rowsRejected++;
            const { outcome: _, ...error } = result;
            await reject(error);
            break;
          }
          default: {
            counts.rowsRejected++;
            const refused = byRow.get(result.row);
            await reject(kind.refusal(result.row, refused ? kind.keyOf(refused.record) : '', result.outcome));
          }
        }
      }
      if (outcomes.length !== current.length)
        throw new Error(`writer answered ${outcomes.length} outcomes for ${current.length} rows`);
      reportProgress();
    });
  };

  for await (const row of rows) {
    if (row.cells.every((cell) => cell.trim() === '')) continue; // blank rows are not data
    counts.rowsTotal++;
    const raw: Record<string, string> = {};
    headers.forEach((h, i) => {
      if (h !== '') raw[h] = row.cells[i] ?? '';
    });
    const result = kind.validate(raw, row.rowNumber, deps.today, owner);
    if (result.warnings.length) {
      const listed = result.warnings.map(toErrorRow);
      warnings.push(...listed);
      await deps.report?.('warning', listed);
    }
    if (!result.record || result.errors.length) {
      counts.rowsRejected++;
      const listed = result.errors.map(toErrorRow);
      errors.push(...listed);
      await deps.report?.('error', listed);
      reportProgress();
      continue;
    }
    const number = kind.keyOf(result.record);
    const rowDepartment = kind.departmentOf?.(result.record);
    if (actor.department !== undefined && rowDepartment !== undefined && rowDepartment !== actor.department) {
      counts.rowsRejected++;
      await reject(otherDepartmentRow(row.rowNumber, rowDepartment, actor.department));
      reportProgress();
      continue;
    }
    const first = firstRowOf.get(number);
    if (first !== undefined) {
      counts.rowsRejected++;
      await reject({
        row: row.rowNumber,
        column: kind.keyColumn,
        value: number,
        code: 'DUPLICATE_IN_FILE',
        messageZh: `第 ${row.rowNumber} 行：${kind.keyColumn} ${number} 与第 ${first} 行重复，本行未导入。请删除重复行或合并两行的内容`,
        messageEn: `Row ${row.rowNumber}: ${kind.keyColumn} ${number} repeats row ${first}; this row was not imported. Delete the duplicate or merge the two rows`,
      });
      continue;
    }
    firstRowOf.set(number, row.rowNumber);
    batch.push({
      row: row.rowNumber,
      record: result.record,
      contentHash: contentHash(result.record as object),
    });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await pool.drain();
  reportProgress(true);
  await progressChain;
  const listedErrors = errors.result();
  const listedWarnings = warnings.result();
  return {
    ...counts,
    errors: listedErrors,
    warnings: listedWarnings,
    ...(errors.dropped ? { errorsNotListed: errors.dropped } : {}),
    ...(warnings.dropped ? { warningsNotListed: warnings.dropped } : {}),
  };
}

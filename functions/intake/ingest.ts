/**
 * The one intake use-case behind every path (file upload, S3 drop, JSON batch, single JSON patent):
 * header mapping, row validation, duplicates within the file, then writes in batches with bounded
 * concurrency. Every row ends either stored (created / updated / unchanged) or in the error list.
 * Plain TypeScript over ports: tested without AWS.
 */
import { createHash } from 'node:crypto';
import type { ErrorRow } from '../../schemas/batch-job.ts';
import {
  type InventoryRecord,
  type RowIssue,
  validateInventoryRow,
} from '../../schemas/inventory/patent-row.ts';
import { columnByHeader, inventoryColumns, mapHeaders } from '../../schemas/inventory/template.ts';
import type { Caller } from '../../schemas/roles.ts';
import { chooseHeader, type TableRow, UnreadableFileError } from './read-table.ts';

export interface Owner {
  uscc: string;
  provinceCode: string;
}

export interface PatentToWrite {
  row: number;
  record: InventoryRecord;
  contentHash: string;
}

export type WriteOutcome =
  | { row: number; outcome: 'created' | 'updated' | 'unchanged' }
  | { row: number; outcome: 'owned-by-another' | 'changed-concurrently' };

export interface PatentWriter {
  /** Writes one batch (distinct application numbers) for one institution; an outcome per row. */
  writeBatch(
    batch: PatentToWrite[],
    owner: Owner,
    actor: Pick<Caller, 'sub' | 'roles'>,
    jobId: string | undefined,
  ): Promise<WriteOutcome[]>;
}

export interface IngestCounts {
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsUnchanged: number;
  rowsCreated: number;
  rowsUpdated: number;
}

export interface IngestDeps {
  patents: PatentWriter;
  /** Today in China (YYYY-MM-DD): grant dates after it are refused. */
  today: string;
  /** Called with the running totals while the file is read (at most every `progressEveryMs`). */
  onProgress?: (counts: IngestCounts) => Promise<void>;
  onProgressError?: (error: unknown) => void;
  batchSize?: number;
  concurrency?: number;
  progressEveryMs?: number;
}

export interface IngestResult extends IngestCounts {
  errors: ErrorRow[];
  warnings: ErrorRow[];
}

const applicationColumn = inventoryColumns.find((c) => c.key === 'applicationNumber')!.zh;

/** A stable hash of what the file says about a patent: equal hashes mean nothing changed. */
export function contentHash(record: InventoryRecord): string {
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

const toErrorRow = (issue: RowIssue): ErrorRow => ({
  row: issue.row,
  column: issue.column,
  value: issue.value,
  code: issue.code,
  messageZh: issue.messageZh,
  messageEn: issue.messageEn,
});

const writeFailure = (
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

/**
 * Ingests the rows of a table (header first). Throws UnreadableFileError when the header cannot be
 * used (missing, unknown or duplicate columns: the message lists the expected ones); then nothing is stored.
 */
export async function ingestTable(
  deps: IngestDeps,
  owner: Owner,
  actor: Pick<Caller, 'sub' | 'roles'>,
  rows: AsyncIterable<TableRow>,
  jobId?: string,
): Promise<IngestResult> {
  const iterator = rows[Symbol.asyncIterator]();
  const firstRows: TableRow[] = [];
  for (let i = 0; i < 6; i++) {
    const next = await iterator.next();
    if (next.done) break;
    firstRows.push(next.value);
  }
  const header = chooseHeader(firstRows, (h) => columnByHeader(h) !== undefined);
  if (!header) {
    throw new UnreadableFileError(
      'NO_HEADER',
      `未找到表头：前几行中没有任何标准模板的列名。请使用标准盘点模板（列名如：${inventoryColumns.map((c) => c.zh).join('、')}）`,
      `No header found: none of the first rows names a template column. Use the standard inventory template (columns such as ${inventoryColumns.map((c) => c.zh).join(', ')})`,
    );
  }
  const { issues } = mapHeaders(header.headers.filter((h) => h !== ''));
  if (issues.length) {
    throw new UnreadableFileError(
      'BAD_HEADERS',
      `${issues.map((i) => i.messageZh).join('；')}。文件未导入任何数据`,
      `${issues.map((i) => i.messageEn).join('; ')}. Nothing from this file was stored`,
    );
  }
  const remaining = (async function* () {
    for (const row of firstRows) if (row.rowNumber > header.rowNumber) yield row;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  return ingestRecords(deps, owner, actor, remaining, header.headers, jobId);
}

/** Ingests rows given as cells under known headers (the table path and the JSON paths share it). */
export async function ingestRecords(
  deps: IngestDeps,
  owner: Owner,
  actor: Pick<Caller, 'sub' | 'roles'>,
  rows: AsyncIterable<TableRow>,
  headers: string[],
  jobId?: string,
): Promise<IngestResult> {
  const batchSize = deps.batchSize ?? 100;
  const pool = new Pool(deps.concurrency ?? 16);
  const counts: IngestCounts = {
    rowsTotal: 0,
    rowsAccepted: 0,
    rowsRejected: 0,
    rowsUnchanged: 0,
    rowsCreated: 0,
    rowsUpdated: 0,
  };
  const errors: ErrorRow[] = [];
  const warnings: ErrorRow[] = [];
  const firstRowOf = new Map<string, number>();
  let batch: PatentToWrite[] = [];
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
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    await pool.add(async () => {
      const outcomes = await deps.patents.writeBatch(current, owner, actor, jobId);
      const byRow = new Map(current.map((p) => [p.row, p]));
      const rejectedRows = new Set<number>();
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
          default:
            counts.rowsRejected++;
            rejectedRows.add(result.row);
            reject(
              writeFailure(result.row, byRow.get(result.row)?.record.applicationNumber ?? '', result.outcome),
            );
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
    const result = validateInventoryRow(raw, row.rowNumber, { today: deps.today });
    warnings.push(...result.warnings.map(toErrorRow));
    if (!result.patent || result.errors.length) {
      counts.rowsRejected++;
      for (const issue of result.errors) reject(toErrorRow(issue));
      reportProgress();
      continue;
    }
    const number = result.patent.applicationNumber;
    const first = firstRowOf.get(number);
    if (first !== undefined) {
      counts.rowsRejected++;
      reject({
        row: row.rowNumber,
        column: applicationColumn,
        value: number,
        code: 'DUPLICATE_IN_FILE',
        messageZh: `第 ${row.rowNumber} 行：申请号 ${number} 与第 ${first} 行重复，本行未导入。请删除重复行或合并两行的内容`,
        messageEn: `Row ${row.rowNumber}: application number ${number} repeats row ${first}; this row was not imported. Delete the duplicate or merge the two rows`,
      });
      continue;
    }
    firstRowOf.set(number, row.rowNumber);
    batch.push({ row: row.rowNumber, record: result.patent, contentHash: contentHash(result.patent) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await pool.drain();
  reportProgress(true);
  await progressChain;
  errors.sort((a, b) => a.row - b.row);
  return { ...counts, errors, warnings };
}

/**
 * The preview of an inventory file (issue 12, part 3; docs/intake.md "Preview"): reads it as an
 * import would (header row, mapping profile, row validation, duplicates within the file) and writes
 * nothing. It answers the header row, how each column is read (with confidence and alternatives), the
 * enumerated values it met and what each means, the first rows as they would be stored, and counts
 * with the most frequent reasons. Memory is bounded whatever the file: the first `maxCheckedRows`
 * data rows are validated, later ones only counted, and reading stops at the deadline (the counts then
 * say `complete: false`). Plain TypeScript over rows: tested without AWS.
 */
import type { ErrorRow } from '../../schemas/batch-job.ts';
import type { InventoryRecord } from '../../schemas/inventory/patent-row.ts';
import {
  findOption,
  headerSimilarity,
  inventoryColumns,
  looseHeader,
  type TemplateColumn,
} from '../../schemas/inventory/template.ts';
import type { UploadPreview } from '../../schemas/mapping-profile.ts';
import { mapInventoryHeaders, maxColumnReadings, type ProfileInUse, profileValues } from './headers.ts';
import { inventoryKindWith, otherDepartmentRow } from './ingest.ts';
import { chooseHeader, type TableRow, UnreadableFileError } from './table.ts';

export interface PreviewOptions {
  today: string;
  /** The institution's registered name: patentees other than it are shown as co-owners, as on import. */
  institutionName?: string;
  profile?: ProfileInUse;
  /** The department of a department user: rows of other departments would be refused (as on import). */
  department?: string;
  /** First data rows shown as they would be stored. */
  sampleRows: number;
  /** Data rows validated; later rows are only counted (default 20,000). */
  maxCheckedRows?: number;
  /** True once the preview must answer with what it has (the request's time budget). */
  pastDeadline?: () => boolean;
}

/** Columns listed (a hostile header row has a million); alternatives are computed for these only. */
export const maxListedColumns = maxColumnReadings;
/** Distinct values listed per enumerated column. */
const maxListedValues = 50;
const topReasons = 10;
const headerSearchRows = 10;

/** Every spelling of every column, loose, once (for alternatives). */
const spellings = inventoryColumns.flatMap((column) =>
  [...new Set([column.zh, column.en, column.key, ...(column.aliases ?? [])].map(looseHeader))].map(
    (spelling) => ({ column, spelling }),
  ),
);

/** The columns a header resembles besides `chosen`, best first (at most 3, similarity 0.5 or more). */
export function alternativesOf(header: string, chosen: TemplateColumn | undefined) {
  const loose = looseHeader(header);
  if (loose.length < 2 || loose.length > 40) return [];
  const best = new Map<TemplateColumn, number>();
  for (const { column, spelling } of spellings) {
    if (column === chosen) continue;
    const score = headerSimilarity(loose, spelling);
    if (score >= 0.5 && score > (best.get(column) ?? 0)) best.set(column, score);
  }
  return [...best]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([column, score]) => ({
      field: column.key,
      zh: column.zh,
      confidence: Math.round(score * 100) / 100,
    }));
}

/** Counts of one reason (code and column), with its first example. */
class Reasons {
  private readonly byReason = new Map<
    string,
    { code: string; column: string; rows: number; example: ErrorRow }
  >();
  add(issues: readonly ErrorRow[]) {
    const seen = new Set<string>();
    for (const issue of issues) {
      const key = `${issue.code}\n${issue.column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = this.byReason.get(key);
      if (entry) entry.rows++;
      // Bounded: codes x columns of the template, plus the file's own column names (at most its headers).
      else if (this.byReason.size < 1000)
        this.byReason.set(key, { code: issue.code, column: issue.column, rows: 1, example: issue });
    }
  }
  top() {
    return [...this.byReason.values()].sort((a, b) => b.rows - a.rows).slice(0, topReasons);
  }
}

type ValueStatus = 'exact' | 'profile' | 'converted' | 'ambiguous' | 'unknown';

/** What a source value of an enumerated column is read as. */
function meaningOf(
  column: TemplateColumn,
  source: string,
  profileMeaning: ((field: string, cell: string) => string | undefined) | undefined,
): { value?: string; status: ValueStatus } {
  const mapped = profileMeaning?.(column.key, source);
  if (mapped) return { value: mapped, status: 'profile' };
  const option = findOption(column.options!, source);
  if (!option) return { status: 'unknown' };
  // 已实施 is read (counted as implemented) but says no manner: a decision makes it precise.
  if (column.key === 'implementationStatus' && option.value === 'implemented')
    return { value: option.value, status: 'ambiguous' };
  const fold = (value: string) => value.normalize('NFKC').trim().toLowerCase();
  const exact = [option.zh, option.en, option.value].some((name) => fold(name) === fold(source));
  return { value: option.value, status: exact ? 'exact' : 'converted' };
}

const listSeparators = /[;；,，、/\n\r|]+/;

/** Previews the rows of a table (header first). Throws nothing for a file an import would refuse: says why. */
export async function previewTable(
  rows: AsyncIterable<TableRow>,
  options: PreviewOptions,
): Promise<Omit<UploadPreview, 'previewId' | 'fileName'>> {
  const empty = {
    columns: [],
    missingFields: [],
    profileColumnsMissing: [],
    valueMappings: [],
    sampleRows: [],
    topRefusals: [],
    topWarnings: [],
    warnings: [],
    counts: {
      rowsRead: 0,
      rowsChecked: 0,
      rowsAccepted: 0,
      rowsRefused: 0,
      rowsWithWarnings: 0,
      complete: true,
    },
  };
  const profileRef =
    options.profile?.name !== undefined && options.profile.version !== undefined
      ? { profile: { name: options.profile.name, version: options.profile.version } }
      : {};
  const kind = inventoryKindWith(options.profile);
  const iterator = rows[Symbol.asyncIterator]();
  const firstRows: TableRow[] = [];
  try {
    for (let i = 0; i < headerSearchRows; i++) {
      const next = await iterator.next();
      if (next.done) break;
      firstRows.push(next.value);
    }
  } catch (error) {
    if (error instanceof UnreadableFileError)
      return {
        ...profileRef,
        ...empty,
        refusal: { code: error.code, messageZh: error.messageZh, messageEn: error.messageEn },
      };
    throw error;
  }
  const header = chooseHeader(firstRows, (h) => kind.isKnownHeader(h));
  if (!header) {
    const names = inventoryColumns.filter((c) => c.required).map((c) => c.zh);
    return {
      ...profileRef,
      ...empty,
      refusal: {
        code: 'NO_HEADER',
        messageZh: `未找到表头：前 ${headerSearchRows} 行中没有任何可识别的列名。请使用标准模板的列名（如 ${names.join('、')}），或在映射方案中写明本单位的列名`,
        messageEn: `No header found: none of the first ${headerSearchRows} rows names a known column. Use the template's headers (such as ${names.join(', ')}), or name your own headers in a mapping profile`,
      },
    };
  }
  const mapping = mapInventoryHeaders(header.headers, options.profile);
  const reading = kind.resolveHeaders!(header.headers);
  const columns = mapping.readings.slice(0, maxListedColumns).map((r) => ({
    index: r.index,
    header: r.header,
    ...(r.column ? { field: r.column.key, zh: r.column.zh } : {}),
    source: r.source,
    confidence: r.confidence,
    alternatives:
      r.source === 'proposal' || r.source === 'duplicate'
        ? [
            { field: r.like!.key, zh: r.like!.zh, confidence: r.confidence },
            ...alternativesOf(r.header, r.like).slice(0, 2),
          ]
        : r.header.trim() === '' || (r.source !== 'ignored' && r.confidence === 1)
          ? []
          : alternativesOf(r.header, r.column),
  }));
  const common = {
    ...profileRef,
    headerRow: header.rowNumber,
    columns,
    ...(header.headers.length > maxListedColumns
      ? { columnsNotListed: header.headers.length - maxListedColumns }
      : {}),
    missingFields: mapping.resolution.missing.map((c) => ({ field: c.key, zh: c.zh, required: c.required })),
    profileColumnsMissing: mapping.profileMissing.slice(0, maxListedColumns),
    warnings: reading.warnings,
  };
  if (reading.refusal) {
    return {
      ...empty,
      ...common,
      refusal: {
        code: 'BAD_HEADERS',
        messageZh: reading.refusal.messageZh,
        messageEn: reading.refusal.messageEn,
      },
    };
  }
  const validate = reading.validate ?? kind.validate;
  const headers = reading.headers;

  // Enumerated columns the file gives: the distinct values met, and what each means.
  const profileMeaning = profileValues(options.profile);
  const enumerated = mapping.resolution.columns.flatMap((column, index) =>
    column?.options ? [{ column, index, values: new Map<string, number>(), notListed: 0 }] : [],
  );
  const noteValues = (cells: string[]) => {
    for (const entry of enumerated) {
      const cell = (cells[entry.index] ?? '').trim();
      if (cell === '') continue;
      const parts = entry.column.multiple
        ? cell
            .split(listSeparators)
            .map((p) => p.trim())
            .filter(Boolean)
        : [cell];
      for (const part of parts) {
        const count = entry.values.get(part);
        if (count !== undefined) entry.values.set(part, count + 1);
        else if (entry.values.size < maxListedValues && part.length <= 60) entry.values.set(part, 1);
        else entry.notListed++;
      }
    }
  };

  const maxChecked = options.maxCheckedRows ?? 20_000;
  const counts = {
    rowsRead: 0,
    rowsChecked: 0,
    rowsAccepted: 0,
    rowsRefused: 0,
    rowsWithWarnings: 0,
    complete: true,
  };
  const sampleRows: UploadPreview['sampleRows'] = [];
  const refusals = new Reasons();
  const warned = new Reasons();
  const firstRowOf = new Map<string, number>();
  const remaining = (async function* () {
    for (const row of firstRows) if (row.rowNumber > header.rowNumber) yield row;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  const owner = {
    uscc: '',
    provinceCode: '',
    ...(options.institutionName ? { name: options.institutionName } : {}),
  };
  try {
    for await (const row of remaining) {
      if (row.cells.every((cell) => cell.trim() === '')) continue;
      counts.rowsRead++;
      if (options.pastDeadline?.()) {
        counts.complete = false;
        break;
      }
      if (counts.rowsChecked >= maxChecked) {
        counts.complete = false;
        continue;
      }
      counts.rowsChecked++;
      noteValues(row.cells);
      const raw: Record<string, string> = {};
      headers.forEach((h, i) => {
        if (h !== '') raw[h] = row.cells[i] ?? '';
      });
      const result = validate(raw, row.rowNumber, options.today, owner);
      const errors = [...result.errors];
      if (result.record && errors.length === 0) {
        const record = result.record as InventoryRecord;
        const number = record.applicationNumber;
        const first = firstRowOf.get(number);
        if (options.department !== undefined && record.department !== options.department)
          errors.push(otherDepartmentRow(row.rowNumber, record.department, options.department, true));
        else if (first !== undefined) {
          errors.push({
            row: row.rowNumber,
            column: kind.keyColumn,
            value: number,
            code: 'DUPLICATE_IN_FILE',
            messageZh: `第 ${row.rowNumber} 行：${kind.keyColumn} ${number} 与第 ${first} 行重复，本行不会导入。请删除重复行或合并两行的内容`,
            messageEn: `Row ${row.rowNumber}: ${kind.keyColumn} ${number} repeats row ${first}; this row would not be imported. Delete the duplicate or merge the two rows`,
          });
        } else firstRowOf.set(number, row.rowNumber);
      }
      const accepted = result.record !== undefined && errors.length === 0;
      if (accepted) counts.rowsAccepted++;
      else counts.rowsRefused++;
      if (result.warnings.length) counts.rowsWithWarnings++;
      refusals.add(errors);
      warned.add(result.warnings);
      if (sampleRows.length < options.sampleRows) {
        sampleRows.push({
          row: row.rowNumber,
          ...(accepted ? { record: result.record as InventoryRecord } : {}),
          errors: errors.slice(0, 20),
          warnings: result.warnings.slice(0, 20),
        });
      }
    }
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    // The file broke off (a damaged XLSX): what was read stands, the refusal says what to do.
    return {
      ...empty,
      ...common,
      counts: { ...counts, complete: false },
      refusal: { code: error.code, messageZh: error.messageZh, messageEn: error.messageEn },
    };
  }
  return {
    ...common,
    valueMappings: enumerated.map((entry) => ({
      field: entry.column.key,
      zh: entry.column.zh,
      column: header.headers[entry.index] ?? entry.column.zh,
      options: entry.column.options!.map((option) => ({ value: option.value, zh: option.zh })),
      values: [...entry.values]
        .sort((a, b) => b[1] - a[1])
        .map(([source, count]) => ({
          source,
          rows: count,
          ...meaningOf(entry.column, source, profileMeaning),
        })),
      ...(entry.notListed ? { valuesNotListed: entry.notListed } : {}),
    })),
    sampleRows,
    counts,
    topRefusals: refusals.top(),
    topWarnings: warned.top(),
  };
}

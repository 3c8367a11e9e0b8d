/**
 * Rows of a table, whatever file they came from, and the choice of its header row: what ingesting
 * rows needs, apart from reading files (./read-table.ts: exceljs, csv-parse), so that functions that
 * take rows as JSON do not carry the file readers.
 */

/** The largest batch file a job reads (an upload announcing more is refused before it is sent). */
export const maxFileBytes = 100 * 1024 * 1024;

/** A file that cannot be read as a table at all: nothing from it is stored. */
export class UnreadableFileError extends Error {
  constructor(
    readonly code:
      | 'EMPTY_FILE'
      | 'NOT_A_TABLE'
      | 'LEGACY_XLS'
      | 'HTML_TABLE'
      | 'NO_HEADER'
      | 'BAD_HEADERS'
      | 'FILE_TOO_LARGE',
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(messageEn);
    this.name = 'UnreadableFileError';
  }
}

export interface TableRow {
  /** Row number as shown by a spreadsheet program (1-based, header included). */
  rowNumber: number;
  cells: string[];
}

/**
 * Finds the header among the first rows: a title row, or a row of merged group headers, may stand
 * above it. The streaming XLSX reader leaves the cells under a vertically merged header empty, so an
 * empty cell takes the header of the row above. The row naming the most known columns wins.
 */
export function chooseHeader(
  firstRows: TableRow[],
  isKnownHeader: (header: string) => boolean,
): { rowNumber: number; headers: string[] } | undefined {
  let best: { rowNumber: number; headers: string[]; known: number } | undefined;
  let above: string[] = [];
  for (const row of firstRows.slice(0, 10)) {
    const headers = row.cells.map((cell, i) => (cell.trim() === '' ? (above[i] ?? '') : cell).trim());
    const known = headers.filter(isKnownHeader).length;
    if (known > 0 && (!best || known > best.known)) best = { rowNumber: row.rowNumber, headers, known };
    above = headers;
  }
  return best && { rowNumber: best.rowNumber, headers: best.headers };
}

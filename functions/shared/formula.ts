/**
 * Spreadsheet formula injection: a cell written as text that starts with = + - @ (or their full-width
 * forms, a tab or a carriage return) gets a leading apostrophe, the characters csv-stringify's
 * `escape_formulas` escapes in the CSV reports. Kept apart from the CSV writer so that the XLSX exports
 * do not bundle it.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value;
}

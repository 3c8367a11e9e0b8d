/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): a text cell beginning with =, +, -, @ (or a
 * tab / carriage return that a spreadsheet may skip before one of them) is read as a formula when the
 * file is opened, re-saved or exported. Such text is prefixed with a single quote, which spreadsheets
 * show as text. Numbers are written as numbers and never pass through here.
 */
const formulaStart = /^[=+\-@\t\r]/;

export function neutralizeCell(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

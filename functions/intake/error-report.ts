/**
 * The error report: a CSV that opens cleanly in Excel (UTF-8 with BOM), one line per problem, with
 * row, column, value and the message in Chinese and English. A value that starts with = + - @ is
 * written with a leading apostrophe so that the spreadsheet shows it as text and never evaluates it.
 */
import type { ErrorRow } from '../../schemas/batch-job.ts';

export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderErrorReport(errors: readonly ErrorRow[], warnings: readonly ErrorRow[] = []): string {
  const lines = ['行号 row,列 column,值 value,级别 level,代码 code,说明 message (zh),message (en)'];
  for (const [level, list] of [
    ['错误 error', errors],
    ['提示 warning', warnings],
  ] as const) {
    for (const e of list)
      lines.push([e.row, e.column, e.value, level, e.code, e.messageZh, e.messageEn].map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

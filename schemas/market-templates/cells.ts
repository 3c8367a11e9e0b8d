/**
 * Reading one row of a market template (enterprises, evaluations): the cells under the file's headers
 * (Chinese, English alias or another accepted spelling, via the template's `columnByHeader`), with
 * length and required checks, enumerations (several values where the column allows), numbers in
 * range and yes/no. Every problem names the row (as Excel numbers it), the column, the value and the
 * fix, in Chinese and English, worded by the same describeCellIssue as the inventory's.
 */
import type { ErrorRow } from '../batch-job.ts';
import { checkApplicationNumber } from '../codes/application-number.ts';
import { toHalfWidth as halfWidth } from '../codes/uscc.ts';

import {
  allowedWording,
  cellChecks,
  describeCellIssue,
  type EnumOption,
  findOption,
  type Template,
  type TemplateColumn,
  type Wording,
} from '../inventory/template.ts';

/** Placeholders people type into cells they mean to leave empty; honoured in optional typed columns. */
const placeholders = new Set(['-', '--', '—', '/', 'n/a', 'na', '无', 'null']);
export const isPlaceholder = (value: string) => placeholders.has(halfWidth(value).trim().toLowerCase());

/** Splits a multi-value cell on ； ; 、 , ， and line breaks; trims; drops empties and repeats. */
export function splitCell(value: string, separators = /[;；,，、\n\r]+/): string[] {
  return [
    ...new Set(
      value
        .split(separators)
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    ),
  ];
}

/** One row's cells and the problems found in them. */
export class RowCells {
  readonly errors: ErrorRow[] = [];
  readonly warnings: ErrorRow[] = [];
  private readonly cells = new Map<string, string>();

  constructor(
    private readonly template: Template,
    raw: Readonly<Record<string, string>>,
    readonly row: number,
  ) {
    for (const [header, value] of Object.entries(raw)) {
      const column = template.columnByHeader(header) ?? template.columnByKey(header);
      if (!column) continue;
      const cell = typeof value === 'string' ? value.trim() : value == null ? '' : String(value).trim();
      if (!this.cells.get(column.key)) this.cells.set(column.key, cell);
    }
  }

  column(key: string): TemplateColumn {
    const column = this.template.columnByKey(key);
    if (!column) throw new Error(`template has no column ${key}`);
    return column;
  }

  /** The cell as given (trimmed), '' when absent. */
  raw(key: string): string {
    return this.cells.get(key) ?? '';
  }

  error(key: string, value: string, code: string, problem: Wording, fix: Wording): void {
    this.errors.push(describeCellIssue(this.row, this.column(key), value, code, problem, fix));
  }

  warn(key: string, value: string, code: string, problem: Wording, fix: Wording): void {
    this.warnings.push(describeCellIssue(this.row, this.column(key), value, code, problem, fix));
  }

  /** The trimmed cell, '' when empty, undefined when too long (reported); an empty required cell is reported. */
  cell(key: string): string | undefined {
    const column = this.column(key);
    const value = this.raw(key);
    if (value.length > column.maxLength) {
      this.error(key, value, ...cellChecks.tooLong(column, value));
      return undefined;
    }
    if (value === '' && column.required) this.error(key, value, ...cellChecks.required(column));
    return value;
  }

  /** As `cell`, but placeholders such as '-' or '无' count as empty in optional columns. */
  typed(key: string): string | undefined {
    if (!this.column(key).required && isPlaceholder(this.raw(key))) return '';
    return this.cell(key);
  }

  text(key: string): string | undefined {
    return this.cell(key) || undefined;
  }

  /** A CNIPA application number (check character verified), normalized; a wrong one is reported. */
  applicationNumber(key: string): string | undefined {
    const value = this.cell(key);
    if (!value) return undefined;
    const check = checkApplicationNumber(value);
    if (check.ok) return check.normalized;
    this.error(
      key,
      value,
      'APPLICATION_NUMBER_INVALID',
      { zh: check.reasonZh, en: check.reason },
      { zh: '请核对申请号（如 202010123456.2）', en: 'check the application number (e.g. 202010123456.2)' },
    );
    return undefined;
  }

  enumValue<V extends string>(key: string): V | undefined {
    const column = this.column(key);
    const options = (column.options ?? []) as readonly EnumOption<V>[];
    const value = this.typed(key);
    if (!value) return undefined;
    const option = findOption(options, value);
    if (option) return option.value;
    const list = allowedWording(options);
    this.error(
      key,
      value,
      'INVALID_VALUE',
      { zh: '不是允许的值', en: 'is not one of the allowed values' },
      { zh: `请填写以下之一：${list.zh}`, en: `use one of: ${list.en}` },
    );
    return undefined;
  }

  /**
   * Several values from the column's options; every unknown one is named. `exclusive` (e.g. 暂无) must
   * stand alone. undefined when a value is wrong (reported), [] when empty.
   */
  enumList<V extends string>(key: string, exclusive?: V): V[] | undefined {
    const column = this.column(key);
    const options = (column.options ?? []) as readonly EnumOption<V>[];
    const value = this.typed(key);
    if (value === undefined) return undefined;
    if (value === '') return [];
    const values: V[] = [];
    const unknown: string[] = [];
    for (const part of splitCell(value)) {
      const option = findOption(options, part);
      if (!option) unknown.push(part);
      else if (!values.includes(option.value)) values.push(option.value);
    }
    if (unknown.length) {
      const list = allowedWording(options);
      this.error(
        key,
        value,
        'INVALID_VALUE',
        {
          zh: `中的「${unknown.join('」「')}」不是允许的值`,
          en: `holds ${unknown.map((u) => `"${u}"`).join(', ')}, not among the allowed values`,
        },
        {
          zh: `请填写以下一项或多项，用“；”分隔：${list.zh}`,
          en: `use one or more of (separated by ；): ${list.en}`,
        },
      );
      return undefined;
    }
    if (exclusive !== undefined && values.includes(exclusive) && values.length > 1) {
      const alone = options.find((option) => option.value === exclusive)!;
      this.error(
        key,
        value,
        'EXCLUSIVE_VALUE',
        {
          zh: `中的「${alone.zh}」不能与其他值同选`,
          en: `combines "${alone.zh}" (${alone.en}) with other values`,
        },
        {
          zh: `请只填「${alone.zh}」，或删去它只填具体的值`,
          en: `give "${alone.zh}" alone, or only the other values`,
        },
      );
      return undefined;
    }
    return values;
  }

  /** A number within the column's min/max (whole when the column is an integer column). */
  number(key: string): number | undefined {
    const column = this.column(key);
    const value = this.typed(key);
    if (!value) return undefined;
    const whole = column.type === 'integer';
    const normalized = halfWidth(value).replace(/[\s,，]/g, '');
    const pattern = whole ? /^[+-]?\d+(\.0+)?$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
    const range = rangeWording(column, whole);
    if (!pattern.test(normalized)) {
      this.error(
        key,
        value,
        whole ? 'INVALID_INTEGER' : 'INVALID_NUMBER',
        whole ? { zh: '不是整数', en: 'is not a whole number' } : { zh: '不是数字', en: 'is not a number' },
        { zh: `请填写${range.zh}`, en: `enter ${range.en}` },
      );
      return undefined;
    }
    const number = Number(normalized);
    if (
      (column.min !== undefined && number < column.min) ||
      (column.max !== undefined && number > column.max)
    ) {
      this.error(
        key,
        value,
        'OUT_OF_RANGE',
        { zh: '超出允许的范围', en: 'is out of range' },
        { zh: `请填写${range.zh}`, en: `enter ${range.en}` },
      );
      return undefined;
    }
    return number;
  }

  /** yes / no; `fallback` when empty. */
  yesNo(key: string, fallback: boolean): boolean | undefined {
    const answer = this.enumValue<'yes' | 'no'>(key);
    if (answer === undefined)
      return this.errors.some((e) => e.column === this.column(key).zh) ? undefined : fallback;
    return answer === 'yes';
  }
}

function rangeWording(column: TemplateColumn, whole: boolean): Wording {
  const kind = whole ? { zh: '整数', en: 'whole number' } : { zh: '数字', en: 'number' };
  const { min, max } = column;
  if (min !== undefined && max !== undefined)
    return { zh: `${min} 至 ${max} 的${kind.zh}`, en: `a ${kind.en} from ${min} to ${max}` };
  if (min !== undefined) return { zh: `不小于 ${min} 的${kind.zh}`, en: `a ${kind.en} of at least ${min}` };
  if (max !== undefined) return { zh: `不大于 ${max} 的${kind.zh}`, en: `a ${kind.en} of at most ${max}` };
  return { zh: kind.zh, en: `a ${kind.en}` };
}

/**
 * Chinese patent application numbers (standard ZC 0006-2003). Since 1 October 2003: 4-digit filing year,
 * a type digit, a 7-digit serial, '.', a check character (`202010123456.2`). Before that: 2-digit year,
 * type digit, 5-digit serial, '.', check character (`97101765.4`). The check character is the sum of the
 * digits times weights 2,3,4,5,6,7,8,9,2,3,4,5 (the old form uses 2..9) mod 11, with 10 written as 'X'.
 * A grant number (专利号) is 'ZL' + the application number, and exports often carry a 'CN' prefix.
 */
import { toHalfWidth as halfWidth } from './uscc.ts';

export type PatentTypeCode = 'invention' | 'utility-model' | 'design';

export type ApplicationNumberFailure =
  | 'empty'
  | 'scientific-notation'
  | 'characters'
  | 'length'
  | 'missing-check'
  | 'type-digit'
  | 'year'
  | 'check';

export type ApplicationNumberCheck =
  | {
      ok: true;
      /** `202010123456.2` / `97101765.4`: digits, '.', check character (upper-case X). */
      normalized: string;
      form: '12' | '8';
      typeDigit: number;
      patentType: PatentTypeCode;
      /** Type digit 8 or 9: a PCT application entering the Chinese national phase. */
      pct: boolean;
      /** The 4-digit filing year encoded in the number (for the old form, 19xx or 200x). */
      year: number;
      expectedCheck: string;
    }
  | {
      ok: false;
      failure: ApplicationNumberFailure;
      /** English, says what is wrong and what is expected. */
      reason: string;
      /** The same in Chinese. */
      reasonZh: string;
      /** Set when the digits are well formed: the check character they call for. */
      expectedCheck?: string;
    };

const weights12 = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
const weights8 = [2, 3, 4, 5, 6, 7, 8, 9];

const typeDigits: Readonly<Record<string, { patentType: PatentTypeCode; pct: boolean }>> = {
  '1': { patentType: 'invention', pct: false },
  '2': { patentType: 'utility-model', pct: false },
  '3': { patentType: 'design', pct: false },
  '8': { patentType: 'invention', pct: true },
  '9': { patentType: 'utility-model', pct: true },
};

/** Check character for a 12- or 8-digit body (no validation of year or type digit). */
export function applicationCheckCharacter(body: string): string {
  const weights = body.length === 12 ? weights12 : weights8;
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (body.charCodeAt(i) - 48) * weights[i]!;
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/**
 * The clean-up alone: full-width to ASCII, no whitespace, upper case, no 'CN'/'ZL' prefixes, and a '.'
 * before the check character when the length says there is one. Idempotent; does not validate.
 */
export function normalizeApplicationNumber(input: string): string {
  let value = halfWidth(input)
    .replace(/[\s\u00a0\u200b\ufeff]+/g, '')
    .toUpperCase()
    .replace(/[。·•]/g, '.');
  while (/^(CN|ZL)/.test(value)) value = value.slice(2);
  const compact = value.replace(/\./g, '');
  if (/^\d{12}[\dX]$/.test(compact) || /^\d{8}[\dX]$/.test(compact)) {
    return `${compact.slice(0, -1)}.${compact.slice(-1)}`;
  }
  return value;
}

const formatHint =
  '12 digits, a dot and a check character (e.g. 202010123456.2), or for applications filed before October 2003, 8 digits, a dot and a check character (e.g. 97101765.4)';
const formatHintZh =
  '应为 12 位数字加“.”和校验位（如 202010123456.2），2003 年 10 月前的申请为 8 位数字加校验位（如 97101765.4）';

function fail(
  failure: ApplicationNumberFailure,
  reason: string,
  reasonZh: string,
  expectedCheck?: string,
): ApplicationNumberCheck {
  return expectedCheck === undefined
    ? { ok: false, failure, reason, reasonZh }
    : { ok: false, failure, reason, reasonZh, expectedCheck };
}

/** Normalizes the input and verifies form, year, type digit and check character. */
export function checkApplicationNumber(input: string): ApplicationNumberCheck {
  const normalized = normalizeApplicationNumber(input);
  if (normalized === '') return fail('empty', 'is empty', '为空');
  if (/^\d(\.\d+)?E\+?\d+$/.test(normalized)) {
    return fail(
      'scientific-notation',
      'was turned into a number in scientific notation by the spreadsheet; format the column as text and enter the number again',
      '被表格软件转换成了科学计数法数字，请将该列设为文本格式后重新填写',
    );
  }
  if (!/^[\d.X]+$/.test(normalized)) {
    return fail(
      'characters',
      `may only hold digits, "." and the check character X (a CN or ZL prefix is allowed); expected ${formatHint}`,
      `只能包含数字、“.”和校验位 X（可带 CN 或 ZL 前缀），${formatHintZh}`,
    );
  }
  const compact = normalized.replace(/\./g, '');
  if (!normalized.includes('.') && (/^\d{12}$/.test(compact) || /^\d{8}$/.test(compact))) {
    const expected = applicationCheckCharacter(compact);
    return fail(
      'missing-check',
      `has no check character; it should end in .${expected}`,
      `缺少校验位，应以 .${expected} 结尾`,
      expected,
    );
  }
  const match = /^(\d{12}|\d{8})\.([\dX])$/.exec(normalized);
  if (!match) return fail('length', `must have ${formatHint}`, formatHintZh);
  const body = match[1]!;
  const given = match[2]!;
  const form = body.length === 12 ? '12' : '8';
  const expectedCheck = applicationCheckCharacter(body);
  const typeDigit = form === '12' ? body[4]! : body[2]!;
  const type = typeDigits[typeDigit];
  if (!type) {
    return fail(
      'type-digit',
      `has type digit ${typeDigit} (digit ${form === '12' ? 5 : 3}); it must be 1 (invention), 2 (utility model), 3 (design), 8 (PCT invention) or 9 (PCT utility model)`,
      `类型位（第 ${form === '12' ? 5 : 3} 位）为 ${typeDigit}，应为 1（发明）、2（实用新型）、3（外观设计）、8（PCT 发明）或 9（PCT 实用新型）`,
    );
  }
  const year = form === '12' ? Number(body.slice(0, 4)) : yearOfOldForm(Number(body.slice(0, 2)));
  if (form === '12' && year < 2003) {
    return fail(
      'year',
      `starts with year ${year}, but 12-digit numbers exist only since 2003; older numbers have 8 digits`,
      `年份为 ${year}，而 12 位申请号自 2003 年起才使用；更早的申请号为 8 位`,
    );
  }
  if (form === '8' && year > 2003) {
    return fail(
      'year',
      `starts with year ${year}, but 8-digit numbers were replaced by 12-digit ones in October 2003`,
      `年份为 ${year}，而 8 位申请号已于 2003 年 10 月改为 12 位`,
    );
  }
  if (given !== expectedCheck) {
    return fail(
      'check',
      `has check character ${given}, but the digits call for ${expectedCheck}`,
      `校验位为 ${given}，按前面的数字应为 ${expectedCheck}`,
      expectedCheck,
    );
  }
  return {
    ok: true,
    normalized: `${body}.${given}`,
    form,
    typeDigit: Number(typeDigit),
    patentType: type.patentType,
    pct: type.pct,
    year,
    expectedCheck,
  };
}

/** 2-digit years of the old form: 85-99 are 1985-1999, 00-03 are 2000-2003 (and later, rejected). */
function yearOfOldForm(twoDigits: number): number {
  return twoDigits >= 85 ? 1900 + twoDigits : 2000 + twoDigits;
}

/** Appends '.' and the correct check character to a 12- or 8-digit body (demo and test data). */
export function withApplicationCheck(body: string): string {
  const digits = normalizeApplicationNumber(body).replace(/\./g, '');
  if (!/^(\d{12}|\d{8})$/.test(digits)) {
    throw new Error(`application number body must have 12 or 8 digits, got "${body}"`);
  }
  const result = checkApplicationNumber(`${digits}.${applicationCheckCharacter(digits)}`);
  if (!result.ok) throw new Error(`invalid application number body ${body}: ${result.reason}`);
  return result.normalized;
}

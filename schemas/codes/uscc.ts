/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
 * alphabet; the last is a check character. Real registries hold a few codes that fail the checksum,
 * so callers treat a checksum failure as a warning, never as a rejection.
 */
const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccCheck =
  | { ok: true; code: string; checksumValid: boolean; expectedCheck: string }
  | { ok: false; reason: string };

/** Normalizes (trim, upper case, full-width to ASCII) and checks shape and check character. */
export function checkUscc(input: string): UsccCheck {
  const code = toHalfWidth(input).replace(/\s+/g, '').toUpperCase();
  if (code.length !== 18) {
    return { ok: false, reason: `must be 18 characters, got ${code.length}` };
  }
  for (const ch of code) {
    if (!alphabet.includes(ch)) {
      return { ok: false, reason: `character "${ch}" is not allowed (I, O, S, V and Z never occur)` };
    }
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(code[i]!) * weights[i]!;
  const expectedCheck = alphabet[(31 - (sum % 31)) % 31]!;
  return { ok: true, code, checksumValid: code[17] === expectedCheck, expectedCheck };
}

/** Appends the correct check character to a 17-character body (used by demo and test data). */
export function withUsccCheck(body17: string): string {
  const result = checkUscc(`${body17}0`);
  if (!result.ok) throw new Error(`invalid USCC body ${body17}: ${result.reason}`);
  return `${result.code.slice(0, 17)}${result.expectedCheck}`;
}

/**
 * Full-width letters, digits and signs (and the ideographic space) as ASCII, as people type them with a
 * Chinese input method: Unicode compatibility folding (NFKC), which also folds ① to 1 and Ⅱ to II.
 */
export function toHalfWidth(value: string): string {
  return value.normalize('NFKC');
}

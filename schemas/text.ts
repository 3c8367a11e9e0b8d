/**
 * Text fields that end up in headers, mail subjects, CSV/XLSX cells and log lines: names of
 * institutions, enterprises, experts and contacts. A CR/LF there splits a mail header or a log
 * record, and other control characters (NUL, ESC, bidi overrides) make a name look like another;
 * so they are refused at the edge with a message that says which characters.
 */
import * as z from 'zod';

// C0 and C1 control characters, DEL, and the Unicode bidi controls and line/paragraph separators.
const forbidden = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export function singleLineText(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !forbidden.test(value), {
      message:
        'must be one line of text: remove line breaks, tabs and other control characters (often pasted from a spreadsheet cell)',
    });
}

/** Names refuse line breaks and control characters (schemas/text.ts), in every registration schema. */
import { describe, expect, it } from 'vitest';
import { dealInputSchema } from '../../schemas/deal.ts';
import { registerInstitutionSchema } from '../../schemas/institution.ts';
import { registerEnterpriseSchema, registerExpertSchema } from '../../schemas/market.ts';
import { singleLineText } from '../../schemas/text.ts';

const hostile = [
  '清华大学\r\nBcc: all@example.org',
  '清华\u0000大学',
  '清华\u001b[31m大学',
  '清华\u202e学大',
  '清华\u2028大学',
];

describe('singleLineText', () => {
  it('accepts a one-line name (trimmed) and refuses CR/LF, NUL, ESC, bidi overrides and line separators with a clear message', () => {
    const name = singleLineText(2, 200);
    expect(name.parse('  清华大学  ')).toBe('清华大学');
    for (const value of hostile) {
      const result = name.safeParse(value);
      expect(result.success, JSON.stringify(value)).toBe(false);
      expect(result.error!.issues[0]!.message).toContain('one line of text');
    }
  });

  it('guards the institution, enterprise, contact and expert names', () => {
    for (const [schema, path] of [
      [registerInstitutionSchema, ['name']],
      [registerEnterpriseSchema, ['name']],
      [registerEnterpriseSchema, ['contact', 'name']],
      [registerExpertSchema, ['name']],
      [dealInputSchema, ['enterprise', 'name']],
    ] as const) {
      const shape = (schema as unknown as { shape: Record<string, { shape?: Record<string, unknown> }> })
        .shape;
      const field = (path.length === 1 ? shape[path[0]] : shape[path[0]]!.shape![path[1]!]) as {
        safeParse(v: unknown): { success: boolean };
      };
      expect(field.safeParse('北京某某科技有限公司').success).toBe(true);
      expect(field.safeParse('北京某某\r\n科技有限公司').success, path.join('.')).toBe(false);
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../schemas/codes/generate.ts';
import { provinceCodeSchema, provinceNames } from '../../schemas/codes/provinces.ts';
import { checkUscc, withUsccCheck } from '../../schemas/codes/uscc.ts';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts a code whose check character matches', () => {
    expect(checkUscc('12100000400000624D')).toEqual({
      ok: true,
      code: '12100000400000624D',
      checksumValid: true,
      expectedCheck: 'D',
    });
  });

  it('normalizes spaces, lower case and full-width characters', () => {
    const result = checkUscc(' １２１０００００４００００ ０６２４ｄ ');
    expect(result).toMatchObject({ ok: true, code: '12100000400000624D', checksumValid: true });
  });

  it('keeps a code whose check character is off, flagged (a warning, not a rejection)', () => {
    expect(checkUscc('12100000400000624E')).toMatchObject({
      ok: true,
      checksumValid: false,
      expectedCheck: 'D',
    });
  });

  it('rejects wrong length and letters outside the alphabet, saying why', () => {
    expect(checkUscc('1210000040000062')).toEqual({ ok: false, reason: 'must be 18 characters, got 16' });
    expect(checkUscc('12100000400000624I')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"I"'),
    });
  });

  it('withUsccCheck appends the check character', () => {
    expect(withUsccCheck('12100000400000624')).toBe('12100000400000624D');
    expect(checkUscc(withUsccCheck('91110000MA0000001')).ok).toBe(true);
  });
});

describe('GB/T 2260 provinces', () => {
  it('holds the 34 province-level units', () => {
    expect(provinceNames.size).toBe(34);
    expect(provinceNames.get('310000')).toBe('上海市');
  });
  it('rejects a code that is not a province', () => {
    expect(provinceCodeSchema.safeParse('440300').success).toBe(false); // 深圳市 is a prefecture
    expect(provinceCodeSchema.safeParse('110000').success).toBe(true);
  });
  it('generated code lists are up to date with their CSVs (npm run codes)', () => {
    for (const [name, render] of Object.entries(generatedFiles)) {
      expect(readFileSync(new URL(`../../schemas/codes/${name}`, import.meta.url), 'utf8'), name).toBe(
        render(),
      );
    }
  });
});

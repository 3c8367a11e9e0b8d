import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applicationCheckCharacter,
  checkApplicationNumber,
  normalizeApplicationNumber,
  withApplicationCheck,
} from '../../schemas/codes/application-number.ts';

const checkChars = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'];

/** A valid 12-digit body: year 2003-2099, type digit 1/2/3/8/9, 7-digit serial. */
const body12 = fc
  .tuple(
    fc.integer({ min: 2003, max: 2099 }),
    fc.constantFrom('1', '2', '3', '8', '9'),
    fc.integer({ min: 0, max: 9_999_999 }),
  )
  .map(([year, type, serial]) => `${year}${type}${String(serial).padStart(7, '0')}`);

/** A valid pre-2004 8-digit body: year 85-99 or 00-03, type digit, 5-digit serial. */
const body8 = fc
  .tuple(
    fc.constantFrom(...[85, 86, 90, 93, 95, 97, 99, 0, 1, 2, 3].map((y) => String(y).padStart(2, '0'))),
    fc.constantFrom('1', '2', '3', '8', '9'),
    fc.integer({ min: 0, max: 99_999 }),
  )
  .map(([year, type, serial]) => `${year}${type}${String(serial).padStart(5, '0')}`);

const toFullWidth = (value: string) =>
  value.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('application number check character (ZC 0006-2003)', () => {
  it.each([
    ['202010123456.2', '12', 'invention'],
    ['200710308494.X', '12', 'invention'],
    ['201710601862.3', '12', 'invention'],
    ['97101765.4', '8', 'invention'],
    ['95115608.X', '8', 'invention'],
  ])('accepts the published example %s', (number, form, patentType) => {
    expect(checkApplicationNumber(number)).toMatchObject({ ok: true, normalized: number, form, patentType });
  });

  it('computes the check character with weights 2..9,2..5 (12 digits) and 2..9 (8 digits), 10 -> X', () => {
    expect(applicationCheckCharacter('202010123456')).toBe('2'); // sum 112, 112 mod 11 = 2
    expect(applicationCheckCharacter('200710308494')).toBe('X'); // sum 153, 153 mod 11 = 10
    expect(applicationCheckCharacter('95115608')).toBe('X'); // sum 186, 186 mod 11 = 10
    expect(applicationCheckCharacter('97101765')).toBe('4');
  });

  it.each([
    'CN202010123456.2',
    'ZL202010123456.2',
    'ZL 2020 1 0123456.2',
    ' zl202010123456.2 ',
    '2020101234562',
    '２０２０１０１２３４５６．２',
    'ＣＮ２０２０１０１２３４５６.２',
    '202010123456。2',
  ])('normalizes %j to 202010123456.2', (input) => {
    expect(checkApplicationNumber(input)).toMatchObject({ ok: true, normalized: '202010123456.2' });
  });

  it('normalizes a lower-case x and a missing dot', () => {
    expect(checkApplicationNumber('cn200710308494x')).toMatchObject({
      ok: true,
      normalized: '200710308494.X',
    });
    expect(checkApplicationNumber('ZL95115608x')).toMatchObject({ ok: true, normalized: '95115608.X' });
  });

  it('reads the type digit: 2 utility model, 3 design, 8 and 9 PCT national phase', () => {
    expect(checkApplicationNumber(withApplicationCheck('202020123456'))).toMatchObject({
      typeDigit: 2,
      patentType: 'utility-model',
      pct: false,
    });
    expect(checkApplicationNumber(withApplicationCheck('202030123456'))).toMatchObject({
      typeDigit: 3,
      patentType: 'design',
      pct: false,
    });
    expect(checkApplicationNumber(withApplicationCheck('201880012345'))).toMatchObject({
      typeDigit: 8,
      patentType: 'invention',
      pct: true,
      year: 2018,
    });
    expect(checkApplicationNumber(withApplicationCheck('98900123'))).toMatchObject({
      form: '8',
      typeDigit: 9,
      patentType: 'utility-model',
      pct: true,
      year: 1998,
    });
  });

  it('says which check character is expected when it is off by one', () => {
    expect(checkApplicationNumber('202010123456.3')).toEqual({
      ok: false,
      failure: 'check',
      reason: 'has check character 3, but the digits call for 2',
      reasonZh: '校验位为 3，按前面的数字应为 2',
      expectedCheck: '2',
    });
    expect(checkApplicationNumber('200710308494.9')).toMatchObject({ ok: false, expectedCheck: 'X' });
  });

  it('says which check character is missing', () => {
    expect(checkApplicationNumber('202010123456')).toMatchObject({
      ok: false,
      failure: 'missing-check',
      expectedCheck: '2',
      reason: expect.stringContaining('.2'),
    });
    expect(checkApplicationNumber('97101765')).toMatchObject({
      ok: false,
      failure: 'missing-check',
      expectedCheck: '4',
    });
  });

  it('rejects what cannot be an application number, saying why', () => {
    expect(checkApplicationNumber('')).toMatchObject({ ok: false, failure: 'empty' });
    expect(checkApplicationNumber('2.02010E+11')).toMatchObject({
      ok: false,
      failure: 'scientific-notation',
    });
    expect(checkApplicationNumber('2020-10123456.2')).toMatchObject({ ok: false, failure: 'characters' });
    expect(checkApplicationNumber('20201012345.2')).toMatchObject({ ok: false, failure: 'length' });
    expect(checkApplicationNumber('2020101234567.2')).toMatchObject({ ok: false, failure: 'length' });
    expect(checkApplicationNumber(withApplicationCheckUnchecked('202050123456'))).toMatchObject({
      ok: false,
      failure: 'type-digit',
      reason: expect.stringContaining('type digit 5'),
    });
    expect(checkApplicationNumber(withApplicationCheckUnchecked('199910123456'))).toMatchObject({
      ok: false,
      failure: 'year',
    });
    expect(checkApplicationNumber(withApplicationCheckUnchecked('05112345'))).toMatchObject({
      ok: false,
      failure: 'year',
    });
  });

  it('withApplicationCheck appends the check character and refuses bad bodies', () => {
    expect(withApplicationCheck('202010123456')).toBe('202010123456.2');
    expect(withApplicationCheck('95115608')).toBe('95115608.X');
    expect(() => withApplicationCheck('2020101234')).toThrow(/12 or 8 digits/);
    expect(() => withApplicationCheck('202050123456')).toThrow(/type digit 5/);
  });
});

/** The check character appended without validating year or type digit, to reach the later checks. */
function withApplicationCheckUnchecked(body: string): string {
  return `${body}.${applicationCheckCharacter(body)}`;
}

describe('application number properties', () => {
  it('every generated valid 12-digit number passes', () => {
    fc.assert(
      fc.property(body12, (body) => {
        const number = withApplicationCheck(body);
        const result = checkApplicationNumber(number);
        expect(result).toMatchObject({ ok: true, normalized: number, form: '12' });
      }),
    );
  });

  it('every generated valid 8-digit number passes', () => {
    fc.assert(
      fc.property(body8, (body) => {
        expect(checkApplicationNumber(withApplicationCheck(body))).toMatchObject({ ok: true, form: '8' });
      }),
    );
  });

  it('changing any single digit makes it fail', () => {
    fc.assert(
      fc.property(
        body12,
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 9 }),
        (body, position, delta) => {
          const number = withApplicationCheck(body);
          const digit = (Number(number[position]) + delta) % 10;
          const changed = `${number.slice(0, position)}${digit}${number.slice(position + 1)}`;
          expect(checkApplicationNumber(changed).ok).toBe(false);
        },
      ),
    );
  });

  it('changing the check character makes it fail, naming the right one', () => {
    fc.assert(
      fc.property(body12, fc.constantFrom(...checkChars), (body, check) => {
        const correct = applicationCheckCharacter(body);
        fc.pre(check !== correct);
        expect(checkApplicationNumber(`${body}.${check}`)).toMatchObject({
          ok: false,
          failure: 'check',
          expectedCheck: correct,
        });
      }),
    );
  });

  it('swapping two different adjacent digits makes it fail', () => {
    fc.assert(
      fc.property(body12, fc.integer({ min: 0, max: 10 }), (body, i) => {
        fc.pre(body[i] !== body[i + 1]);
        const swapped = `${body.slice(0, i)}${body[i + 1]}${body[i]}${body.slice(i + 2)}`;
        expect(checkApplicationNumber(`${swapped}.${applicationCheckCharacter(body)}`).ok).toBe(false);
      }),
    );
  });

  it('prefixes, spaces, full-width characters, a lower-case x and a missing dot all normalize alike', () => {
    fc.assert(
      fc.property(
        body12,
        fc.constantFrom('', 'CN', 'ZL', 'zl', 'ZL ', 'CN '),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (body, prefix, dropDot, fullWidth, spaced) => {
          const number = withApplicationCheck(body);
          let variant = `${prefix}${dropDot ? number.replace('.', '') : number}`.replace('X', 'x');
          if (spaced) variant = ` ${variant.slice(0, 6)} ${variant.slice(6)} `;
          if (fullWidth) variant = toFullWidth(variant);
          expect(checkApplicationNumber(variant)).toMatchObject({ ok: true, normalized: number });
        },
      ),
    );
  });

  it('normalization is idempotent, on any input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), body12.map(withApplicationCheck)),
        (input) => {
          const once = normalizeApplicationNumber(input);
          expect(normalizeApplicationNumber(once)).toBe(once);
          const result = checkApplicationNumber(input);
          if (result.ok) expect(checkApplicationNumber(result.normalized)).toEqual(result);
        },
      ),
    );
  });
});

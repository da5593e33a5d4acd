import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileFirstOf, compileKeyPath, compilePath } from '../../src/mapping/paths.js';

describe('compilePath', () => {
  const data = {
    email: 'a@b.c',
    customer: { address: { city: 'Paris', zip: null }, tags: ['x', 'y'] },
    'customer.email': 'verbatim@x.y',
    nullParent: null,
    str: 'text',
    num: 5,
    big: 12345678901234567890n,
  };

  it('reads top-level and nested keys', () => {
    expect(compilePath('email')(data)).toBe('a@b.c');
    expect(compilePath('customer.address.city')(data)).toBe('Paris');
    expect(compilePath('customer.tags.1')(data)).toBe('y');
    expect(compilePath('big')(data)).toBe(12345678901234567890n);
  });

  it('prefers a top-level key that contains the dots verbatim', () => {
    expect(compilePath('customer.email')(data)).toBe('verbatim@x.y');
  });

  it('returns undefined for missing keys and non-object parents, never throws', () => {
    expect(compilePath('missing')(data)).toBeUndefined();
    expect(compilePath('customer.address.zip')(data)).toBeNull();
    expect(compilePath('customer.address.zip.code')(data)).toBeUndefined();
    expect(compilePath('nullParent.city')(data)).toBeUndefined();
    expect(compilePath('str.length')(data)).toBeUndefined();
    expect(compilePath('num.x.y.z')(data)).toBeUndefined();
    expect(compilePath('missing.a.b')(data)).toBeUndefined();
    expect(compilePath('customer.tags.5')(data)).toBeUndefined();
  });

  it('never reads the prototype chain', () => {
    expect(compilePath('constructor')(data)).toBeUndefined();
    expect(compilePath('customer.__proto__')(data)).toBeUndefined();
    expect(compilePath('customer.tags.length')(data)).toBe(2); // own property of arrays
  });

  it('rejects an empty path at compile time', () => {
    expect(() => compilePath('')).toThrow(/non-empty/);
    expect(() => compilePath('   ')).toThrow(/non-empty/);
  });
});

describe('generated readers', () => {
  it('read keys holding quotes, backslashes, line separators and code as plain keys', () => {
    const hostile = ['x"]; throw new Error("injected"); //', "y'\\", 'a\u2028b', '`${1}`', '\n'];
    for (const key of hostile) {
      expect(compileKeyPath([key])({ [key]: 7 })).toBe(7);
      expect(compileKeyPath(['outer', key])({ outer: { [key]: 8 } })).toBe(8);
      expect(compileKeyPath([key])({})).toBeUndefined();
    }
    expect(compilePath('a"b.c\\d')({ 'a"b': { 'c\\d': 9 } })).toBe(9);
  });

  it('check own properties for inherited keys at every depth, and read arrays by index', () => {
    const data = { a: { b: [{ c: 1 }] }, toString: 'own' };
    expect(compilePath('a.b.0.c')(data)).toBe(1);
    expect(compilePath('a.b.length')(data)).toBe(1);
    expect(compilePath('a.b.map')(data)).toBeUndefined();
    expect(compilePath('a.hasOwnProperty')(data)).toBeUndefined();
    expect(compilePath('a.b.0.__proto__')(data)).toBeUndefined();
    expect(compilePath('toString')(data)).toBe('own');
    expect(compilePath('valueOf')(data)).toBeUndefined();
    expect(compileKeyPath(['a', 'constructor'])(data)).toBeUndefined();
  });

  it('give the same values when code generation is not allowed (node --disallow-code-generation-from-strings)', () => {
    const script = `
      const { compilePath, compileKeyPath } = await import(${JSON.stringify(new URL('../../src/mapping/paths.ts', import.meta.url).href)});
      const d = { 'c.d': 1, a: { b: [5, 6] }, x: null, s: 'text' };
      console.log(JSON.stringify([compilePath('c.d')(d), compilePath('a.b.1')(d), compilePath('a.b.length')(d), compilePath('a.map')(d),
        compilePath('x.y')(d), compilePath('s.length')(d), compilePath('constructor')(d), compileKeyPath(['a', 'b', '0'])(d)]));`;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([1, 6, 2, null, null, null, null, 5]);
  });
});

describe('compileKeyPath', () => {
  it('walks keys without splitting dots', () => {
    const d = { 'a.b': { c: 1 }, a: { b: { c: 2 } } };
    expect(compileKeyPath(['a.b', 'c'])(d)).toBe(1);
    expect(compileKeyPath(['a', 'b', 'c'])(d)).toBe(2);
    expect(compileKeyPath(['a', 'x', 'c'])(d)).toBeUndefined();
    expect(compileKeyPath([])(d)).toBeUndefined();
  });
});

describe('compileFirstOf', () => {
  it('returns the first provided value (not null, undefined or blank text)', () => {
    const r = compileFirstOf(['email', 'em', 'mail']);
    expect(r({ email: null, em: '  ', mail: 'm@x.y' })).toBe('m@x.y');
    expect(r({ email: 'e@x.y', em: 'other' })).toBe('e@x.y');
    expect(r({ em: 0 })).toBe(0);
    expect(r({})).toBeUndefined();
  });
});

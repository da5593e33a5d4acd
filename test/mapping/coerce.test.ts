import { describe, expect, it } from 'vitest';
import {
  booleanValue,
  canonicalDecimal,
  codePointLength,
  currencyCode,
  decimalText,
  enumValue,
  integerInRange,
  integerValue,
  languageCode,
  parseTimestampSeconds,
  scalarToText,
  textWithMaxLength,
  toContents,
  toCurrency,
  toDecimal,
  toInteger,
  toObject,
  toStringList,
  toText,
} from '../../src/mapping/coerce.js';
import type { MappingWarning } from '../../src/mapping/types.js';

/** Runs a field coercer and returns [value, warning messages]. */
function run<T>(
  c: (raw: unknown, field: string, w: MappingWarning[]) => T | undefined,
  raw: unknown,
  field = 'f',
): [T | undefined, string[]] {
  const w: MappingWarning[] = [];
  const v = c(raw, field, w);
  return [v, w.map((x) => x.message)];
}

describe('parseTimestampSeconds', () => {
  const T = 1714558530; // 2024-05-01T10:15:30Z
  it.each<[unknown, number]>([
    [T, T],
    [T + 0.9, T],
    [1714558530123, T], // ms
    [1714558530123456, T], // µs
    [1714558530123456789n, T], // ns as bigint
    [BigInt(T), T],
    ['1714558530', T],
    [' 1714558530 ', T],
    ['1714558530.9', T],
    ['1714558530123', T],
    ['1714558530123456', T],
    ['1714558530123456789', T],
    ['2024-05-01T10:15:30Z', T],
    ['2024-05-01T10:15:30z', T],
    ['2024-05-01T10:15:30.678Z', T],
    ['2024-05-01T10:15:30+02:00', T - 7200],
    ['2024-05-01T10:15:30-02:00', T + 7200],
    ['2024-05-01T10:15:30+0530', T - 19800],
    ['2024-05-01T10:15:30.678-11:30', T + 41400],
    ['2024-05-01T10:15:30-3:30', T + 12600], // Airbyte allows a one-digit offset hour
    ['2024-05-01 10:15:30+00', T],
    ['2024-05-01 10:15:30.123456+00', T],
    ['2024-05-01 10:15:30 UTC', T],
    ['2024-05-01 10:15:30', T], // no offset = UTC
    ['2024-05-01T10:15:30', T], // Airbyte timestamp_without_timezone
    ['2024-05-01T10:15', T - 30],
    ['2024-05-01', 1714521600], // date only = midnight UTC
    [new Date(T * 1000 + 500), T],
    [99_999_999_999, 99_999_999_999], // just below the ms threshold: seconds
    [100_000_000_000, 100_000_000], // 1e11 → read as ms
  ])('%s → %s', (input, expected) => {
    expect(parseTimestampSeconds(input)).toBe(expected);
  });

  it.each<unknown>([
    'yesterday',
    '2024-05-01T10:15:30Z BC',
    '2024-02-30',
    '2024-13-01',
    '2024-05-01T25:00:00Z',
    '2024-05-01T10:15:30+25:00',
    '01/05/2024',
    '-1714558530',
    -5,
    0,
    '1970-01-01T00:00:00Z', // the epoch itself, written as a date: as meaningless as the number 0
    '1969-12-31',
    1e20,
    Number.NaN,
    true,
    {},
    [T],
  ])('%s → null (present but not recognizable)', (input) => {
    expect(parseTimestampSeconds(input)).toBeNull();
  });

  it('absent values → undefined', () => {
    expect(parseTimestampSeconds(undefined)).toBeUndefined();
    expect(parseTimestampSeconds(null)).toBeUndefined();
    expect(parseTimestampSeconds('  ')).toBeUndefined();
  });
});

describe('decimals', () => {
  it.each<[unknown, string]>([
    [72.39, '72.39'],
    [10, '10'],
    [0, '0'],
    [-0, '0'],
    [-12.5, '-12.5'],
    [0.1 + 0.2, '0.3'],
    [72.38999999999999, '72.39'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [12345678901234567890n, '12345678901234567890'],
    ['72.39', '72.39'],
    [' 72.390 ', '72.39'],
    ['0.10', '0.1'],
    ['10.00', '10'],
    ['007', '7'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['+3', '3'],
    ['-0.0', '0'],
    ['1e21', '1000000000000000000000'],
    ['1.5E3', '1500'],
    ['12345678901234567890.123456789', '12345678901234567890.123456789'],
  ])('%s → %s', (input, expected) => {
    expect(decimalText(input)).toBe(expected);
  });

  it.each<unknown>(['$1,299.00', '1,299.00', '12,5', 'abc', '', '.', '1e400', 'NaN', 'Infinity', Number.NaN, Number.POSITIVE_INFINITY, true, {}, []])(
    '%s is not a number',
    (input) => {
      expect(decimalText(input)).toBeUndefined();
    },
  );

  it('toDecimal warns once, value-free, and treats blank as absent', () => {
    expect(run(toDecimal, '$1,299.00', 'value')).toEqual([undefined, ['value: not a number; dropped']]);
    expect(run(toDecimal, '  ', 'value')).toEqual([undefined, []]);
    expect(run(toDecimal, null, 'value')).toEqual([undefined, []]);
    expect(run(toDecimal, '19.90', 'value')).toEqual(['19.9', []]);
  });

  it('canonicalDecimal keeps exact digits', () => {
    expect(canonicalDecimal('0000.000100')).toBe('0.0001');
    expect(canonicalDecimal('1.23e-2')).toBe('0.0123');
    expect(canonicalDecimal('-1.2e1')).toBe('-12');
    expect(canonicalDecimal('e5')).toBeUndefined();
  });
});

describe('integers', () => {
  it.each<[unknown, number]>([
    [3, 3],
    [3.0, 3],
    [-2, -2],
    ['3', 3],
    [' 42 ', 42],
    ['+7', 7],
    ['5.0', 5],
    [12n, 12],
    [BigInt(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('%s → %s', (input, expected) => {
    expect(integerValue(input)).toBe(expected);
  });

  it.each<unknown>([2.5, '2.5', '3 items', '1e3', true, 2n ** 60n, 2 ** 60, Number.NaN, {}])('%s is not an integer', (input) => {
    expect(integerValue(input)).toBeUndefined();
  });

  it('toInteger and integerInRange warnings', () => {
    expect(run(toInteger, 2.5, 'num_items')).toEqual([undefined, ['num_items: not an integer; dropped']]);
    const pct = integerInRange(0, 100);
    expect(run(pct, '78', 'device_info.battery_level')).toEqual([78, []]);
    expect(run(pct, 101, 'device_info.battery_level')).toEqual([undefined, ['device_info.battery_level: out of range 0..100; dropped']]);
    expect(run(pct, -1, 'x')).toEqual([undefined, ['x: out of range 0..100; dropped']]);
  });
});

describe('booleans', () => {
  it.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    [1n, true],
    [0n, false],
    ['true', true],
    ['FALSE', false],
    [' Yes ', true],
    ['no', false],
    ['1', true],
    ['0', false],
  ])('%s → %s', (input, expected) => {
    expect(booleanValue(input)).toBe(expected);
  });

  it.each<unknown>([2, 'y', 'on', 'maybe', {}, []])('%s is not a boolean', (input) => {
    expect(booleanValue(input)).toBeUndefined();
  });
});

describe('text', () => {
  it.each<[unknown, string | undefined]>([
    ['  abc ', 'abc'],
    [42, '42'],
    [-0, '0'],
    [1.5, '1.5'],
    [1e21, '1000000000000000000000'],
    [12345678901234567890n, '12345678901234567890'],
    [true, 'true'],
    ['', undefined],
    [Number.NaN, undefined],
    [{}, undefined],
  ])('scalarToText(%s) → %s', (input, expected) => {
    expect(scalarToText(input)).toBe(expected);
  });

  it('toText drops objects with a warning', () => {
    expect(run(toText, { a: 1 }, 'content_name')).toEqual([undefined, ['content_name: not a string; dropped']]);
    expect(run(toText, [1], 'order_id')).toEqual([undefined, ['order_id: not a string; dropped']]);
  });

  it('textWithMaxLength counts code points like JSON Schema', () => {
    const max5 = textWithMaxLength(5);
    expect(run(max5, 'PDT')).toEqual(['PDT', []]);
    expect(run(max5, '😀😀😀😀😀')).toEqual(['😀😀😀😀😀', []]); // 10 UTF-16 units, 5 code points
    expect(run(max5, 'abcdef', 'device_info.timezone_abbr')).toEqual([
      undefined,
      ['device_info.timezone_abbr: longer than 5 characters; dropped'],
    ]);
    expect(codePointLength('a😀b')).toBe(3);
  });
});

describe('currency', () => {
  it.each<[unknown, string | undefined]>([
    ['usd', 'USD'],
    [' Eur ', 'EUR'],
    ['JPY', 'JPY'],
    ['XXX', undefined],
    ['XTS', undefined],
    ['US$', undefined],
    ['ABC', undefined],
    ['dollar', undefined],
    [840, undefined],
  ])('%s → %s', (input, expected) => {
    expect(currencyCode(input)).toBe(expected);
  });

  it('warns when dropped', () => {
    expect(run(toCurrency, 'US$', 'currency')).toEqual([undefined, ['currency: not an ISO-4217 currency code; dropped']]);
  });
});

describe('language', () => {
  it.each<[unknown, string | undefined]>([
    ['en', 'en'],
    ['EN', 'en'],
    ['en-US', 'en'],
    ['pt_BR', 'pt'],
    ['zh-Hant-TW', 'zh'],
    ['iw', 'he'],
    ['eng', undefined],
    ['English', undefined],
    ['xx', undefined],
    ['e', undefined],
    [1, undefined],
  ])('%s → %s', (input, expected) => {
    expect(languageCode(input)).toBe(expected);
  });
});

describe('enumValue', () => {
  const os = enumValue(['ios', 'android', 'macos'], { osx: 'macos' });
  it('matches case- and separator-insensitively and via synonyms', () => {
    expect(run(os, 'iOS')).toEqual(['ios', []]);
    expect(run(os, 'Mac OS')).toEqual(['macos', []]);
    expect(run(os, 'OS X')).toEqual(['macos', []]);
    expect(run(os, 'symbian', 'device_info.os_family')).toEqual([undefined, ['device_info.os_family: not an allowed value; dropped']]);
  });
  it('rejects a synonym to an unknown value at build time', () => {
    expect(() => enumValue(['a'], { b: 'c' })).toThrow();
  });
});

describe('toStringList (content_ids)', () => {
  it.each<[unknown, string[] | undefined]>([
    [['a', 'b'], ['a', 'b']],
    [[' a ', '', null, 'b'], ['a', 'b']],
    [[1, 2n, 12345678901234567890n], ['1', '2', '12345678901234567890']],
    ['["sku-1", "sku-2"]', ['sku-1', 'sku-2']],
    ['[12345678901234567890, 2]', ['12345678901234567890', '2']],
    ['a, b,,c ', ['a', 'b', 'c']],
    ['single', ['single']],
    [42, ['42']],
    [12345678901234567890n, ['12345678901234567890']],
    [[], undefined],
    [' , ,', undefined],
  ])('%s → %s', (input, expected) => {
    expect(run(toStringList, input, 'content_ids')).toEqual([expected, []]);
  });

  it('warns about bad input', () => {
    expect(run(toStringList, '[not json', 'content_ids')).toEqual([undefined, ['content_ids: not a list of strings; dropped']]);
    expect(run(toStringList, { a: 1 }, 'content_ids')).toEqual([undefined, ['content_ids: not a list of strings; dropped']]);
    expect(run(toStringList, ['a', { x: 1 }], 'content_ids')).toEqual([
      ['a'],
      ['content_ids: list element is not a string; dropped'],
    ]);
  });
});

describe('toContents', () => {
  it('maps Pinterest keys and common variants, coerces values', () => {
    const [v, w] = run(
      toContents,
      [
        { id: 'p1', item_price: 14.99, quantity: 3, item_name: 'Shirt', item_category: 'Shirts', item_brand: 'Acme' },
        { SKU: 'p2', Price: '13.710', qty: '2', name: 'Cap', category: 'Hats', brand: 'Acme' },
        { productId: 12345678901234567890n, unit_price: 5 },
        { id: 'p4', sku: 'ignored', item_price: '1', price: '2' },
      ],
      'contents',
    );
    expect(v).toEqual([
      { id: 'p1', item_price: '14.99', quantity: 3, item_name: 'Shirt', item_category: 'Shirts', item_brand: 'Acme' },
      { id: 'p2', item_price: '13.71', quantity: 2, item_name: 'Cap', item_category: 'Hats', item_brand: 'Acme' },
      { id: '12345678901234567890', item_price: '5' },
      { id: 'p4', item_price: '1' },
    ]);
    expect(w).toEqual([]);
  });

  it('maps item_brand_id (OpenAPI 5.28) and its brand_id spellings; drops one longer than 64 characters', () => {
    const [v, w] = run(
      toContents,
      [
        { id: 'p1', item_brand_id: 'acme-01' },
        { id: 'p2', brandId: 4711, brand: 'Acme' },
        { id: 'p3', 'Product-Brand-ID': 'b'.repeat(64) },
        { id: 'p4', brand_id: 'b'.repeat(65) },
      ],
      'contents',
    );
    expect(v).toEqual([
      { id: 'p1', item_brand_id: 'acme-01' },
      { id: 'p2', item_brand: 'Acme', item_brand_id: '4711' },
      { id: 'p3', item_brand_id: 'b'.repeat(64) },
      { id: 'p4' },
    ]);
    expect(w).toEqual(['contents.item_brand_id: longer than 64 characters; dropped']);
  });

  it('parses JSON text with exact numbers', () => {
    expect(run(toContents, '[{"id": 12345678901234567890, "price": 0.10, "quantity": 1}]', 'contents')).toEqual([
      [{ id: '12345678901234567890', item_price: '0.1', quantity: 1 }],
      [],
    ]);
  });

  it('drops unknown keys, bad values and non-object items with value-free warnings', () => {
    const [v, w] = run(
      toContents,
      [{ id: 'a', color: 'red', quantity: 1.5, item_price: '$3' }, 'b', null, { color: 'blue' }],
      'contents',
    );
    expect(v).toEqual([{ id: 'a' }]);
    expect(w).toEqual([
      'contents.item_price: not a number; dropped',
      'contents.quantity: not an integer; dropped',
      'contents: item is not an object; dropped',
      'contents: unknown item keys; dropped',
    ]);
  });

  it('rejects non-lists', () => {
    expect(run(toContents, '{"id": 1}', 'contents')).toEqual([undefined, ['contents: not a list of objects; dropped']]);
    expect(run(toContents, 'oops', 'contents')).toEqual([undefined, ['contents: not a list of objects; dropped']]);
    expect(run(toContents, [], 'contents')).toEqual([undefined, []]);
  });
});

describe('toObject', () => {
  it('accepts objects and JSON object text', () => {
    expect(run(toObject, { a: 1 })).toEqual([{ a: 1 }, []]);
    expect(run(toObject, '{"a": 1}')).toEqual([{ a: '1' }, []]);
    expect(run(toObject, '[1]', 'app_info')).toEqual([undefined, ['app_info: not an object; dropped']]);
  });
});

import { isInteger, isSafeNumber, parse as losslessParse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { parseInputLine } from '../../src/airbyte/input.js';

/** The reference: lossless-json with unsafe integers as bigint (the parser the fast path replaces). */
function reference(text: string): unknown {
  return losslessParse(text, null, {
    parseNumber: (t: string) => (isInteger(t) && !isSafeNumber(t) ? BigInt(t) : Number(t)),
    onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue,
  });
}

const record = (data: string) => `{"type":"RECORD","record":{"stream":"s","data":${data},"emitted_at":1700000000000}}`;

function dataOf(line: string): Record<string, unknown> {
  const m = parseInputLine(line, 1);
  if (m.kind !== 'record') throw new Error(`not a record: ${JSON.stringify(m, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return m.record.data;
}

function expectSameAsReference(data: string): void {
  const line = record(data);
  expect(dataOf(line)).toStrictEqual((reference(line) as { record: { data: unknown } }).record.data);
}

describe('lines with integers beyond 2^53 (fast path)', () => {
  it('digits inside strings, keys and escapes are left alone', () => {
    const d = dataOf(
      record(
        '{"s":"a\\"12345678901234567890\\"b","t":"x\\\\","n":12345678901234567890,"12345678901234567891":"12345678901234567892","u":"\\u0022 12345678901234567893 \\u0022"}',
      ),
    );
    expect(d).toStrictEqual({
      s: 'a"12345678901234567890"b',
      t: 'x\\',
      n: 12345678901234567890n,
      '12345678901234567891': '12345678901234567892',
      u: '" 12345678901234567893 "',
    });
  });

  it('negative numbers, fractions and exponents: only whole integer literals become bigint', () => {
    const d = dataOf(
      record(
        '{"neg":-98765432109876543210,"frac":1.2345678901234567890,"frac2":12345678901234567890.5,"exp":12345678901234567890e2,' +
          '"exp2":1e12345678901234567,"exp3":-1E-12345678901234567,"exp4":2E+12345678901234567,"float_int":9007199254740993.0,"zero":0,"neg_small":-5}',
      ),
    );
    expect(d).toStrictEqual({
      neg: -98765432109876543210n,
      frac: 1.2345678901234567,
      frac2: 12345678901234567890.5,
      exp: 12345678901234567890e2,
      exp2: Infinity,
      exp3: -0,
      exp4: Infinity,
      float_int: 9007199254740993.0,
      zero: 0,
      neg_small: -5,
    });
  });

  it('the boundary is Number.MAX_SAFE_INTEGER, with 16-digit safe integers staying numbers', () => {
    expect(dataOf(record('{"a":1234567890123456,"b":9007199254740991,"c":-9007199254740991,"d":9007199254740992,"e":-9007199254740992}'))).toStrictEqual({
      a: 1234567890123456,
      b: 9007199254740991,
      c: -9007199254740991,
      d: 9007199254740992n,
      e: -9007199254740992n,
    });
  });

  it('an integer beyond 2^53 is found at any depth (20,000 levels) and kept; digit runs only in strings or exponents leave numbers as JSON.parse reads them', () => {
    const depth = 20_000;
    const deep = dataOf(record(`{"x":${'['.repeat(depth)}12345678901234567890${']'.repeat(depth)}}`));
    let v: unknown = deep.x;
    for (let i = 0; i < depth; i++) v = (v as unknown[])[0];
    expect(v).toBe(12345678901234567890n);
    expect(dataOf(record('{"s":"12345678901234567890","big":1e300,"e":9007199254740993e0,"n":[1,{"m":2.5}]}'))).toStrictEqual({
      s: '12345678901234567890',
      big: 1e300,
      e: 9007199254740992,
      n: [1, { m: 2.5 }],
    });
  });

  it('whitespace, arrays, nesting, duplicate keys and __proto__', () => {
    const d = dataOf(record('{ "a" : 12345678901234567890 , "b":[ 12345678901234567890,[-12345678901234567890 ],{"c" :\t12345678901234567891\r}],"k":12345678901234567890,"k":12345678901234567899,"__proto__":12345678901234567890}'));
    expect(d.a).toBe(12345678901234567890n);
    expect(d.b).toStrictEqual([12345678901234567890n, [-12345678901234567890n], { c: 12345678901234567891n }]);
    expect(d.k).toBe(12345678901234567899n);
    expect(Object.prototype.hasOwnProperty.call(d, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(d, '__proto__')?.value).toBe(12345678901234567890n);
  });

  it('a line already holding a \\u0000 escape keeps its strings as strings', () => {
    const d = dataOf(record('{"s":"\\u000012345678901234567890","n":12345678901234567890,"z":"\\u0000"}'));
    expect(d).toStrictEqual({ s: '\u000012345678901234567890', n: 12345678901234567890n, z: '\u0000' });
  });

  it('invalid JSON stays invalid', () => {
    for (const data of [
      '{"a":012345678901234567890}', // leading zero
      '{"a":-012345678901234567890}',
      '{12345678901234567890:1}', // a number as a key
      '{"a":1,12345678901234567890 :1}',
      '{"a":"12345678901234567890}', // unterminated string
      '{"a":"x","b":"12345678901234567890',
      '{"a":12345678901234567890',
      '{"a":12345678901234567890,}',
      '{"a":--12345678901234567890}',
      '{"a":"\u000112345678901234567890"}', // raw control character in a string
    ]) {
      expect(parseInputLine(record(data), 7), data).toEqual({ kind: 'invalid', line: 7, problem: 'is not valid JSON' });
    }
  });

  it('emitted_at beyond 2^53 becomes a number; a big integer as the whole line is not an object', () => {
    const m = parseInputLine('{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":17000000000000000001}}', 1);
    expect(m.kind === 'record' && m.record.emitted_at).toBe(17000000000000000001);
    expect(parseInputLine('12345678901234567890', 1)).toEqual({ kind: 'invalid', line: 1, problem: 'is not a JSON object' });
  });

  it('agrees with lossless-json on random documents', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const numbers = [
      '12345678901234567890', '-12345678901234567890', '9007199254740991', '9007199254740992', '-9007199254740993',
      '1234567890123456', '0', '-0', '1.5', '12345678901234567890.25', '1e400', '12345678901234567890E-5', '3', '99999999999999999999999999',
    ];
    const strings = ['"plain"', '"12345678901234567890"', '"a\\"b 12345678901234567890 \\\\"', '"\\\\"', '"\\u00e9 99999999999999999999"', '""', '"-12345678901234567890e"'];
    const ws = ['', ' ', '\t', ' \r\n '];
    const value = (depth: number): string => {
      const r = rand();
      if (depth > 3 || r < 0.45) return pick(numbers);
      if (r < 0.6) return pick(strings);
      if (r < 0.65) return pick(['true', 'false', 'null']);
      const n = Math.floor(rand() * 4);
      const items: string[] = [];
      if (r < 0.8) {
        for (let i = 0; i < n; i++) items.push(pick(ws) + value(depth + 1) + pick(ws));
        return `[${items.join(',')}]`;
      }
      for (let i = 0; i < n; i++) items.push(`${pick(ws)}${pick([...strings, '"k"'])}${pick(ws)}:${pick(ws)}${value(depth + 1)}${pick(ws)}`);
      return `{${items.join(',')}}`;
    };
    for (let i = 0; i < 500; i++) {
      const keys = Math.floor(rand() * 5);
      const parts: string[] = ['"id":12345678901234567890'];
      for (let k = 0; k < keys; k++) parts.push(`"f${k}":${value(0)}`);
      expectSameAsReference(`{${parts.join(',')}}`);
    }
  });
});

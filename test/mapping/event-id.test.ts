import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonSha256Hex, deriveEventId } from '../../src/mapping/event-id.js';

const sha32 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 32);

describe('canonicalJson', () => {
  it('sorts keys, keeps bigint digits, drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [1, 'x', null, undefined], c: undefined, d: 12345678901234567890n, e: { z: true, y: 1.5 } })).toBe(
      '{"a":[1,"x",null,null],"b":1,"d":12345678901234567890,"e":{"y":1.5,"z":true}}',
    );
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
    expect(canonicalJson(Number.NaN)).toBe('null');
  });

  it('writes empty and nested containers, dates, functions and symbols as JSON.stringify does for sorted keys', () => {
    const d = new Date('2026-01-02T03:04:05.678Z');
    expect(canonicalJson({ e: {}, a: [], b: [[], [{}], { y: [undefined, () => 1, Symbol('s')] }], c: d, f: () => 1, g: Symbol('t'), h: Infinity })).toBe(
      '{"a":[],"b":[[],[{}],{"y":[null,null,null]}],"c":"2026-01-02T03:04:05.678Z","e":{},"h":null}',
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('handles any depth (no recursion): 50,000 nested arrays and objects', () => {
    const depth = 50_000;
    const arrays = JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`) as unknown;
    expect(canonicalJson(arrays)).toBe(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
    const objects = JSON.parse(`${'{"b":1,"a":'.repeat(depth)}null${'}'.repeat(depth)}`) as unknown;
    expect(canonicalJson(objects)).toBe(`${'{"a":'.repeat(depth)}null${',"b":1}'.repeat(depth)}`);
  });

  it('is independent of key order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });
});

describe('deriveEventId', () => {
  const base = { namespace: 'shop', stream: 'orders', eventName: 'checkout' };

  it('rule 1: primary key', () => {
    const r = deriveEventId({ ...base, primaryKeyValues: [42, 'x'], orderId: 'o1', eventTimeFromRecord: 1, data: { any: 1 } });
    expect(r.rule).toBe('primary_key');
    expect(r.id).toBe(sha32('["pk","shop","orders","checkout",[42,"x"]]'));
    expect(r.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('rule 1 with missing components writes null; all missing falls through', () => {
    expect(deriveEventId({ ...base, primaryKeyValues: [42, undefined], data: {} }).id).toBe(
      sha32('["pk","shop","orders","checkout",[42,null]]'),
    );
    expect(deriveEventId({ ...base, primaryKeyValues: [undefined, null], orderId: 'o1', data: {} }).rule).toBe('order_id');
  });

  it('rule 2: order_id with event_time from the record, or null', () => {
    expect(deriveEventId({ ...base, orderId: 'o1', eventTimeFromRecord: 1714558530, data: { x: 1 } }).id).toBe(
      sha32('["order","shop","orders","checkout","o1",1714558530]'),
    );
    expect(deriveEventId({ ...base, orderId: 'o1', data: { x: 1 } }).id).toBe(sha32('["order","shop","orders","checkout","o1",null]'));
  });

  it('rule 3: whole record, key order and _airbyte_ metadata ignored', () => {
    const a = deriveEventId({ ...base, namespace: undefined, data: { b: 2, a: 12345678901234567890n } });
    expect(a.rule).toBe('record');
    expect(a.id).toBe(sha32('["record",null,"orders","checkout",{"a":12345678901234567890,"b":2}]'));
    const b = deriveEventId({
      ...base,
      namespace: undefined,
      data: { a: 12345678901234567890n, _airbyte_raw_id: 'uuid', _airbyte_extracted_at: 1, b: 2 },
    });
    expect(b.id).toBe(a.id);
  });

  it('differs by stream, namespace, event name and value type', () => {
    const id = (o: Partial<Parameters<typeof deriveEventId>[0]>) => deriveEventId({ ...base, data: { a: 1 }, ...o }).id;
    const ids = new Set([
      id({}),
      id({ stream: 'orders2' }),
      id({ namespace: undefined }),
      id({ eventName: 'lead' }),
      id({ data: { a: '1' } }),
    ]);
    expect(ids.size).toBe(5);
  });
});

describe('canonicalJsonSha256Hex', () => {
  const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  it('is the SHA-256 of canonicalJson, also for values hashed piece by piece (wide records, huge values, surrogate pairs)', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 30_000; i++) wide[`k${i}`] = i % 3 === 0 ? `v😀${i}` : i % 3 === 1 ? i : [i, { n: `é${i}` }];
    const values: unknown[] = [
      { a: 1 },
      'x',
      wide,
      { big: '😀'.repeat(70_000), after: 'tail' },
      ['a'.repeat(65_535), '😀', 'b'.repeat(65_536)],
      Array.from({ length: 5_000 }, (_, i) => ({ [`z${i}`]: 'y'.repeat(i % 50) })),
    ];
    for (const v of values) expect(canonicalJsonSha256Hex(v)).toBe(sha(canonicalJson(v)));
  });
});

import { describe, expect, it } from 'vitest';
import { EventBatch } from '../../src/pinterest/event-batch.js';

const ev = (id: string, extra: Record<string, unknown> = {}) => ({ event_name: 'checkout', event_id: id, ...extra });
const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as { data: unknown[] };

describe('EventBatch', () => {
  it('lays the events out as the request body {"data":[...]}', () => {
    const b = EventBatch.of([ev('a'), ev('b'), ev('c')]);
    expect(b.length).toBe(3);
    const body = b.body();
    expect(body.toString('utf8')).toBe('{"data":[{"event_name":"checkout","event_id":"a"},{"event_name":"checkout","event_id":"b"},{"event_name":"checkout","event_id":"c"}]}');
    expect(body.byteLength).toBe(b.byteLength);
  });

  it('gives back the JSON text of one event, and refuses an index out of range', () => {
    const wide = { content_name: 'ü€😀' };
    const b = EventBatch.of([ev('a'), ev('b', { custom_data: wide }), ev('c')]);
    expect(b.eventText(0)).toBe('{"event_name":"checkout","event_id":"a"}');
    expect(JSON.parse(b.eventText(1))).toEqual(ev('b', { custom_data: wide }));
    expect(b.eventText(2)).toBe('{"event_name":"checkout","event_id":"c"}');
    expect(() => b.eventText(3)).toThrow(RangeError);
    expect(() => b.eventText(-1)).toThrow(RangeError);
  });

  it('gives any contiguous part as its own body (bisection)', () => {
    const b = EventBatch.of([ev('a'), ev('b'), ev('c'), ev('d')]);
    expect(parse(b.body(0, 1)).data).toEqual([ev('a')]);
    expect(parse(b.body(1, 3)).data).toEqual([ev('b'), ev('c')]);
    expect(parse(b.body(3, 4)).data).toEqual([ev('d')]);
    expect(parse(b.body(2)).data).toEqual([ev('c'), ev('d')]);
    // a part is a copy: the whole body is unchanged afterwards
    expect(parse(b.body()).data).toEqual([ev('a'), ev('b'), ev('c'), ev('d')]);
  });

  it('counts UTF-8 bytes, not UTF-16 units, and grows past its first capacity', () => {
    const wide = 'ü€😀'.repeat(2000); // 2 + 3 + 4 bytes per repeat
    const b = new EventBatch(64);
    const events = Array.from({ length: 50 }, (_, i) => ev(String(i), { custom_data: { content_name: wide } }));
    for (const e of events) b.push(JSON.stringify(e));
    expect(parse(b.body()).data).toEqual(events);
    expect(parse(b.body(49, 50)).data).toEqual([events[49]]);
    expect(b.byteLength).toBe(Buffer.byteLength(JSON.stringify({ data: events })));
  });

  it('refuses an empty or out-of-range part', () => {
    const b = EventBatch.of([ev('a')]);
    expect(() => b.body(0, 0)).toThrow(RangeError);
    expect(() => b.body(0, 2)).toThrow(RangeError);
    expect(() => new EventBatch().body()).toThrow(RangeError);
  });

  it('gives its buffer back on release(): the next batch fills the same memory, the released one refuses to be read', () => {
    const first = new EventBatch(4096);
    first.push(JSON.stringify(ev('a')));
    const memory = first.body().buffer;
    first.release();
    expect(() => first.body()).toThrow(/after release/);
    expect(() => first.eventText(0)).toThrow(/after release/);
    expect(() => first.push('{}')).toThrow(/after release/);
    first.release(); // twice is harmless: the buffer is not given out twice

    const second = new EventBatch(4096);
    second.push(JSON.stringify(ev('b')));
    expect(second.body().buffer).toBe(memory);
    expect(parse(second.body()).data).toEqual([ev('b')]);
    // the first release was kept once: a third batch gets other memory
    const third = new EventBatch(4096);
    expect(third.body.bind(third)).toThrow(RangeError); // empty
    third.push(JSON.stringify(ev('c')));
    expect(third.body().buffer).not.toBe(memory);
    expect(parse(second.body()).data).toEqual([ev('b')]);
  });

  it('sizes new buffers in powers of two, so a batch asking a few percent more than the last one still gets its buffer', () => {
    // Batches are sized from the one before (its bytes per event × 1,000 × 1.1): consecutive hints differ by a few
    // percent. Sized exactly, every larger hint dropped the spare buffer and allocated a new one.
    const first = new EventBatch(1_400_000);
    first.push(JSON.stringify(ev('a')));
    const memory = first.body().buffer;
    expect(memory.byteLength).toBeGreaterThanOrEqual(1_470_000);
    expect(memory.byteLength & (memory.byteLength - 1)).toBe(0); // a power of two
    first.release();
    const next = new EventBatch(1_470_000);
    next.push(JSON.stringify(ev('b')));
    expect(next.body().buffer).toBe(memory);
    next.release();
  });
});

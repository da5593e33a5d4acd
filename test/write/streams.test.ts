import { describe, expect, it } from 'vitest';
import { groupStreamLines, type StreamEndLine } from '../../src/write/streams.js';

describe('groupStreamLines', () => {
  it('keeps the per-stream form for a line of one stream, groups the others by their grouped text with a count and five names', () => {
    const missing = (records: number): StreamEndLine => ({ level: 'WARN', message: `missing in the first ${records} records`, grouped: 'missing in their records' });
    const info: StreamEndLine = { level: 'INFO', message: 'read by name: state' };
    const found = [
      { label: 'a', line: missing(1) },
      { label: 'a', line: info },
      { label: 'shop.orders', line: { level: 'WARN' as const, message: 'other paths missing' } },
      ...['b', 'c', 'd', 'e', 'f', 'g'].map((label, i) => ({ label, line: missing(i + 2) })),
      { label: 'h', line: info },
    ];
    expect(groupStreamLines(found)).toEqual([
      { level: 'WARN', message: '7 streams (a, b, c, d, e and 2 more): missing in their records' },
      { level: 'INFO', message: '2 streams (a, h): read by name: state' },
      { level: 'WARN', message: 'Stream shop.orders: other paths missing' },
    ]);
    expect(groupStreamLines(found.slice(0, 3))).toEqual([
      { level: 'WARN', message: 'Stream a: missing in the first 1 records' },
      { level: 'INFO', message: 'Stream a: read by name: state' },
      { level: 'WARN', message: 'Stream shop.orders: other paths missing' },
    ]);
  });
});

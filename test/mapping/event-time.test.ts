/**
 * event_time and emitted_at: which one applies, and values that must not become another instant (issue 12 "Numbers
 * and times", issue 13 "event_time and emitted_at").
 */
import { describe, expect, it } from 'vitest';
import { emittedAtToSeconds, parseTimestampSeconds } from '../../src/mapping/coerce.js';
import { createRecordMapper, type RecordMapResult } from '../../src/mapping/record-to-event.js';
import type { MappingOptions } from '../../src/mapping/types.js';

const NOW = 1714600000; // 2024-05-01T21:46:40Z, fixed clock
const T = 1714558530; // 2024-05-01T10:15:30Z
const MIDNIGHT = 1714521600; // 2024-05-01T00:00:00Z

function mapper(over: Partial<MappingOptions> = {}) {
  return createRecordMapper({ stream: { name: 'orders' }, fieldMapping: [], actionSource: 'web', defaultEventName: 'lead', nowSeconds: () => NOW, ...over });
}
const outcome = (r: RecordMapResult): number | string => (r.ok ? r.event.event_time : r.reason);

describe('compact dates and short years are never read as epoch values', () => {
  it.each<[unknown, number]>([
    [20240501, MIDNIGHT],
    ['20240501', MIDNIGHT],
    [20240501n, MIDNIGHT],
    [20240501101530, T],
    ['20240501101530', T],
  ])('%s → %d', (v, expected) => {
    expect(parseTimestampSeconds(v)).toBe(expected);
  });

  it.each([20241301, '20240231', 20240501256000, '99999999', '0024-05-01', '0099-12-31T00:00:00Z', '1969-12-31'])('%j is unrecognizable', (v) => {
    expect(parseTimestampSeconds(v)).toBeNull();
  });

  it('other digit counts keep the magnitude rule', () => {
    expect(parseTimestampSeconds(T)).toBe(T);
    expect(parseTimestampSeconds(T * 1000)).toBe(T);
    expect(parseTimestampSeconds(String(T))).toBe(T);
  });
});

describe('emitted_at', () => {
  it('is read with the same unit detection as event_time', () => {
    expect(emittedAtToSeconds(T * 1000 + 123)).toBe(T);
    expect(emittedAtToSeconds(T)).toBe(T); // a client that writes seconds
    expect(emittedAtToSeconds(T * 1e6)).toBe(T);
    expect(emittedAtToSeconds(0)).toBeUndefined();
    expect(emittedAtToSeconds(-5)).toBeUndefined();
    expect(emittedAtToSeconds(Number.NaN)).toBeUndefined();
  });

  it('in seconds does not date the event 1970', () => {
    const r = mapper()({ email: 'jane@example.com' }, T);
    expect(outcome(r)).toBe(T);
    expect(r.usedEmittedAt).toBe(true);
  });
});

describe('which time applies', () => {
  const mapped = mapper({ fieldMapping: [{ source_field: 'placed_at', destination_field: 'event_time' }] });

  it('a mapped event_time that is absent, null or empty rejects the record', () => {
    expect(mapped.eventTimeMapped).toBe(true);
    const reason = 'event_time: mapped in field_mapping but empty or absent in this record (stamping it with the time Airbyte read it would misdate the conversion)';
    for (const data of [{}, { placed_at: null }, { placed_at: '' }, { placed_at: '  ' }, { event_time: T }]) {
      expect(outcome(mapped({ email: 'jane@example.com', ...data }, T * 1000))).toBe(reason);
    }
    expect(outcome(mapped({ email: 'jane@example.com', placed_at: T }, NOW * 1000))).toBe(T);
  });

  it("without mapping, an empty event_time column rejects; no column falls back to emitted_at", () => {
    const m = mapper();
    expect(m.eventTimeMapped).toBe(false);
    const reason = "event_time: the record's event_time column is empty (stamping it with the time Airbyte read it would misdate the conversion)";
    const fresh = mapper();
    const r = fresh({ email: 'jane@example.com' }, T * 1000);
    expect(outcome(r)).toBe(T);
    expect(r.usedEmittedAt).toBe(true);
    expect(outcome(m({ email: 'jane@example.com', event_time: null }, T * 1000))).toBe(reason);
    expect(outcome(m({ email: 'jane@example.com', event_time: '' }, T * 1000))).toBe(reason);
    // Once the stream has had the column, a record without it is rejected too (sources may leave null columns out).
    expect(outcome(m({ email: 'jane@example.com' }, T * 1000))).toBe(reason);
    const seenValid = mapper();
    expect(outcome(seenValid({ email: 'jane@example.com', event_time: T }, NOW * 1000))).toBe(T);
    expect(outcome(seenValid({ email: 'jane@example.com' }, T * 1000))).toBe(reason);
  });
});

describe('read_same_name_columns', () => {
  it('off: only field_mapping is read, and an event_time column does not count', () => {
    const m = mapper({ readSameNameColumns: false, fieldMapping: [{ source_field: 'buyer', destination_field: 'email' }] });
    const r = m({ buyer: 'jane@example.com', state: 'shipped', event_id: 'customer-7', event_time: null }, T * 1000);
    if (!r.ok) throw new Error(r.reason);
    expect(r.event.user_data.st).toBeUndefined();
    expect(r.event.event_id).not.toBe('customer-7');
    expect(r.event.event_time).toBe(T); // emitted_at: the event_time column is not read at all
    expect(r.warnings).toEqual([]);
  });

  it('on (default): same-named columns are read', () => {
    const r = mapper()({ email: 'jane@example.com', event_id: 'customer-7', event_time: T }, NOW * 1000);
    if (!r.ok) throw new Error(r.reason);
    expect(r.event.event_id).toBe('customer-7');
  });
});

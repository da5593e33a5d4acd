import { describe, expect, it } from 'vitest';
import { EVENT_ID_FIRST_SLOTS, EVENT_ID_MAX_REMEMBERED, EVENT_ID_MAX_SLOTS, EventIdRepeats } from '../../src/write/event-id-repeats.js';
import { SAME_NAME_PROBE_RECORDS, SameNameColumns, SameNameProbe } from '../../src/write/same-name-probe.js';
import { MappingPaths, MappingProbe } from '../../src/write/streams.js';

describe('MappingProbe', () => {
  it('says "were" for several missing source paths', () => {
    const p = new MappingProbe(
      new MappingPaths([
        { source_field: 'a', destination_field: 'email' },
        { source_field: 'b', destination_field: 'phone' },
      ]),
    );
    p.observe({ c: 1 });
    expect(p.done).toBe(false);
    expect(p.finish()).toBe(
      "field_mapping: these source paths were not present in any of the first 1 records: a → email, b → phone. Check the spelling against the stream's columns (dot paths for nested fields).",
    );
    expect(p.done).toBe(true);
    expect(p.finish()).toBeUndefined();
  });

  it('reports after the last probed record, only the paths never present', () => {
    const p = new MappingProbe(
      new MappingPaths([
        { source_field: 'buyer.email', destination_field: 'email' },
        { source_field: 'buyer_emial', destination_field: 'email' },
      ]),
    );
    for (let i = 1; i < 1000; i++) expect(p.observe({ buyer: { email: i === 500 ? null : undefined } })).toBeUndefined();
    expect(p.observe({})).toBe(
      "field_mapping: this source path was not present in any of the first 1000 records: buyer_emial → email. Check the spelling against the stream's columns (dot paths for nested fields).",
    );
    expect(p.done).toBe(true);
  });
});

describe('SameNameProbe', () => {
  const stateDropped = { field: 'state', message: 'state: not a US state or Canadian province code, name or abbreviation (for a record with a US, Canadian or no country); dropped' };

  it('names the fields read by name once, and warns about a column whose values were mostly dropped', () => {
    const p = new SameNameProbe(SameNameColumns.of([{ source_field: 'buyer', destination_field: 'email' }], true)!);
    let lines: ReturnType<SameNameProbe['observe']> = [];
    for (let i = 1; i <= SAME_NAME_PROBE_RECORDS; i++) {
      const l = p.observe({ buyer: 'x', state: 'shipped', ph: '+14155550100', email: 'mapped-elsewhere' }, i % 4 === 0 ? [] : [stateDropped]);
      if (i < SAME_NAME_PROBE_RECORDS) expect(l).toEqual([]);
      else lines = l;
    }
    expect(lines).toEqual([
      {
        level: 'INFO',
        message:
          'destination fields read from same-named columns (no field_mapping entry): state, phone (column ph). Map them in field_mapping, or set read_same_name_columns to false, if a column only shares the name.',
      },
      {
        level: 'WARN',
        message:
          "column state is read by its name as destination field state, but 750 of its 1000 values in the first 1000 records were dropped. If it holds something else, map state to the right column in field_mapping, or set read_same_name_columns to false (globally or in this stream's streams[] entry).",
      },
    ]);
    expect(p.done).toBe(true);
    expect(p.observe({ state: 'x' }, [stateDropped])).toEqual([]);
    expect(p.finish()).toEqual([]);
  });

  it('reports at the end of a short stream, and not for a column with few drops', () => {
    const p = new SameNameProbe(SameNameColumns.of([], true)!);
    for (let i = 0; i < 20; i++) p.observe({ state: 'TX' }, i < 10 ? [stateDropped] : []);
    expect(p.finish().map((l) => l.level)).toEqual(['INFO']);
  });

  it('has nothing to watch when same-name reads are off', () => {
    expect(SameNameColumns.of([], false)).toBeUndefined();
  });

  it('reads no column that field_mapping maps elsewhere', () => {
    const columns = SameNameColumns.of([{ source_field: 'buyer', destination_field: 'em' }], true)!;
    expect(columns.fieldOf('email')).toBeUndefined();
    expect(columns.fieldOf('em')).toBeUndefined();
    expect(columns.fieldOf('state')).toBe('state');
    expect(columns.fieldOf('ph')).toBe('phone');
  });
});

describe('EventIdRepeats', () => {
  it('counts repeats and keeps the first site, never the id', () => {
    const r = new EventIdRepeats();
    expect(r.observe('order-1', 's', 1)).toBe(false);
    expect(r.observe('order-2', 's', 2)).toBe(false);
    expect(r.observe('order-1', 's', 3)).toBe(true);
    expect(r.observe('order-1', 't', 4)).toBe(true);
    expect(r.repeats).toBe(2);
    expect(r.first).toEqual({ stream: 's', record: 3 });
    expect(JSON.stringify(r.first)).not.toContain('order-1');
  });

  it('takes a derived event_id (SHA-256 hex) by its own bits, and hashes an id from the record', () => {
    const r = new EventIdRepeats();
    const derived = '3d65c2c2971c7715f2963930111a77c9';
    expect(r.observe(derived, 's', 1, true)).toBe(false);
    expect(r.observe(derived, 's', 2, true)).toBe(true);
    // The same text as a record's own id is keyed by its SHA-256: a different key.
    expect(r.observe(derived, 't', 1)).toBe(false);
    expect(r.observe(derived, 't', 2)).toBe(true);
    expect(r.repeats).toBe(2);
    expect(r.first).toEqual({ stream: 's', record: 2 });
  });

  it('allocates its table on the first event and doubles it only as ids arrive, up to its cap', () => {
    const r = new EventIdRepeats();
    expect(r.tableBytes).toBe(0);
    r.observe('a', 's', 1);
    expect(r.tableBytes).toBe(EVENT_ID_FIRST_SLOTS * 8);
    for (let i = 0; i < EVENT_ID_FIRST_SLOTS / 2; i++) r.observe(`id-${i}`, 's', i + 2);
    expect(r.tableBytes).toBe(EVENT_ID_FIRST_SLOTS * 16);
    // Ids remembered before the growth are still found after it.
    expect(r.observe('a', 's', 0)).toBe(true);
    expect(r.observe('id-7', 's', 0)).toBe(true);
    expect(r.repeats).toBe(2);
  });

  it('stops remembering new ids at its bound, and still finds repeats of remembered ones', () => {
    const r = new EventIdRepeats();
    for (let i = 0; i < EVENT_ID_MAX_REMEMBERED + 10; i++) r.observe(`id-${i}`, 's', i + 1);
    expect(r.repeats).toBe(0);
    expect(r.observe('id-0', 's', 0)).toBe(true);
    expect(r.observe(`id-${EVENT_ID_MAX_REMEMBERED + 5}`, 's', 0)).toBe(false);
    expect(r.tableBytes).toBe(EVENT_ID_MAX_SLOTS * 8);
  });
});

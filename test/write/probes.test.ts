import { describe, expect, it } from 'vitest';
import { EVENT_ID_MAX_REMEMBERED, EventIdRepeats } from '../../src/write/event-id-repeats.js';
import { SAME_NAME_PROBE_RECORDS, SameNameProbe } from '../../src/write/same-name-probe.js';
import { MappingProbe } from '../../src/write/streams.js';

describe('MappingProbe', () => {
  it('says "were" for several missing source paths', () => {
    const p = new MappingProbe([
      { source_field: 'a', destination_field: 'email' },
      { source_field: 'b', destination_field: 'phone' },
    ]);
    p.observe({ c: 1 });
    expect(p.finish()).toBe(
      "field_mapping: these source paths were not present in any of the first 1 records: a → email, b → phone. Check the spelling against the stream's columns (dot paths for nested fields).",
    );
  });
});

describe('SameNameProbe', () => {
  const stateDropped = { field: 'state', message: 'state: not a US state or Canadian province code, name or abbreviation (for a record with a US, Canadian or no country); dropped' };

  it('names the fields read by name once, and warns about a column whose values were mostly dropped', () => {
    const p = new SameNameProbe([{ source_field: 'buyer', destination_field: 'email' }], true);
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
    expect(p.observe({ state: 'x' }, [stateDropped])).toEqual([]);
    expect(p.finish()).toEqual([]);
  });

  it('reports at the end of a short stream, and not for a column with few drops', () => {
    const p = new SameNameProbe([], true);
    for (let i = 0; i < 20; i++) p.observe({ state: 'TX' }, i < 10 ? [stateDropped] : []);
    expect(p.finish().map((l) => l.level)).toEqual(['INFO']);
  });

  it('is silent when same-name reads are off', () => {
    const p = new SameNameProbe([], false);
    p.observe({ state: 'shipped' }, [stateDropped]);
    expect(p.finish()).toEqual([]);
  });
});

describe('EventIdRepeats', () => {
  it('counts repeats and keeps the first site, never the id', () => {
    const r = new EventIdRepeats();
    expect(r.observe('order-1', { stream: 's', record: 1 })).toBe(false);
    expect(r.observe('order-2', { stream: 's', record: 2 })).toBe(false);
    expect(r.observe('order-1', { stream: 's', record: 3 })).toBe(true);
    expect(r.observe('order-1', { stream: 't', record: 4 })).toBe(true);
    expect(r.repeats).toBe(2);
    expect(r.first).toEqual({ stream: 's', record: 3 });
    expect(JSON.stringify(r.first)).not.toContain('order-1');
  });

  it('stops remembering new ids at its bound, and still finds repeats of remembered ones', () => {
    const r = new EventIdRepeats();
    for (let i = 0; i < EVENT_ID_MAX_REMEMBERED + 10; i++) r.observe(`id-${i}`, { stream: 's', record: i + 1 });
    expect(r.repeats).toBe(0);
    expect(r.observe('id-0', { stream: 's', record: 0 })).toBe(true);
    expect(r.observe(`id-${EVENT_ID_MAX_REMEMBERED + 5}`, { stream: 's', record: 0 })).toBe(false);
  });
});

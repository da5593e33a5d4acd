/**
 * Watches the destination fields a stream reads from same-named record columns (no field_mapping entry), over the
 * first {@link SAME_NAME_PROBE_RECORDS} records: which ones were read, and which had most of their values dropped.
 * A column that merely shares a name (a `state` column holding an order status, a `language` column holding
 * "Khmer") otherwise only shows up as a warning on every row. Messages name columns and fields, never values.
 */
import { DESTINATION_FIELDS, findDestinationField } from '../fields/catalog.js';
import type { FieldMappingEntry, MappingWarning } from '../mapping/types.js';

/** How many records of a stream are watched. */
export const SAME_NAME_PROBE_RECORDS = 1000;
/** A same-name field is reported as mostly dropped when at least this many of its values were read, and over half dropped. */
export const SAME_NAME_MIN_VALUES = 10;

/** Per stream: see the module docstring. Costs one map lookup per record key for the first 1,000 records. */
export class SameNameProbe {
  /** Column name (a field's name or alias) → destination field name, for fields read by name. */
  private readonly fieldOfColumn = new Map<string, string>();
  /** Destination field → [values read, values dropped], in first-read order. */
  private readonly counts = new Map<string, { column: string; read: number; dropped: number }>();
  private records = 0;
  private done = false;

  constructor(fieldMapping: readonly FieldMappingEntry[], readSameNameColumns: boolean) {
    if (!readSameNameColumns) {
      this.done = true;
      return;
    }
    const mapped = new Set(fieldMapping.map((m) => findDestinationField(m.destination_field)?.name));
    for (const f of DESTINATION_FIELDS) {
      if (mapped.has(f.name)) continue;
      for (const column of [f.name, ...f.aliases]) this.fieldOfColumn.set(column, f.name);
    }
  }

  /**
   * Looks at one record and the warnings its mapping produced; returns the log lines once the probe ends (after
   * record {@link SAME_NAME_PROBE_RECORDS}), else an empty list.
   */
  observe(data: Record<string, unknown>, warnings: readonly MappingWarning[]): { level: 'INFO' | 'WARN'; message: string }[] {
    if (this.done) return [];
    this.records++;
    for (const column in data) {
      const field = this.fieldOfColumn.get(column);
      if (field === undefined) continue;
      const v = data[column];
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue;
      let c = this.counts.get(field);
      if (c === undefined) this.counts.set(field, (c = { column, read: 0, dropped: 0 }));
      c.read++;
    }
    for (const w of warnings) {
      const c = this.counts.get(w.field);
      if (c !== undefined && w.message.endsWith('; dropped')) c.dropped++;
    }
    return this.records >= SAME_NAME_PROBE_RECORDS ? this.finish() : [];
  }

  /** The probe's log lines (once): the fields read by name, and one warning per mostly dropped one. */
  finish(): { level: 'INFO' | 'WARN'; message: string }[] {
    if (this.done || this.records === 0) return [];
    this.done = true;
    if (this.counts.size === 0) return [];
    const list = [...this.counts].map(([field, c]) => (c.column === field ? field : `${field} (column ${c.column})`));
    const lines: { level: 'INFO' | 'WARN'; message: string }[] = [
      {
        level: 'INFO',
        message:
          `destination fields read from same-named columns (no field_mapping entry): ${list.join(', ')}. ` +
          'Map them in field_mapping, or set read_same_name_columns to false, if a column only shares the name.',
      },
    ];
    for (const [field, c] of this.counts) {
      if (c.read >= SAME_NAME_MIN_VALUES && c.dropped * 2 > c.read) {
        lines.push({
          level: 'WARN',
          message:
            `column ${c.column} is read by its name as destination field ${field}, but ${c.dropped} of its ${c.read} values ` +
            `in the first ${this.records} records were dropped. If it holds something else, map ${field} to the right column ` +
            'in field_mapping, or set read_same_name_columns to false (globally or in this stream\'s streams[] entry).',
        });
      }
    }
    return lines;
  }
}

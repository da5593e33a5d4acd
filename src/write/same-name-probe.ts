/**
 * Watches the destination fields a stream reads from same-named record columns (no field_mapping entry), over the
 * first {@link SAME_NAME_PROBE_RECORDS} records: which ones were read, and which had most of their values dropped.
 * A column that merely shares a name (a `state` column holding an order status, a `language` column holding
 * "Khmer") otherwise only shows up as a warning on every row. Messages name columns and fields, never values.
 *
 * Memory: the column lookup ({@link SameNameColumns}, a few KB) is built once per settings entry and shared by every
 * stream using it; a stream's own {@link SameNameProbe} is created by its first record, holds one small counter per
 * field actually read by name, and is dropped by its owner once {@link SameNameProbe.done} (so 20,000 streams cost a
 * few MB at most, and nothing after their first 1,000 records).
 */
import { DESTINATION_FIELDS, findDestinationField, sameNameColumns } from '../fields/catalog.js';
import { isAbsent } from '../mapping/coerce.js';
import type { FieldMappingEntry, MappingWarning } from '../mapping/types.js';

/** How many records of a stream are watched. */
export const SAME_NAME_PROBE_RECORDS = 1000;
/** A same-name field is reported as mostly dropped when at least this many of its values were read, and over half dropped. */
export const SAME_NAME_MIN_VALUES = 10;

/** One log line of a probe. */
export interface ProbeLine {
  level: 'INFO' | 'WARN';
  message: string;
}

/**
 * The columns that settings read by name: every name and alias of each destination field that the field_mapping
 * does not map. Shared by all streams with the same settings.
 */
export class SameNameColumns {
  /** Column name (a field's name or alias, as written in the catalog) → destination field name. */
  private readonly fieldOfColumn = new Map<string, string>();

  private constructor(fieldMapping: readonly FieldMappingEntry[]) {
    const mapped = new Set(fieldMapping.map((m) => findDestinationField(m.destination_field)?.name));
    for (const f of DESTINATION_FIELDS) {
      if (mapped.has(f.name)) continue;
      for (const column of sameNameColumns(f)) this.fieldOfColumn.set(column, f.name);
    }
  }

  /** The columns read by name under these settings; undefined when `read_same_name_columns` is off (nothing to watch). */
  static of(fieldMapping: readonly FieldMappingEntry[], readSameNameColumns: boolean): SameNameColumns | undefined {
    return readSameNameColumns ? new SameNameColumns(fieldMapping) : undefined;
  }

  /** The destination field read from `column`, or undefined when the column is not read by name. */
  fieldOf(column: string): string | undefined {
    return this.fieldOfColumn.get(column);
  }
}

/** Values read and dropped for one destination field read by name. */
interface SameNameCount {
  field: string;
  /** The first column it was read from (the field's name or one of its aliases). */
  column: string;
  read: number;
  dropped: number;
}

/** Per stream: see the module docstring. Costs one map lookup per record key for the first 1,000 records. */
export class SameNameProbe {
  /** One entry per field read by name so far, in first-read order (a handful at most: a linear search is cheapest). */
  private readonly counts: SameNameCount[] = [];
  private records = 0;
  private finished = false;

  constructor(private readonly columns: SameNameColumns) {}

  /** True once the probe has reported (after record {@link SAME_NAME_PROBE_RECORDS}, or {@link finish}): drop it. */
  get done(): boolean {
    return this.finished;
  }

  /**
   * Looks at one record and the warnings its mapping produced; returns the log lines once the probe ends (after
   * record {@link SAME_NAME_PROBE_RECORDS}), else an empty list.
   */
  observe(data: Record<string, unknown>, warnings: readonly MappingWarning[]): ProbeLine[] {
    if (this.finished) return [];
    this.records++;
    for (const column in data) {
      const field = this.columns.fieldOf(column);
      if (field === undefined) continue;
      const v = data[column];
      if (isAbsent(v)) continue;
      let c = this.countOf(field);
      if (c === undefined) this.counts.push((c = { field, column, read: 0, dropped: 0 }));
      c.read++;
    }
    for (const w of warnings) {
      const c = this.countOf(w.field);
      if (c !== undefined && w.message.endsWith('; dropped')) c.dropped++;
    }
    return this.records >= SAME_NAME_PROBE_RECORDS ? this.finish() : [];
  }

  /** The probe's log lines (once): the fields read by name, and one warning per mostly dropped one. */
  finish(): ProbeLine[] {
    if (this.finished || this.records === 0) return [];
    this.finished = true;
    if (this.counts.length === 0) return [];
    const list = this.counts.map((c) => (c.column === c.field ? c.field : `${c.field} (column ${c.column})`));
    const lines: ProbeLine[] = [
      {
        level: 'INFO',
        message:
          `destination fields read from same-named columns (no field_mapping entry): ${list.join(', ')}. ` +
          'Map them in field_mapping, or set read_same_name_columns to false, if a column only shares the name.',
      },
    ];
    for (const c of this.counts) {
      if (c.read >= SAME_NAME_MIN_VALUES && c.dropped * 2 > c.read) {
        lines.push({
          level: 'WARN',
          message:
            `column ${c.column} is read by its name as destination field ${c.field}, but ${c.dropped} of its ${c.read} values ` +
            `in the first ${this.records} records were dropped. If it holds something else, map ${c.field} to the right column ` +
            'in field_mapping, or set read_same_name_columns to false (globally or in this stream\'s streams[] entry).',
        });
      }
    }
    return lines;
  }

  private countOf(field: string): SameNameCount | undefined {
    for (const c of this.counts) if (c.field === field) return c;
    return undefined;
  }
}

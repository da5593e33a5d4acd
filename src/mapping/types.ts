/**
 * Contracts shared by the mapping layer (pure: no I/O) and the write pipeline.
 *
 * A record's `data` goes through `createRecordMapper(options)(data, emittedAtMs)` and comes out as either a
 * Pinterest event ready to batch, or a rejection reason. Neither a reason nor a warning ever contains a field
 * value: they name the field and the rule only, so they are safe to log.
 */
import type { ActionSource } from '../pinterest/events.js';

/** Something the mapper dropped or changed without rejecting the record. */
export interface MappingWarning {
  /** Destination field name (e.g. "phone", "value") or Pinterest key (e.g. "user_data.ph"). */
  field: string;
  /**
   * Short, stable, value-free description used to group warnings in the end-of-sync report,
   * e.g. "phone: not a possible phone number (wrong length for its country, or not a number); dropped".
   */
  message: string;
}

/** Result of mapping one record. */
export type MapResult<TEvent = Record<string, unknown>> =
  | { ok: true; event: TEvent; warnings: MappingWarning[] }
  | { ok: false; reason: string; warnings: MappingWarning[] };

/** One entry of the config's `field_mapping`: a dot path into record data → a destination field. */
export interface FieldMappingEntry {
  source_field: string;
  destination_field: string;
}

/** Pinterest action sources: the type describes Pinterest's API, so it lives in `pinterest/events.ts`. */
export type { ActionSource };

/** Everything the mapper needs for one stream; built once per stream, never per record. */
export interface MappingOptions {
  /** Stream name and namespace (namespace undefined when absent/null/""). Used in event_id derivation. */
  stream: { name: string; namespace?: string };
  /** Effective field mapping for the stream (per-stream override or the global one). */
  fieldMapping: FieldMappingEntry[];
  /**
   * Config `read_same_name_columns` (per-stream value, else the global one; default true): whether a destination
   * field that `fieldMapping` does not map is read from the record column of its own name or aliases. False: only
   * `fieldMapping` is used.
   */
  readSameNameColumns?: boolean;
  /** Used when a record maps no event_name. */
  defaultEventName?: string;
  /** Config default; a valid record value overrides it. */
  actionSource: ActionSource;
  /** Config partner_name, sent when the record maps none. */
  partnerName?: string;
  /** ISO-3166 alpha-2 (any case) used to read national phone numbers when the record has no country. */
  defaultPhoneCountry?: string;
  /** Config `date_of_birth_order`: reads day-first/month-first dates of birth whose day and month are both ≤ 12. */
  dateOfBirthOrder?: 'MDY' | 'DMY';
  /** Source value → Pinterest event name, matched case- and separator-insensitively. */
  eventNameMapping?: Record<string, string>;
  /**
   * Names of advertiser-defined events (config `advertiser_defined_events` first, then those read from the ad account):
   * a record whose event name equals one, ignoring case, is sent under it.
   */
  advertiserDefinedEvents?: readonly string[];
  /** When true, event names that cannot be mapped reject the record instead of becoming "custom". */
  rejectUnknownEventNames?: boolean;
  /** Primary key from the configured catalog (array of field paths, each an array of keys), if any. */
  primaryKey?: string[][];
  /** Clock, Unix seconds. Injected so tests and fixtures never rot. */
  nowSeconds: () => number;
}

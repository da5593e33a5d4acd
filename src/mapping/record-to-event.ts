/**
 * Record → Pinterest event mapper (pure, no I/O).
 *
 * `createRecordMapper(options)` does all per-stream work once (field readers, coercers, event-name table,
 * primary-key readers); the function it returns maps one record's `data` and is meant to be called
 * millions of times.
 *
 * Field resolution: for each destination field of `src/fields/catalog.ts`, when the stream's
 * `fieldMapping` maps it (by name or alias) the mapped source path(s) are read — several entries for one
 * field are tried in order, the first provided value wins; otherwise the record column of the field's own
 * name, then its aliases, is read. Dotted names (`app_info.app_id`) are paths (see `paths.ts`).
 */
import {
  DESTINATION_FIELDS,
  findDestinationField,
  sameNameColumns,
  type DestinationField,
  type FieldGroup,
} from '../fields/catalog.js';
import type { CustomData, PinterestEvent, SentEventName } from '../pinterest/events.js';
import {
  dropWarning,
  emittedAtToSeconds,
  enumValue,
  integerInRange,
  isAbsent,
  languageCode,
  looseKey,
  parseTimestampSeconds,
  scalarToText,
  textWithMaxLength,
  toBoolean,
  toContents,
  toCurrency,
  toDecimal,
  toEpochSeconds,
  toInteger,
  toLanguage,
  toObject,
  stringList,
  toStringList,
  toText,
  type FieldCoercer,
} from './coerce.js';
import { deriveEventId, type EventIdRule } from './event-id.js';
import { createEventNameResolver, EventNameMappingError } from './event-name.js';
import { compileAllOf, compileFirstOf, compileKeyPath, type PathReader } from './paths.js';
import type { ActionSource, MapResult, MappingOptions, MappingWarning } from './types.js';
import { buildUserDataFromSlots, hasRequiredIdentifier, type PinterestUserData, USER_SLOT_COUNT, USER_SLOT_OF, type UserDataContext } from './user-data.js';
import { validatePinterestEvent } from './validate-event.js';

/** A configuration that can never map records (unknown destination field, bad event-name mapping, ...). */
export class MappingConfigError extends Error {
  override name = 'MappingConfigError';
}

/** Extra facts about one mapped record, for once-per-stream / once-per-name logging by the pipeline. */
export interface RecordMapExtras {
  /** Set when event_time was absent and the record's emitted_at (converted to seconds) was used. */
  usedEmittedAt?: true;
  /**
   * The source event name (trimmed, at most 200 characters) when it was unknown and sent as `custom`
   * (or rejected with `rejectUnknownEventNames`). Event names are not personal data.
   */
  unknownEventName?: string;
  /** Which rule derived event_id; absent when the record carried its own event_id. */
  eventIdRule?: EventIdRule;
  /**
   * On a rejection, the event_id that names the row: the one the event was built with (derived ones too, see
   * `eventIdRule`) when the event was complete, else the record's own event_id when it has one.
   */
  eventId?: string;
  /** On a rejection by the event schema: the event as it would have been sent (user_data hashed). */
  rejectedEvent?: PinterestEvent;
}

/** Result of mapping one record: {@link MapResult} of a {@link PinterestEvent} plus {@link RecordMapExtras}. */
export type RecordMapResult = MapResult<PinterestEvent> & RecordMapExtras;

/**
 * Maps one record.
 * @param data the Airbyte record's `data` object.
 * @param emittedAtMs the Airbyte record's `emitted_at`: Unix milliseconds by the protocol, but read with the unit
 *   detection of event_time (`emittedAtToSeconds`), since some clients write seconds. Used only when the stream maps
 *   no event_time and neither this record nor an earlier one of the stream had an event_time column; `undefined`
 *   (the record had none, or not a number) then rejects the record (REASONS.timeNoEmittedAt).
 */
export type RecordMapper = ((data: Record<string, unknown>, emittedAtMs: number | undefined) => RecordMapResult) & {
  /** True when the stream's field_mapping maps event_time: records without it are rejected, emitted_at is never used. */
  readonly eventTimeMapped: boolean;
};

/** Events more than this many seconds ahead of `nowSeconds()` are rejected (clock skew allowance). */
export const FUTURE_TOLERANCE_SECONDS = 60;
/** Events older than this many seconds get a warning (third parties report Pinterest refuses them). */
export const OLD_EVENT_WARNING_SECONDS = 7 * 24 * 3600;

/**
 * Rejection reasons produced by the mapper itself (stable, value-free strings, safe to group and log).
 * Schema failures are reported as `invalid event: <path>: <rule>; ...` (see `validate-event.ts`).
 */
export const REASONS = {
  eventNameMissing: 'event_name: missing and no default_event_name configured',
  eventNameNotText: 'event_name: not a string',
  eventNameUnknown: 'event_name: not a known Pinterest event name',
  actionSource: 'action_source: must be one of web, app_android, app_ios, offline',
  timeUnrecognizable:
    'event_time: not a recognizable timestamp (read: ISO 8601 such as 2026-12-06T14:03:00Z or 2026-12-06 14:03:00+01:00, a date 2026-12-06, Unix seconds or milliseconds; cast other forms in the source)',
  timeFuture: 'event_time: in the future',
  timeNoEmittedAt: 'event_time: missing and the record has no usable emitted_at',
  timeMappedAbsent:
    'event_time: mapped in field_mapping but empty or absent in this record (stamping it with the time Airbyte read it would misdate the conversion)',
  timeColumnEmpty:
    'event_time: the record\'s event_time column is empty (stamping it with the time Airbyte read it would misdate the conversion)',
  noIdentifier: 'no usable identifier: needs email, maid, or both client_ip_address and client_user_agent',
} as const;

/** Warnings produced by the mapper itself; coercion warnings read `<field>: <problem>; dropped` (see `coerce.ts`). */
export const WARNINGS = {
  unknownEventName: 'event_name: unknown name sent as custom',
  oldEvent: 'event_time: older than 7 days; Pinterest may reject it',
  eventIdInvalid: 'event_id: not a string; derived instead',
} as const;

const UNKNOWN_NAME_MAX = 200;

/**
 * Longest text value (in UTF-16 code units, i.e. JavaScript string length) read from any mapped field. A longer
 * value is dropped with the warning `"<field>: value longer than 65536 characters; dropped"` and the field is treated
 * as absent (event_name → default_event_name, event_time → emitted_at, event_id → derived, ...). Pinterest's longest
 * documented limit is client_user_agent's 16,384 characters, so nothing usable is lost; the check keeps multi-megabyte
 * cells from being normalized, hashed or validated. It is one length comparison per value read, done before any other
 * work on the value. Values inside arrays and objects are left to their field's own rules.
 */
export const MAX_MAPPED_VALUE_LENGTH = 65_536;

/** The oversized-value warning of `field`. */
export function oversizedValueWarning(field: string): MappingWarning {
  return { field, message: `${field}: value longer than ${MAX_MAPPED_VALUE_LENGTH} characters; dropped` };
}

/** `v`, or undefined when it is text longer than {@link MAX_MAPPED_VALUE_LENGTH} (already warned about elsewhere). */
function fitQuiet(v: unknown): unknown {
  return typeof v === 'string' && v.length > MAX_MAPPED_VALUE_LENGTH ? undefined : v;
}

/** `v`, or undefined with a warning when it is text longer than {@link MAX_MAPPED_VALUE_LENGTH}. */
function fit(v: unknown, field: string, warnings: MappingWarning[]): unknown {
  if (typeof v === 'string' && v.length > MAX_MAPPED_VALUE_LENGTH) {
    warnings.push(oversizedValueWarning(field));
    return undefined;
  }
  return v;
}

/**
 * Record values for `action_source`, matched on their loose key (case and separators ignored):
 * Pinterest's four values, plus `android` → app_android and `ios` → app_ios.
 * Source: OpenAPI 5.23 `action_source` list; the two short forms are this connector's choice.
 */
const ACTION_SOURCE_BY_KEY: ReadonlyMap<string, ActionSource> = new Map<string, ActionSource>([
  ['web', 'web'],
  ['appandroid', 'app_android'],
  ['android', 'app_android'],
  ['appios', 'app_ios'],
  ['ios', 'app_ios'],
  ['offline', 'offline'],
]);

/** Where a generic field's coerced value goes. */
const Box = { Event: 0, Custom: 1, App: 2, Device: 3 } as const;
type Box = (typeof Box)[keyof typeof Box];

interface Plan {
  readonly name: string;
  readonly key: string; // key inside its box
  readonly box: Box;
  readonly read: PathReader;
  readonly coerce: FieldCoercer<unknown>;
}

/** The plans one record can provide: indexes into userPlans and plans, in plan order. */
interface Candidates {
  readonly users: readonly number[];
  readonly plans: readonly number[];
}

interface UserPlan {
  readonly name: string;
  /** Index of the field in a UserSlots array (USER_SLOT_OF). */
  readonly slot: number;
  readonly read: PathReader;
}

/** content_ids' list forms without the list cap: a language list is checked against its own maxItems. */
const anyLengthStringList = stringList(Number.POSITIVE_INFINITY);

/** Language list for `device_info.languages`: list forms as content_ids, each element a language code. */
function languageList(maxItems: number): FieldCoercer<string[]> {
  const tooMany = `more than ${maxItems} elements`;
  return (raw, field, warnings) => {
    const list = anyLengthStringList(raw, field, warnings);
    if (list === undefined) return undefined;
    const out: string[] = [];
    let bad = false;
    for (const el of list) {
      const c = languageCode(el);
      if (c === undefined) bad = true;
      else if (!out.includes(c)) out.push(c);
    }
    if (bad) dropWarning(warnings, field, 'element not an ISO-639-1 language code');
    if (out.length > maxItems) return dropWarning(warnings, field, tooMany);
    return out.length > 0 ? out : undefined;
  };
}

/** The coercer for a generic (non-special) field of the catalog. */
function coercerFor(field: DestinationField): FieldCoercer<unknown> {
  const c = field.constraints ?? {};
  switch (field.kind) {
    case 'text':
      return c.maxLength !== undefined ? textWithMaxLength(c.maxLength) : toText;
    case 'decimal':
      return toDecimal;
    case 'integer':
      return c.minimum !== undefined || c.maximum !== undefined
        ? integerInRange(c.minimum ?? Number.MIN_SAFE_INTEGER, c.maximum ?? Number.MAX_SAFE_INTEGER)
        : toInteger;
    case 'boolean':
      return toBoolean;
    case 'currency':
      return toCurrency;
    case 'language':
      return toLanguage;
    case 'language_list':
      return languageList(c.maxItems ?? Number.MAX_SAFE_INTEGER);
    case 'string_list':
      return toStringList;
    case 'contents':
      return toContents;
    case 'epoch_seconds':
      return toEpochSeconds;
    case 'enum':
      if (c.enum === undefined) throw new Error(`catalog: enum field ${field.name} has no enum`);
      return enumValue(c.enum, c.enumSynonyms);
    default:
      throw new Error(`catalog: field ${field.name} of kind ${field.kind} has no generic coercer`);
  }
}

const BOX_OF_GROUP: Partial<Record<FieldGroup, Box>> = {
  event: Box.Event,
  custom_data: Box.Custom,
  app_info: Box.App,
  device_info: Box.Device,
};

/** A user_data value that is not provided (undefined/null, empty array or string). */
function notProvided(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * Keeps only provided values of a user_data object (no undefined/null, no empty arrays or strings); `u` itself when
 * all its values are provided (what buildUserData returns), a copy without the others otherwise.
 */
function cleanUserData(u: PinterestUserData): PinterestUserData {
  const rec = u as Record<string, unknown>;
  let clean = true;
  for (const k in rec) {
    if (notProvided(rec[k])) {
      clean = false;
      break;
    }
  }
  if (clean) return u;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(u)) {
    const v = rec[k];
    if (!notProvided(v)) out[k] = v;
  }
  return out as PinterestUserData;
}

/**
 * Records with more keys than this (and than the stream has candidate keys) skip the key scan of `mapRecord` and read
 * every field, which then costs less than looking up each key of the record.
 */
const MAX_KEYS_SCANNED = 64;

/**
 * Builds the per-stream record mapper.
 *
 * Per record, in order (the first failing step rejects the record; warnings collected so far are kept):
 * 1. event_name: the record's value resolved by `createEventNameResolver(options.eventNameMapping,
 *    options.advertiserDefinedEvents)` (an advertiser-defined event keeps its configured spelling);
 *    absent → `options.defaultEventName`, or reject "event_name: missing and no default_event_name
 *    configured"; unknown → `custom` with warning "event_name: unknown name sent as custom" and
 *    `unknownEventName` set, or (with `rejectUnknownEventNames`) reject "event_name: not a known Pinterest
 *    event name".
 * 2. action_source: the record's value (any case; `android`, `ios` accepted), else `options.actionSource`;
 *    a present value that is none of them rejects "action_source: must be one of web, app_android,
 *    app_ios, offline".
 * 3. event_time → Unix seconds (`parseTimestampSeconds`); unrecognizable → reject; absent while field_mapping maps
 *    event_time → reject; the record's own event_time column present but empty → reject; otherwise (no mapping, no
 *    column) → emitted_at read with the same unit detection (`emittedAtToSeconds`) with `usedEmittedAt: true`; more
 *    than 60 s after `options.nowSeconds()` → reject "event_time: in the future"; older than 7 days → warning only.
 * 4. user_data: every user field (raw, hashed_*, plain) goes as one input to `buildUserData` with
 *    `options.defaultPhoneCountry` (bigint values are passed as digit text); no em, hashed_maids, or
 *    client_ip_address + client_user_agent → reject "no usable identifier: ...".
 * 5. custom_data, event-level optional fields, legacy flat fields, app_info and device_info: coerced per
 *    the catalog; unusable values dropped with "<field>: <problem>; dropped" warnings; empty objects omitted.
 *    partner_name falls back to `options.partnerName`.
 * 6. event_id: the record's value as text (numbers with all digits), else `deriveEventId` (see there).
 * 7. The event is checked against the events JSON Schema; a failure rejects with
 *    "invalid event: <path>: <rule>; ...".
 *
 * @throws MappingConfigError for configuration that can never work: unknown `destination_field` or empty
 *   `source_field` in `fieldMapping`, an `eventNameMapping` target that is not a Pinterest event name, a
 *   `defaultEventName` that resolves to no Pinterest event name, an invalid `actionSource`.
 */
export function createRecordMapper(options: MappingOptions): RecordMapper {
  const shared = createSharedRecordMapper(options);
  const stream = streamIdentity(options.stream, options.primaryKey);
  return Object.assign((data: Record<string, unknown>, emittedAtMs: number | undefined) => shared(stream, data, emittedAtMs), {
    eventTimeMapped: shared.eventTimeMapped,
  });
}

/** What a stream adds to a shared mapping: the parts of its derived event_ids (MappingOptions.stream, .primaryKey). */
export interface StreamIdentity {
  /** Undefined when the stream has none ("" and null count as none). */
  namespace: string | undefined;
  name: string;
  /** Readers of the catalog's primary-key paths, in key order (empty paths dropped). */
  pkReaders: readonly PathReader[];
  /**
   * Set by the mapper once a record of the stream had an event_time column (read by its name): from then on a record
   * without the column is rejected like one whose column is empty, instead of being dated by its emitted_at (sources
   * that omit null columns from a record would otherwise have those rows misdated).
   */
  eventTimeColumnSeen?: boolean;
}

/** The {@link StreamIdentity} of a stream and its catalog primary key. */
export function streamIdentity(stream: MappingOptions['stream'], primaryKey: MappingOptions['primaryKey']): StreamIdentity {
  const rawNamespace = stream.namespace as string | null | undefined;
  return {
    namespace: rawNamespace === '' || rawNamespace === null ? undefined : rawNamespace,
    name: stream.name,
    pkReaders: (primaryKey ?? []).filter((p) => p.length > 0).map((p) => compileKeyPath(p)),
  };
}

/** A record mapper that takes the stream per call: one serves every stream with the same mapping settings. */
export type SharedRecordMapper = ((stream: StreamIdentity, data: Record<string, unknown>, emittedAtMs: number | undefined) => RecordMapResult) & {
  /** True when the field_mapping maps event_time (see RecordMapper.eventTimeMapped). */
  readonly eventTimeMapped: boolean;
};

/**
 * {@link createRecordMapper} without the stream: the compiled field readers, coercers and lookup tables (about 75 KB)
 * are built once and shared by every stream with the same settings, instead of once per stream (20,000 streams
 * took 1.5 GB). `options.stream` and `options.primaryKey` are ignored. Same checks and errors.
 */
export function createSharedRecordMapper(options: Omit<MappingOptions, 'stream' | 'primaryKey'>): SharedRecordMapper {
  // ---- configuration checks and per-field readers ----------------------------------------------------
  const mappedPaths = new Map<string, string[]>();
  for (const entry of options.fieldMapping ?? []) {
    const dest = typeof entry.destination_field === 'string' ? findDestinationField(entry.destination_field) : undefined;
    if (dest === undefined) {
      throw new MappingConfigError(
        `field_mapping: unknown destination_field ${JSON.stringify(entry.destination_field)} (see docs/fields.md for the list)`,
      );
    }
    if (typeof entry.source_field !== 'string' || entry.source_field.trim() === '') {
      throw new MappingConfigError(`field_mapping: empty source_field for destination_field ${dest.name}`);
    }
    const list = mappedPaths.get(dest.name) ?? [];
    list.push(entry.source_field);
    mappedPaths.set(dest.name, list);
  }
  const sameName = options.readSameNameColumns !== false;
  /** The paths a destination field is read from: its field_mapping entries, else (unless turned off) its own names. */
  const pathsOf = (field: DestinationField): readonly string[] => mappedPaths.get(field.name) ?? (sameName ? sameNameColumns(field) : []);
  const readerOf = (field: DestinationField): PathReader => compileFirstOf(pathsOf(field));
  const byName = (name: string): DestinationField => {
    const fd = findDestinationField(name);
    if (fd === undefined) throw new Error(`catalog: missing field ${name}`);
    return fd;
  };

  let resolveEventName: ReturnType<typeof createEventNameResolver>;
  try {
    resolveEventName = createEventNameResolver(options.eventNameMapping, options.advertiserDefinedEvents);
  } catch (e) {
    if (e instanceof EventNameMappingError) throw new MappingConfigError(e.message);
    throw e;
  }
  let defaultEventName: SentEventName | undefined;
  if (options.defaultEventName !== undefined && options.defaultEventName.trim() !== '') {
    defaultEventName = resolveEventName(options.defaultEventName.trim());
    if (defaultEventName === undefined) {
      throw new MappingConfigError(
        `default_event_name ${JSON.stringify(options.defaultEventName)} is not a Pinterest event name` +
          (options.advertiserDefinedEvents?.length ? ' nor one of advertiser_defined_events' : ''),
      );
    }
  }
  const configActionSource = ACTION_SOURCE_BY_KEY.get(looseKey(String(options.actionSource ?? '')));
  if (configActionSource === undefined) {
    throw new MappingConfigError(`action_source ${JSON.stringify(options.actionSource)} must be one of web, app_android, app_ios, offline`);
  }
  const configPartnerName = options.partnerName?.trim() || undefined;
  const rejectUnknown = options.rejectUnknownEventNames === true;
  const nowSeconds = options.nowSeconds;
  const defaultPhoneCountry = options.defaultPhoneCountry;
  const userCtx: UserDataContext = {};
  if (defaultPhoneCountry !== undefined) userCtx.defaultPhoneCountry = defaultPhoneCountry;
  if (options.dateOfBirthOrder !== undefined) userCtx.dateOfBirthOrder = options.dateOfBirthOrder;

  const readEventName = readerOf(byName('event_name'));
  const readEventTime = readerOf(byName('event_time'));
  /** Not mapped: the columns of its own name that it is read from (empty when same-name reads are off). */
  const eventTimeMapped = mappedPaths.has('event_time');
  const eventTimeColumns = eventTimeMapped ? [] : pathsOf(byName('event_time'));
  const readEventId = readerOf(byName('event_id'));
  const readActionSource = readerOf(byName('action_source'));
  const readPartnerName = readerOf(byName('partner_name'));
  const readOrderId = readerOf(byName('order_id'));
  const readAppInfo = readerOf(byName('app_info'));
  const readDeviceInfo = readerOf(byName('device_info'));

  const userPlans: UserPlan[] = [];
  const plans: Plan[] = [];
  for (const field of DESTINATION_FIELDS) {
    if (field.kind === 'user') {
      const slot = USER_SLOT_OF.get(field.name);
      if (slot === undefined) throw new Error(`catalog: user field ${field.name} has no user_data slot`);
      // Several field_mapping entries for one identifier: all their values are sent (Pinterest takes arrays of them);
      // for any other field, and for a field read by its own names, the first provided value wins.
      const mapped = mappedPaths.get(field.name);
      const identifier = field.group === 'user' || field.group === 'user_hashed';
      userPlans.push({ name: field.name, slot, read: identifier && mapped !== undefined ? compileAllOf(mapped) : readerOf(field) });
      continue;
    }
    const box = BOX_OF_GROUP[field.group];
    if (box === undefined) continue;
    if (
      field.kind === 'event_name' ||
      field.kind === 'event_time' ||
      field.kind === 'event_id' ||
      field.kind === 'action_source' ||
      field.kind === 'partner_name' ||
      field.kind === 'object'
    ) {
      continue; // handled specially
    }
    const key = field.target.slice(field.target.indexOf('.') + 1); // 'custom_data.value' → 'value'; 'wifi' → 'wifi'
    plans.push({ name: field.name, key, box, read: readerOf(field), coerce: coercerFor(field) });
  }
  // Which plans a record can provide: a reader of the path list `paths` resolves only when the record owns a key
  // spelled like one of the paths or like the first segment of a dotted one (see compilePath). Per record, the
  // record's own keys are looked up here and the plans of no key are skipped: they would read undefined. An
  // app_info/device_info member is also read from the whole app_info/device_info object (see below), so the keys
  // of that object's paths index every member too.
  // Indexes: user plans first, then generic plans after `userPlans.length`.
  const plansOfKey = new Map<string, number[]>();
  const indexKeys = (index: number, name: string): void => {
    for (const path of pathsOf(byName(name))) {
      const dot = path.indexOf('.');
      for (const key of dot === -1 ? [path] : [path, path.slice(0, dot)]) {
        const list = plansOfKey.get(key) ?? [];
        if (!list.includes(index)) list.push(index);
        plansOfKey.set(key, list);
      }
    }
  };
  userPlans.forEach((p, i) => indexKeys(i, p.name));
  const userCount = userPlans.length;
  plans.forEach((p, i) => {
    indexKeys(userCount + i, p.name);
    if (p.box === Box.App) indexKeys(userCount + i, 'app_info');
    if (p.box === Box.Device) indexKeys(userCount + i, 'device_info');
  });
  const maxKeysScanned = Math.max(MAX_KEYS_SCANNED, plansOfKey.size);
  /** `marks[i] === stamp`: plan i may be provided by the record being scanned. Reused by every scan. */
  const marks = new Float64Array(userCount + plans.length);
  let stamp = 0;
  /** Every plan: what a record with very many keys reads. */
  const allPlans: Candidates = {
    users: userPlans.map((_, i) => i),
    plans: plans.map((_, i) => i),
  };
  /** The keys (in for-in order) of the last record scanned, and its candidates; undefined after a record of very many keys. */
  let lastKeys: string[] = [];
  let lastCandidates: Candidates | undefined;

  /**
   * The plans record `data` can provide (see plansOfKey), in plan order; all of them for a record with very many
   * keys. Records of a stream mostly have the same keys in the same order (one hidden class): when `data`'s keys are
   * those of the last record scanned, its candidates are reused, so a record costs one comparison per key instead of
   * a table look-up per key and a pass over every plan.
   */
  function candidatesOf(data: Record<string, unknown>): Candidates {
    if (lastCandidates !== undefined) {
      let i = 0;
      let same = true;
      for (const k in data) {
        if (i === lastKeys.length || lastKeys[i] !== k) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === lastKeys.length) return lastCandidates;
    }
    const keys: string[] = [];
    for (const k in data) {
      if (keys.length === maxKeysScanned) {
        lastCandidates = undefined;
        return allPlans;
      }
      keys.push(k);
    }
    const s = ++stamp;
    for (const k of keys) {
      const list = plansOfKey.get(k);
      if (list !== undefined) for (let j = 0; j < list.length; j++) marks[list[j]] = s;
    }
    const users: number[] = [];
    for (let i = 0; i < userCount; i++) if (marks[i] === s) users.push(i);
    const planList: number[] = [];
    for (let i = 0; i < plans.length; i++) if (marks[userCount + i] === s) planList.push(i);
    lastKeys = keys;
    lastCandidates = { users, plans: planList };
    return lastCandidates;
  }
  /** The current record's user field values (see UserSlots), all undefined between records. Reused, as `marks`. */
  const userSlots: unknown[] = new Array<unknown>(USER_SLOT_COUNT).fill(undefined);
  const appKeys: ReadonlySet<string> = new Set(plans.filter((p) => p.box === Box.App).map((p) => p.key));
  const deviceKeys: ReadonlySet<string> = new Set(plans.filter((p) => p.box === Box.Device).map((p) => p.key));
  const hasOwn = Object.prototype.hasOwnProperty;

  /** Parsed whole app_info/device_info object of the record, unknown keys reported once. */
  function wholeObject(
    raw: unknown,
    field: string,
    known: ReadonlySet<string>,
    warnings: MappingWarning[],
  ): Record<string, unknown> | undefined {
    const obj = toObject(raw, field, warnings);
    if (obj === undefined) return undefined;
    for (const k of Object.keys(obj)) {
      if (!known.has(k)) {
        dropWarning(warnings, field, 'unknown keys');
        break;
      }
    }
    return obj;
  }

  /** The result, extras in the order they are set while mapping (unknownEventName, usedEmittedAt, eventIdRule). */
  function result(
    base: RecordMapResult,
    unknownEventName: string | undefined,
    usedEmittedAt: true | undefined,
    eventIdRule?: EventIdRule,
  ): RecordMapResult {
    if (unknownEventName !== undefined) base.unknownEventName = unknownEventName;
    if (usedEmittedAt !== undefined) base.usedEmittedAt = usedEmittedAt;
    if (eventIdRule !== undefined) base.eventIdRule = eventIdRule;
    return base;
  }

  function reject(
    reason: string,
    warnings: MappingWarning[],
    unknownEventName: string | undefined,
    usedEmittedAt?: true,
  ): RecordMapResult {
    return result({ ok: false, reason, warnings }, unknownEventName, usedEmittedAt);
  }

  // ---- the per-record function -------------------------------------------------------------------------
  const mapRecord = function mapRecord(stream: StreamIdentity, data: Record<string, unknown>, emittedAtMs: number | undefined): RecordMapResult {
    const warnings: MappingWarning[] = [];
    let unknownEventName: string | undefined;
    let usedEmittedAt: true | undefined;

    // 1. event_name
    let eventName: SentEventName;
    const rawName = fit(readEventName(data), 'event_name', warnings);
    if (isAbsent(rawName)) {
      if (defaultEventName === undefined) return reject(REASONS.eventNameMissing, warnings, unknownEventName);
      eventName = defaultEventName;
    } else {
      const text = scalarToText(rawName);
      if (text === undefined) return reject(REASONS.eventNameNotText, warnings, unknownEventName);
      const resolved = resolveEventName(text);
      if (resolved !== undefined) {
        eventName = resolved;
      } else {
        unknownEventName = text.length > UNKNOWN_NAME_MAX ? text.slice(0, UNKNOWN_NAME_MAX) : text;
        if (rejectUnknown) return reject(REASONS.eventNameUnknown, warnings, unknownEventName);
        warnings.push({ field: 'event_name', message: WARNINGS.unknownEventName });
        eventName = 'custom';
      }
    }

    // 2. action_source
    let actionSource: ActionSource = configActionSource;
    const rawSource = fit(readActionSource(data), 'action_source', warnings);
    if (!isAbsent(rawSource)) {
      const hit = typeof rawSource === 'string' ? ACTION_SOURCE_BY_KEY.get(looseKey(rawSource)) : undefined;
      if (hit === undefined) return reject(REASONS.actionSource, warnings, unknownEventName);
      actionSource = hit;
    }

    // 3. event_time
    const rawTime = fit(readEventTime(data), 'event_time', warnings);
    let eventTime = parseTimestampSeconds(rawTime);
    if (eventTime === null) return reject(REASONS.timeUnrecognizable, warnings, unknownEventName);
    const timeFromRecord = eventTime;
    // Not mapped, so a time read came from a column of its name: the stream has one (see eventTimeColumnSeen).
    if (eventTime !== undefined && !eventTimeMapped) stream.eventTimeColumnSeen = true;
    if (eventTime === undefined) {
      if (eventTimeMapped) return reject(REASONS.timeMappedAbsent, warnings, unknownEventName);
      if (stream.eventTimeColumnSeen) return reject(REASONS.timeColumnEmpty, warnings, unknownEventName);
      for (const c of eventTimeColumns) {
        if (hasOwn.call(data, c) && data[c] !== undefined) {
          stream.eventTimeColumnSeen = true;
          return reject(REASONS.timeColumnEmpty, warnings, unknownEventName);
        }
      }
      const emitted = typeof emittedAtMs === 'number' ? emittedAtToSeconds(emittedAtMs) : undefined;
      if (emitted === undefined) return reject(REASONS.timeNoEmittedAt, warnings, unknownEventName);
      eventTime = emitted;
      usedEmittedAt = true;
    }
    const now = nowSeconds();
    if (eventTime > now + FUTURE_TOLERANCE_SECONDS) return reject(REASONS.timeFuture, warnings, unknownEventName, usedEmittedAt);
    if (eventTime < now - OLD_EVENT_WARNING_SECONDS) warnings.push({ field: 'event_time', message: WARNINGS.oldEvent });

    // Which fields this record can provide (see candidatesOf).
    const candidates = candidatesOf(data);

    // 4. user_data. The slots are cleared once built (also after a throw): no personal data of this record stays
    // in the mapper, and none can reach the next record.
    let userData: PinterestUserData = {};
    const users = candidates.users;
    try {
      let anyUser = false;
      for (let c = 0; c < users.length; c++) {
        const p = userPlans[users[c]];
        const v = fit(p.read(data), p.name, warnings);
        if (v === undefined || v === null) continue;
        userSlots[p.slot] = typeof v === 'bigint' ? v.toString() : v;
        anyUser = true;
      }
      if (anyUser) userData = cleanUserData(buildUserDataFromSlots(userSlots, userCtx, warnings));
    } finally {
      for (let c = 0; c < users.length; c++) userSlots[userPlans[users[c]].slot] = undefined;
    }
    if (!hasRequiredIdentifier(userData)) return reject(REASONS.noIdentifier, warnings, unknownEventName, usedEmittedAt);

    // 5. optional fields
    const appObj = wholeObject(readAppInfo(data), 'app_info', appKeys, warnings);
    const deviceObj = wholeObject(readDeviceInfo(data), 'device_info', deviceKeys, warnings);
    let optional: Record<string, unknown> | undefined;
    let custom: Record<string, unknown> | undefined;
    let app: Record<string, unknown> | undefined;
    let device: Record<string, unknown> | undefined;
    for (let c = 0; c < candidates.plans.length; c++) {
      const p = plans[candidates.plans[c]];
      let raw = p.read(data);
      if (isAbsent(raw)) {
        if (p.box === Box.App && appObj !== undefined && hasOwn.call(appObj, p.key)) raw = appObj[p.key];
        else if (p.box === Box.Device && deviceObj !== undefined && hasOwn.call(deviceObj, p.key)) raw = deviceObj[p.key];
        else continue;
      }
      raw = fit(raw, p.name, warnings);
      if (raw === undefined) continue;
      const v = p.coerce(raw, p.name, warnings);
      if (v === undefined) continue;
      switch (p.box) {
        case Box.Event:
          (optional ??= {})[p.key] = v;
          break;
        case Box.Custom:
          (custom ??= {})[p.key] = v;
          break;
        case Box.App:
          (app ??= {})[p.key] = v;
          break;
        case Box.Device:
          (device ??= {})[p.key] = v;
          break;
      }
    }
    const partnerName = toText(fit(readPartnerName(data), 'partner_name', warnings), 'partner_name', warnings) ?? configPartnerName;

    // 6. event_id
    let eventId: string | undefined;
    let eventIdRule: EventIdRule | undefined;
    const rawId = fit(readEventId(data), 'event_id', warnings);
    if (!isAbsent(rawId)) {
      eventId = scalarToText(rawId);
      if (eventId === undefined) warnings.push({ field: 'event_id', message: WARNINGS.eventIdInvalid });
    }
    if (eventId === undefined) {
      const derived = deriveEventId({
        namespace: stream.namespace,
        stream: stream.name,
        eventName,
        primaryKeyValues: stream.pkReaders.length > 0 ? stream.pkReaders.map((r) => r(data)) : undefined,
        orderId: (custom?.order_id as string | undefined) ?? scalarToText(fitQuiet(readOrderId(data))),
        eventTimeFromRecord: timeFromRecord,
        data,
      });
      eventId = derived.id;
      eventIdRule = derived.rule;
    }

    // 7. assemble (Pinterest's documentation key order, built by assignment: no temporary objects) and validate
    const out: Record<string, unknown> = { event_name: eventName, action_source: actionSource, event_time: eventTime, event_id: eventId };
    if (optional !== undefined) Object.assign(out, optional);
    if (partnerName !== undefined) out.partner_name = partnerName;
    if (app !== undefined) out.app_info = app;
    if (device !== undefined) out.device_info = device;
    out.user_data = userData;
    if (custom !== undefined) out.custom_data = custom as CustomData;
    const event = out as unknown as PinterestEvent;
    const problems = validatePinterestEvent(event);
    if (problems.length > 0) {
      const rejected = result({ ok: false, reason: `invalid event: ${problems.join('; ')}`, warnings }, unknownEventName, usedEmittedAt, eventIdRule);
      rejected.eventId = eventId;
      rejected.rejectedEvent = event;
      return rejected;
    }
    return result({ ok: true, event, warnings }, unknownEventName, usedEmittedAt, eventIdRule);
  };

  // A rejection names the row by the record's own event_id when the event was not built far enough to have one.
  const named = function mapRecordNamingRejections(stream: StreamIdentity, data: Record<string, unknown>, emittedAtMs: number | undefined): RecordMapResult {
    const r = mapRecord(stream, data, emittedAtMs);
    if (!r.ok && r.eventId === undefined) {
      const own = fitQuiet(readEventId(data));
      const text = isAbsent(own) ? undefined : scalarToText(own);
      if (text !== undefined) r.eventId = text;
    }
    return r;
  };
  return Object.assign(named, { eventTimeMapped });
}

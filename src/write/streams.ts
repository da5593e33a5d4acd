import type { ConfiguredCatalog } from '../airbyte/protocol.js';
import { streamKey, streamLabel } from '../airbyte/protocol.js';
import type { ConnectorConfig, StreamSettings } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { createRecordMapper, createSharedRecordMapper, streamIdentity, type SharedRecordMapper } from '../mapping/record-to-event.js';
import { compilePath, type PathReader } from '../mapping/paths.js';
import type { FieldMappingEntry, MappingOptions } from '../mapping/types.js';
import { SameNameColumns, SameNameProbe, type ProbeLine } from './same-name-probe.js';

/** A record mapper as built by createRecordMapper. */
export type RecordMapper = ReturnType<typeof createRecordMapper>;

/**
 * What every stream using the same settings entry (a `streams[]` entry, or the global settings) shares, built once:
 * the compiled mapping (about 75 KB), the compiled field_mapping paths the first records are probed for, and the
 * columns read by name. A stream keeps only a reference to it.
 */
export interface SharedSettings {
  mapper: SharedRecordMapper;
  mappingPaths: MappingPaths;
  /** Undefined when read_same_name_columns is off for these settings. */
  sameNameColumns: SameNameColumns | undefined;
}

/** Everything the pipeline keeps per stream (namespace, name). Kept small: it lives for the whole sync. */
export interface StreamContext {
  /** Airbyte stream name. */
  name: string;
  /** Airbyte namespace; undefined when absent, null or "". */
  namespace: string | undefined;
  /** `namespace.name` or `name`, for log lines. */
  label: string;
  /** Reads the values of the catalog's primary key fields from a record's data; undefined when the stream has none. */
  readPrimaryKey: ((data: Record<string, unknown>) => unknown[]) | undefined;
  mapper: RecordMapper;
  /** The parts shared with the other streams of the same settings entry. */
  shared: SharedSettings;
  /** Records of this stream read so far (1-based position of the last one). */
  recordsRead: number;
  /** True once the notice saying which event_time rule applies (mapping, or emitted_at) was logged for this stream. */
  timeNoticeLogged: boolean;
  /** True when the stream is absent from the configured catalog (logged once). */
  notInCatalog: boolean;
  /**
   * Which field_mapping source paths held a value in the first records: created by the stream's first record
   * ({@link startProbes}), dropped (undefined) once it has reported.
   */
  mappingProbe: MappingProbe | undefined;
  /** Destination fields read from same-named columns over the first 1,000 records: created and dropped like mappingProbe. */
  sameNameProbe: SameNameProbe | undefined;
}

/** How many records of a stream are checked for source paths that never hold a value. */
export const MAPPING_PROBE_RECORDS = 1000;

/** The compiled source paths of one field_mapping, shared by every stream that uses it (see {@link MappingProbe}). */
export class MappingPaths {
  readonly entries: readonly { source: string; destination: string; read: PathReader }[];

  constructor(fieldMapping: readonly FieldMappingEntry[]) {
    this.entries = fieldMapping.map((m) => ({ source: m.source_field, destination: m.destination_field, read: compilePath(m.source_field) }));
  }
}

/**
 * Finds `field_mapping` source paths that are absent from the first {@link MAPPING_PROBE_RECORDS} records of a
 * stream, usually a typo (`buyer_emial`) that otherwise only shows up as rejections such as "no usable
 * identifier". Costs one path read per mapping entry for those first records only; per stream it keeps one flag
 * per entry (the compiled paths are shared).
 */
export class MappingProbe {
  private readonly seen: boolean[];
  private records = 0;
  private reported = false;

  constructor(private readonly paths: MappingPaths) {
    this.seen = paths.entries.map(() => false);
  }

  /** True once the probe has reported (after record {@link MAPPING_PROBE_RECORDS}, or {@link finish}): drop it. */
  get done(): boolean {
    return this.reported;
  }

  /** Looks at one record while probing; returns the warning once probing ends (after the last probed record). */
  observe(data: Record<string, unknown>): string | undefined {
    if (this.reported) return undefined;
    this.records++;
    const entries = this.paths.entries;
    for (let i = 0; i < entries.length; i++) {
      if (this.seen[i]) continue;
      if (entries[i]!.read(data) !== undefined) this.seen[i] = true; // present, even if null: only a path that never exists is suspect
    }
    return this.records >= MAPPING_PROBE_RECORDS ? this.finish() : undefined;
  }

  /** The warning for source paths never seen so far (once), or undefined. */
  finish(): string | undefined {
    return this.finishLine()?.message;
  }

  /** {@link finish} as a log line, with its wording for several streams at once (see {@link groupStreamLines}). */
  finishLine(): StreamEndLine | undefined {
    if (this.reported || this.records === 0) return undefined;
    this.reported = true;
    const missing = this.paths.entries.filter((_, i) => !this.seen[i]).map((e) => `${e.source} → ${e.destination}`);
    if (missing.length === 0) return undefined;
    const what = missing.length === 1 ? 'this source path was' : 'these source paths were';
    return {
      level: 'WARN',
      message: `field_mapping: ${what} not present in any of the first ${this.records} records: ${missing.join(', ')}. Check the spelling against the stream's columns (dot paths for nested fields).`,
      grouped: `field_mapping: ${what} not present in any of their records (each stream ended before record ${MAPPING_PROBE_RECORDS}): ${missing.join(', ')}. Check the spelling against the streams' columns (dot paths for nested fields).`,
    };
  }
}

/** A line a stream logs at the end of the sync (without the `Stream <label>: ` it is logged with). */
export interface StreamEndLine extends ProbeLine {
  /** The wording when several streams log it at once, where it differs from `message` (per-stream counts left out). */
  grouped?: string;
}

/** How many stream names a grouped end-of-sync line lists before counting the rest. */
export const STREAMS_NAMED_PER_LINE = 5;

/**
 * The end-of-sync lines of every stream, one per distinct line instead of one per stream: 20,000 streams sharing one
 * mapping otherwise logged 20,000 identical lines. A line logged by one stream keeps the per-stream form
 * (`Stream orders: field_mapping: ...`); one logged by several gives their count and the first
 * {@link STREAMS_NAMED_PER_LINE} names, e.g. `2000 streams (s0, s1, s2, s3, s4 and 1995 more): field_mapping: ...`.
 * Lines sharing level and `grouped` text (else `message`) are one; they come in the order of their first stream.
 */
export function groupStreamLines(found: ReadonlyArray<{ label: string; line: StreamEndLine }>): ProbeLine[] {
  const groups = new Map<string, { line: StreamEndLine; labels: string[] }>();
  for (const { label, line } of found) {
    const key = `${line.level} ${line.grouped ?? line.message}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { line, labels: [label] });
    else g.labels.push(label);
  }
  return [...groups.values()].map(({ line, labels }) => {
    if (labels.length === 1) return { level: line.level, message: `Stream ${labels[0]}: ${line.message}` };
    const more = labels.length > STREAMS_NAMED_PER_LINE ? ` and ${labels.length - STREAMS_NAMED_PER_LINE} more` : '';
    return { level: line.level, message: `${labels.length} streams (${labels.slice(0, STREAMS_NAMED_PER_LINE).join(', ')}${more}): ${line.grouped ?? line.message}` };
  });
}

/**
 * Called on a stream's first record: creates its probes of the first records (none for an empty field_mapping, no
 * same-name probe when same-name reads are off). Streams that send no record never hold any.
 */
export function startProbes(ctx: StreamContext): void {
  const { mappingPaths, sameNameColumns } = ctx.shared;
  ctx.mappingProbe = mappingPaths.entries.length > 0 ? new MappingProbe(mappingPaths) : undefined;
  ctx.sameNameProbe = sameNameColumns === undefined ? undefined : new SameNameProbe(sameNameColumns);
}

/**
 * End of sync: the log lines of the probes a stream still holds (streams shorter than the probed records), then drops
 * them. The pipeline groups them across streams ({@link groupStreamLines}).
 */
export function finishProbes(ctx: StreamContext): StreamEndLine[] {
  const lines: StreamEndLine[] = [];
  const unmatched = ctx.mappingProbe?.finishLine();
  if (unmatched) lines.push(unmatched);
  if (ctx.sameNameProbe) lines.push(...ctx.sameNameProbe.finish());
  ctx.mappingProbe = undefined;
  ctx.sameNameProbe = undefined;
  return lines;
}

/**
 * The per-stream settings entry for (name, namespace): an entry named `namespace.name` wins over one named `name`;
 * a stream without namespace only matches `name`. Returns undefined when none matches.
 */
export function findStreamSettings(settings: StreamSettings[], name: string, namespace: string | null | undefined): StreamSettings | undefined {
  if (namespace) {
    const qualified = `${namespace}.${name}`;
    const exact = settings.find((s) => s.name === qualified);
    if (exact) return exact;
  }
  return settings.find((s) => s.name === name);
}

/** MappingOptions for one stream from the config and the catalog's primary key. */
export function mappingOptionsFor(
  config: ConnectorConfig,
  stream: { name: string; namespace?: string | null },
  primaryKey: string[][] | undefined,
  nowSeconds: () => number,
): MappingOptions {
  const s = findStreamSettings(config.streams, stream.name, stream.namespace);
  const eventNameMapping: Record<string, string> = {};
  for (const m of config.event_name_mapping) eventNameMapping[m.source_value] = m.event_name;
  return {
    stream: { name: stream.name, namespace: stream.namespace || undefined },
    fieldMapping: s?.field_mapping ?? config.field_mapping,
    readSameNameColumns: s?.read_same_name_columns ?? config.read_same_name_columns !== false,
    defaultEventName: s?.default_event_name ?? config.default_event_name,
    actionSource: config.action_source,
    partnerName: config.partner_name,
    defaultPhoneCountry: config.default_phone_country,
    dateOfBirthOrder: config.date_of_birth_order,
    eventNameMapping,
    advertiserDefinedEvents: config.advertiser_defined_events,
    rejectUnknownEventNames: config.reject_unknown_event_names,
    primaryKey: primaryKey && primaryKey.length ? primaryKey : undefined,
    nowSeconds,
  };
}

/** Builds a mapper, turning a mapping configuration problem into a ConfigError naming the stream. */
function buildMapper(options: MappingOptions, where: string): RecordMapper {
  return asConfigError(() => createRecordMapper(options), where);
}

/** Runs `build`, turning a mapping configuration problem into a ConfigError prefixed with `where`. */
function asConfigError<T>(build: () => T, where: string): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([where ? `${where}: ${(err as Error).message}` : (err as Error).message]);
  }
}

/**
 * Checks every mapping the config defines (the global one and each `streams[]` entry) by building a mapper for it.
 * Used by `check` and at the start of `write`, so a typo in a destination field fails before any data moves.
 * @throws ConfigError
 */
export function validateMappings(config: ConnectorConfig, nowSeconds: () => number = () => Math.floor(Date.now() / 1000)): void {
  buildMapper(mappingOptionsFor(config, { name: '(any stream)' }, undefined, nowSeconds), '');
  config.streams.forEach((s, i) => {
    const opts = mappingOptionsFor(config, { name: s.name }, undefined, nowSeconds);
    opts.fieldMapping = s.field_mapping ?? config.field_mapping;
    opts.defaultEventName = s.default_event_name ?? config.default_event_name;
    buildMapper(opts, `streams[${i}] (${s.name})`);
  });
}

/**
 * Resolves streams to their context, built once per stream on first use. A stream is identified by
 * (namespace, name) with absent, null and "" namespaces being the same.
 */
export class StreamRegistry {
  private readonly contexts = new Map<string, StreamContext>();
  private readonly primaryKeys = new Map<string, string[][] | undefined>();
  private readonly inCatalog = new Set<string>();
  /**
   * Compiled settings by the `streams[]` entry they come from (undefined: the global settings). Every stream using the
   * same entry maps identically except for its identity, so they share one (about 75 KB each).
   */
  private readonly sharedSettings = new Map<StreamSettings | undefined, SharedSettings>();

  constructor(
    private readonly config: ConnectorConfig,
    catalog: ConfiguredCatalog,
    private readonly nowSeconds: () => number,
  ) {
    for (const cs of catalog.streams) {
      const key = streamKey(cs.stream.name, cs.stream.namespace);
      this.inCatalog.add(key);
      this.primaryKeys.set(key, Array.isArray(cs.primary_key) ? cs.primary_key : undefined);
    }
  }

  /** Every stream context created so far. */
  all(): IterableIterator<StreamContext> {
    return this.contexts.values();
  }

  /** The context returned last, and the name and namespace it was asked for with. */
  private last: { name: string; namespace: string | null | undefined; ctx: StreamContext } | undefined;

  /**
   * The context of stream (name, namespace). Consecutive records mostly belong to one stream, so the context returned
   * last is checked first (two string comparisons instead of building the stream key and looking it up).
   */
  get(name: string, namespace: string | null | undefined): StreamContext {
    const last = this.last;
    if (last !== undefined && last.name === name && last.namespace === namespace) return last.ctx;
    const ctx = this.lookUp(name, namespace);
    this.last = { name, namespace, ctx };
    return ctx;
  }

  private lookUp(name: string, namespace: string | null | undefined): StreamContext {
    const key = streamKey(name, namespace);
    let ctx = this.contexts.get(key);
    if (!ctx) {
      const label = streamLabel(name, namespace);
      const opts = mappingOptionsFor(this.config, { name, namespace }, this.primaryKeys.get(key), this.nowSeconds);
      const settings = findStreamSettings(this.config.streams, name, namespace);
      let shared = this.sharedSettings.get(settings);
      if (!shared) {
        shared = {
          mapper: asConfigError(() => createSharedRecordMapper(opts), `stream ${label}`),
          mappingPaths: new MappingPaths(opts.fieldMapping),
          sameNameColumns: SameNameColumns.of(opts.fieldMapping, opts.readSameNameColumns !== false),
        };
        this.sharedSettings.set(settings, shared);
      }
      const mapShared = shared.mapper;
      const identity = streamIdentity(opts.stream, opts.primaryKey);
      const pk = identity.pkReaders;
      ctx = {
        name,
        namespace: namespace || undefined,
        label,
        readPrimaryKey: pk.length > 0 ? (data) => pk.map((read) => read(data)) : undefined,
        mapper: Object.assign(
          (data: Record<string, unknown>, emittedAtMs: number | undefined) => mapShared(identity, data, emittedAtMs),
          { eventTimeMapped: mapShared.eventTimeMapped },
        ),
        shared,
        recordsRead: 0,
        timeNoticeLogged: false,
        notInCatalog: !this.inCatalog.has(key),
        mappingProbe: undefined,
        sameNameProbe: undefined,
      };
      this.contexts.set(key, ctx);
    }
    return ctx;
  }
}

/**
 * `streams[]` entries that match no stream of the configured catalog, as warnings naming the entry and the
 * catalog's streams: a typo there silently drops the entry's default_event_name and field_mapping.
 */
export function unmatchedStreamSettings(config: ConnectorConfig, catalog: ConfiguredCatalog): string[] {
  const labels = catalog.streams.map((cs) => streamLabel(cs.stream.name, cs.stream.namespace));
  const out: string[] = [];
  config.streams.forEach((s, i) => {
    const matches = catalog.streams.some((cs) => findStreamSettings([s], cs.stream.name, cs.stream.namespace) !== undefined);
    if (!matches) {
      out.push(
        `streams[${i}] "${s.name}" matches no stream of the configured catalog (${labels.join(', ') || 'none'}), so its settings are not used. Check the name; use namespace.name for a stream in a namespace.`,
      );
    }
  });
  return out;
}

/**
 * A problem with a configured stream's `primary_key`, which the Airbyte protocol defines as a list of field paths,
 * each a list of keys (`[["order_id"]]`, `[["customer", "id"], ["line"]]`). A flat list (`["order_id"]`) or a plain
 * string would otherwise be misread (each character or key taken as a path), deriving event_ids from the wrong
 * fields. Undefined when absent or well-formed.
 */
function primaryKeyProblem(primaryKey: unknown, where: string): string | undefined {
  if (primaryKey === undefined || primaryKey === null) return undefined;
  const isPath = (p: unknown): boolean => Array.isArray(p) && p.length > 0 && p.every((k) => typeof k === 'string');
  if (Array.isArray(primaryKey) && primaryKey.every(isPath)) return undefined;
  const flat = (Array.isArray(primaryKey) && primaryKey.length > 0 && primaryKey.every((k) => typeof k === 'string')) || typeof primaryKey === 'string';
  return flat
    ? `${where}.primary_key is a flat list of field names (${JSON.stringify(primaryKey)}); the Airbyte protocol wants a list of field paths, e.g. ${JSON.stringify((Array.isArray(primaryKey) ? primaryKey : [primaryKey]).map((k) => [k]))}`
    : `${where}.primary_key must be a list of field paths, each a non-empty list of keys, e.g. [["order_id"]]`;
}

/**
 * One INFO line per configured stream whose `destination_sync_mode` asks for `overwrite` or `append_dedup` (PyAirbyte
 * sends them): they are treated as `append`, since Pinterest only adds events; it de-duplicates them by event_id.
 */
export function syncModeNotices(catalog: ConfiguredCatalog): string[] {
  const out: string[] = [];
  for (const cs of catalog.streams) {
    const mode = cs.destination_sync_mode;
    if (mode !== 'overwrite' && mode !== 'append_dedup') continue;
    out.push(
      `Stream ${streamLabel(cs.stream.name, cs.stream.namespace)} has destination_sync_mode ${mode}: treated as append. ` +
        `Pinterest only adds conversion events, so they cannot be overwritten or de-duplicated by the destination; Pinterest de-duplicates events by event_id.`,
    );
  }
  return out;
}

/**
 * Reads and checks the configured catalog given with `--catalog`.
 * @throws ConfigError when it is missing, not JSON, has no `streams` array, or a stream has no name or a malformed
 *   primary_key.
 */
export function parseCatalog(raw: unknown): ConfiguredCatalog {
  const c = raw as ConfiguredCatalog;
  if (!c || typeof c !== 'object' || !Array.isArray(c.streams)) throw new ConfigError(['the configured catalog has no "streams" array']);
  const problems: string[] = [];
  c.streams.forEach((s, i) => {
    if (!s || typeof s !== 'object' || !s.stream || typeof s.stream.name !== 'string') {
      throw new ConfigError([`the configured catalog's streams[${i}] has no stream.name`]);
    }
    const problem = primaryKeyProblem(s.primary_key, `the configured catalog's streams[${i}] (${streamLabel(s.stream.name, s.stream.namespace)})`);
    if (problem) problems.push(problem);
  });
  if (problems.length) throw new ConfigError(problems);
  return c;
}

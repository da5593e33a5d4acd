/**
 * The rejected-records file: one JSON line per rejected row, written to object storage (`object_storage_config`) under
 *
 *     {bucket_path}/{sync start time}/{namespace}/{stream}/part-00001.jsonl, part-00002.jsonl, ...
 *
 * (the namespace folder only for a stream that has one), so that a user can find every rejected row and join it back
 * to the warehouse by its key. Rows are buffered per stream and uploaded by {@link RejectedRecordsFile.flush}, which
 * the write pipeline awaits before it echoes a state: an echoed state never covers a rejected row that is not on
 * record. Each flush writes a new part per stream that has new rows (objects cannot be appended to).
 *
 * A line never holds a raw email, phone, name, address or IP address: the event is the one sent to Pinterest (user
 * data as SHA-256 hashes) with the fields masked that log lines also mask (IP address, URLs, free text), and a
 * primary-key value that may be personal data (by its column, {@link primaryKeyPolicy}, or by its shape: anything
 * not shaped like a key) is written as its SHA-256.
 */
import type { ConfiguredCatalog } from '../airbyte/protocol.js';
import { streamKey } from '../airbyte/protocol.js';
import type { ConnectorConfig } from '../config/config.js';
import { findDestinationField } from '../fields/catalog.js';
import { canonicalJson } from '../mapping/event-id.js';
import { sha256Hex } from '../mapping/hash.js';
import { timeScaleFromEnv } from '../pinterest/retry.js';
import { ObjectStorageError } from '../storage/errors.js';
import { openS3Store, type ObjectStore } from '../storage/s3.js';
import { eventIdForLog, maskForLog } from './log-safety.js';
import type { RejectedRow, RejectionSink } from './rejections.js';
import { findStreamSettings } from './streams.js';

/** One rejected row as the file needs it: a {@link RejectedRow} (its log label is not written). */
export type RejectedRecordInput = Omit<RejectedRow, 'streamLabel'>;

/** A stream's primary key as the file writes it: the key paths, and for each whether its value may be personal data. */
export interface StreamKeyPolicy {
  /** Catalog primary-key paths, each written as its keys joined with "." (e.g. `customer.id`). */
  names: string[];
  /** Per path: write the value's SHA-256 instead of the value. */
  hashed: boolean[];
}

/** Destination field groups whose values are personal data or identify a person or device (src/fields/catalog.ts). */
const PERSONAL_GROUPS = new Set(['user', 'user_plain']);

/**
 * True when a primary-key value is written as it is: a number, bigint or string shaped like a key by the rule that
 * shows event_ids ({@link eventIdForLog}: letters, digits and `_ . - # /` with at least one digit; no phone number,
 * date, IP address, card number, e-mail, name or address), and not 7 to 15 digits only. Any other value is written
 * as its SHA-256, whatever its column: a key column can hold personal data under any name (`phone_number`, `mobile`,
 * `customer_name`). Text shaped like a key is written as it is, a user name with digits (`jane85`) too, unless its
 * column feeds personal data ({@link primaryKeyPolicy}).
 */
function keyShaped(v: unknown): boolean {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return false;
  const text = hashInput(v);
  // Stricter than a log line, as the file is kept: 7 to 15 digits may be a phone number without its country or area
  // code (5550199, 612345678), so only shorter and longer numbers are written as they are.
  return !/^\d{7,15}$/.test(text) && eventIdForLog(text) !== undefined;
}

/**
 * For every stream of the catalog that has a primary key: which key paths may hold personal data. A path does when
 * the stream's `field_mapping` maps it to a personal-data destination field (email, phone, names, address, date of
 * birth, external_id, maid, IP address, user agent, click_id, partner_id), or when the path itself is the name (or an
 * alias) of such a field, since an unmapped destination field is read from the record field of that name. Pre-hashed
 * fields (`hashed_email`, ...) are not personal data in clear and stay as they are.
 * @returns a lookup by stream (name, namespace); undefined for a stream without primary key
 */
export function primaryKeyPolicy(config: ConnectorConfig, catalog: ConfiguredCatalog): (stream: string, namespace: string | undefined) => StreamKeyPolicy | undefined {
  const policies = new Map<string, StreamKeyPolicy>();
  for (const cs of catalog.streams) {
    const pk = Array.isArray(cs.primary_key) ? cs.primary_key.filter((p) => Array.isArray(p) && p.length > 0) : [];
    if (pk.length === 0) continue;
    const mapping = findStreamSettings(config.streams, cs.stream.name, cs.stream.namespace)?.field_mapping ?? config.field_mapping;
    const names = pk.map((p) => p.join('.'));
    const hashed = names.map((name) => {
      const feeds = mapping.filter((m) => m.source_field === name).map((m) => m.destination_field);
      return [...feeds, name].some((f) => PERSONAL_GROUPS.has(findDestinationField(f)?.group ?? ''));
    });
    policies.set(streamKey(cs.stream.name, cs.stream.namespace), { names, hashed });
  }
  return (stream, namespace) => policies.get(streamKey(stream, namespace));
}

/**
 * The text a primary-key value is hashed from: a string as it is, any other value as its canonical JSON (a number
 * or bigint as its digits). Hashing it (SHA-256, lowercase hex) in the warehouse gives the value written to the file.
 */
function hashInput(v: unknown): string {
  return typeof v === 'string' ? v : canonicalJson(v);
}

/**
 * The `primary_key` object of a line as JSON text: `{"path": value, ...}` in the catalog's order, a missing value as
 * null, a personal one (its column feeds personal data, or the value is not shaped like a key: see {@link keyShaped})
 * as the SHA-256 hex of {@link hashInput}; and the names of the hashed paths.
 */
function primaryKeyJson(values: readonly unknown[], policy: StreamKeyPolicy): { json: string; hashedNames: string[] } {
  const parts: string[] = [];
  const hashedNames: string[] = [];
  policy.names.forEach((name, i) => {
    const v = values[i];
    let text: string;
    if (v === undefined || v === null) text = 'null';
    else if (policy.hashed[i] || !keyShaped(v)) {
      text = JSON.stringify(sha256Hex(hashInput(v)));
      hashedNames.push(name);
    } else text = canonicalJson(v); // bigint as its digits: JSON.stringify cannot write it
    parts.push(`${JSON.stringify(name)}:${text}`);
  });
  return { json: `{${parts.join(',')}}`, hashedNames };
}

/** The event_id as the file writes it: as sent when it is shaped like a key, else `sha256:` and its SHA-256 hex. */
function fileEventId(id: string): string {
  return eventIdForLog(id) ?? `sha256:${sha256Hex(id)}`;
}

/**
 * One line of the rejected-records file (JSON, no trailing newline), keys in this order:
 *
 * - `stream`, `namespace` (null without one), `record_number` (1-based, per stream and sync);
 * - `event_id` (null when the row was rejected before it had one; `sha256:` and the SHA-256 hex of the event_id when
 *   it is not shaped like a key and may be personal data, see {@link eventIdForLog}: a key never contains ":"),
 *   `event_id_derived` (true when the connector made it);
 * - `primary_key`: `{"path": value}` in the catalog's order, null for a stream without primary key;
 *   `primary_key_hashed`: the paths whose value is written as its SHA-256 hex (personal data, see {@link primaryKeyPolicy});
 * - `rejected_by`: `input`, `mapping` or `pinterest`; `rejected_reason`: the reason as logged (Airbyte's data-activation
 *   destinations name this column `rejected_reason` too);
 * - `event`: the event as sent or as it would have been sent, user data hashed and the {@link maskForLog} fields
 *   masked; null when no event was built.
 */
export function rejectedRecordLine(row: RejectedRecordInput, policy: StreamKeyPolicy | undefined): string {
  const pk = policy ? primaryKeyJson(row.primaryKey ?? [], policy) : undefined;
  const head = JSON.stringify({
    stream: row.stream,
    namespace: row.namespace ?? null,
    record_number: row.recordNumber,
    event_id: row.eventId === undefined ? null : fileEventId(row.eventId),
    event_id_derived: row.eventId === undefined ? null : row.eventIdDerived === true,
  });
  const tail = JSON.stringify({
    primary_key_hashed: pk?.hashedNames ?? [],
    rejected_by: row.source,
    rejected_reason: row.reason,
    event: row.eventJson === undefined ? null : maskForLog(JSON.parse(row.eventJson) as object),
  });
  return `${head.slice(0, -1)},"primary_key":${pk?.json ?? 'null'},${tail.slice(1)}`;
}

/**
 * The folder of one sync's files: `{bucket_path}/{sync start time}`, the time in UTC as ISO-8601 with "-" for ":"
 * (e.g. `rejected/2026-12-06T15-00-12.345Z`), so that every sync writes to a folder of its own.
 * @param syncStartMs Unix epoch ms
 */
export function syncFolder(bucketPath: string, syncStartMs: number): string {
  const stamp = new Date(syncStartMs).toISOString().replace(/:/g, '-');
  return bucketPath ? `${bucketPath}/${stamp}` : stamp;
}

/**
 * Key of part `part` (1-based) of a stream's file: `{folder}/{namespace}/{stream}/part-00001.jsonl`, names
 * URL-encoded, and a name of only dots also with its dots encoded (`..` → `%2E%2E`): stores and proxies resolve `.`
 * and `..` segments, which would put the part outside its folder or the sync's.
 */
export function partKey(folder: string, stream: string, namespace: string | undefined, part: number): string {
  const ns = namespace ? `${keySegment(namespace)}/` : '';
  return `${folder}/${ns}${keySegment(stream)}/part-${String(part).padStart(5, '0')}.jsonl`;
}

/** One name as a key segment: URL-encoded; `.` and `..` (and longer runs of dots) with each dot as `%2E`. */
function keySegment(name: string): string {
  return /^\.+$/.test(name) ? name.replace(/\./g, '%2E') : encodeURIComponent(name);
}

/** Media type of the parts: JSON Lines. */
export const JSON_LINES_CONTENT_TYPE = 'application/jsonl';

/** A stream's lines waiting for the next flush. */
interface StreamBuffer {
  stream: string;
  namespace: string | undefined;
  lines: string[];
  bytes: number;
  /** Parts already written. */
  parts: number;
}

/** Options of {@link RejectedRecordsFile}. */
export interface RejectedRecordsFileOptions {
  store: ObjectStore;
  /** {@link syncFolder} of this sync. */
  folder: string;
  /** {@link primaryKeyPolicy} of the config and catalog. */
  keyPolicy: (stream: string, namespace: string | undefined) => StreamKeyPolicy | undefined;
  /** Buffered bytes (all streams) past which an upload starts without waiting for a state (bounds memory). */
  maxBufferedBytes?: number;
}

/**
 * Buffers rejected rows per stream and uploads them as JSON Lines parts; see the module comment.
 *
 * Uploads run one flush at a time, in order. The first failed upload (after the store's retries) is kept: it is
 * thrown by that and every later {@link flush}, and rows added after it are dropped, since the sync is ending.
 */
export class RejectedRecordsFile implements RejectionSink {
  private readonly buffers = new Map<string, StreamBuffer>();
  private bufferedBytes = 0;
  /** The last flush started; each flush starts after the previous one ended. */
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private readonly maxBufferedBytes: number;
  /** Rows written to the store so far. */
  rowsWritten = 0;
  /** Objects written to the store so far. */
  partsWritten = 0;

  constructor(private readonly o: RejectedRecordsFileOptions) {
    this.maxBufferedBytes = o.maxBufferedBytes ?? 8 * 1024 * 1024;
  }

  /** Where this sync's files go, e.g. `s3://bucket/rejected/2026-12-06T15-00-12.345Z/`. */
  get location(): string {
    return `${this.o.store.location}/${this.o.folder}/`;
  }

  /** Buffers one rejected row; starts an upload when the buffers are past `maxBufferedBytes`. Never throws. */
  add(row: RejectedRecordInput): void {
    if (this.failure) return;
    const key = streamKey(row.stream, row.namespace);
    let b = this.buffers.get(key);
    if (!b) {
      b = { stream: row.stream, namespace: row.namespace, lines: [], bytes: 0, parts: 0 };
      this.buffers.set(key, b);
    }
    const line = rejectedRecordLine(row, this.o.keyPolicy(row.stream, row.namespace));
    b.lines.push(line);
    b.bytes += line.length + 1;
    this.bufferedBytes += line.length + 1;
    if (this.bufferedBytes >= this.maxBufferedBytes) void this.flush().catch(() => undefined); // kept in this.failure
  }

  /** True when rows are buffered that no flush has started to upload. */
  get pending(): boolean {
    return this.bufferedBytes > 0;
  }

  /**
   * Uploads every row added so far (one new part per stream with new rows) and resolves once they are stored.
   * Cheap when nothing was added since the last flush.
   * @throws ObjectStorageError (the first failure of any upload, also of a later flush)
   */
  async flush(): Promise<void> {
    if (this.bufferedBytes > 0 && !this.failure) {
      const parts = this.takeBuffered();
      this.chain = this.chain.then(() => this.upload(parts));
    }
    await this.chain;
    if (this.failure) throw this.failure;
  }

  /** Closes the store's connections. */
  close(): void {
    this.o.store.close();
  }

  /** Takes the buffered lines as the next part of each stream, leaving the buffers empty. */
  private takeBuffered(): { key: string; body: Buffer; rows: number }[] {
    const parts: { key: string; body: Buffer; rows: number }[] = [];
    for (const b of this.buffers.values()) {
      if (b.lines.length === 0) continue;
      b.parts++;
      parts.push({ key: partKey(this.o.folder, b.stream, b.namespace, b.parts), body: Buffer.from(`${b.lines.join('\n')}\n`), rows: b.lines.length });
      b.lines = [];
      b.bytes = 0;
    }
    this.bufferedBytes = 0;
    return parts;
  }

  /** Writes parts concurrently; records the first failure instead of throwing. */
  private async upload(parts: { key: string; body: Buffer; rows: number }[]): Promise<void> {
    if (this.failure) return;
    const results = await Promise.allSettled(parts.map((p) => this.o.store.put(p.key, p.body, JSON_LINES_CONTENT_TYPE)));
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        this.rowsWritten += parts[i].rows;
        this.partsWritten++;
      } else if (!this.failure) {
        const err = r.reason as Error;
        this.failure =
          err instanceof ObjectStorageError
            ? new ObjectStorageError(
                `Rejected-records file: ${err.message} No state covering its rows was echoed` +
                  (err.failureType === 'transient_error' ? ': Airbyte will retry the sync from the last saved state.' : '.'),
                err.failureType,
                err.details,
              )
            : err;
      }
    });
  }
}

/**
 * Opens this sync's rejected-records file from `config.object_storage_config` (which must be set): loads the S3
 * client, and retries uploads like Pinterest requests (max_retries, max_retry_seconds).
 * @param syncStartMs Unix epoch ms, for the sync's folder
 * @param onRetry called before each upload retry with a value-free reason
 */
export async function openRejectedRecordsFile(
  config: ConnectorConfig,
  catalog: ConfiguredCatalog,
  o: { syncStartMs: number; onRetry?: (reason: string, delayMs: number) => void; signal?: AbortSignal },
): Promise<RejectedRecordsFile> {
  const storage = config.object_storage_config;
  if (!storage) throw new Error('openRejectedRecordsFile: object_storage_config is not set');
  const store = await openS3Store(storage, {
    // The same policy as Pinterest requests (src/commands/pinterest-session.ts).
    retry: { maxRetries: config.max_retries, maxElapsedMs: config.max_retry_seconds * 1000, baseDelayMs: 1000, maxDelayMs: 60_000, timeScale: timeScaleFromEnv() },
    onRetry: o.onRetry,
    signal: o.signal,
  });
  return new RejectedRecordsFile({ store, folder: syncFolder(storage.bucket_path, o.syncStartMs), keyPolicy: primaryKeyPolicy(config, catalog) });
}

import { eventIdLabel } from './log-safety.js';
import type { SyncReport } from './report.js';

/** What rejected a row: the input line itself (e.g. `data` not an object), the mapping, or Pinterest's answer. */
export type RejectionSource = 'input' | 'mapping' | 'pinterest';

/**
 * One rejected row, as recorded in one place ({@link Rejections.record}). Identifies the row the way a user finds it
 * in the warehouse: stream, record number, event_id and primary-key values. Never carries a raw personal value:
 * `eventJson` holds user_data as SHA-256 hashes only, as it is sent to Pinterest.
 */
export interface RejectedRow {
  /** Airbyte stream name. */
  stream: string;
  /** Airbyte namespace; undefined when absent, null or "". */
  namespace: string | undefined;
  /** `namespace.name` or `name`, for log lines. */
  streamLabel: string;
  /** 1-based position of the record among the records of its stream in this sync. */
  recordNumber: number;
  /** The event_id sent (or that would have been sent); undefined when the row was rejected before it was known. */
  eventId?: string;
  /** True when the connector derived the event_id (the record carried none). */
  eventIdDerived?: boolean;
  /**
   * Values of the configured catalog's primary key fields, in the catalog's order (undefined for a missing field);
   * only read when a {@link RejectionSink} is configured.
   */
  primaryKey?: unknown[];
  /** Why the row was rejected: value-free text, safe to log and group. */
  reason: string;
  source: RejectionSource;
  /**
   * The event as sent to Pinterest (source `pinterest`) or as it would have been sent (source `mapping`, only when
   * the event was fully built), as JSON text with hashed user_data.
   */
  eventJson?: string;
}

/**
 * A durable record of rejected rows (e.g. a rejected-records file in object storage).
 *
 * Contract: `add` is called synchronously, once per rejected row, before the row counts as settled. `flush` makes
 * every row added so far durable; the pipeline calls it before echoing any STATE, and echoes only the states whose
 * records were all settled before the flush started, so an echoed state never covers a row that is not on record.
 * A rejected `flush` ends the sync with its error (use PinterestError-like failure types to choose the TRACE's
 * failure_type) and no further state is echoed.
 */
export interface RejectionSink {
  /** Buffers one rejected row. Must not throw for a well-formed row. */
  add(row: RejectedRow): void;
  /** Makes every row added so far durable. Called often: must be cheap when nothing was added since the last call. */
  flush(): Promise<void>;
}

/**
 * How log lines name a row: "record 17 of stream orders (event_id A-1007)", "(derived event_id 3f2a…)" when the
 * connector made it, or without event_id when the row was rejected before it had one. The event_id is the user's
 * key, shown as sent when it is shaped like one, else by length and SHA-256 prefix (see eventIdLabel).
 */
export function rowLabel(row: Pick<RejectedRow, 'recordNumber' | 'streamLabel' | 'eventId' | 'eventIdDerived'>): string {
  const where = `record ${row.recordNumber} of stream ${row.streamLabel}`;
  if (row.eventId === undefined) return where;
  return `${where} (${row.eventIdDerived ? 'derived event_id' : 'event_id'} ${eventIdLabel(row.eventId)})`;
}

/**
 * Rejection accounting: the one place where a rejected row is recorded. Counts it in the report (which logs the
 * first rows of each reason and groups reasons at the end of the sync) and hands it to the optional sink.
 */
export class Rejections {
  constructor(
    private readonly report: SyncReport,
    /** Where rejected rows are kept durably; undefined: only logged and counted. */
    readonly sink?: RejectionSink,
  ) {}

  /** True when rejected rows must be flushed before a state is echoed. */
  get needsFlush(): boolean {
    return this.sink !== undefined;
  }

  /** Rows handed to the sink so far (0 without one). */
  rowsRecorded = 0;

  /** Records one rejected row: counted, logged while its reason is rare, kept by the sink. */
  record(row: RejectedRow): void {
    this.report.reject(row.reason, rowLabel(row), row.source === 'pinterest');
    if (this.sink) {
      this.sink.add(row);
      this.rowsRecorded++;
    }
  }

  /** Makes every row recorded so far durable (no-op without a sink). Rejects with the sink's error. */
  flush(): Promise<void> {
    return this.sink ? this.sink.flush() : Promise.resolve();
  }
}

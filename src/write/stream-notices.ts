/**
 * Notices a stream logs once when it starts (which event_time rule applies, a stream missing from the catalog), kept
 * from flooding the log when a sync has very many streams: each kind of notice is logged for the first
 * {@link STREAMS_NOTICED_ONE_BY_ONE} streams, then only counted, and the end of the sync says in one line how many
 * more streams had it (20,000 streams logged 20,000 lines of each kind).
 */
import type { AirbyteOutput } from '../airbyte/output.js';

/** How many streams each kind of notice is logged for, one line each, before the rest are only counted. */
export const STREAMS_NOTICED_ONE_BY_ONE = 10;

/**
 * One kind of stream notice: its level and its wording after the stream's name, for one stream (`Stream orders
 * <one>`, also the end-of-sync line for one more stream) and for several (`N more streams <many>`).
 */
export interface StreamNoticeKind {
  level: 'INFO' | 'WARN';
  /** Singular, e.g. `maps event_time in field_mapping: ...`. */
  one: string;
  /** Plural, e.g. `map event_time in field_mapping: ...`. */
  many: string;
}

/** See the module docstring. Streams are counted, never remembered. */
export class StreamNotices {
  private readonly counts = new Map<StreamNoticeKind, number>();

  constructor(private readonly out: AirbyteOutput) {}

  /**
   * Logs `Stream <label> <kind.one>` while fewer than {@link STREAMS_NOTICED_ONE_BY_ONE} streams had a notice of this
   * `kind`; the last one logged says that further streams are only counted. `detail` (value-free text about this
   * stream, e.g. column names) is appended to the line. Call once per stream.
   */
  notice(kind: StreamNoticeKind, label: string, detail = ''): void {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    const message = `Stream ${label} ${kind.one}${detail}`;
    if (n < STREAMS_NOTICED_ONE_BY_ONE) this.out.log(kind.level, message);
    else if (n === STREAMS_NOTICED_ONE_BY_ONE) this.out.log(kind.level, `${message} (further streams with this notice are only counted)`);
  }

  /** End of sync: for each kind noticed by more streams than were logged, one line `N more streams <kind.many>`. */
  finish(): void {
    for (const [kind, n] of this.counts) {
      const more = n - STREAMS_NOTICED_ONE_BY_ONE;
      if (more > 0) this.out.log(kind.level, more === 1 ? `1 more stream ${kind.one}` : `${more} more streams ${kind.many}`);
    }
  }
}

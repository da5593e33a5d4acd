import type { AirbyteOutput } from '../airbyte/output.js';
import type { AirbyteRecord } from '../airbyte/protocol.js';
import type { RecordTicket } from '../airbyte/state-ledger.js';
import type { ConnectorConfig } from '../config/config.js';
import { WARNINGS, type RecordMapResult } from '../mapping/record-to-event.js';
import type { Batcher } from './batches.js';
import { EventIdRepeats } from './event-id-repeats.js';
import { eventNameLabel, maskForLog, MAX_UNKNOWN_EVENT_NAMES_LOGGED, SAMPLE_NOTE } from './log-safety.js';
import type { RejectedRow } from './rejections.js';
import { identifierMask, type SyncReport } from './report.js';
import type { Settlement } from './settlement.js';
import { StreamNotices, type StreamNoticeKind } from './stream-notices.js';
import { timeLikeColumns } from './time-columns.js';
import { startProbes, type StreamContext, type StreamRegistry } from './streams.js';

/** The notices a stream logs once when it starts (see StreamNotices). */
const NOT_IN_CATALOG: StreamNoticeKind = {
  level: 'WARN',
  one: 'is not in the configured catalog, so it has no primary key: its derived event_ids come from order_id and event_time, or from the whole record.',
  many: 'are not in the configured catalog, so they have no primary key: their derived event_ids come from order_id and event_time, or from the whole record.',
};
const EVENT_TIME_MAPPED: StreamNoticeKind = {
  level: 'INFO',
  one: 'maps event_time in field_mapping: it is read from there, and a record without it is rejected (emitted_at is never used).',
  many: 'map event_time in field_mapping: it is read from there, and a record without it is rejected (emitted_at is never used).',
};
const EVENT_TIME_FROM_EMITTED_AT: StreamNoticeKind = {
  level: 'INFO',
  one: "maps no event_time and its records have no event_time column: each record's emitted_at (the time Airbyte read it) is used as the event time.",
  many: "map no event_time and their records have no event_time column: each record's emitted_at (the time Airbyte read it) is used as the event time.",
};
const EVENT_TIME_FROM_EMITTED_AT_BESIDE_TIME_COLUMNS: StreamNoticeKind = {
  level: 'WARN',
  one:
    "maps no event_time, so each record's emitted_at (the time Airbyte read it) is used as the event time, but its records have columns that look like times. " +
    'If one of them holds the time of the conversion, map it to event_time in field_mapping; otherwise every row is dated when it was read (a table with history would be sent as conversions of today).',
  many:
    "map no event_time, so each record's emitted_at is used as the event time, but their records have columns that look like times: map the one that holds the time of the conversion to event_time.",
};

/** What to do about repeated event_ids (Pinterest keeps one event per event_id). */
const EVENT_ID_REPEAT_ADVICE =
  'Pinterest keeps only one event per event_id, so the others are dropped as duplicates: if the column feeding event_id (mapped, ' +
  'or read by its name) is not unique per conversion, map a unique one, or leave event_id unmapped (read_same_name_columns false) to let the connector derive it.';

/** Options of {@link RecordStep}. */
export interface RecordStepOptions {
  config: ConnectorConfig;
  out: AirbyteOutput;
  report: SyncReport;
  registry: StreamRegistry;
  settlement: Settlement;
  batcher: Batcher;
  /** Dry run: log this many sample events (0 when sending). */
  samples: number;
  /** Read primary-key values of every row (needed when rejected rows are recorded durably). */
  keepPrimaryKeys: boolean;
}

/**
 * The per-record step: counts the record against its stream, maps it to a Pinterest event, logs what the mapping
 * noticed (warnings, unknown event names, event_time taken from emitted_at), and either rejects the row (settled at
 * once) or adds its event to the batch being filled.
 */
export class RecordStep {
  private readonly unknownEventNames = new Set<string>();
  private readonly eventIdRepeats = new EventIdRepeats();
  private readonly notices: StreamNotices;
  private samplesLogged = 0;

  constructor(private readonly o: RecordStepOptions) {
    this.notices = new StreamNotices(o.out);
  }

  /** End of sync: how many further streams had each start-of-stream notice (see StreamNotices). */
  logStreamNotices(): void {
    this.notices.finish();
  }

  /** End of sync: how many events repeated an event_id sent earlier in the sync, if any (one WARN line). */
  logRepeatedEventIds(): void {
    const r = this.eventIdRepeats;
    if (r.repeats === 0 || r.first === undefined) return;
    this.o.out.log(
      'WARN',
      `${r.repeats === 1 ? '1 event' : `${r.repeats} events`} of this sync repeated an event_id sent earlier in it (first: record ${r.first.record} of stream ${r.first.stream}). ${EVENT_ID_REPEAT_ADVICE}`,
    );
  }

  /**
   * Handles one RECORD. `problem` is set when the input line itself is unusable as a record (e.g. `data` not an
   * object): the row is rejected with that reason. Returns a promise only when the event filled a batch: it resolves
   * once that batch is on its way (which may wait for a free in-flight slot); otherwise undefined.
   */
  handle(rec: AirbyteRecord, problem?: string): Promise<void> | undefined {
    const { report, settlement } = this.o;
    report.counts.recordsRead++;
    const ctx = this.o.registry.get(rec.stream, rec.namespace);
    const position = ++ctx.recordsRead;
    this.probe(ctx, position, rec.data);
    const ticket = settlement.track(rec.stream, rec.namespace);
    if (problem) {
      this.reject(ticket, ctx, rowOf(ctx, position, problem, 'input'), rec.data);
      return undefined;
    }
    // No usable emitted_at (the protocol requires one): a record that would be dated by it is rejected, not dated now.
    const result = ctx.mapper(rec.data, typeof rec.emitted_at === 'number' ? rec.emitted_at : undefined);
    this.logNotices(ctx, position, result, rec.data);
    this.probeSameNames(ctx, rec.data, result);
    if (!result.ok) {
      const row = rowOf(ctx, position, result.reason, 'mapping');
      if (result.eventId !== undefined) {
        row.eventId = result.eventId;
        row.eventIdDerived = result.eventIdRule !== undefined;
      }
      if (result.rejectedEvent) row.eventJson = JSON.stringify(result.rejectedEvent);
      this.reject(ticket, ctx, row, rec.data);
      return undefined;
    }
    this.logSample(ctx, position, result.event);
    const derived = result.eventIdRule !== undefined;
    if (this.eventIdRepeats.observe(result.event.event_id, ctx.label, position, derived) && this.eventIdRepeats.repeats === 1) {
      this.o.out.log('WARN', `Record ${position} of stream ${ctx.label} repeats the event_id of an earlier record of this sync. ${EVENT_ID_REPEAT_ADVICE}`);
    }
    return this.o.batcher.add({
      json: JSON.stringify(result.event),
      identifiers: identifierMask(result.event.user_data),
      ticket,
      stream: ctx,
      position,
      eventIdDerived: derived,
      primaryKey: this.o.keepPrimaryKeys ? ctx.readPrimaryKey?.(rec.data) : undefined,
    });
  }

  /** Settles a row rejected before sending. */
  private reject(ticket: RecordTicket, ctx: StreamContext, row: RejectedRow, data: Record<string, unknown>): void {
    if (this.o.keepPrimaryKeys && ctx.readPrimaryKey) row.primaryKey = ctx.readPrimaryKey(data);
    this.o.settlement.settleRejected(ticket, row);
  }

  /**
   * Once-per-stream checks of the first records: a stream outside the catalog, field_mapping paths never seen. The
   * stream's probes are created by its first record and dropped once they have reported.
   */
  private probe(ctx: StreamContext, position: number, data: Record<string, unknown>): void {
    const { out } = this.o;
    if (ctx.notInCatalog && position === 1) {
      this.notices.notice(NOT_IN_CATALOG, ctx.label);
    }
    if (position === 1) startProbes(ctx);
    const probe = ctx.mappingProbe;
    if (probe === undefined) return;
    const unmatched = probe.observe(data);
    if (unmatched) out.log('WARN', `Stream ${ctx.label}: ${unmatched}`);
    if (probe.done) ctx.mappingProbe = undefined;
  }

  /** Same-name reads of the first records (see SameNameProbe); the probe is dropped once it has reported. */
  private probeSameNames(ctx: StreamContext, data: Record<string, unknown>, result: RecordMapResult): void {
    const probe = ctx.sameNameProbe;
    if (probe === undefined) return;
    for (const l of probe.observe(data, result.warnings)) this.o.out.log(l.level, `Stream ${ctx.label}: ${l.message}`);
    if (probe.done) ctx.sameNameProbe = undefined;
  }

  /** Mapping warnings (grouped), the emitted_at notice (once per stream), unknown event names (once per name). */
  private logNotices(ctx: StreamContext, position: number, result: RecordMapResult, data: Record<string, unknown>): void {
    const { report, out, config } = this.o;
    for (const w of result.warnings) {
      report.warn(`${w.message} (stream ${ctx.label})`, `record ${position} of stream ${ctx.label}`);
      if (w.message === WARNINGS.oldEvent && result.ok) report.counts.oldEventTimes++;
    }
    // Which event_time rule applies, once per stream: the mapping (then emitted_at is never used), or emitted_at.
    if (!ctx.timeNoticeLogged && ctx.mapper.eventTimeMapped) {
      ctx.timeNoticeLogged = true;
      this.notices.notice(EVENT_TIME_MAPPED, ctx.label);
    } else if (!ctx.timeNoticeLogged && result.usedEmittedAt) {
      ctx.timeNoticeLogged = true;
      const timeColumns = timeLikeColumns(data);
      if (timeColumns) this.notices.notice(EVENT_TIME_FROM_EMITTED_AT_BESIDE_TIME_COLUMNS, ctx.label, timeColumns);
      else this.notices.notice(EVENT_TIME_FROM_EMITTED_AT, ctx.label);
    }
    const unknown = result.unknownEventName;
    // Only the names logged are remembered: a column of distinct values (ids, free text) must not grow the set.
    if (unknown === undefined || this.unknownEventNames.size >= MAX_UNKNOWN_EVENT_NAMES_LOGGED || this.unknownEventNames.has(unknown)) return;
    this.unknownEventNames.add(unknown);
    const seen = this.unknownEventNames.size;
    out.log(
      'WARN',
      `The ${eventNameLabel(unknown)} (stream ${ctx.label}) is not a Pinterest event name; ` +
        (config.reject_unknown_event_names
          ? 'such records are rejected (reject_unknown_event_names). '
          : 'sent as "custom", which Pinterest does not report or optimize by name. ') +
        'Map it to a standard name with event_name_mapping, or define it in Ads Manager as an advertiser-defined event and list it in advertiser_defined_events.' +
        (seen === MAX_UNKNOWN_EVENT_NAMES_LOGGED ? ' Further unknown names are only counted.' : ''),
    );
  }

  /** Dry run: logs the first few events built, personal data hashed and free text masked (see maskForLog). */
  private logSample(ctx: StreamContext, position: number, event: object): void {
    if (this.samplesLogged >= this.o.samples) return;
    this.samplesLogged++;
    this.o.out.log(
      'INFO',
      `Sample event ${this.samplesLogged} (record ${position} of stream ${ctx.label}; ${SAMPLE_NOTE}): ${JSON.stringify(maskForLog(event))}`,
    );
  }
}

/** A rejected row of stream `ctx` at `position`. */
function rowOf(ctx: StreamContext, position: number, reason: string, source: RejectedRow['source']): RejectedRow {
  return { stream: ctx.name, namespace: ctx.namespace, streamLabel: ctx.label, recordNumber: position, reason, source };
}

import type { RecordTicket } from '../airbyte/state-ledger.js';
import type { EventOutcome } from '../pinterest/client.js';
import { EventBatch } from '../pinterest/event-batch.js';
import type { AdaptiveConcurrency } from './concurrency.js';
import type { InFlightSlots } from './in-flight.js';
import type { RejectedRow } from './rejections.js';
import type { SyncReport } from './report.js';
import { MAX_EVENTS_PER_REQUEST, type Settlement } from './settlement.js';
import type { StreamContext } from './streams.js';
import type { SyncFailure } from './sync-failure.js';

/** Sends one batch of events and returns one outcome per event, in order; throws on a fatal failure. */
export type SendBatch = (events: EventBatch) => Promise<EventOutcome[]>;

/** One row added to a batch: the event and what settling it needs. */
export interface BatchedRow {
  /** The event as JSON text (`JSON.stringify` of a ConversionEvents.data item). */
  json: string;
  /** identifierMask of the event's user_data. */
  identifiers: number;
  ticket: RecordTicket;
  stream: StreamContext;
  /** Record number within the stream (1-based). */
  position: number;
  /** True when the connector derived the event_id. */
  eventIdDerived: boolean;
  /** Primary-key values, kept only when rejected rows are recorded durably. */
  primaryKey?: unknown[];
}

/** Events waiting to be sent, with what settling them needs; index i of every array is the same event. */
export class Batch {
  /** Each event serialized once, when it was built. */
  readonly events: EventBatch;
  /** identifierMask of each event's user_data, counted in the coverage line when the batch is sent. */
  readonly identifiers: number[] = [];
  readonly tickets: RecordTicket[] = [];
  readonly streams: StreamContext[] = [];
  readonly positions: number[] = [];
  private readonly derived: boolean[] = [];
  private readonly keys: (unknown[] | undefined)[] = [];

  /**
   * An empty batch. Its buffer is sized for a full batch of events like those of `previous` (the batch just sent,
   * full or not), so a full batch rarely needs to grow.
   */
  constructor(previous?: Batch) {
    const n = previous?.length ?? 0;
    const capacity = n > 0 ? Math.ceil((previous!.events.byteLength / n) * MAX_EVENTS_PER_REQUEST * 1.1) : undefined;
    this.events = new EventBatch(capacity);
  }

  /** Number of events. */
  get length(): number {
    return this.events.length;
  }

  /** Appends one row. */
  add(row: BatchedRow): void {
    this.events.push(row.json);
    this.identifiers.push(row.identifiers);
    this.tickets.push(row.ticket);
    this.streams.push(row.stream);
    this.positions.push(row.position);
    this.derived.push(row.eventIdDerived);
    this.keys.push(row.primaryKey);
  }

  /** Event i as a rejected row with `reason` (its event_id read back from the JSON sent). */
  rejectedRow(i: number, reason: string): RejectedRow {
    const ctx = this.streams[i];
    const eventJson = this.events.eventText(i);
    const eventId = (JSON.parse(eventJson) as { event_id?: unknown }).event_id;
    const row: RejectedRow = {
      stream: ctx.name,
      namespace: ctx.namespace,
      streamLabel: ctx.label,
      recordNumber: this.positions[i],
      eventId: typeof eventId === 'string' ? eventId : undefined,
      eventIdDerived: this.derived[i],
      reason,
      source: 'pinterest',
      eventJson,
    };
    if (this.keys[i] !== undefined) row.primaryKey = this.keys[i];
    return row;
  }
}

/** Options of {@link Batcher}. */
export interface BatcherOptions {
  /** Sends a batch; undefined in dry-run mode (every event counts as processed). */
  send?: SendBatch;
  slots: InFlightSlots;
  /** Adapts `slots.limit` from each batch's dispatch and settlement; absent, the limit stays as it is. */
  concurrency?: AdaptiveConcurrency;
  settlement: Settlement;
  report: SyncReport;
  failure: SyncFailure;
  /** Set on SIGTERM: batches not yet sent stay unsent. */
  cancel?: AbortSignal;
  /** A batch that holds records a STATE waits for is sent after this long even when not full (ms). */
  flushIntervalMs: number;
}

/**
 * Batches and sending: fills a batch of up to {@link MAX_EVENTS_PER_REQUEST} events, sends it in a free in-flight
 * slot when full (or when a STATE waits for its records longer than `flushIntervalMs`), and settles Pinterest's
 * outcomes when the answer comes.
 */
export class Batcher {
  private batch = new Batch();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: BatcherOptions) {}

  /** True while no event waits in the current batch. */
  get empty(): boolean {
    return this.batch.length === 0;
  }

  /**
   * Adds one event. When that fills the batch, sends it and returns a promise that resolves once it is on its way
   * (after waiting for a free slot: reading pauses meanwhile); otherwise returns undefined (nothing to wait for).
   */
  add(row: BatchedRow): Promise<void> | undefined {
    this.batch.add(row);
    return this.batch.length >= MAX_EVENTS_PER_REQUEST ? this.submit() : undefined;
  }

  /** A STATE was read while events wait: send them within `flushIntervalMs` even if the batch does not fill. */
  sendSoon(): void {
    if (this.flushTimer || this.empty) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.submit();
    }, this.o.flushIntervalMs);
  }

  /** Stops the flush timer (end of the run). */
  stopTimer(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Sends the current batch, waiting for a free in-flight slot first (this is where reading pauses). */
  async submit(): Promise<void> {
    this.stopTimer();
    if (this.batch.length === 0) return;
    const b = this.batch;
    this.batch = new Batch(b);
    const { slots, failure, cancel, concurrency } = this.o;
    // Pushback may have lowered the limit since the last batch settled.
    if (concurrency) slots.limit = concurrency.limit;
    await slots.waitForFreeSlot(() => cancel?.aborted === true);
    // The run is ending (failure or SIGTERM): these records stay unconfirmed, so no later state is echoed.
    if (failure.failed || cancel?.aborted) return;
    this.dispatch(b);
  }

  /** Sends `b` in a slot and settles its outcomes; a thrown error fails the sync. */
  private dispatch(b: Batch): void {
    const { report, settlement, failure, send, slots, concurrency } = this.o;
    const n = b.length;
    for (const mask of b.identifiers) report.cover(mask);
    report.counts.eventsSent += n;
    report.counts.inFlightEvents += n;
    const sentAt = performance.now();
    slots.run(async () => {
      let answered = 0;
      try {
        const outcomes = send ? await send(b.events) : b.tickets.map(() => ({ status: 'processed' as const }));
        answered = outcomes.length;
        settlement.settleOutcomes(b, outcomes);
        // Answered and settled: nothing reads the bodies any more. (After a failure the request may still be writing
        // its body, so that buffer is left to the garbage collector.)
        b.events.release();
      } catch (err) {
        failure.fail(err);
      } finally {
        if (concurrency) {
          const at = performance.now();
          concurrency.completed(answered, at, at - sentAt, slots.waiting);
          slots.limit = concurrency.limit;
        }
        report.counts.inFlightEvents -= n;
        settlement.checkRejectedThreshold(false);
        settlement.releaseStates();
        report.progress();
      }
    });
    concurrency?.dispatched(slots.count, performance.now());
  }
}

import type { RecordTicket } from '../airbyte/state-ledger.js';
import { PROCESSED, type EventOutcome } from '../pinterest/client.js';
import { EventBatch, MAX_SPARE_BUFFERS } from '../pinterest/event-batch.js';
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

/**
 * The per-row bookkeeping of a batch in typed arrays: memory outside the JS heap, handed from a settled batch to the
 * next one. As arrays of JS values, a batch's half-dozen arrays of 1,000 entries lived while it filled and while it
 * was in flight, long enough for V8 to copy them into its old generation: about 17 MB of the 48 MB promoted per
 * 200,000 records sent, each megabyte bringing the next full collection closer (issue 16).
 */
interface RowColumns {
  /** identifierMask of each event's user_data (14 bits, see COVERED_IDENTIFIERS). */
  identifiers: Uint16Array;
  /** Record number within its stream (1-based; a float64 holds any count a sync reaches exactly). */
  positions: Float64Array;
  /** 1 when the connector derived the event_id. */
  derived: Uint8Array;
  /** Index of the row's run (its ticket and stream) in Batch's run arrays. */
  runOf: Uint16Array;
}

/** Columns of settled batches, for the next ones: at most as many as spare buffers (see event-batch.ts). */
const spareColumns: RowColumns[] = [];

function takeColumns(): RowColumns {
  return (
    spareColumns.pop() ?? {
      identifiers: new Uint16Array(MAX_EVENTS_PER_REQUEST),
      positions: new Float64Array(MAX_EVENTS_PER_REQUEST),
      derived: new Uint8Array(MAX_EVENTS_PER_REQUEST),
      runOf: new Uint16Array(MAX_EVENTS_PER_REQUEST),
    }
  );
}

/**
 * Events waiting to be sent (at most {@link MAX_EVENTS_PER_REQUEST}), with what settling them needs, by index (0-based,
 * in the order added). Consecutive rows of one stream between two states share their ticket and stream context:
 * those are kept once per run of such rows, not once per row.
 */
export class Batch {
  /** Each event serialized once, when it was built. */
  readonly events: EventBatch;
  /** Undefined once released. */
  private columns: RowColumns | undefined = takeColumns();
  /** Ticket and stream of each run of rows (see RowColumns.runOf). */
  private readonly runTickets: RecordTicket[] = [];
  private readonly runStreams: StreamContext[] = [];
  /** Primary-key values by row, only when rows carry them. */
  private keys: (unknown[] | undefined)[] | undefined;

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

  /**
   * Appends one row.
   * @throws RangeError when the batch already holds {@link MAX_EVENTS_PER_REQUEST} events, or was released
   */
  add(row: BatchedRow): void {
    const i = this.events.length;
    const c = this.live();
    if (i >= MAX_EVENTS_PER_REQUEST) throw new RangeError(`a batch holds at most ${MAX_EVENTS_PER_REQUEST} events`);
    this.events.push(row.json);
    c.identifiers[i] = row.identifiers;
    c.positions[i] = row.position;
    c.derived[i] = row.eventIdDerived ? 1 : 0;
    let run = this.runTickets.length - 1;
    if (run < 0 || this.runTickets[run] !== row.ticket || this.runStreams[run] !== row.stream) {
      run++;
      this.runTickets.push(row.ticket);
      this.runStreams.push(row.stream);
    }
    c.runOf[i] = run;
    if (row.primaryKey !== undefined) (this.keys ??= [])[i] = row.primaryKey;
  }

  /** The ticket of event i. */
  ticket(i: number): RecordTicket {
    return this.runTickets[this.live().runOf[i]];
  }

  /** identifierMask of event i. */
  identifierMask(i: number): number {
    return this.live().identifiers[i];
  }

  /** Event i as a rejected row with `reason` (its event_id read back from the JSON sent). */
  rejectedRow(i: number, reason: string): RejectedRow {
    const c = this.live();
    const ctx = this.runStreams[c.runOf[i]];
    const eventJson = this.events.eventText(i);
    const eventId = (JSON.parse(eventJson) as { event_id?: unknown }).event_id;
    const row: RejectedRow = {
      stream: ctx.name,
      namespace: ctx.namespace,
      streamLabel: ctx.label,
      recordNumber: c.positions[i],
      eventId: typeof eventId === 'string' ? eventId : undefined,
      eventIdDerived: c.derived[i] === 1,
      reason,
      source: 'pinterest',
      eventJson,
    };
    const key = this.keys?.[i];
    if (key !== undefined) row.primaryKey = key;
    return row;
  }

  /**
   * Gives the body buffer and the columns back for later batches. Call only once the batch's answer is settled and
   * no request may still be writing its body; afterwards only `length` may be used.
   */
  release(): void {
    this.events.release();
    const c = this.columns;
    this.columns = undefined;
    if (c !== undefined && spareColumns.length < MAX_SPARE_BUFFERS) spareColumns.push(c);
  }

  private live(): RowColumns {
    if (this.columns === undefined) throw new Error('Batch used after release()');
    return this.columns;
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
    for (let i = 0; i < n; i++) report.cover(b.identifierMask(i));
    report.counts.eventsSent += n;
    report.counts.inFlightEvents += n;
    const sentAt = performance.now();
    slots.run(async () => {
      let answered = 0;
      try {
        const outcomes = send ? await send(b.events) : processedOutcomes(n);
        answered = outcomes.length;
        settlement.settleOutcomes(b, outcomes);
        // Answered and settled: nothing reads the bodies or the columns any more. (After a failure the request may
        // still be writing its body, so that batch is left to the garbage collector.)
        b.release();
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

/** Dry run: `n` outcomes of events processed without a message (the client's one shared frozen outcome). */
function processedOutcomes(n: number): EventOutcome[] {
  return new Array<EventOutcome>(n).fill(PROCESSED);
}

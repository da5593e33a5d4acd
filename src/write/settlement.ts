import type { AirbyteOutput } from '../airbyte/output.js';
import type { AirbyteState } from '../airbyte/protocol.js';
import { StateLedger, type RecordTicket } from '../airbyte/state-ledger.js';
import { serializeState } from '../airbyte/state.js';
import { ConfigError } from '../config/config.js';
import { normalizeAnswerText, sentValues } from '../pinterest/answer-text.js';
import type { EventOutcome } from '../pinterest/client.js';
import type { EventBatch } from '../pinterest/event-batch.js';
import type { Batch } from './batches.js';
import type { RejectedRow, Rejections } from './rejections.js';
import type { SyncReport } from './report.js';
import type { SyncFailure } from './sync-failure.js';

/**
 * Pinterest's text about event `i` of `events`, normalized for the log (see normalizeAnswerText): an echo of what
 * the event carried is replaced by the field's name, other values by placeholders, so one reason groups every row.
 */
export function pinterestText(text: string, events: EventBatch, i: number): string {
  let event: unknown;
  try {
    event = JSON.parse(events.eventText(i));
  } catch {
    event = undefined;
  }
  return normalizeAnswerText(text, sentValues(event));
}

/** Pinterest accepts 1 to 1,000 events per request (OpenAPI 5.23, ConversionEvents.data maxItems). */
export const MAX_EVENTS_PER_REQUEST = 1000;

/** Options of {@link Settlement}. */
export interface SettlementOptions {
  out: AirbyteOutput;
  report: SyncReport;
  rejections: Rejections;
  failure: SyncFailure;
  /** False in dry-run mode: nothing was delivered, so no state is ever echoed. */
  echoStates: boolean;
  /** Config `max_rejected_percent` (undefined: no limit). */
  maxRejectedPercent?: number;
}

/**
 * Settling records and releasing states. Each record read gets a ticket ({@link track}); it is settled exactly once,
 * accepted or rejected ({@link settleOutcomes} for Pinterest's answer, {@link settleRejected} for a row rejected
 * before sending); after each settlement {@link releaseStates} echoes every state whose records are all settled, in
 * input order, with `destinationStats` (see {@link StateLedger}).
 *
 * With a rejection sink, states are echoed only after the rejected rows they cover were flushed to it; those
 * releases run one after the other (see {@link drained}).
 */
export class Settlement {
  private readonly ledger = new StateLedger();
  /** The chain of releases waiting for a rejection-sink flush (only with a sink). */
  private releasing: Promise<void> = Promise.resolve();
  /** True while a release waits in the chain and has not started: later settlements need no release of their own. */
  private releaseQueued = false;
  /** Set when a rejection-sink flush failed: no state may be echoed after that. */
  private flushFailed = false;
  /** Rows recorded before the last successful rejection-sink flush started: those are durable. */
  private rowsDurable = 0;
  /** Releases queued or running in the chain. */
  private releasesPending = 0;

  constructor(private readonly o: SettlementOptions) {}

  /** Registers a record of stream (name, namespace) read now; returns the ticket to settle it with. */
  track(name: string, namespace: string | null | undefined): RecordTicket {
    return this.ledger.track(name, namespace);
  }

  /** Registers a STATE read now: it waits for every record read before it. */
  addState(state: AirbyteState): void {
    this.ledger.addState(state);
  }

  /** Number of states read but not yet echoed. */
  get pendingStates(): number {
    return this.ledger.pendingStates;
  }

  /** Settles a row rejected before it was sent (input or mapping): records the rejection, then releases states. */
  settleRejected(ticket: RecordTicket, row: RejectedRow): void {
    this.o.rejections.record(row);
    this.ledger.settle(ticket, false);
    this.releaseStates();
  }

  /**
   * Settles every event of a sent batch by Pinterest's outcome for it (same order): `processed` is accepted, anything
   * else is a rejected row naming Pinterest's error message. Pinterest's warning messages are counted as warnings.
   * Both texts are normalized first (see {@link pinterestText}).
   */
  settleOutcomes(b: Batch, outcomes: readonly EventOutcome[]): void {
    const { report } = this.o;
    for (let i = 0; i < b.length; i++) {
      const r = outcomes[i];
      if (r.warning_message) report.warn(`Pinterest warning: ${pinterestText(r.warning_message, b.events, i)}`);
      if (r.status === 'processed') {
        report.counts.accepted++;
        this.ledger.settle(b.ticket(i), true);
      } else {
        const reason = r.error_message ? pinterestText(r.error_message, b.events, i) : 'event failed without a message';
        this.o.rejections.record(b.rejectedRow(i, `Pinterest: ${reason}`));
        this.ledger.settle(b.ticket(i), false);
      }
    }
  }

  /** True while the share of rejected records is over max_rejected_percent. */
  private overRejectedLimit(): boolean {
    const limit = this.o.maxRejectedPercent;
    const { report } = this.o;
    const settled = report.counts.accepted + report.rejected;
    return limit !== undefined && settled > 0 && (100 * report.rejected) / settled > limit;
  }

  /**
   * Fails the sync (ConfigError) when more than max_rejected_percent of the settled records were rejected. Before
   * the end of input (`final` false) only once a full request's worth of records is settled, so a few early
   * rejections do not end a sync.
   */
  checkRejectedThreshold(final: boolean): void {
    const limit = this.o.maxRejectedPercent;
    const { report, failure } = this.o;
    if (limit === undefined || failure.failed) return;
    const settled = report.counts.accepted + report.rejected;
    if (settled === 0 || (!final && settled < MAX_EVENTS_PER_REQUEST)) return;
    const pct = (100 * report.rejected) / settled;
    if (pct > limit) {
      failure.fail(
        new ConfigError([
          `${report.rejected} of ${settled} records (${pct.toFixed(1)}%) were rejected, more than max_rejected_percent (${limit}%). ` +
            `${report.mainReasons()} ${report.rejectionAdvice()} See the rejection reasons above.`,
        ]),
      );
    }
  }

  /**
   * Echoes every state whose records are all settled, in input order. Never in dry-run mode (nothing was
   * delivered). Held back while over max_rejected_percent: if the sync fails for it, the rejected records must be
   * sent again after the user's fix, not skipped because a state covering them was saved. With a rejection sink, the
   * echo waits for the sink's flush (asynchronously: see {@link drained}).
   */
  releaseStates(): void {
    if (!this.o.echoStates || this.overRejectedLimit()) return;
    const { rejections } = this.o;
    // With a sink, the echo waits for a flush, unless every row recorded so far is durable already (none recorded
    // since the last flush, no release waiting): then there is nothing to wait for, and the echo cannot be taken over
    // by a row rejected after the state.
    const allDurable = this.releasesPending === 0 && !this.flushFailed && rejections.rowsRecorded === this.rowsDurable;
    if (rejections.needsFlush && !allDurable) {
      // One queued release covers every settlement until it starts: it counts the releasable states only then.
      if (this.releaseQueued) return;
      this.releaseQueued = true;
      this.releasesPending++;
      this.releasing = this.releasing.then(async () => {
        this.releaseQueued = false;
        try {
          await this.releaseAfterFlush();
        } finally {
          this.releasesPending--;
        }
      });
      return;
    }
    this.echo(Number.POSITIVE_INFINITY);
  }

  /** Resolves when every release started so far is done (each waits for a rejection-sink flush). */
  async drained(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.releasing;
      await last;
    } while (last !== this.releasing);
  }

  /** Flushes the rejection sink, then echoes the states that were releasable before the flush started. */
  private async releaseAfterFlush(): Promise<void> {
    const { failure } = this.o;
    if (this.flushFailed) return;
    const n = this.ledger.releasable;
    if (n === 0) return;
    const rows = this.o.rejections.rowsRecorded;
    try {
      await this.o.rejections.flush();
      this.rowsDurable = rows;
    } catch (err) {
      this.flushFailed = true;
      failure.fail(err);
      return;
    }
    if (this.overRejectedLimit()) return;
    this.echo(n);
  }

  private echo(max: number): void {
    const { out, report } = this.o;
    report.counts.statesEchoed += this.ledger.release((state, accepted, rejected) => out.writeLine(serializeState(state, accepted, rejected)), max);
  }
}

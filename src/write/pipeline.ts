import type { Readable } from 'node:stream';
import type { AirbyteOutput } from '../airbyte/output.js';
import type { ConfiguredCatalog } from '../airbyte/protocol.js';
import type { InputError } from '../airbyte/input-error.js';
import type { ConnectorConfig } from '../config/config.js';
import { Batcher, type SendBatch } from './batches.js';
import type { AdaptiveConcurrency } from './concurrency.js';
import { InFlightSlots } from './in-flight.js';
import { readLoop } from './read-loop.js';
import { RecordStep } from './record-step.js';
import { Rejections, type RejectionSink } from './rejections.js';
import { SyncReport } from './report.js';
import { Settlement } from './settlement.js';
import { finishProbes, groupStreamLines, StreamRegistry, syncModeNotices, unmatchedStreamSettings, type StreamEndLine } from './streams.js';
import { SyncFailure } from './sync-failure.js';

export { MAX_EVENTS_PER_REQUEST } from './settlement.js';
export type { SendBatch } from './batches.js';

/** Options of {@link runWrite}. */
export interface WriteOptions {
  config: ConnectorConfig;
  catalog: ConfiguredCatalog;
  input: Readable;
  out: AirbyteOutput;
  /** Sends a batch; undefined in dry-run mode (nothing is sent, no state is echoed). */
  send?: SendBatch;
  /** Clock, epoch ms. */
  clock?: () => number;
  /** A batch that holds records a STATE waits for is sent after this long even when not full (ms). */
  flushIntervalMs?: number;
  /** How many sample events dry-run mode logs. */
  dryRunSamples?: number;
  /** Set by the caller on SIGTERM: stop reading and wind down. */
  cancel?: AbortSignal;
  /** After cancellation, how long in-flight batches may still complete before they are abandoned (ms). */
  cancelGraceMs?: number;
  /** Called when the grace period is over, to abort in-flight requests. */
  abortInFlight?: () => void;
  /** Counters to fill (created here when absent); pass one to let the HTTP client count requests and retries. */
  report?: SyncReport;
  /** Where rejected rows are recorded durably; each state is echoed only after the rows it covers were flushed. */
  rejectionSink?: RejectionSink;
  /**
   * Adapts the in-flight limit to Pinterest's latency and pushback (within `max_concurrent_requests`); absent, the
   * limit is a fixed `max_concurrent_requests`. Ignored in dry-run mode.
   */
  concurrency?: AdaptiveConcurrency;
}

/** How a write run ended. `error` is set for a fatal failure (the caller prints one TRACE and exits non-zero). */
export interface WriteResult {
  report: SyncReport;
  error?: Error;
  cancelled: boolean;
}

/** The parts of one run, wired together by {@link runWrite}. */
interface Parts {
  report: SyncReport;
  failure: SyncFailure;
  slots: InFlightSlots;
  settlement: Settlement;
  batcher: Batcher;
  registry: StreamRegistry;
  step: RecordStep;
}

/**
 * The write pipeline: stdin messages → records mapped to events → batches of up to 1,000 → concurrent sends →
 * per-event outcomes → states echoed strictly in input order once every record before them is settled.
 *
 * The parts, one job each: `read-loop.ts` (reading; where it pauses), `record-step.ts` (mapping one record, its
 * warnings, rejecting it or batching its event), `batches.ts` and `in-flight.ts` (batches and in-flight slots),
 * `settlement.ts` (settling Pinterest's outcomes, releasing states), `rejections.ts` (the one place a rejected row is
 * recorded: log line, report, optional sink).
 *
 * - Back-pressure: reading pauses while the in-flight limit is reached (`max_concurrent_requests`, or less while
 *   `concurrency` adapts it) and while stdout is full.
 * - A record rejected by the mapping or by Pinterest counts in `destinationStats.rejectedRecordCount`.
 * - On a fatal error: reading stops, in-flight batches finish, every state whose records are all settled is echoed,
 *   nothing after the failure is; the error is returned for the caller's TRACE.
 * - A malformed input line ends the sync the same way, after the records before it were sent and settled.
 */
export async function runWrite(o: WriteOptions): Promise<WriteResult> {
  const clock = o.clock ?? Date.now;
  const { config, out } = o;
  const report = o.report ?? new SyncReport(out, clock);
  report.dryRun = !o.send;
  for (const problem of unmatchedStreamSettings(config, o.catalog)) out.log('WARN', problem);
  for (const notice of syncModeNotices(o.catalog)) out.log('INFO', notice);
  const failure = new SyncFailure();
  const rejections = new Rejections(report, o.rejectionSink);
  const settlement = new Settlement({ out, report, rejections, failure, echoStates: o.send !== undefined, maxRejectedPercent: config.max_rejected_percent });
  const concurrency = o.send ? o.concurrency : undefined;
  const slots = new InFlightSlots(o.send ? (concurrency?.limit ?? config.max_concurrent_requests) : Number.POSITIVE_INFINITY);
  const batcher = new Batcher({ send: o.send, slots, concurrency, settlement, report, failure, cancel: o.cancel, flushIntervalMs: o.flushIntervalMs ?? 30_000 });
  const registry = new StreamRegistry(config, o.catalog, () => Math.floor(clock() / 1000));
  const step = new RecordStep({
    config,
    out,
    report,
    registry,
    settlement,
    batcher,
    samples: o.send ? 0 : (o.dryRunSamples ?? 5),
    keepPrimaryKeys: o.rejectionSink !== undefined,
  });

  const onCancel = (): void => {
    // With an error: a plain destroy() ends neither the line splitter nor the loop reading it (the run would hang).
    o.input.destroy(new Error('cancelled'));
    // Reading may be paused waiting for a free request slot: let it see the cancellation now.
    slots.wakeAll();
  };
  o.cancel?.addEventListener('abort', onCancel, { once: true });
  const progressTimer = setInterval(() => report.progress(), Math.min(report.progressIntervalMs, 30_000));
  progressTimer.unref();
  let inputError: InputError | undefined;
  try {
    inputError = await readLoop({
      input: o.input,
      out,
      failure,
      cancel: o.cancel,
      handlers: {
        record: (msg) => step.handle(msg.record, msg.problem),
        state: (msg) => {
          report.counts.statesRead++;
          settlement.addState(msg.state);
          if (batcher.empty) settlement.releaseStates();
          else batcher.sendSoon();
        },
      },
    });
  } finally {
    o.cancel?.removeEventListener('abort', onCancel);
  }
  const cancelled = await windDown(o, { report, failure, slots, settlement, batcher, registry, step });
  clearInterval(progressTimer);
  if (!cancelled) settlement.checkRejectedThreshold(true);
  settlement.releaseStates();
  await settlement.drained();
  // After the states of the records before a malformed line were echoed: the line ends the sync (one TRACE).
  if (inputError && !cancelled) failure.fail(inputError);
  if (cancelled) {
    out.log(
      'WARN',
      `Sync cancelled: ${report.counts.statesEchoed} states echoed; ${settlement.pendingStates} states not echoed because their records were not all confirmed. The next sync resumes from the last echoed state.`,
    );
  }
  report.summary({
    testMode: config.test_mode,
    dryRun: !o.send,
    maxRejectedPercent: config.max_rejected_percent,
    ended: cancelled ? 'cancelled' : failure.failed ? 'failed' : undefined,
  });
  return { report, error: failure.error, cancelled };
}

/**
 * After reading stopped: sends the last batch (unless the run failed or was cancelled), lets the batches in flight
 * finish (a SIGTERM now starts a grace period of `cancelGraceMs`, after which they are aborted), and logs the
 * end-of-probe mapping warnings. Returns whether the run was cancelled.
 */
async function windDown(o: WriteOptions, p: Parts): Promise<boolean> {
  const { out } = o;
  if (!p.failure.failed && !o.cancel?.aborted) await p.batcher.submit();
  p.batcher.stopTimer();
  // A SIGTERM can also come after the input ended, while the last batches wait out a retry: it starts the grace period.
  if (o.cancel && !o.cancel.aborted && p.slots.busy) {
    const signal = o.cancel;
    await Promise.race([p.slots.settled(), new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))]);
  }
  const ended: Array<{ label: string; line: StreamEndLine }> = [];
  for (const ctx of p.registry.all()) {
    for (const line of finishProbes(ctx)) ended.push({ label: ctx.label, line });
  }
  for (const l of groupStreamLines(ended)) out.log(l.level, l.message);
  p.step.logRepeatedEventIds();
  p.step.logStreamNotices();
  const cancelled = o.cancel?.aborted === true;
  if (cancelled && p.slots.busy) {
    const graceMs = o.cancelGraceMs ?? 5000;
    out.log('WARN', `Sync cancelled: waiting up to ${Math.round(graceMs / 1000)} s for ${p.slots.count} in-flight requests.`);
    const grace = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([p.slots.settled(), grace]);
    if (p.slots.busy) o.abortInFlight?.();
  }
  await p.slots.drained();
  return cancelled;
}

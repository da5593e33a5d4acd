import type { Readable } from 'node:stream';
import { readMessages } from '../airbyte/input.js';
import type { AirbyteOutput } from '../airbyte/output.js';
import type { ConfiguredCatalog } from '../airbyte/protocol.js';
import { StateLedger, type RecordTicket } from '../airbyte/state-ledger.js';
import { serializeState } from '../airbyte/state.js';
import type { ConnectorConfig } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import type { EventOutcome } from '../pinterest/client.js';
import { EventBatch } from '../pinterest/event-batch.js';
import { eventNameForLog, maskForLog, MAX_UNKNOWN_EVENT_NAMES_LOGGED } from './log-safety.js';
import { identifierMask, SyncReport } from './report.js';
import { MAPPING_PROBE_RECORDS, StreamRegistry, unmatchedStreamSettings, type StreamContext } from './streams.js';

/** Pinterest accepts 1 to 1,000 events per request (OpenAPI 5.23, ConversionEvents.data maxItems). */
export const MAX_EVENTS_PER_REQUEST = 1000;

/** Sends one batch of events and returns one outcome per event, in order; throws on a fatal failure. */
export type SendBatch = (events: EventBatch) => Promise<EventOutcome[]>;

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
}

/** How a write run ended. `error` is set for a fatal failure (the caller prints one TRACE and exits non-zero). */
export interface WriteResult {
  report: SyncReport;
  error?: Error;
  cancelled: boolean;
}

/** Events waiting to be sent, with what settling them needs; index i of every array is the same event. */
interface Batch {
  /** Each event serialized once, when it was built. */
  events: EventBatch;
  /** identifierMask of each event's user_data, counted in the coverage line when the batch is sent. */
  identifiers: number[];
  tickets: RecordTicket[];
  streams: StreamContext[];
  positions: number[];
}

/**
 * An empty batch. Its buffer is sized for a full batch of events like those of `previous` (the batch just sent,
 * full or not), so a full batch rarely needs to grow.
 */
function newBatch(previous?: Batch): Batch {
  const n = previous?.events.length ?? 0;
  const capacity = n > 0 ? Math.ceil((previous!.events.byteLength / n) * MAX_EVENTS_PER_REQUEST * 1.1) : undefined;
  return { events: new EventBatch(capacity), identifiers: [], tickets: [], streams: [], positions: [] };
}

/**
 * The write pipeline: stdin messages → records mapped to events → batches of up to 1,000 → concurrent sends →
 * per-event outcomes → states echoed strictly in input order once every record before them is settled.
 *
 * - Back-pressure: reading pauses while `max_concurrent_requests` batches are in flight and while stdout is full.
 * - A record rejected by the mapping or by Pinterest counts in `destinationStats.rejectedRecordCount`.
 * - On a fatal error: reading stops, in-flight batches finish, every state whose records are all settled is echoed,
 *   nothing after the failure is; the error is returned for the caller's TRACE.
 */
export async function runWrite(o: WriteOptions): Promise<WriteResult> {
  const clock = o.clock ?? Date.now;
  const { config, out } = o;
  const report = o.report ?? new SyncReport(out, clock);
  report.dryRun = !o.send;
  for (const problem of unmatchedStreamSettings(config, o.catalog)) out.log('WARN', problem);
  const ledger = new StateLedger();
  const registry = new StreamRegistry(config, o.catalog, () => Math.floor(clock() / 1000));
  const maxInFlight = o.send ? config.max_concurrent_requests : Number.POSITIVE_INFINITY;
  const dryRunSamples = o.dryRunSamples ?? 5;
  let samplesLogged = 0;
  let batch = newBatch();
  let inFlight = 0;
  const inFlightPromises = new Set<Promise<void>>();
  let slotWaiters: (() => void)[] = [];
  let fatal: Error | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  const unknownEventNames = new Set<string>();

  /** True while the share of rejected records is over max_rejected_percent. */
  const overRejectedLimit = (): boolean => {
    const limit = config.max_rejected_percent;
    const settled = report.counts.accepted + report.rejected;
    return limit !== undefined && settled > 0 && (100 * report.rejected) / settled > limit;
  };

  const echoStates = (): void => {
    if (!o.send) return; // dry run: never tell the platform that data was delivered
    // Held back while over max_rejected_percent: if the sync fails for it, the rejected records must be sent again
    // after the user's fix, not skipped because a state covering them was saved.
    if (overRejectedLimit()) return;
    report.counts.statesEchoed += ledger.release((state, accepted, rejected) => out.writeLine(serializeState(state, accepted, rejected)));
  };

  const checkRejectedThreshold = (final: boolean): void => {
    const limit = config.max_rejected_percent;
    if (limit === undefined || fatal) return;
    const settled = report.counts.accepted + report.rejected;
    if (settled === 0 || (!final && settled < MAX_EVENTS_PER_REQUEST)) return;
    const pct = (100 * report.rejected) / settled;
    if (pct > limit) {
      fatal = new ConfigError([
        `${report.rejected} of ${settled} records (${pct.toFixed(1)}%) were rejected, more than max_rejected_percent (${limit}%). ` +
          `See the rejection reasons above: usually a field mapping or default_event_name is wrong.`,
      ]);
    }
  };

  const settleOutcomes = (b: Batch, outcomes: EventOutcome[]): void => {
    for (let i = 0; i < b.tickets.length; i++) {
      const r = outcomes[i];
      if (r.warning_message) report.warn(`Pinterest warning: ${r.warning_message}`);
      if (r.status === 'processed') {
        report.counts.accepted++;
        ledger.settle(b.tickets[i], true);
      } else {
        report.reject(`Pinterest: ${r.error_message ?? 'event failed without a message'}`, `record ${b.positions[i]} of stream ${b.streams[i].label}`, true);
        ledger.settle(b.tickets[i], false);
      }
    }
  };

  const dispatch = (b: Batch): void => {
    const n = b.tickets.length;
    for (const mask of b.identifiers) report.cover(mask);
    report.counts.eventsSent += n;
    report.counts.inFlightEvents += n;
    inFlight++;
    const p = (async () => {
      try {
        if (o.send) {
          const outcomes = await o.send(b.events);
          settleOutcomes(b, outcomes);
        } else {
          settleOutcomes(b, b.tickets.map(() => ({ status: 'processed' as const })));
        }
      } catch (err) {
        fatal ??= err as Error;
      } finally {
        report.counts.inFlightEvents -= n;
        inFlight--;
        const w = slotWaiters;
        slotWaiters = [];
        for (const wake of w) wake();
        checkRejectedThreshold(false);
        echoStates();
        report.progress();
      }
    })();
    inFlightPromises.add(p);
    void p.finally(() => inFlightPromises.delete(p));
  };

  /** Sends the current batch, waiting for a free slot first (this is where reading pauses). */
  const submit = async (): Promise<void> => {
    if (flushTimer) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    if (batch.events.length === 0) return;
    const b = batch;
    batch = newBatch(b);
    while (inFlight >= maxInFlight && !o.cancel?.aborted) await new Promise<void>((r) => slotWaiters.push(r));
    // The run is ending (failure or SIGTERM): these records stay unconfirmed, so no later state is echoed.
    if (fatal || o.cancel?.aborted) return;
    dispatch(b);
  };

  const onCancel = (): void => {
    // With an error: a plain destroy() ends neither the line splitter nor the loop reading it (the run would hang).
    o.input.destroy(new Error('cancelled'));
    // Reading may be paused waiting for a free request slot: let it see the cancellation now.
    const w = slotWaiters;
    slotWaiters = [];
    for (const wake of w) wake();
  };
  o.cancel?.addEventListener('abort', onCancel, { once: true });
  const progressTimer = setInterval(() => report.progress(), Math.min(report.progressIntervalMs, 30_000));
  progressTimer.unref();

  try {
    for await (const msg of readMessages(o.input)) {
      if (msg.kind === 'record') {
        const rec = msg.record;
        report.counts.recordsRead++;
        const ctx = registry.get(rec.stream, rec.namespace);
        const position = ++ctx.recordsRead;
        if (ctx.notInCatalog && position === 1) {
          out.log(
            'WARN',
            `Stream ${ctx.label} is not in the configured catalog, so it has no primary key: its derived event_ids come from order_id and event_time, or from the whole record.`,
          );
        }
        const ticket = ledger.track(rec.stream, rec.namespace);
        if (position <= MAPPING_PROBE_RECORDS) {
          const unmatched = ctx.mappingProbe.observe(rec.data);
          if (unmatched) out.log('WARN', `Stream ${ctx.label}: ${unmatched}`);
        }
        if (msg.problem) {
          report.reject(msg.problem, `record ${position} of stream ${ctx.label}`, false);
          ledger.settle(ticket, false);
          echoStates();
          continue;
        }
        const result = ctx.mapper(rec.data, typeof rec.emitted_at === 'number' ? rec.emitted_at : clock());
        for (const w of result.warnings) report.warn(`${w.message} (stream ${ctx.label})`, `record ${position} of stream ${ctx.label}`);
        const extra = result as { usedEmittedAt?: boolean; unknownEventName?: string };
        if (extra.usedEmittedAt && !ctx.emittedAtNoticeLogged) {
          ctx.emittedAtNoticeLogged = true;
          out.log('INFO', `Stream ${ctx.label} maps no event_time: each record's emitted_at (the time Airbyte read it) is used as the event time.`);
        }
        if (extra.unknownEventName !== undefined && !unknownEventNames.has(extra.unknownEventName)) {
          unknownEventNames.add(extra.unknownEventName);
          if (unknownEventNames.size <= MAX_UNKNOWN_EVENT_NAMES_LOGGED) {
            const shown = eventNameForLog(extra.unknownEventName);
            const name = shown === undefined ? 'An event name (not shown: it looks like personal data or an id)' : `Event name "${shown}"`;
            out.log(
              'WARN',
              `${name} (stream ${ctx.label}) is not a Pinterest event name; ` +
                (config.reject_unknown_event_names
                  ? 'such records are rejected (reject_unknown_event_names). Add it to event_name_mapping.'
                  : 'sent as "custom". Add it to event_name_mapping to send a standard name.') +
                (unknownEventNames.size === MAX_UNKNOWN_EVENT_NAMES_LOGGED ? ' Further unknown names are only counted.' : ''),
            );
          }
        }
        if (!result.ok) {
          report.reject(result.reason, `record ${position} of stream ${ctx.label}`, false);
          ledger.settle(ticket, false);
          echoStates();
        } else {
          if (!o.send && samplesLogged < dryRunSamples) {
            samplesLogged++;
            out.log(
              'INFO',
              `Sample event ${samplesLogged} (record ${position} of stream ${ctx.label}; personal data as SHA-256 hashes, free-text and address fields masked): ${JSON.stringify(maskForLog(result.event))}`,
            );
          }
          batch.events.push(JSON.stringify(result.event));
          batch.identifiers.push(identifierMask(result.event.user_data));
          batch.tickets.push(ticket);
          batch.streams.push(ctx);
          batch.positions.push(position);
          if (batch.events.length >= MAX_EVENTS_PER_REQUEST) await submit();
        }
      } else if (msg.kind === 'state') {
        report.counts.statesRead++;
        ledger.addState(msg.state);
        if (batch.events.length === 0) echoStates();
        else if (!flushTimer) {
          flushTimer = setTimeout(() => {
            flushTimer = undefined;
            void submit();
          }, o.flushIntervalMs ?? 30_000);
        }
      } else if (msg.kind === 'invalid') {
        report.warn(`Input line ignored: ${msg.reason}`);
      } // other message types (TRACE stream statuses, LOG, unknown ones) are ignored
      if (fatal) break;
      await out.ready();
    }
  } catch (err) {
    if (!o.cancel?.aborted) fatal ??= err as Error;
  } finally {
    o.cancel?.removeEventListener('abort', onCancel);
  }

  if (!fatal && !o.cancel?.aborted) await submit();
  if (flushTimer) clearTimeout(flushTimer);

  // A SIGTERM can also come after the input ended, while the last batches wait out a retry: it starts the grace period.
  if (o.cancel && !o.cancel.aborted && inFlightPromises.size > 0) {
    const signal = o.cancel;
    await Promise.race([
      Promise.allSettled([...inFlightPromises]),
      new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true })),
    ]);
  }
  for (const ctx of registry.all()) {
    const unmatched = ctx.mappingProbe.finish();
    if (unmatched) out.log('WARN', `Stream ${ctx.label}: ${unmatched}`);
  }
  const cancelled = o.cancel?.aborted === true;
  if (cancelled && inFlightPromises.size > 0) {
    out.log('WARN', `Sync cancelled: waiting up to ${Math.round((o.cancelGraceMs ?? 5000) / 1000)} s for ${inFlight} in-flight requests.`);
    const grace = new Promise<void>((r) => setTimeout(r, o.cancelGraceMs ?? 5000).unref());
    await Promise.race([Promise.allSettled([...inFlightPromises]), grace]);
    if (inFlightPromises.size > 0) o.abortInFlight?.();
  }
  while (inFlightPromises.size > 0) await Promise.allSettled([...inFlightPromises]);
  clearInterval(progressTimer);
  if (!cancelled) checkRejectedThreshold(true);
  echoStates();
  const unsent = ledger.pendingStates;
  if (cancelled) {
    out.log('WARN', `Sync cancelled: ${report.counts.statesEchoed} states echoed; ${unsent} states not echoed because their records were not all confirmed. The next sync resumes from the last echoed state.`);
  }
  report.summary({ testMode: config.test_mode, dryRun: !o.send, maxRejectedPercent: config.max_rejected_percent });
  return { report, error: fatal, cancelled };
}

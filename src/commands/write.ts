import { readFileSync } from 'node:fs';
import type { AirbyteOutput } from '../airbyte/output.js';
import { ConfigError, loadConfig, unknownSettings } from '../config/config.js';
import { AdaptiveConcurrency } from '../write/concurrency.js';
import type { ConfiguredCatalog } from '../airbyte/protocol.js';
import type { ConnectorConfig } from '../config/config.js';
import { runWrite, type WriteResult } from '../write/pipeline.js';
import { openRejectedRecordsFile, type RejectedRecordsFile } from '../write/rejected-records.js';
import { SyncReport } from '../write/report.js';
import { parseCatalog, validateMappings } from '../write/streams.js';
import { advertiserDefinedEventsForSync, reportEventQuality } from './insights.js';
import { openPinterestSession } from './pinterest-session.js';
import { PACE_CUT, PACE_RAISE, PACE_RAISE_MAX, PACE_RAISE_MS, type Pace } from '../pinterest/retry.js';

/** Options of `write`. */
export interface WriteCommandOptions {
  configPath: string;
  catalogPath: string;
  /** Build and validate events, send nothing, echo no state. */
  dryRun: boolean;
  input: NodeJS.ReadableStream & import('node:stream').Readable;
  /** Aborted on SIGTERM (the platform's cancel). */
  cancel: AbortSignal;
}

/** Reads the configured catalog file. @throws ConfigError */
function loadCatalog(path: string): ReturnType<typeof parseCatalog> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read the catalog file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    return parseCatalog(JSON.parse(text));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`the catalog file ${path} is not valid JSON`]);
  }
}

/**
 * `write --config FILE --catalog FILE [--dry-run]`: runs the write pipeline over stdin. Around it (not in dry runs):
 * with OAuth credentials, the ad account's advertiser-defined events are read first and sent under their names too;
 * after a sync that ended well (and not in test mode) Pinterest's Event Quality Score is reported (see insights.ts).
 * Returns the pipeline's result; the caller turns `error` into one TRACE and a non-zero exit.
 * @throws ConfigError for a bad config, catalog or mapping (before anything is read from stdin)
 */
export async function runWriteCommand(out: AirbyteOutput, o: WriteCommandOptions): Promise<WriteResult> {
  const { config, raw } = loadConfig(o.configPath);
  const catalog = loadCatalog(o.catalogPath);
  validateMappings(config);
  const report = new SyncReport(out);
  const unknown = unknownSettings(raw);
  if (unknown.length) out.log('WARN', `Unknown settings ignored (check their spelling): ${unknown.join(', ')}.`);
  if (config.test_mode && !o.dryRun) {
    out.log('WARN', 'test_mode is on: Pinterest will validate the events but record none of them.');
  }
  if (o.dryRun) {
    out.log('INFO', 'Dry run: events are built and validated, nothing is sent to Pinterest, no state is echoed.');
    return runWrite({ config, catalog, input: o.input, out, report, cancel: o.cancel });
  }
  // In-flight batches follow Pinterest's latency and pushback, up to max_concurrent_requests.
  const concurrency = new AdaptiveConcurrency({ max: config.max_concurrent_requests });
  const session = openPinterestSession(config, raw, out, {
    hooks: {
      onRequest: () => {
        report.counts.requests++;
      },
      onRetry: (reason, _delayMs, sentAt, rateLimited) => {
        report.counts.retries++;
        // A 429 is about the request rate, which the rate limiter's pace now follows; fewer requests in flight would
        // only cap the rate again, coarsely (see RateLimiter).
        if (!rateLimited) concurrency.pushback(performance.now(), sentAt);
        report.warn(`Retrying a request after a transient failure: ${reason.replace(/ \[x-pinterest-rid [^\]]*\]/, '')}`);
      },
      onSplit: () => {
        report.counts.splits++;
      },
      onPace: (p) => {
        if (p.cuts === 1) out.log('INFO', paceMessage(p));
      },
    },
  });
  // Lines logged after the pipeline (the score) come before its closing warnings (test mode, most records rejected).
  report.deferClosingWarnings = true;
  // A SIGTERM while the account is read (e.g. a hanging token refresh): nothing was sent yet, so stop at once.
  const abortEarly = (): void => session.abort();
  o.cancel.addEventListener('abort', abortEarly, { once: true });
  try {
    let advertiserDefinedEvents: string[];
    try {
      advertiserDefinedEvents = await advertiserDefinedEventsForSync(session, config, out);
    } finally {
      o.cancel.removeEventListener('abort', abortEarly);
    }
    if (o.cancel.aborted) return { report, cancelled: true };
    const rejected = config.object_storage_config ? await openRejectedRecords(config, catalog, out, report, o.cancel) : undefined;
    const result = await runWrite({
      config: { ...config, advertiser_defined_events: advertiserDefinedEvents },
      catalog,
      input: o.input,
      out,
      report,
      send: (events) => session.client.sendEvents(events),
      cancel: o.cancel,
      abortInFlight: session.abort,
      concurrency,
      rejectionSink: rejected,
    });
    if (rejected) await closeRejectedRecords(rejected, result, out);
    if (!result.error && !result.cancelled && !config.test_mode) await reportEventQuality(session, config, out, report.identifierCoverage());
    return result;
  } finally {
    const pace = session.client.pace;
    if (pace !== undefined && pace.cuts > 1) out.log('INFO', paceSummary(pace, session.client.maxStartsPerSecond));
    report.closingWarnings();
    await session.close();
  }
}

/** Opens this sync's rejected-records file (object_storage_config); its upload retries count like Pinterest's. */
async function openRejectedRecords(
  config: ConnectorConfig,
  catalog: ConfiguredCatalog,
  out: AirbyteOutput,
  report: SyncReport,
  cancel: AbortSignal,
): Promise<RejectedRecordsFile> {
  const file = await openRejectedRecordsFile(config, catalog, {
    syncStartMs: Date.now(),
    signal: cancel,
    onRetry: (reason) => {
      report.counts.retries++;
      report.warn(`Retrying a request after a transient failure: ${reason}`);
    },
  });
  out.log('INFO', `Rejected rows are written to ${file.location} as JSON Lines, before the states that cover them are echoed.`);
  return file;
}

/**
 * Uploads the rows rejected after the last state (no state covers them, so no release flushed them), then says
 * what was written. A failed upload fails the run unless it already failed or was cancelled.
 */
async function closeRejectedRecords(file: RejectedRecordsFile, result: WriteResult, out: AirbyteOutput): Promise<void> {
  try {
    await file.flush();
  } catch (err) {
    if (!result.error && !result.cancelled) result.error = err as Error;
  } finally {
    file.close();
  }
  if (file.rowsWritten > 0) out.log('INFO', `${file.rowsWritten} rejected rows written to ${file.location} in ${file.partsWritten} files.`);
}

/** The first cut of the request pace after a 429 (one INFO line). */
function paceMessage(p: Pace): string {
  return (
    `Pinterest answered 429 (too many requests) at ${p.firstRefusedAt} request${p.firstRefusedAt === 1 ? '' : 's'} started in a second: ` +
    `requests are now started at most ${perSecond(p.perSecond)} a second, ${Math.round((1 - PACE_CUT) * 100)}% fewer after each ` +
    `further 429, and more after every ${PACE_RAISE_MS / 1000} s without one (${Math.round(PACE_RAISE * 100)}% more at first, ` +
    `then twice the last rise, at most ${Math.round(PACE_RAISE_MAX * 100)}%).`
  );
}

/**
 * End of a sync whose pace was cut more than once (one INFO line). `maxPerSecond`: the starts per second allowed at
 * the end, the pace or requests_per_minute, whichever is slower (the pace keeps rising without 429s).
 */
function paceSummary(p: Pace, maxPerSecond: number): string {
  const limit = maxPerSecond < p.perSecond ? ' (requests_per_minute)' : '';
  return `Request pace after Pinterest's 429s: cut ${p.cuts} times, at most ${perSecond(maxPerSecond)} requests a second at the end${limit}.`;
}

/** A rate for a log line: two significant digits below 10, whole numbers above. */
function perSecond(n: number): string {
  return n >= 10 ? String(Math.round(n)) : n.toPrecision(2);
}

import type { AirbyteOutput } from '../airbyte/output.js';
import type { PinterestUserData } from '../pinterest/events.js';
import { reasonShape } from './reason-shape.js';

/** How many rejected records per reason shape are logged one by one (naming the row) before only counting. */
const REJECTIONS_LOGGED_PER_REASON = 10;

/**
 * Distinct rejection reasons, and distinct warnings, counted each on its own; further new ones are counted together
 * under one entry ({@link OTHER_REASONS}, {@link OTHER_WARNINGS}), so that messages carrying a value that differs per
 * row cannot grow the maps (and the summary) without bound.
 */
export const MAX_DISTINCT_MESSAGES = 200;
export const OTHER_REASONS = `other reasons (more than ${MAX_DISTINCT_MESSAGES} distinct ones; each of the first 10 was logged where it occurred)`;
export const OTHER_WARNINGS = `other warnings (more than ${MAX_DISTINCT_MESSAGES} distinct ones; only counted)`;

/** Options of {@link SyncReport.summary}. */
export interface SummaryOptions {
  testMode: boolean;
  dryRun: boolean;
  maxRejectedPercent?: number;
  /** How the sync ended early, if it did: then the closing warning about rejected records is left out. */
  ended?: 'failed' | 'cancelled';
}

/** The usual cause of most records rejected when their event_times are recent. */
export const MAPPING_ADVICE = 'Usually a field mapping, default_event_name or a streams[] name is wrong.';

/** The identifiers the end-of-sync coverage line reports: Pinterest user_data keys, and "ip+user_agent" (both present). */
export const COVERED_IDENTIFIERS = ['em', 'ph', 'external_id', 'hashed_maids', 'click_id', 'fn', 'ln', 'db', 'ge', 'ct', 'st', 'zp', 'country', 'ip+user_agent'] as const;
export type CoveredIdentifier = (typeof COVERED_IDENTIFIERS)[number];

/**
 * Which identifiers an event's user_data carries, as a bit mask (bit i = COVERED_IDENTIFIERS[i]); 0 for none.
 * Computed when the event is built, so the batch keeps a number instead of the event object until it is sent.
 */
export function identifierMask(userData: PinterestUserData | undefined): number {
  if (!userData) return 0;
  // One named read per key (bit order of COVERED_IDENTIFIERS), not a loop of reads by a variable key: those are
  // megamorphic keyed loads, about a tenth of this step's cost per event (issue 16).
  const u = userData;
  return (
    (u.em !== undefined ? 1 : 0) |
    (u.ph !== undefined ? 1 << 1 : 0) |
    (u.external_id !== undefined ? 1 << 2 : 0) |
    (u.hashed_maids !== undefined ? 1 << 3 : 0) |
    (u.click_id !== undefined ? 1 << 4 : 0) |
    (u.fn !== undefined ? 1 << 5 : 0) |
    (u.ln !== undefined ? 1 << 6 : 0) |
    (u.db !== undefined ? 1 << 7 : 0) |
    (u.ge !== undefined ? 1 << 8 : 0) |
    (u.ct !== undefined ? 1 << 9 : 0) |
    (u.st !== undefined ? 1 << 10 : 0) |
    (u.zp !== undefined ? 1 << 11 : 0) |
    (u.country !== undefined ? 1 << 12 : 0) |
    (u.client_ip_address !== undefined && u.client_user_agent !== undefined ? 1 << 13 : 0)
  );
}

/**
 * Counters and grouped messages of one `write` run, and the LOG lines built from them: a progress line at
 * most every `progressIntervalMs`, and the end-of-sync summary. Nothing is logged per record except the first
 * few rejections of each reason, which name the record by stream and position (never by value).
 */
export class SyncReport {
  readonly counts = {
    recordsRead: 0,
    statesRead: 0,
    statesEchoed: 0,
    eventsSent: 0,
    accepted: 0,
    rejectedByMapping: 0,
    rejectedByPinterest: 0,
    requests: 0,
    retries: 0,
    splits: 0,
    inFlightEvents: 0,
    /** Events built whose event_time is older than 7 days (Pinterest is reported to refuse them; see OLD_EVENT_WARNING_SECONDS). */
    oldEventTimes: 0,
  };
  /** Rejection reason shape ({@link reasonShape}) → count. */
  readonly rejections = new Map<string, number>();
  /** Per reason shape: the first row rejected for it (its `where`) and its reason as given. */
  private readonly rejectionExamples = new Map<string, { where: string; reason: string; varied: boolean }>();
  /** Warning → count (mapping warnings, Pinterest warning_message). */
  readonly warnings = new Map<string, number>();
  /** Identifier coverage over the events sent: events carrying each of {@link COVERED_IDENTIFIERS}, same order. */
  private readonly coverage: number[] = COVERED_IDENTIFIERS.map(() => 0);
  private readonly started: number;
  private lastProgress: number;
  /** Dry run: events are built, not sent (changes the wording of progress lines). */
  dryRun = false;
  /**
   * When set, {@link summary} leaves out its closing warnings (records mostly rejected, test mode, dry run) until
   * {@link closingWarnings} is called, so that lines logged after the pipeline (the Event Quality Score) do not bury them.
   */
  deferClosingWarnings = false;
  private closing?: SummaryOptions;

  constructor(
    private readonly out: AirbyteOutput,
    private readonly clock: () => number = Date.now,
    readonly progressIntervalMs = 30_000,
  ) {
    this.started = clock();
    this.lastProgress = this.started;
  }

  /**
   * Counts one rejected record; logs it individually while its reason is still rare. Reasons are grouped by shape
   * ({@link reasonShape}): one Pinterest message with a different timestamp per row is one reason.
   * @param reason why (value-free text from the mapping, or Pinterest's message)
   * @param where the row, e.g. "record 17 of stream orders (event_id A-1007)"
   */
  reject(reason: string, where: string, byPinterest: boolean): void {
    if (byPinterest) this.counts.rejectedByPinterest++;
    else this.counts.rejectedByMapping++;
    const shape = reasonShape(reason);
    const key = this.rejections.has(shape) || this.rejections.size < MAX_DISTINCT_MESSAGES ? shape : OTHER_REASONS;
    const n = (this.rejections.get(key) ?? 0) + 1;
    this.rejections.set(key, n);
    const example = this.rejectionExamples.get(key);
    if (!example) this.rejectionExamples.set(key, { where, reason, varied: key === OTHER_REASONS });
    else if (!example.varied && example.reason !== reason) example.varied = true;
    if (n <= REJECTIONS_LOGGED_PER_REASON) {
      const last = key === OTHER_REASONS ? ` (more than ${MAX_DISTINCT_MESSAGES} distinct reasons: further records rejected for a new reason are only counted)` : ' (further records rejected for this reason are only counted)';
      this.out.log('WARN', `${where} rejected: ${reason}${n === REJECTIONS_LOGGED_PER_REASON ? last : ''}`);
    }
  }

  /**
   * Counts a warning; the first occurrence of each distinct warning is logged, with `where` (e.g. "record 3 of
   * stream purchases") when given, so the row can be found; later ones are only counted.
   */
  warn(message: string, where?: string): void {
    const key = this.warnings.has(message) || this.warnings.size < MAX_DISTINCT_MESSAGES ? message : OTHER_WARNINGS;
    const n = (this.warnings.get(key) ?? 0) + 1;
    this.warnings.set(key, n);
    if (n === 1) this.out.log('WARN', key === OTHER_WARNINGS ? `More than ${MAX_DISTINCT_MESSAGES} distinct warnings: further new ones are only counted.` : where ? `${message} (first seen at ${where})` : message);
  }

  /** Counts the identifiers of one event sent, given as its {@link identifierMask}. */
  cover(mask: number): void {
    for (let i = 0; mask !== 0; i++, mask >>>= 1) if (mask & 1) this.coverage[i]++;
  }

  /** This sync's identifier coverage: events sent, and the percentage of them (0–100) carrying each of {@link COVERED_IDENTIFIERS}. */
  identifierCoverage(): { events: number; percent: Record<CoveredIdentifier, number> } {
    const events = this.counts.eventsSent;
    const percent = {} as Record<CoveredIdentifier, number>;
    COVERED_IDENTIFIERS.forEach((k, i) => {
      percent[k] = events > 0 ? (100 * this.coverage[i]) / events : 0;
    });
    return { events, percent };
  }

  /**
   * The most frequent rejection reasons, for error messages: "Most rejected records: 300 × <reason>; 5 × <reason>."
   * (at most `top` reasons, by count; reasons are value-free, see {@link reject}). "" when nothing was rejected.
   */
  mainReasons(top = 2): string {
    if (this.rejections.size === 0) return '';
    const main = [...this.rejections]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([shape, n]) => {
        const e = this.rejectionExamples.get(shape)!;
        return `${n} × ${(e.varied ? shape : e.reason).replace(/\.$/, '')}`;
      });
    return `Most rejected records: ${main.join('; ')}.`;
  }

  /**
   * Advice when events carried an event_time older than 7 days (counts.oldEventTimes), the usual cause of mass
   * rejections on a first sync of a table with history; "" when there were none.
   */
  oldEventTimesAdvice(): string {
    const n = this.counts.oldEventTimes;
    if (n === 0) return '';
    return (
      `${n === 1 ? '1 event had' : `${n} events had`} an event_time older than 7 days, which Pinterest is reported to refuse: ` +
      'Pinterest takes conversions of the last 7 days only, so on a first sync of a table with history, limit the source to the last 7 days ' +
      '(a view with a WHERE on the time column, or an incremental sync whose cursor starts 7 days back).'
    );
  }

  /**
   * What most likely caused the rejections: events older than 7 days when they are at least half of the rejected
   * records ({@link oldEventTimesAdvice}), else a mapping mistake ({@link MAPPING_ADVICE}), followed by the old-event
   * advice when there were some.
   */
  rejectionAdvice(): string {
    const old = this.counts.oldEventTimes;
    if (old === 0) return MAPPING_ADVICE;
    return old * 2 >= this.rejected ? this.oldEventTimesAdvice() : `${MAPPING_ADVICE} ${this.oldEventTimesAdvice()}`;
  }

  get rejected(): number {
    return this.counts.rejectedByMapping + this.counts.rejectedByPinterest;
  }

  /** Logs a progress line when `progressIntervalMs` passed since the last one (or always with `force`). */
  progress(force = false): void {
    const now = this.clock();
    if (!force && now - this.lastProgress < this.progressIntervalMs) return;
    this.lastProgress = now;
    const c = this.counts;
    const secs = Math.max(0.001, (now - this.started) / 1000);
    this.out.log(
      'INFO',
      `Progress: ${c.recordsRead} records read, ${c.eventsSent} events ${this.dryRun ? 'built (dry run: not sent)' : 'sent'}, ${c.accepted} ${this.dryRun ? 'valid' : 'accepted'}, ${this.rejected} rejected, ` +
        `${c.inFlightEvents} in flight, ${c.requests} requests, ${c.retries} retries, ${Math.round(c.accepted / secs)} events/s, ` +
        `${c.statesEchoed}/${c.statesRead} states echoed`,
    );
  }

  /**
   * The end-of-sync summary lines (progress, rejections grouped, warnings grouped, identifier coverage), then the
   * closing warnings (see {@link deferClosingWarnings}).
   */
  summary(opts: SummaryOptions): void {
    this.progress(true);
    const c = this.counts;
    if (this.rejections.size) {
      const lines = [...this.rejections]
        .sort((a, b) => b[1] - a[1])
        .map(([shape, n]) => {
          const e = this.rejectionExamples.get(shape)!;
          return `  ${n} × ${e.varied ? shape : e.reason} — first: ${e.where}`;
        });
      this.out.log('WARN', `Rejected records by reason (${this.rejected} in all; the first row of each named):\n${lines.join('\n')}`);
    }
    if (this.warnings.size) {
      const lines = [...this.warnings].sort((a, b) => b[1] - a[1]).map(([w, n]) => `  ${n} × ${w}`);
      this.out.log('WARN', `Warnings (grouped by kind; the first of each was logged where it occurred):\n${lines.join('\n')}`);
    }
    if (c.eventsSent > 0) {
      const pct = (k: CoveredIdentifier): string => `${((100 * this.coverage[COVERED_IDENTIFIERS.indexOf(k)]) / c.eventsSent).toFixed(1)}%`;
      this.out.log(
        'INFO',
        `Identifier coverage over ${c.eventsSent} events ${this.dryRun ? 'built' : 'sent'}: em ${pct('em')}, ph ${pct('ph')}, external_id ${pct('external_id')}, ` +
          `hashed_maids ${pct('hashed_maids')}, ip+user_agent ${pct('ip+user_agent')}, click_id ${pct('click_id')}, ` +
          `fn ${pct('fn')}, ln ${pct('ln')}, zp ${pct('zp')}, country ${pct('country')}`,
      );
    }
    this.closing = opts;
    if (!this.deferClosingWarnings) this.closingWarnings();
  }

  /** The summary's closing warnings, once: most records rejected, test mode on, dry run. Nothing before {@link summary}. */
  closingWarnings(): void {
    const opts = this.closing;
    if (!opts) return;
    this.closing = undefined;
    const settled = this.counts.accepted + this.rejected;
    // Not after a failed or cancelled sync: its TRACE error or cancel line says what happened, and the records it
    // settled are not the sync's records (a Pinterest outage is not a mapping mistake).
    if (!opts.dryRun && !opts.ended && opts.maxRejectedPercent === undefined && settled > 0 && this.rejected * 2 >= settled) {
      const saved = this.counts.statesEchoed > 0 ? ', and their states were saved, so Airbyte will not send them again' : '';
      this.out.log(
        'WARN',
        `${((100 * this.rejected) / settled).toFixed(1)}% OF THE RECORDS WERE REJECTED (${this.rejected} of ${settled})${saved}. ` +
          `${this.mainReasons()} ${this.rejectionAdvice()} ` +
          `Fix the cause, check it with write --dry-run, then re-sync these streams. Set max_rejected_percent to make such a sync fail instead.`,
      );
    }
    if (opts.dryRun && this.counts.oldEventTimes > 0) {
      this.out.log('WARN', `${this.oldEventTimesAdvice()} A dry run cannot apply Pinterest's own checks: a real sync would likely see these events rejected.`);
    }
    if (opts.testMode) {
      this.out.log('WARN', 'TEST MODE IS ON: every request carried test=true, so Pinterest validated these events but RECORDED NONE OF THEM. Turn test_mode off for a real sync.');
    }
    if (opts.dryRun) {
      this.out.log('WARN', 'DRY RUN: events were built and validated but nothing was sent to Pinterest and no state was echoed.');
    }
  }
}

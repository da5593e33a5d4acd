import type { AirbyteOutput } from '../airbyte/output.js';

/** How many rejected records per reason are logged one by one (with their stream and record number) before only counting. */
const REJECTIONS_LOGGED_PER_REASON = 10;

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
  };
  /** Rejection reason → count. */
  readonly rejections = new Map<string, number>();
  /** Warning → count (mapping warnings, Pinterest warning_message). */
  readonly warnings = new Map<string, number>();
  /** Identifier coverage over the events sent: Pinterest user_data key (or "ip+user_agent") → events carrying it. */
  readonly coverage = new Map<string, number>();
  private readonly started: number;
  private lastProgress: number;
  /** Dry run: events are built, not sent (changes the wording of progress lines). */
  dryRun = false;

  constructor(
    private readonly out: AirbyteOutput,
    private readonly clock: () => number = Date.now,
    readonly progressIntervalMs = 30_000,
  ) {
    this.started = clock();
    this.lastProgress = this.started;
  }

  /** Counts one rejected record; logs it individually while its reason is still rare. */
  reject(reason: string, where: string, byPinterest: boolean): void {
    if (byPinterest) this.counts.rejectedByPinterest++;
    else this.counts.rejectedByMapping++;
    const n = (this.rejections.get(reason) ?? 0) + 1;
    this.rejections.set(reason, n);
    if (n <= REJECTIONS_LOGGED_PER_REASON) {
      this.out.log('WARN', `${where} rejected: ${reason}${n === REJECTIONS_LOGGED_PER_REASON ? ' (further records rejected for this reason are only counted)' : ''}`);
    }
  }

  /**
   * Counts a warning; the first occurrence of each distinct warning is logged, with `where` (e.g. "record 3 of
   * stream purchases") when given, so the row can be found; later ones are only counted.
   */
  warn(message: string, where?: string): void {
    const n = (this.warnings.get(message) ?? 0) + 1;
    this.warnings.set(message, n);
    if (n === 1) this.out.log('WARN', where ? `${message} (first seen at ${where})` : message);
  }

  /** Counts which identifiers an event sent carries (user_data keys). */
  cover(userData: Record<string, unknown> | undefined): void {
    if (!userData) return;
    for (const k of ['em', 'ph', 'external_id', 'hashed_maids', 'click_id', 'fn', 'ln', 'db', 'ge', 'ct', 'st', 'zp', 'country']) {
      if (userData[k] !== undefined) this.coverage.set(k, (this.coverage.get(k) ?? 0) + 1);
    }
    if (userData.client_ip_address !== undefined && userData.client_user_agent !== undefined) {
      this.coverage.set('ip+user_agent', (this.coverage.get('ip+user_agent') ?? 0) + 1);
    }
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
      `Progress: ${c.recordsRead} records read, ${c.eventsSent} events ${this.dryRun ? 'built (dry run: not sent)' : 'sent'}, ${c.accepted} accepted, ${this.rejected} rejected, ` +
        `${c.inFlightEvents} in flight, ${c.requests} requests, ${c.retries} retries, ${Math.round(c.accepted / secs)} events/s, ` +
        `${c.statesEchoed}/${c.statesRead} states echoed`,
    );
  }

  /** The end-of-sync summary lines (progress, rejections grouped, warnings grouped, identifier coverage). */
  summary(opts: { testMode: boolean; dryRun: boolean; maxRejectedPercent?: number }): void {
    this.progress(true);
    const c = this.counts;
    if (this.rejections.size) {
      const lines = [...this.rejections].sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${n} × ${r}`);
      this.out.log('WARN', `Rejected records by reason (${this.rejected} in all):\n${lines.join('\n')}`);
    }
    if (this.warnings.size) {
      const lines = [...this.warnings].sort((a, b) => b[1] - a[1]).map(([w, n]) => `  ${n} × ${w}`);
      this.out.log('WARN', `Warnings (grouped by kind; the first of each was logged where it occurred):\n${lines.join('\n')}`);
    }
    if (c.eventsSent > 0) {
      const pct = (k: string): string => `${((100 * (this.coverage.get(k) ?? 0)) / c.eventsSent).toFixed(1)}%`;
      this.out.log(
        'INFO',
        `Identifier coverage over ${c.eventsSent} events sent: em ${pct('em')}, ph ${pct('ph')}, external_id ${pct('external_id')}, ` +
          `hashed_maids ${pct('hashed_maids')}, ip+user_agent ${pct('ip+user_agent')}, click_id ${pct('click_id')}, ` +
          `fn ${pct('fn')}, ln ${pct('ln')}, zp ${pct('zp')}, country ${pct('country')}`,
      );
    }
    const settled = c.accepted + this.rejected;
    if (!opts.dryRun && opts.maxRejectedPercent === undefined && settled > 0 && this.rejected * 2 >= settled) {
      this.out.log(
        'WARN',
        `${((100 * this.rejected) / settled).toFixed(1)}% OF THE RECORDS WERE REJECTED (${this.rejected} of ${settled}), and their states were saved, so Airbyte will not send them again. ` +
          `Usually a field mapping or a streams[] name is wrong: see the reasons above, fix the config, check it with write --dry-run, then re-sync these streams. ` +
          `Set max_rejected_percent to make such a sync fail instead.`,
      );
    }
    if (opts.testMode) {
      this.out.log('WARN', 'TEST MODE IS ON: every request carried test=true, so Pinterest validated these events but RECORDED NONE OF THEM. Turn test_mode off for a real sync.');
    }
    if (opts.dryRun) {
      this.out.log('WARN', 'DRY RUN: events were built and validated but nothing was sent to Pinterest and no state was echoed.');
    }
  }
}

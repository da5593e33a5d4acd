/**
 * How many batches may be in flight to Pinterest at once: a limit that follows the latency.
 *
 * A request of 1,000 events is answered after a network round trip plus Pinterest's processing, so with a fixed
 * number of requests in flight, throughput is capped near `limit × events per request / latency`. This controller
 * raises the limit while the throughput Pinterest acknowledges keeps growing with it, and lowers it when Pinterest
 * pushes back (429, 5xx, timeouts: every retry the client makes), never above `max` (the user's
 * `max_concurrent_requests`). `requests_per_minute` is enforced separately by the client's rate limiter; once it
 * binds, a higher limit brings no more throughput, so the limit stops growing.
 *
 * Measurement: a window is one round of requests (`limit` completions, at least `minWindowMs`); its throughput is
 * the events acknowledged in it per second. After each window without pushback:
 * - no earlier window to compare with, or the limit was not reached during it: nothing to learn, try one more;
 * - the limit was raised and throughput rose in proportion (at least half the ratio of the limits), or the limit
 *   was reached again while the answers came no slower (their mean latency rose by less than half the ratio of the
 *   limits, so Pinterest served the extra requests side by side) over two windows at the raised limit (answers in
 *   the first one are mostly to requests sent before the raise): the requests were waiting on latency, so keep
 *   raising: doubling while that holds from the start ("slow start"), one at a time after. (Throughput measured
 *   over a window varies by ±20% with the speed of the reader alone, so a comparison of throughputs by itself
 *   turned useful raises down half the time; the latency of the answers does not depend on the reader.)
 * - it rose less than {@link MIN_GAIN}: the extra requests bought nothing (the CPU, the input or the rate limit is
 *   the bottleneck), so go back to the previous limit and hold it for {@link HOLD_WINDOWS} windows before probing
 *   again, in case latency changes;
 * - in between: keep the limit and continue one at a time.
 * Pushback lowers the limit at once to {@link BACKOFF} of itself (or, during slow start, to the limit it doubled
 * from), at most once per window and not again until the requests in flight at the cut have settled, since their
 * answers say nothing about the new limit. It then holds for {@link PUSHBACK_HOLD_WINDOWS} windows, and from then
 * on raises one step per {@link HOLD_WINDOWS} + 1 windows, so near a rate ceiling (whose window may be longer than
 * ours) the limit settles just under it with an occasional 429 rather than a steady stream of them.
 *
 * Pure: time comes in as arguments (epoch ms). Memory is O(1).
 */

/** Throughput must rise by at least this share after raising the limit, or the raise is undone. */
export const MIN_GAIN = 0.1;
/** On pushback the limit becomes this share of itself (rounded, at least one less, at least 1). */
export const BACKOFF = 0.7;
/** Windows to wait after an unprofitable raise before probing again. */
export const HOLD_WINDOWS = 5;
/** Windows to hold the limit after a cut for pushback before probing upwards again. */
export const PUSHBACK_HOLD_WINDOWS = 15;
/** Shortest window, ms: shorter ones measure scheduling noise rather than throughput. */
export const MIN_WINDOW_MS = 200;
/** The limit a sync starts with (the former fixed default), or `max` if lower. */
export const INITIAL_LIMIT = 4;

/** What {@link AdaptiveConcurrency} decided at the end of a window, for logs and tests. */
export type WindowVerdict = 'probe' | 'scaling' | 'gain' | 'no-gain' | 'hold' | 'pushback';

/** One finished window: the limit during it, its throughput (events/s) and what was decided. */
export interface WindowRecord {
  limit: number;
  eventsPerSecond: number;
  verdict: WindowVerdict;
  /** The limit after the decision. */
  next: number;
}

/** Options of {@link AdaptiveConcurrency}. */
export interface ConcurrencyOptions {
  /** Upper bound on the limit (config `max_concurrent_requests`), ≥ 1. */
  max: number;
  /** Starting limit; default min({@link INITIAL_LIMIT}, max). */
  initial?: number;
  /** Shortest window in ms; default {@link MIN_WINDOW_MS}. */
  minWindowMs?: number;
}

/** The adaptive in-flight limit. Call {@link dispatched} when a batch is sent, {@link completed} when it settles. */
export class AdaptiveConcurrency {
  readonly max: number;
  private current: number;
  private readonly minWindowMs: number;
  /** Peak limit reached during the sync. */
  peak: number;
  private slowStart = true;
  /** Pinterest has pushed back during this sync: raise one step per {@link HOLD_WINDOWS} + 1 windows from now on. */
  private pushedBack = false;
  private holdWindows = 0;
  // The window under measurement.
  private windowStart: number | undefined;
  private windowEvents = 0;
  private windowCompletions = 0;
  private windowSaturated = false;
  private windowPushback = false;
  private windowLatencyMs = 0;
  private windowLatencies = 0;
  // The last clean window, to compare with.
  private previous: { limit: number; eventsPerSecond: number; latencyMs: number | undefined } | undefined;
  /** Completions still to come from requests sent before the last cut; pushback is ignored until then. */
  private settlingAfterCut = 0;
  /** Limit before the last raise, to return to when the raise bought nothing. */
  private beforeRaise: number | undefined;
  /** The last window saw no slower answers but no gain: the next one, at the same limit, confirms or undoes the raise. */
  private confirming = false;

  constructor(options: ConcurrencyOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError(`max must be an integer ≥ 1, got ${options.max}`);
    this.max = options.max;
    this.current = Math.min(options.initial ?? INITIAL_LIMIT, this.max);
    this.peak = this.current;
    this.minWindowMs = options.minWindowMs ?? MIN_WINDOW_MS;
  }

  /** The number of batches that may be in flight now. */
  get limit(): number {
    return this.current;
  }

  /** A batch was handed to the client; `inFlight` counts it. Starts the first window. */
  dispatched(inFlight: number, now: number): void {
    this.windowStart ??= now;
    if (inFlight >= this.current) this.windowSaturated = true;
  }

  /**
   * Pinterest pushed back (a retry after 429, 5xx, a timeout or a dropped connection): lower the limit now,
   * once per window.
   */
  pushback(now: number): void {
    // Requests sent before the last cut answer as they were sent: their 429s say nothing about the new limit.
    if (this.windowPushback || this.settlingAfterCut > 0) return;
    this.settlingAfterCut = this.current;
    this.pushedBack = true;
    this.windowPushback = true;
    const cut = Math.min(this.current - 1, Math.round(this.current * BACKOFF));
    // A doubling that met pushback goes back to where it doubled from, if that is lower.
    this.setLimit(this.slowStart && this.beforeRaise !== undefined ? Math.min(cut, this.beforeRaise) : cut);
    this.slowStart = false;
    this.previous = undefined;
    this.beforeRaise = undefined;
    this.holdWindows = PUSHBACK_HOLD_WINDOWS;
    this.startWindow(now);
    this.windowPushback = true;
  }

  /**
   * A batch settled with `events` events acknowledged (processed or failed per event; 0 if the request failed),
   * `latencyMs` after it was dispatched (retries included; undefined when unknown: raises are then judged by
   * throughput alone). Returns the finished window's record when this completion ended one, else undefined.
   */
  completed(events: number, now: number, latencyMs?: number): WindowRecord | undefined {
    if (this.settlingAfterCut > 0) this.settlingAfterCut--;
    this.windowStart ??= now;
    this.windowEvents += events;
    this.windowCompletions++;
    if (latencyMs !== undefined) {
      this.windowLatencyMs += latencyMs;
      this.windowLatencies++;
    }
    const elapsed = now - this.windowStart;
    if (this.windowCompletions < this.current || elapsed < this.minWindowMs) return undefined;
    const limit = this.current;
    const eventsPerSecond = (this.windowEvents * 1000) / Math.max(elapsed, 1);
    // Mean latency of the window's answers, when every one of them had it.
    const meanLatencyMs = this.windowLatencies === this.windowCompletions ? this.windowLatencyMs / this.windowLatencies : undefined;
    const verdict = this.decide(limit, eventsPerSecond, meanLatencyMs);
    this.startWindow(now);
    return { limit, eventsPerSecond, verdict, next: this.current };
  }

  private decide(limit: number, eventsPerSecond: number, latencyMs: number | undefined): WindowVerdict {
    const confirming = this.confirming;
    this.confirming = false;
    if (this.windowPushback) {
      // The window started at the cut: measure the next one from scratch.
      return 'pushback';
    }
    const previous = this.previous;
    this.previous = { limit, eventsPerSecond, latencyMs };
    if (this.holdWindows > 0) {
      this.holdWindows--;
      return 'hold';
    }
    if (previous === undefined || previous.limit >= limit) {
      if (!this.windowSaturated) return 'hold';
      this.raise(limit);
      return 'probe';
    }
    const gain = eventsPerSecond / previous.eventsPerSecond - 1;
    const expected = limit / previous.limit - 1;
    // The answers came no slower with more requests in flight: Pinterest served them side by side.
    const servedSideBySide =
      this.windowSaturated && latencyMs !== undefined && previous.latencyMs !== undefined && latencyMs / previous.latencyMs - 1 < expected / 2;
    if (gain >= expected / 2 || (servedSideBySide && confirming)) {
      this.raise(limit);
      return 'scaling';
    }
    if (servedSideBySide) {
      // Most answers of the window after a raise are to requests sent before it, at the old limit: their latency
      // cannot show what the raise did. Keep the limit one more window, whose requests were sent at it, and judge it
      // against the same window before the raise. (Judged at once, a limit that only lengthened a queue (a rate
      // limit, a Pinterest serving one request after another) was raised window after window up to max.)
      this.confirming = true;
      this.previous = previous;
      return 'hold';
    }
    this.slowStart = false;
    if (gain < MIN_GAIN) {
      this.setLimit(this.beforeRaise ?? previous.limit);
      this.previous = previous;
      this.holdWindows = HOLD_WINDOWS;
      return 'no-gain';
    }
    if (this.windowSaturated) this.raise(limit);
    return 'gain';
  }

  private raise(limit: number): void {
    this.beforeRaise = limit;
    this.setLimit(this.slowStart ? limit * 2 : limit + 1);
    // Near a ceiling Pinterest has shown, approach it slowly: its rate window may be longer than our windows.
    if (this.pushedBack) this.holdWindows = HOLD_WINDOWS;
  }

  private setLimit(limit: number): void {
    this.current = Math.max(1, Math.min(this.max, limit));
    if (this.current > this.peak) this.peak = this.current;
  }

  private startWindow(now: number): void {
    this.windowStart = now;
    this.windowEvents = 0;
    this.windowCompletions = 0;
    this.windowSaturated = false;
    this.windowPushback = false;
    this.windowLatencyMs = 0;
    this.windowLatencies = 0;
  }
}

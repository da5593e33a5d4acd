/**
 * How many batches may be in flight to Pinterest at once: a limit that follows the latency.
 *
 * A request of 1,000 events is answered after a network round trip plus Pinterest's processing, so with a fixed
 * number of requests in flight, throughput is capped near `limit × events per request / latency`. This controller
 * raises the limit while more requests in flight bring more throughput, and lowers it when Pinterest pushes back
 * (5xx, timeouts, dropped connections: every retry the client makes but one after a 429), never above `max` (the
 * user's `max_concurrent_requests`). A 429 is about the request rate: the client's rate limiter paces request starts
 * after one (see RateLimiter in src/pinterest/retry.ts), as it enforces `requests_per_minute`; once the rate binds, a
 * higher limit brings no more throughput, so the limit stops growing.
 *
 * Slow start (from the start of the sync until one of its exits): while the limit is reached (a batch waited for a
 * free slot in the current window, or waits now), every answer raises it by one, so the limit doubles per round
 * trip for as long as the requests are waiting on latency, and the first answers already widen it (a latency of
 * 300 ms needs about 12 in flight; waiting a whole round of answers before each doubling cost the first second of a
 * sync half its throughput). It ends:
 * - at the end of a window (below) begun at a higher limit than the window before, whose mean answer time rose by
 *   half the ratio of their limits or more (and by {@link MIN_QUEUEING_RISE} at least): the extra requests wait in
 *   a queue (a Pinterest serving requests one after another, the rate limiter) instead of being served side by
 *   side, so the limit goes back to what the earlier answer time needs (`limit × earlier mean / this mean`), not
 *   below where it started. Means over a window, not single answers: one answer's time varies by a third with the
 *   network, TLS handshakes and the reader's turn on the thread, which made slow start end at random;
 * - at the end of a window in which the limit was never reached: the reader, not the latency, is the bottleneck;
 * - on pushback (below).
 * At `max` the limit stops growing, but slow start goes on watching for queueing (the windows after it would compare
 * only windows at one limit, which cannot show it).
 *
 * Then, measurement by windows: a window is one round of requests (as many completions as the limit when it
 * started, at least `minWindowMs`); its throughput is the events acknowledged in it per second. After each window
 * without pushback:
 * - no earlier window to compare with, or the limit was not reached during it: nothing to learn, try one more;
 * - the limit was raised and throughput rose in proportion (at least half the ratio of the limits), or the limit
 *   was reached again while the answers came no slower (their mean latency rose by less than half the ratio of the
 *   limits, so Pinterest served the extra requests side by side) over two windows at the raised limit (answers in
 *   the first one are mostly to requests sent before the raise): the requests were waiting on latency, so raise it
 *   by one more. (Throughput measured over a window varies by ±20% with the speed of the reader alone, so a
 *   comparison of throughputs by itself turned useful raises down half the time; the latency of the answers does
 *   not depend on the reader.)
 * - it rose less than {@link MIN_GAIN}: the extra requests bought nothing (the CPU, the input or the rate limit is
 *   the bottleneck), so go back to the previous limit and hold it for {@link HOLD_WINDOWS} windows before probing
 *   again, in case latency changes;
 * - in between: keep the limit and continue one at a time.
 * Pushback lowers the limit at once to {@link BACKOFF} of itself (during slow start, once the limit has grown, to
 * half of it but not below where it started: the last round trip's doubling overshot), except for a batch sent
 * before the last cut: it was sent under the old limit, and its retries still hold a slot each, so neither its
 * refusal nor a refusal of its retry says anything about the new limit (a burst of 503s to batches sent together
 * is one cut). A batch sent after the cut and refused is another cut. It then holds for
 * {@link PUSHBACK_HOLD_WINDOWS} windows, and from then on raises one step per {@link HOLD_WINDOWS} + 1 windows, so
 * near the point where Pinterest starts failing, the limit settles just under it with an occasional refusal rather
 * than a steady stream of them.
 *
 * Pure: time comes in as arguments, in ms of one monotonic clock (`performance.now()`). Memory is O(1).
 */

/** Throughput must rise by at least this share after raising the limit, or the raise is undone. */
export const MIN_GAIN = 0.1;
/** On pushback the limit becomes this share of itself (rounded, at least one less, at least 1). */
export const BACKOFF = 0.7;
/** Windows to wait after an unprofitable raise before probing again. */
export const HOLD_WINDOWS = 5;
/** Windows to hold the limit after a cut for pushback before probing upwards again. */
export const PUSHBACK_HOLD_WINDOWS = 15;
/**
 * During slow start, the least rise of the mean answer time from one window to the next that counts as queueing,
 * whatever the limits: means of a few answers vary by a tenth or so.
 */
export const MIN_QUEUEING_RISE = 0.25;
/** Shortest window, ms: shorter ones measure scheduling noise rather than throughput. */
export const MIN_WINDOW_MS = 200;
/**
 * The limit a sync starts with, or `max` if lower: twice the former fixed default of 4, as the reader builds 8 to
 * 11 batches in a first round trip of 300 ms; the first answers then show whether more are worth it.
 */
export const INITIAL_LIMIT = 8;

/** What {@link AdaptiveConcurrency} decided at the end of a window, for logs and tests. */
export type WindowVerdict = 'slow-start' | 'queueing' | 'probe' | 'scaling' | 'gain' | 'no-gain' | 'hold' | 'pushback';

/**
 * One finished window: the limit it started with, its throughput (events/s) and what was decided ('slow-start': the
 * limit grew answer by answer during it, up to max; 'queueing': slow start ended on slower answers).
 */
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
  /** The limit the sync started with: slow start never ends below it. */
  private readonly initial: number;
  /** Pinterest has pushed back during this sync: raise one step per {@link HOLD_WINDOWS} + 1 windows from now on. */
  private pushedBack = false;
  private holdWindows = 0;
  // The window under measurement.
  private windowStart: number | undefined;
  /** The limit when the window started: the window lasts that many completions. */
  private windowLimit: number;
  private windowEvents = 0;
  private windowCompletions = 0;
  private windowSaturated = false;
  private windowPushback = false;
  private windowLatencyMs = 0;
  private windowLatencies = 0;
  // The last clean window, to compare with (in slow start too).
  private previous: { limit: number; eventsPerSecond: number; latencyMs: number | undefined } | undefined;
  /** When the limit was last cut for pushback (ms): pushback to batches sent before then is ignored. */
  private lastCutAt = -Infinity;
  /** Limit before the last raise, to return to when the raise bought nothing. */
  private beforeRaise: number | undefined;
  /** The last window saw no slower answers but no gain: the next one, at the same limit, confirms or undoes the raise. */
  private confirming = false;

  constructor(options: ConcurrencyOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError(`max must be an integer ≥ 1, got ${options.max}`);
    this.max = options.max;
    this.current = Math.min(options.initial ?? INITIAL_LIMIT, this.max);
    this.initial = this.current;
    this.windowLimit = this.current;
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
   * Pinterest pushed back (a retry after a 5xx, a timeout or a dropped connection; the caller leaves 429s to the rate
   * limiter's pace) to a batch sent at `sentAt`
   * (its first attempt; ms): lower the limit now, unless the batch was sent at or before the last cut. Such a batch
   * was sent under the old limit, and its retries keep its slot, so its refusals say nothing about the new limit.
   */
  pushback(now: number, sentAt: number): void {
    if (sentAt <= this.lastCutAt) return;
    this.lastCutAt = now;
    this.pushedBack = true;
    const cut = Math.min(this.current - 1, Math.round(this.current * BACKOFF));
    // A slow start that met pushback overshot in its last round trip, in which the limit doubled: halve it, but not
    // below where it started (where the 70% cut applies).
    this.setLimit(this.slowStart && this.current > this.initial ? Math.min(cut, Math.max(this.initial, Math.ceil(this.current / 2))) : cut);
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
   * throughput alone, and slow start cannot see queueing). `readerWaiting`: a batch is ready and waits for a free slot
   * at this moment (the limit, not the reader, holds the sync back). Returns the finished window's record when this
   * completion ended one (or ended slow start), else undefined.
   */
  completed(events: number, now: number, latencyMs?: number, readerWaiting = false): WindowRecord | undefined {
    this.windowStart ??= now;
    this.windowEvents += events;
    this.windowCompletions++;
    if (latencyMs !== undefined) {
      this.windowLatencyMs += latencyMs;
      this.windowLatencies++;
    }
    const elapsed = Math.max(now - this.windowStart, 0);
    // Slow start: one more slot per answer while the limit is reached (at max it goes on, watching for queueing).
    if (this.slowStart && (readerWaiting || this.windowSaturated)) this.setLimit(this.current + 1);
    if (this.windowCompletions < this.windowLimit || elapsed < this.minWindowMs) return undefined;
    const limit = this.windowLimit;
    const eventsPerSecond = (this.windowEvents * 1000) / Math.max(elapsed, 1);
    // Mean latency of the window's answers, when every one of them had it.
    const meanLatencyMs = this.windowLatencies === this.windowCompletions ? this.windowLatencyMs / this.windowLatencies : undefined;
    const verdict = this.slowStart ? this.endOfSlowStartWindow(limit, eventsPerSecond, meanLatencyMs) : this.decide(limit, eventsPerSecond, meanLatencyMs);
    this.startWindow(now);
    return { limit, eventsPerSecond, verdict, next: this.current };
  }

  /**
   * A window of slow start ended, which began at `limit` and whose answers took `latencyMs` on average (compared with
   * {@link previous}, the window before it in slow start): slow start
   * goes on while the limit was reached in it and the answers came no slower than in the window before, in
   * proportion to the limits (see the module docstring).
   */
  private endOfSlowStartWindow(limit: number, eventsPerSecond: number, latencyMs: number | undefined): WindowVerdict {
    const before = this.previous;
    this.previous = { limit, eventsPerSecond, latencyMs };
    const slower = before?.latencyMs !== undefined && latencyMs !== undefined ? latencyMs / before.latencyMs - 1 : undefined;
    // Only a window begun at a higher limit than the one before can show queueing caused by the raise (at max the
    // limit stays, and answers slowing then are Pinterest's doing).
    if (slower !== undefined && limit > before!.limit && slower >= Math.max((limit / before!.limit - 1) / 2, MIN_QUEUEING_RISE)) {
      this.slowStart = false;
      this.previous = undefined;
      this.setLimit(Math.max(this.initial, Math.min(this.current, Math.round((this.current * before!.latencyMs!) / latencyMs!))));
      return 'queueing';
    }
    if (this.windowSaturated) return 'slow-start';
    // The reader, not the latency, held the sync back: measure from here on by windows.
    this.slowStart = false;
    this.previous = undefined;
    return 'hold';
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
    this.setLimit(limit + 1);
    // Near a ceiling Pinterest has shown, approach it slowly: its rate window may be longer than our windows.
    if (this.pushedBack) this.holdWindows = HOLD_WINDOWS;
  }

  private setLimit(limit: number): void {
    this.current = Math.max(1, Math.min(this.max, limit));
    if (this.current > this.peak) this.peak = this.current;
  }

  private startWindow(now: number): void {
    this.windowStart = now;
    this.windowLimit = this.current;
    this.windowEvents = 0;
    this.windowCompletions = 0;
    this.windowSaturated = false;
    this.windowPushback = false;
    this.windowLatencyMs = 0;
    this.windowLatencies = 0;
  }
}

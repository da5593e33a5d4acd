/**
 * How many batches may be in flight to Pinterest at once: a limit that follows the latency.
 *
 * A request of 1,000 events is answered after a network round trip plus Pinterest's processing, so with a fixed
 * number of requests in flight, throughput is capped near `limit × events per request / latency`. This controller
 * raises the limit while more requests in flight bring more throughput, and lowers it when Pinterest pushes back
 * (429, 5xx, timeouts: every retry the client makes), never above `max` (the user's `max_concurrent_requests`).
 * `requests_per_minute` is enforced separately by the client's rate limiter; once it binds, a higher limit brings no
 * more throughput, so the limit stops growing.
 *
 * Slow start (from the start of the sync until one of its exits): every answer that comes while the reader waits
 * for a free slot raises the limit by one, so the limit doubles per round trip for as long as the requests are
 * waiting on latency, and the first answers already widen it (a latency of 300 ms needs about 12 in flight; waiting a
 * whole round of answers before each doubling cost the first second of a sync half its throughput). It ends:
 * - when answers come {@link QUEUEING_RATIO} times slower than the fastest one seen (and {@link QUEUEING_MIN_MS}
 *   slower at least): the extra requests wait in a queue (a Pinterest serving requests one after another, the rate
 *   limiter) instead of being served side by side, so the limit goes back to what the fastest answers would need
 *   (`limit × fastest / this latency`, not below where it started);
 * - when a window (below) passes without the reader ever waiting for a slot: the reader, not the latency, is the
 *   bottleneck;
 * - on pushback (below), or at `max`.
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
 * Pushback lowers the limit at once to {@link BACKOFF} of itself (during slow start, to half of it once it has grown,
 * as the last round trip's doubling overshot), but not for a request sent before the last cut, whose answer says
 * nothing about the new limit: a burst of 429s to requests sent together is one cut, a retry refused again after
 * the cut is another. It then holds for
 * {@link PUSHBACK_HOLD_WINDOWS} windows, and from then on raises one step per {@link HOLD_WINDOWS} + 1 windows, so
 * near a rate ceiling (whose window may be longer than ours) the limit settles just under it with an occasional 429
 * rather than a steady stream of them.
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
export const INITIAL_LIMIT = 8;
/** During slow start, an answer this many times slower than the fastest one seen means the requests queue. */
export const QUEUEING_RATIO = 1.5;
/** ... and at least this many ms slower (a few ms of answer time vary by more than half with scheduling alone). */
export const QUEUEING_MIN_MS = 50;

/** What {@link AdaptiveConcurrency} decided at the end of a window, for logs and tests. */
export type WindowVerdict = 'slow-start' | 'queueing' | 'probe' | 'scaling' | 'gain' | 'no-gain' | 'hold' | 'pushback';

/**
 * One finished window: the limit it started with, its throughput (events/s) and what was decided ('slow-start': the
 * limit grew answer by answer during it, or reached max, which ends slow start; 'queueing': slow start ended on slower
 * answers, at the answer that showed it).
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
  /** The limit the sync started with: slow start never ends below it on slower answers. */
  private readonly initial: number;
  /** The fastest answer seen (ms), the latency without queueing. */
  private fastestMs: number | undefined;
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
  // The last clean window, to compare with.
  private previous: { limit: number; eventsPerSecond: number; latencyMs: number | undefined } | undefined;
  /** When the limit was last cut for pushback (epoch ms): pushback to attempts sent before then is ignored. */
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
   * Pinterest pushed back (a retry after 429, 5xx, a timeout or a dropped connection) to an attempt sent at `sentAt`
   * (epoch ms): lower the limit now, unless the attempt was sent before the last cut. Such an attempt was sent under
   * the old limit, so its answer says nothing about the new one (a burst of 429s to requests sent together is one
   * signal); a retry sent after the cut and refused again says the new limit is still too high.
   */
  pushback(now: number, sentAt: number): void {
    if (sentAt <= this.lastCutAt) return;
    this.lastCutAt = now;
    this.pushedBack = true;
    const cut = Math.min(this.current - 1, Math.round(this.current * BACKOFF));
    // A slow start that met pushback overshot in its last round trip, in which the limit doubled: halve it.
    this.setLimit(this.slowStart && this.current > this.initial ? Math.min(cut, Math.ceil(this.current / 2)) : cut);
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
      if (this.fastestMs === undefined || latencyMs < this.fastestMs) this.fastestMs = latencyMs;
    }
    const elapsed = now - this.windowStart;
    if (this.slowStart) {
      const ended = this.slowStartStep(latencyMs, readerWaiting);
      if (ended) {
        // The windows that follow are each at one limit, and the first has no earlier one to be compared with.
        const record: WindowRecord = { limit: this.windowLimit, eventsPerSecond: (this.windowEvents * 1000) / Math.max(elapsed, 1), verdict: ended, next: this.current };
        this.previous = undefined;
        this.startWindow(now);
        return record;
      }
    }
    if (this.windowCompletions < this.windowLimit || elapsed < this.minWindowMs) return undefined;
    const limit = this.windowLimit;
    const eventsPerSecond = (this.windowEvents * 1000) / Math.max(elapsed, 1);
    // Mean latency of the window's answers, when every one of them had it.
    const meanLatencyMs = this.windowLatencies === this.windowCompletions ? this.windowLatencyMs / this.windowLatencies : undefined;
    const verdict = this.slowStart ? this.endOfSlowStartWindow() : this.decide(limit, eventsPerSecond, meanLatencyMs);
    this.startWindow(now);
    return { limit, eventsPerSecond, verdict, next: this.current };
  }

  /**
   * One answer during slow start: one more slot when the limit was reached in this window (or the reader waits for a
   * slot now), unless the answer shows queueing. Returns how slow start ended ('queueing', or 'slow-start' at max),
   * or undefined while it goes on.
   */
  private slowStartStep(latencyMs: number | undefined, readerWaiting: boolean): WindowVerdict | undefined {
    const fastest = this.fastestMs;
    if (latencyMs !== undefined && fastest !== undefined && latencyMs > fastest * QUEUEING_RATIO && latencyMs - fastest >= QUEUEING_MIN_MS) {
      this.slowStart = false;
      this.setLimit(Math.max(Math.ceil(this.current / 2), Math.round((this.current * fastest) / latencyMs)));
      return 'queueing';
    }
    if (!readerWaiting && !this.windowSaturated) return undefined;
    this.setLimit(this.current + 1);
    if (this.current < this.max) return undefined;
    this.slowStart = false;
    return 'slow-start';
  }

  /** A window ended during slow start: it goes on while the reader waited for a slot during the window. */
  private endOfSlowStartWindow(): WindowVerdict {
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

/**
 * Backoff and rate limiting for Pinterest calls.
 *
 * Waits are multiplied by `timeScale` (environment variable PINTEREST_RETRY_TIME_SCALE, default 1) so tests can
 * exercise real retry paths in milliseconds; production never sets it.
 */

/** Retry policy. Units: milliseconds unless named otherwise. */
export interface RetryPolicy {
  /** Retries after the first attempt (config max_retries). */
  maxRetries: number;
  /** Total time budget for one request including waits, ms (config max_retry_seconds × 1000). */
  maxElapsedMs: number;
  /** First backoff step, ms. */
  baseDelayMs: number;
  /** Largest single backoff, ms. */
  maxDelayMs: number;
  /** Multiplier applied to every wait (1 in production). */
  timeScale: number;
}

/** Reads PINTEREST_RETRY_TIME_SCALE (a positive number), default 1. */
export function timeScaleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.PINTEREST_RETRY_TIME_SCALE);
  return Number.isFinite(v) && v > 0 ? v : 1;
}

/**
 * How long to wait before retry number `attempt` (1-based), in ms, before time scaling.
 * Order of preference: `Retry-After` (seconds or an HTTP date), then `X-RateLimit-Reset` (seconds),
 * then exponential backoff with full jitter: uniform in [0, min(maxDelay, base × 2^(attempt-1))].
 */
export function retryDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  headers: { retryAfter?: string | null; rateLimitReset?: string | null } = {},
  now: number = Date.now(),
  random: () => number = Math.random,
): number {
  const ra = headers.retryAfter?.trim();
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) return Math.min(Number(ra) * 1000, 15 * 60_000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.min(Math.max(0, at - now), 15 * 60_000);
  }
  const reset = headers.rateLimitReset?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const n = Number(reset);
    // Seconds until reset; a value that looks like an epoch timestamp (seconds) is turned into a delay.
    const ms = n > 1_000_000_000 ? n * 1000 - now : n * 1000;
    return Math.min(Math.max(0, ms), 15 * 60_000);
  }
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/** Sleeps `ms` milliseconds; resolves early (without error) when `signal` aborts, at once when it already has. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** After the first 429, the pace becomes this share of the request starts of the second before the refused one. */
export const PACE_FIRST_SHARE = 0.85;
/** Each later 429 (to a request started after the last cut) multiplies the pace by this. */
export const PACE_CUT = 0.85;
/** After {@link PACE_RAISE_MS} without a cut the pace rises by this share; each further period, by twice the last rise ... */
export const PACE_RAISE = 0.02;
/** ... but by at most this share. */
export const PACE_RAISE_MAX = 0.5;
/** The period of the rises, ms. */
export const PACE_RAISE_MS = 10_000;
/** The slowest pace, requests per second (one a minute: slower, the retry budget ends the sync anyway). */
export const PACE_MIN_PER_SECOND = 1 / 60;

/** The pace stops rising here (requests per second): far above any rate limit, it no longer spaces anything. */
const PACE_MAX_PER_SECOND = 1e6;

/** The pace learned from 429s (see {@link RateLimiter.refused}). */
export interface Pace {
  /** Request starts per second now allowed. */
  perSecond: number;
  /** Request starts in the second before the first refused request (what Pinterest refused). */
  firstRefusedAt: number;
  /** Times the pace was cut (the first 429 included). */
  cuts: number;
}

/** A request start granted by {@link RateLimiter.take}: pass it to {@link RateLimiter.refused} on a 429. */
export interface RequestStart {
  /** When the request may start (the limiter's clock, ms). */
  at: number;
  /** Pace cuts made before its start was reserved: a refusal of a request reserved under an older pace cuts nothing. */
  cutsBefore: number;
}

/** Request starts remembered for the first pace (a ring): far more than start in the latency of one answer. */
const RECENT_STARTS = 4096;

/**
 * Client-side request rate limiter shared by all in-flight requests to one ad account: request starts are
 * spaced at least 60,000 / requestsPerMinute ms apart (no bursts). Pinterest OpenAPI 5.23, events/create:
 * 5,000 calls per minute per ad account.
 *
 * It also learns a pace from Pinterest's 429s (additive increase, multiplicative decrease on the request rate): the
 * first 429 sets the pace to {@link PACE_FIRST_SHARE} of the starts in the second before the refused request; each
 * later 429 to a request whose start was reserved after the last cut multiplies it by {@link PACE_CUT} (requests
 * reserved before a cut were spaced at the old pace: their refusals say nothing about the new one); every
 * {@link PACE_RAISE_MS} without a cut or a hold raises it, by {@link PACE_RAISE} at first and by twice the last rise
 * each time after (at most {@link PACE_RAISE_MAX}). Starts are then spaced by the slower of the two rules. A rate
 * ceiling (a window of N requests per second or minute, the 10 test requests per second of an app) is thus met by
 * settling just under it with a rare 429, where cutting the requests in flight settled far below it (a concurrency
 * limit is coarse at a few requests in flight: 1 or 2 in flight at 100 ms per answer is 10 or 20 a second). The
 * rises grow so that a pace cut far below what Pinterest takes (a first 429 caused mostly by another integration on
 * the ad account, while this sync sent a request a second) recovers within minutes, not hours: from a tenth of the
 * ceiling in about 100 s.
 */
export class RateLimiter {
  private next = 0;
  private readonly intervalMs: number;
  /** Start times (ring of {@link RECENT_STARTS}), only until the first 429: they give the first pace. */
  private recentStarts: Float64Array | undefined = new Float64Array(RECENT_STARTS);
  private startsSeen = 0;
  private paced: Pace | undefined;
  /** When the pace was last cut or raised, or the end of the last hold (ms): it rises {@link PACE_RAISE_MS} after. */
  private raisedAt = 0;
  /** The next rise (a share of the pace). */
  private nextRaise = PACE_RAISE;
  /** End of the latest hold (ms). A start reserved before it can only lie before it when the hold came later. */
  private heldUntil = 0;

  private readonly clock: () => number;
  private readonly timeScale: number;

  /**
   * @param requestsPerMinute config `requests_per_minute` (starts at least 60,000 / it ms apart)
   * @param o.clock ms clock (default Date.now)
   * @param o.timeScale multiplies the spacing of the learned pace, as it does backoff waits (RetryPolicy.timeScale;
   *   1 in production); the configured spacing is never scaled
   * @throws RangeError when `o.timeScale` is not a positive number
   */
  constructor(requestsPerMinute: number, o: { clock?: () => number; timeScale?: number } = {}) {
    this.intervalMs = 60_000 / Math.max(1, requestsPerMinute);
    this.clock = o.clock ?? Date.now;
    this.timeScale = o.timeScale ?? 1;
    if (!(this.timeScale > 0 && Number.isFinite(this.timeScale))) throw new RangeError(`timeScale must be a positive number, got ${this.timeScale}`);
  }

  /** The pace learned from 429s, if any (a copy). */
  get pace(): Pace | undefined {
    return this.paced && { ...this.paced };
  }

  /**
   * Resolves when the caller may start a request, with that start (see {@link RequestStart}); early, without error,
   * when `signal` aborts (the caller checks it). A start reserved before a hold ({@link holdFor}) that ends after it
   * is reserved again after the hold.
   * @param notAfter the latest start the caller can use (clock ms), binding only while the learned pace is slower than
   *   `requests_per_minute` (waiting for the user's own rate never fails a caller): when the next free start is later,
   *   resolves at once with undefined and reserves nothing (e.g. it lies beyond the time budget of a batch)
   */
  async take(signal?: AbortSignal, notAfter = Number.POSITIVE_INFINITY): Promise<RequestStart | undefined> {
    for (;;) {
      const now = this.clock();
      // Cancelled: the caller gives up; reserve nothing.
      if (signal?.aborted) return { at: now, cutsBefore: this.paced?.cuts ?? 0 };
      const slot = Math.max(now, this.next);
      if (slot > notAfter && this.paceBinds) return undefined;
      const cutsBefore = this.paced?.cuts ?? 0;
      this.next = slot + this.spacingMs(slot);
      if (slot > now) await sleep(slot - now, signal);
      // A hold set while this start waited (one set before lies at or before the slot, as `next` follows it).
      if (!signal?.aborted && this.heldUntil > slot) continue;
      const ring = this.recentStarts;
      if (ring !== undefined) ring[this.startsSeen++ % RECENT_STARTS] = slot;
      return { at: slot, cutsBefore };
    }
  }

  /**
   * Starts no request before `now + ms`: after a 429, Pinterest's wait applies to every request to the ad account,
   * not only to the one that was refused. Starts already reserved within the hold are reserved again after it. The
   * pace does not rise during a hold.
   */
  holdFor(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.clock() + ms);
    this.next = Math.max(this.next, this.heldUntil);
    if (this.paced !== undefined) this.raisedAt = Math.max(this.raisedAt, this.heldUntil);
  }

  /**
   * Pinterest answered 429 to a request that started with `start` (what {@link take} returned): cuts the pace, unless
   * the request's start was reserved before the last cut.
   * @returns true when the pace was cut
   */
  refused(start: RequestStart): boolean {
    const p = this.paced;
    if (p !== undefined && start.cutsBefore < p.cuts) return false;
    if (p === undefined) {
      const starts = Math.max(1, this.startsWithin(start.at - 1000, start.at));
      this.recentStarts = undefined;
      this.paced = { perSecond: Math.max(PACE_MIN_PER_SECOND, PACE_FIRST_SHARE * starts), firstRefusedAt: starts, cuts: 1 };
    } else {
      p.perSecond = Math.max(PACE_MIN_PER_SECOND, p.perSecond * PACE_CUT);
      p.cuts++;
    }
    this.raisedAt = Math.max(this.clock(), this.heldUntil);
    this.nextRaise = PACE_RAISE;
    return true;
  }

  /** Starts remembered in (from, to] (ms). */
  private startsWithin(from: number, to: number): number {
    const ring = this.recentStarts;
    if (ring === undefined) return 0;
    let n = 0;
    for (let k = 1; k <= Math.min(this.startsSeen, RECENT_STARTS); k++) {
      const t = ring[(this.startsSeen - k) % RECENT_STARTS];
      if (t > from && t <= to) n++;
    }
    return n;
  }

  /** The most request starts per second allowed now: `requests_per_minute` / 60, or the pace when it is slower. */
  get maxStartsPerSecond(): number {
    const configured = 1000 / this.intervalMs;
    return this.paced === undefined ? configured : Math.min(configured, this.paced.perSecond);
  }

  /** True while a pace learned from 429s spaces starts more widely than `requests_per_minute`. */
  get paceBinds(): boolean {
    return this.paced !== undefined && (1000 / this.paced.perSecond) * this.timeScale > this.intervalMs;
  }

  /** Spacing of the start after one at `at` (ms): the configured interval or the pace, whichever is slower. */
  private spacingMs(at: number): number {
    const p = this.paced;
    if (p === undefined) return this.intervalMs;
    // Raise the pace once per PACE_RAISE_MS without a cut (catching up on a long pause: at most a few dozen loops
    // before the pace passes PACE_MAX_PER_SECOND, then in one step).
    const period = PACE_RAISE_MS * this.timeScale;
    while (at - this.raisedAt >= period) {
      if (p.perSecond >= PACE_MAX_PER_SECOND) {
        this.raisedAt += Math.floor((at - this.raisedAt) / period) * period;
        break;
      }
      p.perSecond = Math.min(PACE_MAX_PER_SECOND, p.perSecond * (1 + this.nextRaise));
      this.nextRaise = Math.min(PACE_RAISE_MAX, this.nextRaise * 2);
      this.raisedAt += period;
    }
    return Math.max(this.intervalMs, (1000 / p.perSecond) * this.timeScale);
  }
}

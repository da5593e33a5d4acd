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

/** Sleeps `ms` milliseconds; resolves early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
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

/**
 * Client-side request rate limiter shared by all in-flight requests to one ad account: request starts are
 * spaced at least 60,000 / requestsPerMinute ms apart (no bursts). Pinterest OpenAPI 5.23, events/create:
 * 5,000 calls per minute per ad account.
 */
export class RateLimiter {
  private next = 0;
  private readonly intervalMs: number;

  constructor(requestsPerMinute: number, private readonly clock: () => number = Date.now) {
    this.intervalMs = 60_000 / Math.max(1, requestsPerMinute);
  }

  /** Resolves when the caller may start a request (early, without error, when `signal` aborts). */
  async take(signal?: AbortSignal): Promise<void> {
    const now = this.clock();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    if (slot > now) await sleep(slot - now, signal);
  }

  /**
   * Starts no request before `now + ms`: after a 429, Pinterest's wait applies to every request to the ad account,
   * not only to the one that was refused.
   */
  holdFor(ms: number): void {
    this.next = Math.max(this.next, this.clock() + ms);
  }
}

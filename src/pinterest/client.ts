import type { Dispatcher } from 'undici';
import type { TokenProvider } from './auth.js';
import { headerValue } from './auth.js';
import {
  PinterestError,
  describeAnswer,
  errorBody,
  forbiddenMessage,
  isRetryableStatus,
  networkErrorCode,
  notFoundMessage,
  RETRYABLE_NETWORK_CODES,
  unauthorizedMessage,
} from './errors.js';
import type { EventBatch } from './event-batch.js';
import { HTTP_TIMEOUTS, misdirectedAnswer, requestWithDeadline, UnusableAnswer } from './http.js';
import { RateLimiter, retryDelayMs, sleep, type Pace, type RequestStart, type RetryPolicy } from './retry.js';

/** Pinterest's answer for one event (ConversionApiResponse.events[i]); "" and null messages become undefined. */
export interface EventOutcome {
  status: 'processed' | 'failed';
  error_message?: string;
  warning_message?: string;
}

/** Observers for progress reporting; all optional, called synchronously. */
export interface ClientHooks {
  /** A request is about to be sent (every attempt counts). */
  onRequest?: () => void;
  /**
   * A request failed transiently and will be retried after `delayMs` (already time-scaled). `sentAt`: when its
   * first attempt was about to be sent (`performance.now()`, ms), the same for every retry of one call.
   * `rateLimited`: the answer was 429 (the rate limiter's pace handles it; see {@link onPace}).
   */
  onRetry?: (reason: string, delayMs: number, sentAt: number, rateLimited: boolean) => void;
  /**
   * A 429 cut the pace of request starts (see RateLimiter.refused): called before the onRetry of that 429, with the
   * new pace.
   */
  onPace?: (pace: Pace) => void;
  /** A whole-batch 400 is being split in two to isolate the offending events. */
  onSplit?: (size: number) => void;
}

/** Options of {@link PinterestClient}. */
export interface PinterestClientOptions {
  /** API base, e.g. https://api.pinterest.com/v5 (no trailing slash). */
  baseUrl: string;
  adAccountId: string;
  auth: TokenProvider;
  dispatcher: Dispatcher;
  /** Adds `?test=true` to every events request (Pinterest validates, records nothing). */
  testMode: boolean;
  retry: RetryPolicy;
  limiter: RateLimiter;
  hooks?: ClientHooks;
  /** Aborting it stops waits and requests; pending sends then fail with a transient error. */
  signal?: AbortSignal;
}

interface Answer {
  status: number;
  body: unknown;
  requestId?: string;
  retryAfter?: string;
  rateLimitReset?: string;
  /** The Location header (redirects). */
  location?: string;
}

/**
 * Isolated events refused in a row, with nothing delivered yet, after which the rest of the batch is probed to decide
 * whether the refusal is systematic (see PinterestClient.probeRestOfBatch).
 */
const SYSTEMATIC_REFUSAL_LEAVES = 8;

/** State of one batch's bisection, shared by every step of it. */
interface Bisection {
  /** Events isolated (sent alone) and refused so far. */
  refusedAlone: number;
  /** Events delivered (answered 200/422) so far. */
  delivered: number;
  /** Right halves [from, to) the depth-first walk has yet to reach, outermost first. */
  pending: Array<[number, number]>;
  /** Ranges already sent by the probe: their outcomes, or the refusal text when refused as a whole. */
  early: Map<string, EventOutcome[] | string>;
  /** True once the rest of the batch was probed. */
  probed: boolean;
}

function rangeKey(from: number, to: number): string {
  return `${from}-${to}`;
}

/** Options of one logical call. */
interface CallOptions {
  /** A 404 is returned as an answer instead of failing with config_error. */
  notFoundIsAnswer?: boolean;
  /**
   * Reads a non-retryable answer; returns why it does not settle the request (then it is retried like a 5xx and ends
   * in transient_error when retries run out), or undefined when it does.
   */
  settles?: (a: Answer) => string | undefined;
}

/** The events request was refused as a whole (400/413): bisection may isolate the bad events. */
class WholeRequestRejected extends Error {
  constructor(readonly answer: string) {
    super(answer);
  }
}

/**
 * Pinterest API v5 client for one ad account: sending events (with retries, rate limiting, token refresh and
 * per-event results) and the read calls `check` uses.
 */
export class PinterestClient {
  constructor(private readonly opts: PinterestClientOptions) {}

  /** The request pace learned from Pinterest's 429s during this client's life, if any (see RateLimiter.refused). */
  get pace(): Pace | undefined {
    return this.opts.limiter.pace;
  }

  /** The most request starts per second allowed now (see RateLimiter.maxStartsPerSecond). */
  get maxStartsPerSecond(): number {
    return this.opts.limiter.maxStartsPerSecond;
  }

  /**
   * Sends up to 1,000 events with `POST /ad_accounts/{id}/events` and returns one outcome per event, in order.
   *
   * - 200 and 422: Pinterest's per-event statuses (422 = "not all events processed"; its `details` carries the list).
   *   Only an answer with a documented status for every event sent settles them (see {@link perEventOutcomes}); any
   *   other 200/422 (`{}`, `[]`, a short list, an unknown status, a 422 without per-event details) is retried like a
   *   5xx and, when retries run out, fails with `transient_error`: never counted as delivered nor as rejected.
   * - 400/413 for the whole request: the batch is split in halves recursively (bisection) so valid events are still
   *   delivered; a single event refused this way is `failed` with Pinterest's message. When the first 8 events
   *   isolated are all refused and nothing got through, the rest of the batch is probed; when it is refused too,
   *   the refusal is systematic: `system_error` instead.
   * - 429, 5xx, network errors: retried with backoff within the retry policy; every retry sends the same events
   *   (same event_id, so Pinterest de-duplicates a retry of a request it had already recorded).
   *
   * @param batch the events, serialized (see EventBatch)
   * @throws PinterestError `config_error` on 401 (after one refresh for OAuth), 403, 404;
   *   `transient_error` when retries are exhausted or the client was aborted; `system_error` for other answers.
   */
  async sendEvents(batch: EventBatch): Promise<EventOutcome[]> {
    if (batch.length === 0) return [];
    return this.sendBisecting(batch, 0, batch.length, { refusedAlone: 0, delivered: 0, pending: [], early: new Map(), probed: false });
  }

  /**
   * One step of the bisection, over events `from` (inclusive) to `to` (exclusive) of the batch, depth first (left
   * half before right half). `walk` is shared by the whole batch; see {@link probeRestOfBatch} for when a refusal
   * counts as systematic.
   */
  private async sendBisecting(batch: EventBatch, from: number, to: number, walk: Bisection): Promise<EventOutcome[]> {
    const key = rangeKey(from, to);
    const early = walk.early.get(key);
    let refusal: string;
    if (early !== undefined) {
      walk.early.delete(key);
      if (typeof early !== 'string') return early; // delivered by a probe (already counted)
      refusal = early;
    } else {
      try {
        const outcomes = await this.sendOnce(batch, from, to);
        walk.delivered += to - from;
        return outcomes;
      } catch (err) {
        if (!(err instanceof WholeRequestRejected)) throw err;
        refusal = err.answer;
      }
    }
    if (to - from === 1) {
      walk.refusedAlone++;
      if (walk.delivered === 0 && walk.refusedAlone >= SYSTEMATIC_REFUSAL_LEAVES) await this.probeRestOfBatch(batch, walk, refusal);
      return [{ status: 'failed', error_message: `whole request refused (${refusal}), also with this event sent alone` }];
    }
    this.opts.hooks?.onSplit?.(to - from);
    const mid = from + Math.ceil((to - from) / 2);
    walk.pending.push([mid, to]);
    const left = await this.sendBisecting(batch, from, mid, walk);
    walk.pending.pop();
    const right = await this.sendBisecting(batch, mid, to, walk);
    return left.concat(right);
  }

  /**
   * Called when the first {@link SYSTEMATIC_REFUSAL_LEAVES} events isolated were all refused alone and nothing got
   * through. Depth first, those events all come from the start of the batch, which is no evidence about the rest (a
   * broken partition puts its bad rows side by side). So every part of the batch the walk has not reached yet (the
   * right halves pending on the way down, which together cover the rest of the batch) is sent once as a whole,
   * exactly as the walk would send it later: the answers are kept for the walk, so no request is wasted.
   *
   * If one of them gets through, the bad rows are local: the bisection goes on. If every one is refused as well,
   * bad events are spread over the whole batch: the refusal is systematic (every event carries the problem), so the
   * batch fails the sync (`system_error`) instead of costing ~2n requests and rejecting every row.
   */
  private async probeRestOfBatch(batch: EventBatch, walk: Bisection, refusal: string): Promise<void> {
    if (!walk.probed) {
      walk.probed = true;
      for (const [from, to] of walk.pending) {
        try {
          walk.early.set(rangeKey(from, to), await this.sendOnce(batch, from, to));
          walk.delivered += to - from;
        } catch (err) {
          if (!(err instanceof WholeRequestRejected)) throw err;
          walk.early.set(rangeKey(from, to), err.answer);
        }
      }
    }
    if (walk.delivered > 0) return;
    throw new PinterestError(
      `Pinterest refuses every event of a batch, even one at a time (${refusal}), and every part of the batch sent as a whole. The events are systematically invalid, which points to a mapping or connector problem; the sync stops here instead of rejecting every row. Run write --dry-run to inspect the events, and report the message if it persists.`,
      'system_error',
      { status: 400 },
    );
  }

  private async sendOnce(batch: EventBatch, from: number, to: number): Promise<EventOutcome[]> {
    const path = `/ad_accounts/${encodeURIComponent(this.opts.adAccountId)}/events${this.opts.testMode ? '?test=true' : ''}`;
    let outcomes: EventOutcome[] | undefined;
    const a = await this.call('POST', path, batch.body(from, to), {
      // Only an answer with a known status for every event sent settles the events; any other 200/422 is retried.
      settles: (answer) => {
        if (answer.status !== 200 && answer.status !== 422) return undefined;
        const read = perEventOutcomes(answer, to - from);
        if (typeof read === 'string') return `${read}${answer.requestId ? ` [x-pinterest-rid ${answer.requestId}]` : ''}`;
        outcomes = read;
        // The parsed answer (one object per event) is read: drop it now rather than keep it referenced until the call
        // returns (dropping it cut what V8 promotes per 200,000 records sent from 50 to 38 MB, 2026-12-06).
        answer.body = undefined;
        return undefined;
      },
    });
    if (outcomes) return outcomes;
    // Without the request id: the refusal becomes each isolated event's rejection reason, grouped by text.
    if (a.status === 400 || a.status === 413) throw new WholeRequestRejected(describeAnswer(a.status, errorBody(a.body)));
    const answer = describeAnswer(a.status, errorBody(a.body), a.requestId);
    throw new PinterestError(`Pinterest answered the events request with an unexpected ${answer}.`, 'system_error', { status: a.status, requestId: a.requestId });
  }

  /**
   * `GET /ad_accounts/{id}` (needs an OAuth token with ads:read). Returns the ad account object
   * (Pinterest OpenAPI 5.23, AdAccount: id, name, owner, country, currency, permissions[]...).
   * @throws PinterestError as {@link sendEvents} does for 401/403/404.
   */
  async getAdAccount(): Promise<Record<string, unknown>> {
    const a = await this.call('GET', `/ad_accounts/${encodeURIComponent(this.opts.adAccountId)}`);
    if (a.status === 200) return (a.body ?? {}) as Record<string, unknown>;
    throw new PinterestError(`Pinterest answered ${describeAnswer(a.status, errorBody(a.body), a.requestId)} when reading the ad account.`, 'system_error', { status: a.status });
  }

  /**
   * `GET /ad_accounts/{id}/conversion_tags/{tag_id}` (OAuth, ads:read). Returns the tag object
   * (Pinterest OpenAPI 5.23, ConversionTagResponse: id, name, status, ...), or null when Pinterest answers 404.
   */
  async getConversionTag(tagId: string): Promise<Record<string, unknown> | null> {
    const a = await this.call('GET', `/ad_accounts/${encodeURIComponent(this.opts.adAccountId)}/conversion_tags/${encodeURIComponent(tagId)}`, undefined, {
      notFoundIsAnswer: true,
    });
    if (a.status === 200) return (a.body ?? {}) as Record<string, unknown>;
    if (a.status === 404) return null;
    throw new PinterestError(`Pinterest answered ${describeAnswer(a.status, errorBody(a.body), a.requestId)} when reading the conversion tag.`, 'system_error', { status: a.status });
  }

  /**
   * One GET below the ad account, `/ad_accounts/{id}/<subPath>?<query>`, for reads whose only purpose is a report
   * (advertiser-defined events, Event Quality Score) and that must never slow a sync: one attempt, no retry and no
   * backoff, abandoned after `timeoutMs`; only a 401 to an OAuth token is retried once after refreshing it. It shares
   * the rate limiter with every other call and is not counted by the hooks.
   *
   * @returns Pinterest's answer whatever its status other than 401 (body parsed as JSON, undefined when it is not JSON)
   * @throws PinterestError `transient_error` when Pinterest could not be reached or did not answer within `timeoutMs`
   *   (`details.reason`: the network error code, or "timeout"), when a pace cut by 429s leaves no start within
   *   `timeoutMs` ("rate_limited"), or when the sync is cancelled ("cancelled"); `config_error` for a 401 that a refresh cannot cure,
   *   or a refused refresh (as {@link sendEvents})
   */
  async readOnce(subPath: string, query: Record<string, string>, timeoutMs: number): Promise<{ status: number; body: unknown; requestId?: string }> {
    const { limiter, auth, signal } = this.opts;
    const qs = new URLSearchParams(query).toString();
    const path = `/ad_accounts/${encodeURIComponent(this.opts.adAccountId)}/${subPath}${qs ? `?${qs}` : ''}`;
    let token = await auth.token();
    for (let refreshed = false; ; refreshed = true) {
      const start = await limiter.take(signal, Date.now() + timeoutMs);
      if (start === undefined || signal?.aborted) {
        const why = signal?.aborted ? 'the sync was cancelled' : `after Pinterest's 429s, no request can start within ${Math.round(timeoutMs / 1000)} s`;
        throw new PinterestError(`Could not read from Pinterest (${why}).`, 'transient_error', { reason: signal?.aborted ? 'cancelled' : 'rate_limited' });
      }
      let a: Answer;
      try {
        a = await this.send('GET', path, token, undefined, timeoutMs);
      } catch (err) {
        const unusable = err instanceof UnusableAnswer ? err : undefined;
        const reason = unusable ? unusable.reason : networkErrorCode(err);
        const problem = unusable?.reason === 'timeout' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : unusable ? unusable.message : `network error ${reason ?? (err as Error).name}`;
        throw new PinterestError(`Could not read from Pinterest (${problem}).`, 'transient_error', { reason });
      }
      if (a.status === 401) {
        const fresh = refreshed ? null : await auth.refreshAfterUnauthorized(token);
        if (fresh) {
          token = fresh;
          continue;
        }
        throw new PinterestError(unauthorizedMessage(auth.kind, describeAnswer(a.status, errorBody(a.body), a.requestId)), 'config_error', {
          status: 401,
          code: errorBody(a.body).code,
          requestId: a.requestId,
        });
      }
      return { status: a.status, body: a.body, requestId: a.requestId };
    }
  }

  /**
   * One logical call with rate limiting, retries and token refresh. Returns the final answer for statuses the
   * caller handles (2xx, 400, 413, 422, and 404 when `notFoundIsAnswer`); throws for the rest.
   */
  private async call(method: 'GET' | 'POST', path: string, body?: Uint8Array, o: CallOptions = {}): Promise<Answer> {
    const { retry, limiter, hooks, signal, auth } = this.opts;
    const started = Date.now();
    // Backoff waits actually slept (time-scaled). The budget is checked against unscaled time, so a test's time
    // scale shrinks the waits without also shrinking the budget below the time the requests themselves take.
    let sleptMs = 0;
    let token = await auth.token();
    let refreshed = false;
    let firstSentAt: number | undefined;
    let lastProblem = '';
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new PinterestError('The sync was cancelled before Pinterest confirmed every batch.', 'transient_error');
      const startedAt = await this.startWithinBudget(attempt, retry.maxElapsedMs - (Date.now() - started - sleptMs + sleptMs / retry.timeScale), lastProblem);
      hooks?.onRequest?.();
      firstSentAt ??= performance.now();
      let a: Answer | undefined;
      let problem: string;
      try {
        // The attempt's overall deadline: at most requestMs, and not past max_retry_seconds unless that leaves less
        // than minRequestMs.
        const budgetLeft = retry.maxElapsedMs - (Date.now() - started - sleptMs + sleptMs / retry.timeScale);
        a = await this.send(method, path, token, body, Math.max(HTTP_TIMEOUTS.minRequestMs, Math.min(HTTP_TIMEOUTS.requestMs, budgetLeft)));
      } catch (err) {
        if (signal?.aborted) throw new PinterestError('The sync was cancelled before Pinterest confirmed every batch.', 'transient_error');
        if (err instanceof UnusableAnswer) problem = err.message;
        else {
          const code = networkErrorCode(err);
          const fatal = classifyConnectionFailure(err, code);
          if (fatal) throw fatal;
          if (!code || !RETRYABLE_NETWORK_CODES.has(code)) {
            throw new PinterestError(`Could not reach Pinterest (${code ?? (err as Error).name ?? 'network error'}).`, 'transient_error', { reason: code });
          }
          problem = `network error ${code}`;
        }
      }
      if (a) {
        if (a.status === 401) {
          const fresh = refreshed ? null : await auth.refreshAfterUnauthorized(token);
          if (fresh) {
            refreshed = true;
            token = fresh;
            attempt--; // a refresh is not a retry
            continue;
          }
          throw new PinterestError(unauthorizedMessage(auth.kind, describeAnswer(a.status, errorBody(a.body), a.requestId)), 'config_error', {
            status: 401,
            code: errorBody(a.body).code,
            requestId: a.requestId,
          });
        }
        if (a.status === 403) {
          throw new PinterestError(forbiddenMessage(this.opts.adAccountId, describeAnswer(a.status, errorBody(a.body), a.requestId)), 'config_error', {
            status: 403,
            code: errorBody(a.body).code,
            requestId: a.requestId,
          });
        }
        if (a.status === 404 && !o.notFoundIsAnswer) {
          throw new PinterestError(notFoundMessage(this.opts.adAccountId, describeAnswer(a.status, errorBody(a.body), a.requestId)), 'config_error', {
            status: 404,
            requestId: a.requestId,
          });
        }
        const misdirected = misdirectedAnswer(a.status, a.location, this.opts.baseUrl);
        if (misdirected) throw misdirected;
        // An answer that does not say what became of every event (a proxy's HTML page, `{}`, a short list) says
        // nothing about the events: counting them either way would be a guess. Retry: the same event_ids make it safe.
        const unsettled = isRetryableStatus(a.status) ? undefined : (o.settles ?? readableObject)(a);
        if (!isRetryableStatus(a.status) && unsettled === undefined) return a;
        problem = unsettled ?? describeAnswer(a.status, errorBody(a.body), a.requestId);
      }
      const unscaledDelay = retryDelayMs(attempt + 1, retry, { retryAfter: a?.retryAfter, rateLimitReset: a?.rateLimitReset });
      const delay = unscaledDelay * retry.timeScale;
      const elapsed = Date.now() - started;
      const budgetUsed = elapsed - sleptMs + sleptMs / retry.timeScale;
      if (attempt >= retry.maxRetries || budgetUsed + unscaledDelay > retry.maxElapsedMs) {
        throw new PinterestError(
          `Pinterest did not accept a batch after ${attempt + 1} attempts over ${Math.round(elapsed / 1000)} s (last: ${problem!}). Airbyte will retry the sync from the last saved state; events already sent carry the same event_id and are de-duplicated by Pinterest.`,
          'transient_error',
          { status: a?.status, requestId: a?.requestId },
        );
      }
      const rateLimited = a?.status === 429;
      if (rateLimited) {
        limiter.holdFor(delay);
        if (limiter.refused(startedAt)) hooks?.onPace?.(limiter.pace!);
      }
      hooks?.onRetry?.(problem!, delay, firstSentAt, rateLimited);
      lastProblem = problem!;
      const before = Date.now();
      await sleep(delay, signal);
      sleptMs += Date.now() - before;
    }
  }

  /**
   * Waits for the rate limiter's next start for attempt `attempt` of a call (0-based) that has `budgetLeftMs` (ms,
   * unscaled) of its max_retry_seconds left. While a pace cut by 429s binds, the start must lie within that budget: a
   * pace cut again and again can put it far out. (Waiting for requests_per_minute, the user's own setting, never
   * fails a call.)
   * @param lastProblem what the previous attempt met (for the error message)
   * @throws PinterestError `transient_error` when the sync is cancelled while waiting, or no start lies within the
   *   budget (`details.reason` "rate_limited")
   */
  private async startWithinBudget(attempt: number, budgetLeftMs: number, lastProblem: string): Promise<RequestStart> {
    const { limiter, signal, retry } = this.opts;
    const start = await limiter.take(signal, Date.now() + Math.max(0, budgetLeftMs));
    if (signal?.aborted) throw new PinterestError('The sync was cancelled before Pinterest confirmed every batch.', 'transient_error');
    if (start !== undefined) return start;
    const pace = limiter.pace!.perSecond.toPrecision(2);
    const tried = attempt === 0 ? 'Could not send a batch' : `Pinterest did not accept a batch after ${attempt} attempt${attempt === 1 ? '' : 's'} (last: ${lastProblem}), and could not send it again`;
    throw new PinterestError(
      `${tried} within max_retry_seconds (${Math.round(retry.maxElapsedMs / 1000)} s): after Pinterest's 429s requests start at most ${pace} a second, and the next free start lies beyond that budget. ` +
        'Airbyte will retry the sync from the last saved state; events already sent carry the same event_id and are de-duplicated by Pinterest.',
      'transient_error',
      { reason: 'rate_limited' },
    );
  }

  /**
   * One HTTP attempt, read whole within `deadlineMs` (see requestWithDeadline).
   * @throws UnusableAnswer when the deadline passes or the answer is too large; the network error otherwise
   */
  private async send(method: 'GET' | 'POST', path: string, token: string, body: Uint8Array | undefined, deadlineMs: number): Promise<Answer> {
    const res = await requestWithDeadline(
      this.opts.baseUrl + path,
      {
        method,
        dispatcher: this.opts.dispatcher,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body,
      },
      deadlineMs,
      this.opts.signal,
    );
    let parsed: unknown;
    try {
      parsed = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      parsed = undefined;
    }
    return {
      status: res.status,
      body: parsed,
      requestId: headerValue(res.headers['x-pinterest-rid']),
      retryAfter: headerValue(res.headers['retry-after']),
      rateLimitReset: headerValue(res.headers['x-ratelimit-reset']),
      location: headerValue(res.headers.location),
    };
  }
}

/** TLS verification failures: the machine does not trust the certificate it was shown (Node/OpenSSL codes). */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Connection failures that retrying cannot fix, as config errors naming the fix: a proxy that demands or rejects
 * credentials (undici's tunnel error "Proxy response (407) !== 200"), and certificates the machine does not trust.
 * Returns undefined for everything else.
 */
export function classifyConnectionFailure(err: unknown, code: string | undefined): PinterestError | undefined {
  const text = err instanceof Error ? err.message : '';
  const proxy = /Proxy response \((\d{3})\)/.exec(text);
  if (proxy && (proxy[1] === '407' || proxy[1] === '403')) {
    return new PinterestError(
      `The HTTP proxy refused the connection to Pinterest (HTTP ${proxy[1]}${proxy[1] === '407' ? ' Proxy Authentication Required' : ''}). Check the user name and password in HTTPS_PROXY / HTTP_PROXY (http://user:password@host:port, URL-encoded), or whether the proxy allows api.pinterest.com.`,
      'config_error',
      { status: Number(proxy[1]), reason: 'proxy' },
    );
  }
  if (code && CERTIFICATE_CODES.has(code)) {
    return new PinterestError(
      `Could not verify Pinterest's TLS certificate (${code}). Behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to a PEM file with the proxy's CA certificate.`,
      'config_error',
      { reason: code },
    );
  }
  return undefined;
}

/** The default of CallOptions.settles: a 200 or 422 must carry a JSON object (not a proxy's HTML page, not empty). */
function readableObject(a: Answer): string | undefined {
  if (a.status !== 200 && a.status !== 422) return undefined;
  if (a.body !== null && typeof a.body === 'object' && !Array.isArray(a.body)) return undefined;
  return `HTTP ${a.status} with a body that is not a JSON object${a.requestId ? ` [x-pinterest-rid ${a.requestId}]` : ''}`;
}

/** Non-empty string or undefined ("" and null are the same: no message). */
function message(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 500) : undefined;
}

/** The outcome of an event processed without an error or warning message, shared (frozen). */
export const PROCESSED: EventOutcome = Object.freeze({ status: 'processed' });

/** Per-event statuses Pinterest documents (OpenAPI 5.23, ConversionApiResponse.events[].status). */
const KNOWN_EVENT_STATUSES = new Set(['processed', 'failed']);

/**
 * Reads the per-event list of a 200 (`events`) or 422 (`details.events`, or `details` as the list itself) answer
 * to a request of `n` events, in request order (Pinterest OpenAPI 5.23, ConversionApiResponse: "The order will match
 * the order in which the events were received").
 *
 * Returns one outcome per event only when the answer accounts for every event: a JSON object whose list has exactly
 * `n` entries, each with a status Pinterest documents (`processed` or `failed`). Otherwise returns a value-free
 * description of what is missing (e.g. `HTTP 200 with per-event statuses for 3 of 5 events`): such an answer
 * settles nothing, because counting its events as delivered or as rejected would be a guess. Outcomes are read-only:
 * events processed without a message share one frozen outcome.
 */
export function perEventOutcomes(a: { status: number; body: unknown }, n: number): EventOutcome[] | string {
  if (a.body === null || typeof a.body !== 'object' || Array.isArray(a.body)) return `HTTP ${a.status} with a body that is not a JSON object`;
  const b = a.body as Record<string, unknown>;
  const details = b.details as unknown;
  const list: unknown = Array.isArray(b.events)
    ? b.events
    : a.status === 422 && Array.isArray(details)
      ? details
      : a.status === 422 && details && typeof details === 'object' && Array.isArray((details as Record<string, unknown>).events)
        ? (details as Record<string, unknown>).events
        : undefined;
  if (!Array.isArray(list)) return `HTTP ${a.status} without per-event statuses`;
  if (list.length !== n) return `HTTP ${a.status} with per-event statuses for ${list.length} of ${n} events`;
  const out: EventOutcome[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = list[i] as Record<string, unknown> | null | undefined;
    const status = e && typeof e === 'object' ? e.status : undefined;
    if (typeof status !== 'string' || !KNOWN_EVENT_STATUSES.has(status)) {
      return `HTTP ${a.status} with a per-event status other than "processed" or "failed"`;
    }
    const error = message(e!.error_message);
    const warning = message(e!.warning_message);
    // Most events are processed without a message: they share one outcome (no object per event to collect).
    out[i] = status === 'processed' && error === undefined && warning === undefined ? PROCESSED : { status: status as EventOutcome['status'], error_message: error, warning_message: warning };
  }
  return out;
}
